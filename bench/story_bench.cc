// Story micro benchmark (engine/story.h): BuildStory of the largest incidents of a generated
// stream ingested into an InMemoryStore (store reads, timeline, assets, kill chain, links).
// range(0) = the rank of the incident by size (0 = the largest). Run a Release build:
//   ./build/bench/bench/weft_story_bench --benchmark_counters_tabular=true
// Numbers and the machine they came from: docs/benchmarks.md.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "bench/generator/generator.h"
#include "engine/engine.h"
#include "engine/story.h"
#include "graph/in_memory_store.h"

namespace weft {
namespace {

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

struct Fixture {
  InMemoryStore store;
  std::vector<std::pair<std::size_t, std::string>> incidents;  // (alerts, id), largest first
};

// 100k generated records ingested once.
Fixture& Data() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    generator::GeneratorOptions options;
    options.alerts = 100'000;
    auto stream = Check(generator::AlertStream::Create(options));
    auto engine = Check(Engine::Open(fx->store, CorrelationConfig{}));
    std::vector<generator::GeneratedAlert> generated;
    while (stream->Next(generated, 1000)) {
      std::vector<Alert> batch;
      for (generator::GeneratedAlert& g : generated) {
        if (!g.informational) batch.push_back(std::move(g.alert));
      }
      Check(engine->Ingest(std::move(batch), {}, options.start + options.span));
    }
    for (auto& [id, keys] : engine->Grouping()) fx->incidents.emplace_back(keys.size(), id);
    std::sort(fx->incidents.rbegin(), fx->incidents.rend());
    return fx;
  }();
  return *f;
}

void BM_BuildStory(benchmark::State& state) {
  Fixture& f = Data();
  const auto& [size, id] = f.incidents.at(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(Check(BuildStory(f.store, id)));
  }
  state.counters["incident_alerts"] = static_cast<double>(size);
}
BENCHMARK(BM_BuildStory)->Arg(0)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
