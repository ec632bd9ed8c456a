// Alert-type grouping (CorrelationConfig::type_window): alerts of one tenant, source and alert
// type in one time bucket link like alerts sharing an entity; off by default.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

using testing::MakeTestAlert;
using testing::Partition;
using testing::ToPartition;

constexpr Timestamp kH = kMillisPerHour;
constexpr Timestamp kDay = 24 * kH;  // 2026-01-05 is day 20,458 since the epoch
constexpr Timestamp kMonday = 20458 * kDay;

// An alert of tenant "acme" with `type`, at `time`, with no linking entity unless given.
Alert Typed(const std::string& id, const std::string& type, Timestamp time,
            const std::vector<std::string>& entities = {}) {
  Alert a = MakeTestAlert("acme", id, time, entities);
  a.alert_type = type;
  return a;
}

CorrelationConfig Grouping(Timestamp width) {
  CorrelationConfig c;
  c.type_window = width;
  return c;
}

class TypeGroupingTest : public testing::EngineFixture {};

TEST_F(TypeGroupingTest, OffByDefaultAlertsOfOneTypeWithoutSharedEntitiesStayApart) {
  Open(CorrelationConfig());
  Ingest({Typed("a", "SSH brute force", kMonday), Typed("b", "SSH brute force", kMonday + 60000)});
  EXPECT_NE(IncidentOf("a"), IncidentOf("b"));
  EXPECT_EQ(CorrelationConfig().Describe().find("type-window"), std::string::npos);
}

TEST_F(TypeGroupingTest, SameTypeAndBucketLinkOtherTypesAndBucketsDoNot) {
  Open(Grouping(kH));
  Ingest({Typed("a", "SSH brute force", kMonday + 5 * 60000),
          Typed("b", "SSH brute force", kMonday + 50 * 60000),
          Typed("other-type", "Port probe", kMonday + 10 * 60000),
          // 10 minutes after b, but in the next hour's bucket: buckets are fixed, not sliding.
          Typed("next-hour", "SSH brute force", kMonday + 60 * 60000),
          Typed("untyped", "", kMonday + 6 * 60000)});
  EXPECT_EQ(IncidentOf("a"), IncidentOf("b"));
  EXPECT_NE(IncidentOf("a"), IncidentOf("other-type"));
  EXPECT_NE(IncidentOf("b"), IncidentOf("next-hour"));
  EXPECT_NE(IncidentOf("a"), IncidentOf("untyped"));

  // The link says why it exists; the incident lists no link key among its entities.
  auto why = engine_->Why("acme/weft/a", "acme/weft/b");
  ASSERT_TRUE(why.ok());
  ASSERT_TRUE(why->linked);
  ASSERT_EQ(why->chain.size(), 1u);
  EXPECT_EQ(why->chain[0].entity, "alert-type:weft/SSH brute force@2026-01-05T00:00:00.000Z+1h");
  auto incident = store_.GetIncident(IncidentOf("a"));
  ASSERT_TRUE(incident.ok() && incident->has_value());
  EXPECT_TRUE((*incident)->entities.empty());
  EXPECT_EQ((*incident)->alert_keys.size(), 2u);
}

TEST_F(TypeGroupingTest, ABucketBusierThanTheHubThresholdLinksNothing) {
  CorrelationConfig config = Grouping(kH);
  config.hub.absolute = 3;
  Open(config);
  std::vector<Alert> burst;
  for (int i = 0; i < 4; ++i)
    burst.push_back(Typed("burst" + std::to_string(i), "Port probe", kMonday + i * 60000));
  burst.push_back(Typed("x", "Tor caller", 2 * kH + kMonday));
  burst.push_back(Typed("y", "Tor caller", 2 * kH + kMonday + 60000));
  Ingest(std::move(burst));
  EXPECT_NE(IncidentOf("burst0"), IncidentOf("burst1"));
  EXPECT_EQ(IncidentOf("x"), IncidentOf("y"));
  auto why = engine_->Why("acme/weft/burst0", "acme/weft/burst3");
  ASSERT_TRUE(why.ok());
  ASSERT_EQ(why->guards.size(), 1u);
  EXPECT_NE(why->guards[0].find("is a hub (4 alerts > 3)"), std::string::npos) << why->guards[0];
}

TEST_F(TypeGroupingTest, EntitiesAndTypesLinkTogetherAndAReopenedEngineAgrees) {
  Open(Grouping(kH));
  Ingest({Typed("a", "Malware", kMonday, {"ip:203.0.113.7"}),
          Typed("b", "Malware", kMonday + 30 * 60000),
          Typed("c", "Phish", kMonday + 3 * kH, {"ip:203.0.113.7"})});
  Ingest({Typed("late", "Phish", kMonday + 3 * kH + 60000)});
  const Partition live = ToPartition(engine_->Grouping());
  EXPECT_EQ(live, (Partition{{"acme/weft/a", "acme/weft/b", "acme/weft/c", "acme/weft/late"}}));

  // The stored rules say the grouping is on; a replay from the store rebuilds the same incidents.
  engine_.reset();
  auto reopened = Engine::Open(store_, std::nullopt);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->config().type_window, kH);
  EXPECT_EQ(ToPartition((*reopened)->Grouping()), live);
  // So does a batch re-correlation under the rules in force, and without grouping it splits.
  RecorrelateOptions same;
  same.config = Grouping(kH);
  same.dry_run = true;
  auto diff = Engine::Recorrelate(store_, same);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_TRUE(diff->merged.empty() && diff->split.empty() && diff->created.empty());
  RecorrelateOptions off;
  off.dry_run = true;
  diff = Engine::Recorrelate(store_, off);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(diff->split.size(), 1u);
}

TEST_F(TypeGroupingTest, OnlyTheListedSourcesAreGrouped) {
  CorrelationConfig config = Grouping(kH);
  config.type_sources = {SourceProduct::kGuardDuty};
  Open(config);
  const std::string type = "Recon:EC2/PortProbeUnprotectedPort";
  auto guardduty = [&](const std::string& id, Timestamp time) {
    Alert a = Typed(id, type, time);
    a.source = SourceProduct::kGuardDuty;
    a.key = MakeAlertKey(a.tenant, a.source, a.provider_id);
    return a;
  };
  Ingest({guardduty("g1", kMonday), guardduty("g2", kMonday + 60000), Typed("w1", type, kMonday),
          Typed("w2", type, kMonday + 60000)});
  EXPECT_EQ(*engine_->IncidentOf("acme/guardduty/g1"), *engine_->IncidentOf("acme/guardduty/g2"));
  EXPECT_NE(IncidentOf("w1"), IncidentOf("w2"));
  EXPECT_NE(*engine_->IncidentOf("acme/guardduty/g1"), IncidentOf("w1"));  // sources never mix
}

TEST_F(TypeGroupingTest, TheGroupingIsPartOfTheStoredRules) {
  const CorrelationConfig on = Grouping(10 * 60000);
  EXPECT_NE(on.Fingerprint(), CorrelationConfig().Fingerprint());
  EXPECT_NE(on.Describe().find("type-window=10m"), std::string::npos) << on.Describe();
  auto parsed = ParseSerializedConfig(SerializeConfig(on));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->type_window, on.type_window);
  EXPECT_EQ(parsed->Fingerprint(), on.Fingerprint());

  CorrelationConfig some = on;
  some.type_sources = {SourceProduct::kGuardDuty, SourceProduct::kDefenderXdr};
  EXPECT_NE(some.Fingerprint(), on.Fingerprint());
  EXPECT_NE(some.Describe().find("type-sources=Defender XDR,GuardDuty"), std::string::npos)
      << some.Describe();
  parsed = ParseSerializedConfig(SerializeConfig(some));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->type_sources, some.type_sources);
  EXPECT_EQ(parsed->Fingerprint(), some.Fingerprint());
}

}  // namespace
}  // namespace weft
