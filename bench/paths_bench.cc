// Attack-path query micro benchmarks: shortest path and k shortest paths on a random relation
// graph of 1M entities / ~3M relations built in memory (PathGraph::Build), directed, and on the
// same graph with hubs (10 entities take 10% of the relations, like NAT or scanner IPs),
// undirected. Each benchmark also reports p50/p99 latency over the queries it ran (counters
// p50_us, p99_us) and the work behind it, which does not drift with the host: the mean and p99
// of the steps each query scanned (steps_mean, steps_p99; PathQueryStats). The hub graph is
// queried with and without the hubs' distance tables (PathGraphOptions::hubs).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include "engine/path_query.h"

namespace weft {
namespace {

constexpr int kEntities = 1'000'000;
constexpr int kRelations = 3'000'000;

std::string Key(int i) { return "device:mde:" + std::to_string(i); }

PathGraph MakeGraph(bool hubs, bool hub_tables) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> pick(0, kEntities - 1);
  const char* names[] = {"runs_on",     "logged_on", "can_assume",
                         "has_role_on", "member_of", "reads_data"};
  std::vector<Relation> rels;
  rels.reserve(kRelations);
  for (int i = 0; i < kRelations; ++i) {
    Relation r;
    r.tenant = "bench";
    r.from = Key(hubs && i % 10 == 0 ? i % 100 / 10 : pick(rng));  // entities 0-9 are the hubs
    r.to = Key(pick(rng));
    r.relation = names[i % 6];
    rels.push_back(std::move(r));
  }
  PathGraphOptions options;
  if (!hub_tables) options.hubs = 0;
  return PathGraph::Build(rels, {}, options);
}

const PathGraph& Graph(bool hubs, bool hub_tables) {
  static const PathGraph plain = MakeGraph(false, true);
  if (!hubs) return plain;
  if (!hub_tables) {
    static const PathGraph without_tables = MakeGraph(true, false);
    return without_tables;
  }
  static const PathGraph with_hubs = MakeGraph(true, true);
  return with_hubs;
}

double P99(const std::vector<double>& sorted) {
  return sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
}

void Report(benchmark::State& state, std::vector<double>& micros, std::vector<double>& steps) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  std::sort(steps.begin(), steps.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = P99(micros);
  state.counters["steps_mean"] =
      std::accumulate(steps.begin(), steps.end(), 0.0) / static_cast<double>(steps.size());
  state.counters["steps_p99"] = P99(steps);
}

// Source/target pairs. connected: the target is a farthest entity the source reaches within
// max_hops (a path exists); otherwise a random entity (usually none within the hop limit, so
// the query explores the whole hop-limited ball).
std::vector<std::pair<std::string, std::string>> Pairs(const PathGraph& g,
                                                       const TraversalOptions& options,
                                                       bool connected) {
  const int max_hops = options.max_hops;
  std::mt19937_64 rng(connected ? 7 : 8);
  std::uniform_int_distribution<int> pick(0, kEntities - 1);
  std::vector<std::pair<std::string, std::string>> pairs;
  while (pairs.size() < 256) {
    const std::string from = Key(pick(rng));
    if (!connected) {
      pairs.emplace_back(from, Key(pick(rng)));
      continue;
    }
    if (!g.Find(from)) continue;
    auto reach = g.Reach({from}, max_hops, options);
    if (!reach.ok() || reach->empty()) continue;
    pairs.emplace_back(from, reach->back().key);
  }
  return pairs;
}

void RunQueries(benchmark::State& state, std::size_t k, bool hubs) {
  const PathGraph& g = Graph(hubs, !hubs || state.range(2) != 0);
  TraversalOptions options;
  options.max_hops = static_cast<int>(state.range(0));
  options.undirected = hubs;
  const auto pairs = Pairs(g, options, state.range(1) != 0);
  std::size_t next = 0;
  std::vector<double> micros, steps;
  std::size_t found = 0;
  for (auto _ : state) {
    const auto& [from, to] = pairs[next++ % pairs.size()];
    PathQueryStats stats;
    const auto start = std::chrono::steady_clock::now();
    auto paths = g.KShortestPaths({from}, {to}, k, options, &stats);
    const auto end = std::chrono::steady_clock::now();
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    steps.push_back(static_cast<double>(stats.steps_scanned));
    if (paths.ok()) found += paths->size();
    benchmark::DoNotOptimize(paths);
  }
  state.counters["paths_per_query"] =
      static_cast<double>(found) / static_cast<double>(micros.size());
  Report(state, micros, steps);
}

void BM_ShortestPath(benchmark::State& state) { RunQueries(state, 1, false); }
void BM_KShortestPaths(benchmark::State& state) { RunQueries(state, 5, false); }
void BM_ShortestPathHubsUndirected(benchmark::State& state) { RunQueries(state, 1, true); }
void BM_KShortestPathsHubsUndirected(benchmark::State& state) { RunQueries(state, 5, true); }

// Args: max hops, connected pairs (1) or random pairs (0), and on the hub graph whether its hubs'
// distance tables are kept (1) or not (0). On the hub graph random pairs are mostly connected
// within 4-6 hops already (and Reach-picked pairs would take minutes to set up).
BENCHMARK(BM_ShortestPath)
    ->ArgsProduct({{4, 6}, {1, 0}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(256);
BENCHMARK(BM_KShortestPaths)
    ->ArgsProduct({{4, 6}, {1, 0}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(64);
BENCHMARK(BM_ShortestPathHubsUndirected)
    ->ArgsProduct({{4, 6}, {0}, {1, 0}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(256);
BENCHMARK(BM_KShortestPathsHubsUndirected)
    ->ArgsProduct({{4, 6}, {0}, {1, 0}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(64);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
