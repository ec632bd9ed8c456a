// Hashing the strings weft's flat tables are keyed by (graph/string_view_hash.h): libstdc++'s
// std::hash, which absl::Hash<std::string_view> falls back to with Debian's Abseil, against
// Abseil's own hash of the same bytes. The keys are the generator's (default stream, 10,000
// alerts): alert keys after "<tenant>/", titles, and evidence entity keys. Run a Release build:
//   ./build/release/bench/weft_string_hash_bench
// Numbers and the machine they came from: docs/benchmarks.md.

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "bench/default_stream.h"
#include "graph/string_view_hash.h"

#include "absl/hash/hash.h"

namespace weft {
namespace {

struct Strings {
  std::vector<std::string> key_rests, titles, entity_keys;
};

const Strings& Generated() {
  static const Strings kStrings = [] {
    Strings s;
    for (const Alert& alert : bench::DefaultStreamAlerts(10000)) {
      s.key_rests.push_back(alert.key.substr(alert.tenant.size() + 1));
      s.titles.push_back(alert.title);
      for (const Evidence& ev : alert.evidence) s.entity_keys.push_back(ev.entity.key);
    }
    return s;
  }();
  return kStrings;
}

const std::vector<std::string>& Pick(int which) {
  const Strings& s = Generated();
  return which == 0 ? s.key_rests : which == 1 ? s.titles : s.entity_keys;
}

const char* Name(int which) {
  return which == 0 ? "alert key rests" : which == 1 ? "titles" : "entity keys";
}

// range(0): 0 alert key rests, 1 titles, 2 entity keys. Items: strings hashed.
template <typename Hash>
void HashAll(benchmark::State& state) {
  const std::vector<std::string>& strings = Pick(static_cast<int>(state.range(0)));
  std::size_t bytes = 0;
  for (const std::string& s : strings) bytes += s.size();
  const Hash hash;
  for (auto _ : state) {
    std::size_t acc = 0;
    for (const std::string& s : strings) acc += hash(std::string_view(s));
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(strings.size()));
  state.SetLabel(std::string(Name(static_cast<int>(state.range(0)))) + ", mean " +
                 std::to_string(bytes / strings.size()) + " bytes");
}

void BM_HashStdStringView(benchmark::State& state) { HashAll<absl::Hash<std::string_view>>(state); }
BENCHMARK(BM_HashStdStringView)->DenseRange(0, 2);

void BM_HashAbslView(benchmark::State& state) { HashAll<StringViewHash>(state); }
BENCHMARK(BM_HashAbslView)->DenseRange(0, 2);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
