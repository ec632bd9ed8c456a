// Engine micro benchmarks (engine/engine.h): Engine::Ingest of one batch of generated alerts into
// an InMemoryStore — entity resolution, correlation, incident upkeep and the store write, without
// RocksDB. range(0) = alerts per batch. The engine keeps growing across iterations (a long-running
// ingest); items/s = alerts/s. And the engine's alert index growing as an ingest grows it
// (engine/internal/key_index.h). Run a Release build:
//   ./build/bench/bench/weft_engine_bench --benchmark_counters_tabular=true
// Numbers and the machine they came from: docs/benchmarks.md.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include "bench/generator/generator.h"
#include "engine/engine.h"
#include "engine/internal/key_index.h"
#include "engine/internal/string_arena.h"
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

void BM_EngineIngestBatch(benchmark::State& state) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  generator::GeneratorOptions options;
  options.alerts = 2'000'000;  // more than any run consumes
  auto stream = Check(generator::AlertStream::Create(options));
  InMemoryStore store;
  auto engine = Check(Engine::Open(store, CorrelationConfig{}));
  std::vector<generator::GeneratedAlert> generated;
  std::vector<Alert> pending;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Alert> batch;
    while (pending.size() < batch_size && stream->Next(generated, batch_size)) {
      for (generator::GeneratedAlert& g : generated) {
        if (!g.informational) pending.push_back(std::move(g.alert));
      }
    }
    const std::size_t take = std::min(batch_size, pending.size());
    batch.assign(std::make_move_iterator(pending.begin()),
                 std::make_move_iterator(pending.begin() + take));
    pending.erase(pending.begin(), pending.begin() + take);
    state.ResumeTiming();
    benchmark::DoNotOptimize(
        Check(engine->Ingest(std::move(batch), {}, options.start + options.span)));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch_size));
  state.counters["alerts_in_engine"] = static_cast<double>(engine->alert_count());
}
BENCHMARK(BM_EngineIngestBatch)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Iterations(100)
    ->Unit(benchmark::kMillisecond);

struct ArenaKeys {
  const std::vector<internal::StringArena::Ref>* refs;
  std::string_view operator()(std::uint32_t id) const { return (*refs)[id].view(); }
};

// range(0) alerts arrive with new keys, each looked up (prefetched two ahead) and then indexed, as
// Engine::Ingest does: the index grows from empty by doubling, as in a new store's ingest. The
// keys are 68 bytes, the mean of the generator's alert keys after "<tenant>/", stored in an arena
// as the engine stores them. items/s = alerts/s.
void BM_AlertIndexGrowth(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  internal::StringArena arena;
  std::vector<internal::StringArena::Ref> refs;
  std::vector<std::string> keys;
  std::mt19937_64 rng(1);
  for (std::uint32_t i = 0; i < n; ++i) {
    char key[69];
    std::snprintf(key, sizeof key, "mdc/%016llx%016llx%016llx%016llx",
                  static_cast<unsigned long long>(rng()), static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()), static_cast<unsigned long long>(rng()));
    keys.emplace_back(key);
  }
  for (auto _ : state) {
    state.PauseTiming();
    refs.clear();
    refs.reserve(n);
    auto index = std::make_unique<internal::KeyIndex<ArenaKeys>>(ArenaKeys{&refs});
    state.ResumeTiming();
    for (std::uint32_t i = 0; i < n; ++i) {
      if (i + 2 < n) index->Prefetch(keys[i + 2]);
      if (index->Find(keys[i]) != index->kNotFound) std::abort();
      refs.push_back(arena.Store(keys[i]));
      index->Insert(i);
    }
    state.PauseTiming();
    index.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_AlertIndexGrowth)->Arg(1'000'000)->Arg(4'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
