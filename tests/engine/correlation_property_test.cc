// Property tests: for random alert sets, the incremental grouping equals an oracle computed from
// scratch (Boost.Graph connected_components over the explicit all-pairs link graph), whatever
// the arrival order, batch boundaries or restarts; through the Engine, and on the Correlator
// directly with repeated ids, entity merges, alert updates and reads between additions.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

#include "engine/correlator.h"
#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

using testing::MakeTestAlert;
using testing::Partition;
using testing::ToPartition;

// The oracle: alerts i, j of one tenant are linked when they share an entity that correlates
// and is not a hub (more alerts than the tenant threshold) and lie within the window.
Partition Oracle(const std::vector<Alert>& alerts, const CorrelationConfig& config) {
  std::map<std::string, std::size_t> tenant_size;
  std::map<std::pair<std::string, std::string>, std::size_t> entity_count;
  for (const Alert& a : alerts) {
    ++tenant_size[a.tenant];
    for (const Evidence& e : a.evidence) ++entity_count[{a.tenant, e.entity.key}];
  }
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph g(alerts.size());
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    for (std::size_t j = i + 1; j < alerts.size(); ++j) {
      const Alert& a = alerts[i];
      const Alert& b = alerts[j];
      if (a.tenant != b.tenant) continue;
      const Timestamp gap = std::abs(a.first_activity - b.first_activity);
      if (config.window && gap > *config.window) continue;
      for (const Evidence& ea : a.evidence) {
        const bool shared =
            std::any_of(b.evidence.begin(), b.evidence.end(),
                        [&](const Evidence& eb) { return eb.entity.key == ea.entity.key; });
        if (!shared) continue;
        const bool private_ip = ea.entity.properties.count("scope") != 0;
        if (!config.Correlates(ea.entity.kind, ea.entity.key, private_ip)) continue;
        if (entity_count[{a.tenant, ea.entity.key}] > config.hub.Threshold(tenant_size[a.tenant]))
          continue;
        boost::add_edge(i, j, g);
        break;
      }
    }
  }
  std::vector<int> component(alerts.size());
  boost::connected_components(g, component.data());
  std::map<int, std::vector<std::string>> groups;
  for (std::size_t i = 0; i < alerts.size(); ++i) groups[component[i]].push_back(alerts[i].key);
  Partition p;
  for (auto& [c, keys] : groups) {
    std::sort(keys.begin(), keys.end());
    p.insert(keys);
  }
  return p;
}

std::vector<Alert> RandomAlerts(std::mt19937_64& rng, int n, int tenants) {
  std::vector<Alert> out;
  std::uniform_int_distribution<int> entity_count(1, 3);
  std::uniform_int_distribution<int> time_h(0, 24 * 10);  // ten days
  // A few very popular values (hub candidates), many rare ones.
  std::discrete_distribution<int> popularity(
      {40, 20, 10, 5, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  std::uniform_int_distribution<int> kind(0, 2);
  for (int i = 0; i < n; ++i) {
    // Not "t" + std::to_string(...): GCC 12's -Wrestrict misfires on a one-letter literal + string.
    const std::string tenant = std::string("t").append(std::to_string(rng() % tenants));
    std::vector<std::string> keys;
    for (int e = entity_count(rng); e > 0; --e) {
      const int v = popularity(rng) + static_cast<int>(rng() % 3) * 20;
      switch (kind(rng)) {
        case 0: keys.push_back("ip:198.51.100." + std::to_string(v + 1)); break;
        case 1: keys.push_back("user:u" + std::to_string(v) + "@contoso.com"); break;
        default:
          keys.push_back("file:sha256:" + std::string(62, 'a') + std::to_string(10 + v));
          break;
      }
    }
    out.push_back(MakeTestAlert(tenant, std::string("a").append(std::to_string(i)),
                                time_h(rng) * kMillisPerHour, keys));
  }
  return out;
}

Partition IngestInBatches(const std::vector<Alert>& alerts, const CorrelationConfig& config,
                          std::mt19937_64& rng, bool restarts) {
  InMemoryStore store;
  auto engine = Engine::Open(store, config);
  EXPECT_TRUE(engine.ok());
  std::size_t i = 0;
  while (i < alerts.size()) {
    const std::size_t n = 1 + rng() % 17;
    std::vector<Alert> batch(alerts.begin() + i, alerts.begin() + std::min(alerts.size(), i + n));
    i += batch.size();
    auto r = (*engine)->Ingest(std::move(batch), {}, 1);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (restarts && rng() % 4 == 0) {
      engine = Engine::Open(store, config);  // a restart: state rebuilt from the store
      EXPECT_TRUE(engine.ok());
    }
  }
  return ToPartition((*engine)->Grouping());
}

class CorrelationPropertyTest : public ::testing::TestWithParam<int> {};

TEST_P(CorrelationPropertyTest, AnyOrderBatchingAndRestartsMatchTheOracle) {
  std::mt19937_64 rng(GetParam());
  CorrelationConfig config;
  config.window =
      (GetParam() % 3 == 0) ? std::nullopt : std::optional<Timestamp>(36 * kMillisPerHour);
  config.hub.floor = 6 + GetParam() % 5;
  config.hub.share = 0.02;
  std::vector<Alert> alerts = RandomAlerts(rng, 120 + GetParam() * 7, 1 + GetParam() % 3);
  const Partition expected = Oracle(alerts, config);
  for (int order = 0; order < 4; ++order) {
    std::shuffle(alerts.begin(), alerts.end(), rng);
    EXPECT_EQ(IngestInBatches(alerts, config, rng, order % 2 == 1), expected) << "order " << order;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CorrelationPropertyTest, ::testing::Range(1, 13));

TEST(CorrelationPropertyTest, RecorrelateUnderTheRulesInForceReportsNoChange) {
  std::mt19937_64 rng(99);
  CorrelationConfig config;
  config.hub.floor = 8;
  std::vector<Alert> alerts = RandomAlerts(rng, 200, 2);
  InMemoryStore store;
  auto engine = Engine::Open(store, config);
  ASSERT_TRUE(engine.ok());
  for (std::size_t i = 0; i < alerts.size(); i += 25) {
    std::vector<Alert> batch(alerts.begin() + i, alerts.begin() + std::min(alerts.size(), i + 25));
    ASSERT_TRUE((*engine)->Ingest(std::move(batch), {}, 1).ok());
  }
  RecorrelateOptions options;
  options.config = config;
  auto diff = Engine::Recorrelate(store, options);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_TRUE(diff->no_change()) << "merged " << diff->merged.size() << " split "
                                 << diff->split.size() << " new " << diff->created.size()
                                 << " removed " << diff->removed.size();
  EXPECT_GT(diff->unchanged, 0u);
  // A stricter window changes the grouping, and applying it makes the store agree with it.
  options.config.window = kMillisPerHour;
  auto stricter = Engine::Recorrelate(store, options);
  ASSERT_TRUE(stricter.ok());
  EXPECT_FALSE(stricter->no_change());
  EXPECT_FALSE(stricter->split.empty());
  auto again = Engine::Recorrelate(store, options);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->no_change());
  auto reopened = Engine::Open(store, std::nullopt);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->config().window, std::optional<Timestamp>(kMillisPerHour));
  EXPECT_EQ(ToPartition((*reopened)->Grouping()), Oracle(alerts, options.config));
}

// The Correlator on its own, fed dense ids as the Engine and `weft bench` feed it.
struct IdAlert {
  Correlator::TenantId tenant;
  Timestamp time;
  std::vector<Correlator::EntityId> entities;  // may repeat
};

struct IdWorld {
  std::vector<Correlator::TenantId> entity_tenant;
  std::vector<bool> entity_correlating;
  std::vector<IdAlert> alerts;
  std::vector<std::pair<Correlator::EntityId, Correlator::EntityId>> merges;  // (keep, gone)
  std::map<std::size_t, IdAlert> updates;  // alert index -> what it becomes
};

IdWorld RandomIdWorld(std::mt19937_64& rng, int alerts, int tenants) {
  IdWorld w;
  constexpr int kPerTenant = 40;
  for (int t = 0; t < tenants; ++t) {
    for (int e = 0; e < kPerTenant; ++e) {
      w.entity_tenant.push_back(static_cast<Correlator::TenantId>(t));
      w.entity_correlating.push_back(rng() % 6 != 0);
    }
  }
  // Zipf-like: entity k of a tenant is picked with weight 1 / (k + 1), so a few become hubs.
  std::vector<double> weights;
  for (int k = 0; k < kPerTenant; ++k) weights.push_back(1.0 / (k + 1));
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::uniform_int_distribution<int> hour(0, 24 * 10);
  auto make = [&](Correlator::TenantId t) {
    IdAlert a{t, hour(rng) * kMillisPerHour, {}};
    for (int n = 1 + static_cast<int>(rng() % 4); n > 0; --n) {
      a.entities.push_back(t * kPerTenant + static_cast<Correlator::EntityId>(pick(rng)));
    }
    if (rng() % 5 == 0) a.entities.push_back(a.entities.front());  // a repeated id
    return a;
  };
  for (int i = 0; i < alerts; ++i)
    w.alerts.push_back(make(static_cast<Correlator::TenantId>(rng() % tenants)));
  for (int m = 0; m < 4; ++m) {
    const auto t = static_cast<Correlator::EntityId>(rng() % tenants);
    w.merges.emplace_back(t * kPerTenant + rng() % kPerTenant, t * kPerTenant + rng() % kPerTenant);
  }
  for (int u = 0; u < 6; ++u) {
    const std::size_t i = rng() % w.alerts.size();
    w.updates[i] = make(w.alerts[i].tenant);
  }
  return w;
}

using IdPartition = std::set<std::vector<std::size_t>>;

// From scratch, after every merge and update: alerts of one tenant link when they share an
// entity that correlates (every merged part does) and has at most HubThreshold(tenant alerts)
// distinct alerts, and lie within the window.
IdPartition IdOracle(const IdWorld& w, const CorrelationConfig& config) {
  std::vector<std::size_t> rep(w.entity_tenant.size());
  for (std::size_t e = 0; e < rep.size(); ++e) rep[e] = e;
  auto find = [&](std::size_t e) {
    while (rep[e] != e) e = rep[e];
    return e;
  };
  for (auto [keep, gone] : w.merges) {
    const std::size_t k = find(keep), g = find(gone);
    if (k != g) rep[g] = k;
  }
  std::vector<bool> correlating(rep.size(), true);
  for (std::size_t e = 0; e < rep.size(); ++e)
    correlating[find(e)] = correlating[find(e)] && w.entity_correlating[e];
  std::vector<IdAlert> alerts = w.alerts;
  for (const auto& [i, a] : w.updates) alerts[i] = a;
  std::vector<std::set<std::size_t>> of(alerts.size());
  std::map<std::size_t, std::size_t> alert_count;  // entity -> distinct alerts
  std::map<Correlator::TenantId, std::size_t> tenant_alerts;
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    ++tenant_alerts[alerts[i].tenant];
    for (Correlator::EntityId e : alerts[i].entities) of[i].insert(find(e));
    for (std::size_t e : of[i]) ++alert_count[e];
  }
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph g(alerts.size());
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    for (std::size_t j = i + 1; j < alerts.size(); ++j) {
      if (alerts[i].tenant != alerts[j].tenant) continue;
      if (config.window && std::abs(alerts[i].time - alerts[j].time) > *config.window) continue;
      for (std::size_t e : of[i]) {
        if (of[j].count(e) == 0 || !correlating[e]) continue;
        if (alert_count[e] > config.hub.Threshold(tenant_alerts[alerts[i].tenant])) continue;
        boost::add_edge(i, j, g);
        break;
      }
    }
  }
  std::vector<int> component(alerts.size());
  boost::connected_components(g, component.data());
  std::map<int, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < alerts.size(); ++i) groups[component[i]].push_back(i);
  IdPartition p;
  for (auto& [c, members] : groups) p.insert(members);
  return p;
}

class CorrelatorPropertyTest : public ::testing::TestWithParam<int> {};

TEST_P(CorrelatorPropertyTest, AnyOrderMergesUpdatesAndReadsBetweenAdditionsMatchTheOracle) {
  std::mt19937_64 rng(1000 + GetParam());
  CorrelationConfig config;
  config.window =
      (GetParam() % 3 == 0) ? std::nullopt : std::optional<Timestamp>(30 * kMillisPerHour);
  config.hub.floor = 5 + GetParam() % 6;
  config.hub.share = 0.02;
  const IdWorld w = RandomIdWorld(rng, 250 + GetParam() * 11, 1 + GetParam() % 3);
  const IdPartition expected = IdOracle(w, config);
  for (int order = 0; order < 4; ++order) {
    std::vector<std::size_t> arrival(w.alerts.size());
    for (std::size_t i = 0; i < arrival.size(); ++i) arrival[i] = i;
    std::shuffle(arrival.begin(), arrival.end(), rng);
    Correlator c(config);
    for (std::size_t e = 0; e < w.entity_tenant.size(); ++e)
      c.AddEntity(w.entity_tenant[e], w.entity_correlating[e]);
    std::vector<std::size_t> index_of;  // Correlator id -> world index
    std::map<std::size_t, Correlator::AlertId> id_of;
    // What a caller that only follows TakeDirtyRoots knows: every alert's group label.
    std::vector<Correlator::AlertId> label;
    auto take = [&] {
      c.SettleTenants();
      std::vector<Correlator::AlertId> members;
      for (Correlator::AlertId r : c.TakeDirtyRoots()) {
        members.clear();
        c.Members(r, &members);
        EXPECT_EQ(members.size(), c.ComponentSize(r));
        for (Correlator::AlertId m : members) label[m] = r;
      }
    };
    std::size_t next_merge = 0;
    std::vector<std::size_t> pending_updates;
    for (std::size_t k = 0; k < arrival.size(); ++k) {
      const IdAlert& a = w.alerts[arrival[k]];
      const Correlator::AlertId id = c.AddAlert(a.tenant, a.time, a.entities);
      ASSERT_EQ(id, index_of.size());
      index_of.push_back(arrival[k]);
      id_of[arrival[k]] = id;
      label.push_back(id);
      if (w.updates.count(arrival[k]) != 0) pending_updates.push_back(arrival[k]);
      if (rng() % 7 == 0) {
        EXPECT_EQ(c.Component(id), c.Component(c.Component(id)));  // a read mid-batch
      }
      if (next_merge < w.merges.size() && rng() % 60 == 0) {
        c.MergeEntities(w.merges[next_merge].first, w.merges[next_merge].second);
        ++next_merge;
      }
      if (!pending_updates.empty() && rng() % 20 == 0) {
        const IdAlert& u = w.updates.at(pending_updates.back());
        c.UpdateAlert(id_of[pending_updates.back()], u.time, u.entities);
        pending_updates.pop_back();
      }
      if (rng() % 13 == 0) take();
    }
    for (; next_merge < w.merges.size(); ++next_merge)
      c.MergeEntities(w.merges[next_merge].first, w.merges[next_merge].second);
    for (std::size_t i : pending_updates)
      c.UpdateAlert(id_of[i], w.updates.at(i).time, w.updates.at(i).entities);
    take();
    std::map<Correlator::AlertId, std::vector<std::size_t>> by_root, by_label;
    for (Correlator::AlertId id = 0; id < index_of.size(); ++id) {
      by_root[c.Component(id)].push_back(index_of[id]);
      by_label[label[id]].push_back(index_of[id]);
    }
    IdPartition got, followed;
    for (auto& [r, m] : by_root) {
      std::sort(m.begin(), m.end());
      got.insert(m);
    }
    for (auto& [r, m] : by_label) {
      std::sort(m.begin(), m.end());
      followed.insert(m);
    }
    EXPECT_EQ(got, expected) << "order " << order;
    EXPECT_EQ(followed, expected) << "order " << order << ": dirty roots missed a change";
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CorrelatorPropertyTest, ::testing::Range(1, 13));

// An alert that lists an entity twice is one of its alerts, whether or not the entity links
// (the count decides the hub rule).
TEST(CorrelatorTest, RepeatedEntityInOneAlertCountsOnce) {
  CorrelationConfig config;
  config.hub.floor = 2;
  config.hub.share = 0;
  Correlator c(config);
  const Correlator::EntityId linking = c.AddEntity(0, true);
  const Correlator::EntityId other = c.AddEntity(0, false);
  c.AddAlert(0, 0, {linking, linking, other, other});
  c.AddAlert(0, kMillisPerHour, {linking, other, other});
  c.SettleTenants();
  EXPECT_EQ(c.EntityAlertCount(linking), 2u);
  EXPECT_EQ(c.EntityAlertCount(other), 2u);
  EXPECT_FALSE(c.IsHub(linking));
  EXPECT_FALSE(c.IsHub(other));
  EXPECT_EQ(c.Component(0), c.Component(1));
  c.AddAlert(0, 2 * kMillisPerHour, {linking});  // a third alert: above the threshold of 2
  c.SettleTenants();
  EXPECT_TRUE(c.IsHub(linking));
  EXPECT_NE(c.Component(0), c.Component(1));
}

// Merging a linking entity into one that does not correlate, past the hub threshold, removes
// the links the first one made (they used to survive: the split was skipped for a
// non-correlating hub).
TEST(CorrelatorTest, MergeIntoANonCorrelatingHubSplitsWhatTheLinkingPartJoined) {
  CorrelationConfig config;
  config.hub.floor = 2;
  config.hub.share = 0;
  Correlator c(config);
  const Correlator::EntityId linking = c.AddEntity(0, true);
  const Correlator::EntityId other = c.AddEntity(0, false);
  c.AddAlert(0, 0, {linking});
  c.AddAlert(0, kMillisPerHour, {linking});
  c.AddAlert(0, 2 * kMillisPerHour, {other});
  c.SettleTenants();
  ASSERT_EQ(c.Component(0), c.Component(1));
  (void)c.TakeDirtyRoots();
  c.MergeEntities(other, linking);
  c.SettleTenants();
  EXPECT_TRUE(c.IsHub(linking));
  EXPECT_FALSE(c.Links(linking));
  EXPECT_NE(c.Component(0), c.Component(1));
  const std::vector<Correlator::AlertId> dirty = c.TakeDirtyRoots();  // both parts are reported
  EXPECT_NE(std::find(dirty.begin(), dirty.end(), 0u), dirty.end());
  EXPECT_NE(std::find(dirty.begin(), dirty.end(), 1u), dirty.end());
}

// One entity with more alerts than a pool page holds (131,072), some out of time order: its
// postings move to a block of their own and stay sorted, so a late alert links its neighbours.
TEST(CorrelatorTest, PostingListLargerThanAPoolPageKeepsLinking) {
  CorrelationConfig config;
  config.window = 10;
  config.hub.absolute = 1u << 20;
  Correlator c(config);
  const Correlator::EntityId e = c.AddEntity(0, true);
  constexpr Timestamp kN = 140000;
  for (Timestamp i = 0; i < kN; ++i) c.AddAlert(0, i * 20, {e});  // 20 apart: none links
  c.SettleTenants();
  EXPECT_EQ(c.ComponentSize(0), 1u);
  EXPECT_EQ(c.ComponentSize(kN - 1), 1u);
  // Late alerts in the first five gaps and the last: 0..100 become one chain of 11.
  for (Timestamp t : {90, 10, 50, 30, 70}) c.AddAlert(0, t, {e});
  c.AddAlert(0, (kN - 1) * 20 - 10, {e});
  c.SettleTenants();
  EXPECT_EQ(c.EntityAlertCount(e), static_cast<std::size_t>(kN + 6));
  EXPECT_EQ(c.ComponentSize(0), 11u);
  EXPECT_EQ(c.Component(5), c.Component(0));
  EXPECT_EQ(c.ComponentSize(6), 1u);
  EXPECT_EQ(c.ComponentSize(kN - 1), 3u);
  std::size_t links = 0;
  c.ForEachLink(0, [&](Correlator::AlertId b, Correlator::EntityId via, Timestamp gap) {
    EXPECT_EQ(via, e);
    EXPECT_EQ(gap, 10);
    EXPECT_EQ(c.AlertTime(b), 10);
    ++links;
  });
  EXPECT_EQ(links, 1u);
}

}  // namespace
}  // namespace weft
