// The union-find floor `weft bench` measures the correlator against (bench/union_find_floor.h):
// on a stream in time order, without hubs, it must find exactly the correlator's components, or
// the ratio of their rates compares different work.

#include "bench/union_find_floor.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "engine/correlator.h"

namespace weft {
namespace {

constexpr Timestamp kHour = 3600 * 1000;

TEST(UnionFindFloorTest, WindowAndNonCorrelatingEntitiesKeepAlertsApart) {
  const std::vector<std::uint8_t> correlating{1, 0};
  bench::UnionFindFloor floor(correlating, 4, 24 * kHour);
  const std::vector<std::uint32_t> e0{0}, e1{1}, both{0, 0, 1};
  floor.Add(0, e0);
  floor.Add(25 * kHour, e0);    // 25 h after the first: beyond the window
  floor.Add(30 * kHour, both);  // 5 h after the second, its entity twice
  floor.Add(31 * kHour, e1);    // shares only the entity that does not correlate
  EXPECT_NE(floor.Component(0), floor.Component(1));
  EXPECT_EQ(floor.Component(1), floor.Component(2));
  EXPECT_NE(floor.Component(2), floor.Component(3));
  EXPECT_EQ(floor.Components(), 3u);
}

TEST(UnionFindFloorTest, FindsTheCorrelatorsComponentsWithoutHubs) {
  std::mt19937_64 rng(7);
  constexpr std::uint32_t kEntities = 400, kAlerts = 5000;
  std::vector<std::uint8_t> correlating(kEntities);
  for (auto& c : correlating) c = rng() % 4 != 0 ? 1 : 0;
  CorrelationConfig config;
  config.hub.absolute = kAlerts;  // nothing is a hub: the floor has no hub rule
  Correlator correlator(config);
  for (std::uint32_t e = 0; e < kEntities; ++e) correlator.AddEntity(0, correlating[e] != 0);
  bench::UnionFindFloor floor(correlating, kAlerts, *config.window);
  Timestamp t = 0;
  for (std::uint32_t a = 0; a < kAlerts; ++a) {
    t += static_cast<Timestamp>(rng() % (kHour / 2));  // in time order, gaps up to 30 min
    std::vector<std::uint32_t> entities(1 + rng() % 3);
    for (auto& e : entities) e = static_cast<std::uint32_t>(rng() % kEntities);
    correlator.AddAlert(0, t, entities);
    floor.Add(t, entities);
  }
  // The same partition: each floor component maps to one correlator component and back.
  std::map<std::uint32_t, std::uint32_t> to_correlator, to_floor;
  for (std::uint32_t a = 0; a < kAlerts; ++a) {
    const std::uint32_t f = floor.Component(a), c = correlator.Component(a);
    EXPECT_EQ(to_correlator.emplace(f, c).first->second, c) << "alert " << a;
    EXPECT_EQ(to_floor.emplace(c, f).first->second, f) << "alert " << a;
  }
  EXPECT_EQ(floor.Components(), to_floor.size());
  EXPECT_GT(floor.Components(), 1u);
  EXPECT_LT(floor.Components(), kAlerts / 2);  // the stream links: the test compares something
}

}  // namespace
}  // namespace weft
