// Property tests: for random alert sets, the incremental grouping equals an oracle computed from
// scratch (Boost.Graph connected_components over the explicit all-pairs link graph), whatever
// the arrival order, batch boundaries or restarts.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <gtest/gtest.h>

#include <map>
#include <random>

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
        const bool shared = std::any_of(b.evidence.begin(), b.evidence.end(),
                                        [&](const Evidence& eb) { return eb.entity.key == ea.entity.key; });
        if (!shared) continue;
        const bool private_ip = ea.entity.properties.count("scope") != 0;
        if (!config.Correlates(ea.entity.kind, ea.entity.key, private_ip)) continue;
        if (entity_count[{a.tenant, ea.entity.key}] > config.hub.Threshold(tenant_size[a.tenant])) continue;
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
  std::discrete_distribution<int> popularity({40, 20, 10, 5, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  std::uniform_int_distribution<int> kind(0, 2);
  for (int i = 0; i < n; ++i) {
    const std::string tenant = "t" + std::to_string(static_cast<int>(rng() % tenants));
    std::vector<std::string> keys;
    for (int e = entity_count(rng); e > 0; --e) {
      const int v = popularity(rng) + static_cast<int>(rng() % 3) * 20;
      switch (kind(rng)) {
        case 0: keys.push_back("ip:198.51.100." + std::to_string(v + 1)); break;
        case 1: keys.push_back("user:u" + std::to_string(v) + "@contoso.com"); break;
        default: keys.push_back("file:sha256:" + std::string(62, 'a') + std::to_string(10 + v)); break;
      }
    }
    out.push_back(MakeTestAlert(tenant, "a" + std::to_string(i), time_h(rng) * kMillisPerHour, keys));
  }
  return out;
}

Partition IngestInBatches(const std::vector<Alert>& alerts, const CorrelationConfig& config, std::mt19937_64& rng,
                          bool restarts) {
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
  config.window = (GetParam() % 3 == 0) ? std::nullopt : std::optional<Timestamp>(36 * kMillisPerHour);
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
  EXPECT_TRUE(diff->no_change()) << "merged " << diff->merged.size() << " split " << diff->split.size() << " new "
                                 << diff->created.size() << " removed " << diff->removed.size();
  EXPECT_GT(diff->unchanged.size(), 0u);
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

}  // namespace
}  // namespace weft
