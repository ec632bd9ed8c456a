// Generator benchmarks: how fast the in-memory AlertStream yields normalized alerts (the input
// of the end-to-end and correlation benchmarks), and how fast GenerateToDirectory writes the
// native formats. Numbers and the machine they came from are in docs/benchmarks.md. Run a
// Release build:
//   ./build/release/bench/weft_generator_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "bench/generator/generator.h"

namespace weft::generator {
namespace {

// BM_GenerateAlerts/<alerts>: the whole in-memory stream, 4 tenants, mixed sources.
void BM_GenerateAlerts(benchmark::State& state) {
  GeneratorOptions options;
  options.alerts = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t evidence = 0;
  for (auto _ : state) {
    Result<std::unique_ptr<AlertStream>> stream = AlertStream::Create(options);
    if (!stream.ok()) {
      state.SkipWithError(stream.status().ToString().c_str());
      return;
    }
    std::vector<GeneratedAlert> batch;
    while ((*stream)->Next(batch)) {
      for (const GeneratedAlert& g : batch) evidence += g.alert.evidence.size();
      benchmark::DoNotOptimize(batch.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["evidence_per_alert"] =
      static_cast<double>(evidence) / static_cast<double>(state.iterations() * state.range(0));
}
BENCHMARK(BM_GenerateAlerts)
    ->RangeMultiplier(10)
    ->Range(10'000, 1'000'000)
    ->Unit(benchmark::kMillisecond);

// BM_GenerateToDirectory/<alerts>/<weft>: native formats (0) or weft JSON lines (1) on disk.
void BM_GenerateToDirectory(benchmark::State& state) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "weft_generator_bench_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  GeneratorOptions options;
  options.alerts = static_cast<std::uint64_t>(state.range(0));
  options.format = state.range(1) == 1 ? "weft" : "mixed";
  for (auto _ : state) {
    Result<GeneratorSummary> summary = GenerateToDirectory(options, tmpl);
    if (!summary.ok()) {
      state.SkipWithError(summary.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(summary->records);
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GenerateToDirectory)
    ->Args({100'000, 0})
    ->Args({100'000, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weft::generator

BENCHMARK_MAIN();
