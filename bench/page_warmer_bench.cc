// PageWarmer micro benchmark (engine/internal/page_warmer.h): a replay's pattern. Two tables of
// 128 MiB are reserved at once, then the first is filled at random (the entities), then the
// second (the alerts); with and without a warmer faulting them in on a second thread.
// range(0) = 1 with the warmer. Every iteration's tables are fresh memory (their pages are handed
// back to the kernel before they are freed, so the allocator cannot reuse resident memory).
// items/s = table writes/s. Run a Release build:
//   ./build/release/bench/weft_page_warmer_bench --benchmark_counters_tabular=true
// Numbers and the machine they came from: docs/benchmarks.md.

#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <cstdint>
#include <optional>

#include "engine/internal/huge_pages.h"
#include "engine/internal/page_warmer.h"

namespace weft::internal {
namespace {

constexpr std::size_t kTableBytes = std::size_t{128} << 20;
constexpr std::size_t kTableWords = kTableBytes / sizeof(std::uint64_t);
constexpr std::size_t kWrites = 4'000'000;  // a table

// Writes kWrites random slots of `table`, as a hash table's inserts; the last slot's index.
std::uint64_t FillAtRandom(std::uint64_t* table) {
  std::uint64_t x = 0x9E3779B97F4A7C15u;
  for (std::size_t i = 0; i < kWrites; ++i) {
    x ^= x << 13;  // xorshift
    x ^= x >> 7;
    x ^= x << 17;
    table[x % kTableWords] = i;
  }
  return x % kTableWords;
}

void BM_FillFreshTable(benchmark::State& state) {
  const bool warm = state.range(0) == 1;
  std::uint64_t pages_warmed = 0;
  for (auto _ : state) {
    PageWarmer warmer;
    std::optional<PageWarmer::Scope> scope;
    if (warm) scope.emplace(warmer);
    std::uint64_t* tables[2];
    for (std::uint64_t*& t : tables) t = static_cast<std::uint64_t*>(AllocateHuge(kTableBytes));
    for (std::uint64_t* t : tables) benchmark::DoNotOptimize(t[FillAtRandom(t)]);
    state.PauseTiming();
    scope.reset();
    pages_warmed += warmer.counters().pages_warmed;
    for (std::uint64_t* t : tables) {
      (void)madvise(t, kTableBytes, MADV_DONTNEED);
      FreeHuge(t);
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * kWrites));
  state.counters["warmed_MiB"] = benchmark::Counter(
      static_cast<double>(pages_warmed * (kHugePage >> 20)), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_FillFreshTable)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace weft::internal

BENCHMARK_MAIN();
