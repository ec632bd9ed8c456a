// Incremental correlation micro benchmark (engine/correlator.h): Correlator::AddAlert on the
// generator's stream resolved to integer ids beforehand, with the default window (24 h) and hub
// rules on, SettleTenants + TakeDirtyRoots every 1,000 alerts (as `weft bench`'s correlate
// stage). items/s = alerts/s on one core. AddAlert only records an alert; the linking happens in
// the SettleTenants that follows, so time a whole batch, never AddAlert alone.
// Run a Release build:
//   ./build/bench/bench/weft_correlator_bench --benchmark_counters_tabular=true
// Numbers and the machine they came from: docs/correlation.md (Speed).

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bench/generator/generator.h"
#include "bench/union_find_floor.h"
#include "engine/correlator.h"

namespace weft {
namespace {

struct IdStream {
  std::vector<Correlator::TenantId> tenant;
  std::vector<Timestamp> time;
  std::vector<std::vector<Correlator::EntityId>> entities;
  std::vector<Correlator::TenantId> entity_tenant;
  std::vector<std::uint8_t> entity_correlating;
};

// The distinct, ingestible alerts of a `records`-record stream, as ids (cached per size).
const IdStream& Stream(std::uint64_t records) {
  static std::map<std::uint64_t, IdStream> cache;
  auto [it, fresh] = cache.try_emplace(records);
  if (!fresh) return it->second;
  IdStream& ids = it->second;
  generator::GeneratorOptions options;
  options.alerts = records;
  Result<std::unique_ptr<generator::AlertStream>> stream = generator::AlertStream::Create(options);
  if (!stream.ok()) {
    std::fprintf(stderr, "%s\n", stream.status().ToString().c_str());
    std::abort();
  }
  const CorrelationConfig config;
  std::unordered_map<std::string, Correlator::TenantId> tenants;
  std::unordered_map<std::string, Correlator::EntityId> entities;
  std::unordered_set<std::string> seen;
  std::vector<generator::GeneratedAlert> batch;
  while ((*stream)->Next(batch)) {
    for (const generator::GeneratedAlert& g : batch) {
      if (g.informational || !seen.insert(g.alert.key).second) continue;
      auto t = tenants.emplace(g.alert.tenant, static_cast<Correlator::TenantId>(tenants.size()))
                   .first->second;
      ids.tenant.push_back(t);
      ids.time.push_back(g.alert.activity_time());
      std::vector<Correlator::EntityId> es;
      for (const Evidence& ev : g.alert.evidence) {
        std::string key = g.alert.tenant;  // not tenant + '\0' + key: GCC 12 -Wrestrict misfires
        key.push_back('\0');
        key.append(ev.entity.key);
        auto [e, added] =
            entities.emplace(std::move(key), static_cast<Correlator::EntityId>(entities.size()));
        if (added) {
          const bool private_ip =
              ev.entity.kind == EntityKind::kIp && ev.entity.properties.count("scope") != 0;
          ids.entity_tenant.push_back(t);
          ids.entity_correlating.push_back(
              config.Correlates(ev.entity.kind, ev.entity.key, private_ip) ? 1 : 0);
        }
        es.push_back(e->second);
      }
      ids.entities.push_back(std::move(es));
    }
  }
  return ids;
}

void BM_CorrelatorAddAlert(benchmark::State& state) {
  const IdStream& ids = Stream(static_cast<std::uint64_t>(state.range(0)));
  std::size_t incidents = 0;
  for (auto _ : state) {
    Correlator c{CorrelationConfig{}};
    std::size_t next_entity = 0;
    for (std::size_t i = 0; i < ids.tenant.size(); ++i) {
      for (Correlator::EntityId e : ids.entities[i]) {
        for (; next_entity <= e; ++next_entity) {
          c.AddEntity(ids.entity_tenant[next_entity], ids.entity_correlating[next_entity] != 0);
        }
      }
      benchmark::DoNotOptimize(c.AddAlert(ids.tenant[i], ids.time[i], ids.entities[i]));
      if ((i + 1) % 1000 == 0) {
        c.SettleTenants();
        benchmark::DoNotOptimize(c.TakeDirtyRoots());
      }
    }
    c.SettleTenants();
    incidents = c.TakeDirtyRoots().size();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ids.tenant.size()));
  state.counters["alerts"] = static_cast<double>(ids.tenant.size());
  state.counters["last_dirty_roots"] = static_cast<double>(incidents);
}
BENCHMARK(BM_CorrelatorAddAlert)
    ->RangeMultiplier(10)
    ->Range(10'000, 1'000'000)
    ->Unit(benchmark::kMillisecond);

// The same stream through the hand-written union-find floor (bench/union_find_floor.h): what
// `weft bench` reports the correlator's rate against (correlate_floor_ratio).
void BM_UnionFindFloor(benchmark::State& state) {
  const IdStream& ids = Stream(static_cast<std::uint64_t>(state.range(0)));
  const Timestamp window = *CorrelationConfig{}.window;
  std::size_t components = 0;
  for (auto _ : state) {
    weft::bench::UnionFindFloor floor(ids.entity_correlating, ids.tenant.size(), window);
    for (std::size_t i = 0; i < ids.tenant.size(); ++i) floor.Add(ids.time[i], ids.entities[i]);
    components = floor.Components();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ids.tenant.size()));
  state.counters["alerts"] = static_cast<double>(ids.tenant.size());
  state.counters["components"] = static_cast<double>(components);
}
BENCHMARK(BM_UnionFindFloor)
    ->RangeMultiplier(10)
    ->Range(10'000, 1'000'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
