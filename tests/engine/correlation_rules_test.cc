// Hand-checked cases of the correlation rules: window, hubs (including an entity that becomes a
// hub late and splits incidents), stop-lists, weak identifiers, incident identity, and `why`.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

using testing::MakeTestAlert;

class CorrelationRulesTest : public testing::EngineFixture {};

constexpr Timestamp kH = kMillisPerHour;

TEST_F(CorrelationRulesTest, SharedEntityWithinWindowLinksAndOutsideStaysApart) {
  Open();
  Ingest({MakeTestAlert("acme", "a", 0, {"ip:203.0.113.7"}),
          MakeTestAlert("acme", "b", 5 * kH, {"ip:203.0.113.7"}),
          MakeTestAlert("acme", "c", 80 * kH, {"ip:203.0.113.7"})});
  EXPECT_EQ(IncidentOf("a"), IncidentOf("b"));
  EXPECT_NE(IncidentOf("a"), IncidentOf("c"));
  auto why = engine_->Why("acme/weft/a", "acme/weft/c");
  ASSERT_TRUE(why.ok());
  EXPECT_FALSE(why->linked);
  ASSERT_EQ(why->guards.size(), 1u);
  EXPECT_EQ(why->guards[0],
            "window exceeded through ip:203.0.113.7: 80h apart, window 1d (by 56h)");
}

TEST_F(CorrelationRulesTest, LateAlertBridgesTwoIncidentsAndTheYoungerIsRedirected) {
  Open();
  Ingest({MakeTestAlert("acme", "old", 0, {"user:alice@acme.com"}),
          MakeTestAlert("acme", "young", 40 * kH, {"user:alice@acme.com"})});
  const std::string old_id = IncidentOf("old");
  const std::string young_id = IncidentOf("young");
  ASSERT_NE(old_id, young_id);
  Ingest({MakeTestAlert("acme", "bridge", 20 * kH, {"user:alice@acme.com"})});
  EXPECT_EQ(IncidentOf("young"), old_id);
  EXPECT_EQ(IncidentOf("bridge"), old_id);
  Incident redirected = Stored(young_id);
  EXPECT_EQ(redirected.status, IncidentStatus::kRedirected);
  EXPECT_EQ(redirected.redirected_to, old_id);
  EXPECT_TRUE(redirected.alert_keys.empty());
  EXPECT_EQ(Stored(old_id).alert_keys.size(), 3u);
  auto why = engine_->Why("acme/weft/old", "acme/weft/young");
  ASSERT_TRUE(why.ok());
  EXPECT_TRUE(why->linked);
  ASSERT_EQ(why->chain.size(), 2u);
  EXPECT_EQ(why->chain[0].entity, "user:alice@acme.com");
  EXPECT_EQ(why->chain[0].gap, 20 * kH);
}

TEST_F(CorrelationRulesTest, EntityThatBecomesAHubLateSplitsItsIncidents) {
  CorrelationConfig config;
  config.hub.floor = 4;
  config.hub.share = 0;
  Open(config);
  // Two pairs joined by their own users, glued together through a shared NAT IP.
  Ingest({MakeTestAlert("acme", "a1", 0, {"user:a@acme.com", "ip:198.51.100.1"}),
          MakeTestAlert("acme", "a2", 1 * kH, {"user:a@acme.com"}),
          MakeTestAlert("acme", "b1", 2 * kH, {"user:b@acme.com", "ip:198.51.100.1"}),
          MakeTestAlert("acme", "b2", 3 * kH, {"user:b@acme.com"})});
  EXPECT_EQ(IncidentOf("a1"), IncidentOf("b1"));
  const std::string glued = IncidentOf("a1");
  // Three more alerts on the NAT IP: 5 > 4 makes it a hub, and the glue dissolves.
  Ingest({MakeTestAlert("acme", "n1", 4 * kH, {"ip:198.51.100.1"}),
          MakeTestAlert("acme", "n2", 5 * kH, {"ip:198.51.100.1"}),
          MakeTestAlert("acme", "n3", 6 * kH, {"ip:198.51.100.1"})});
  EXPECT_EQ(IncidentOf("a1"), IncidentOf("a2"));
  EXPECT_EQ(IncidentOf("b1"), IncidentOf("b2"));
  EXPECT_NE(IncidentOf("a1"), IncidentOf("b1"));
  EXPECT_NE(IncidentOf("n1"), IncidentOf("n2"));
  EXPECT_EQ(IncidentOf("a1"), glued) << "the part holding the earliest alert keeps the id";
  auto why = engine_->Why("acme/weft/a1", "acme/weft/b1");
  ASSERT_TRUE(why.ok());
  EXPECT_FALSE(why->linked);
  ASSERT_EQ(why->guards.size(), 1u);
  EXPECT_EQ(why->guards[0], "ip:198.51.100.1 is a hub (5 alerts > 4)");
}

TEST_F(CorrelationRulesTest, HubThresholdGrowsWithTheTenant) {
  CorrelationConfig config;
  config.hub.floor = 2;
  config.hub.share = 0.25;
  Open(config);
  // 3 alerts on one IP in a tenant of 3: threshold max(2, 1) = 2 -> hub.
  Ingest({MakeTestAlert("acme", "x1", 0, {"ip:203.0.113.9"}),
          MakeTestAlert("acme", "x2", kH, {"ip:203.0.113.9"}),
          MakeTestAlert("acme", "x3", 2 * kH, {"ip:203.0.113.9"})});
  EXPECT_NE(IncidentOf("x1"), IncidentOf("x2"));
  // The tenant grows to 16 alerts: threshold 4, the IP (3 alerts) links again.
  std::vector<Alert> more;
  for (int i = 0; i < 13; ++i)
    more.push_back(MakeTestAlert("acme", "y" + std::to_string(i), i * kH, {}));
  Ingest(std::move(more));
  EXPECT_EQ(IncidentOf("x1"), IncidentOf("x2"));
  EXPECT_EQ(IncidentOf("x2"), IncidentOf("x3"));
}

TEST_F(CorrelationRulesTest, WeakNamesStopListedAndPrivateEntitiesNeverLink) {
  Open();
  Ingest(
      {MakeTestAlert("acme", "h1", 0, {"device:host:web01", "user:sid:S-1-5-18", "ip:10.0.0.5"}),
       MakeTestAlert("acme", "h2", kH, {"device:host:web01", "user:sid:S-1-5-18", "ip:10.0.0.5"})});
  EXPECT_NE(IncidentOf("h1"), IncidentOf("h2"));
  auto why = engine_->Why("acme/weft/h1", "acme/weft/h2");
  ASSERT_TRUE(why.ok());
  EXPECT_EQ(why->guards.size(), 3u);
}

TEST_F(CorrelationRulesTest, TenantsNeverMix) {
  Open();
  Ingest({MakeTestAlert("acme", "t1", 0, {"ip:203.0.113.1"}),
          MakeTestAlert("other", "t2", 0, {"ip:203.0.113.1"})});
  auto why = engine_->Why("acme/weft/t1", "other/weft/t2");
  ASSERT_TRUE(why.ok());
  EXPECT_FALSE(why->linked);
  EXPECT_EQ(why->guards[0], "different tenants: acme and other (tenants never mix)");
}

TEST_F(CorrelationRulesTest, IncidentIdsDependOnlyOnTheGrouping) {
  Open();
  Ingest({MakeTestAlert("acme", "p", 0, {"ip:203.0.113.2"}),
          MakeTestAlert("acme", "q", kH, {"ip:203.0.113.2"})});
  EXPECT_EQ(IncidentOf("q"), MakeIncidentId("acme/weft/p"));
  Incident inc = Stored(IncidentOf("p"));
  EXPECT_EQ(inc.alert_keys, (std::vector<std::string>{"acme/weft/p", "acme/weft/q"}));
  EXPECT_EQ(inc.entities, (std::vector<std::string>{"ip:203.0.113.2"}));
  EXPECT_EQ(inc.tenant, "acme");
  EXPECT_EQ(inc.first_activity, 0);
  EXPECT_EQ(inc.last_activity, kH);
}

TEST_F(CorrelationRulesTest, DuplicateDeliveryIsOneAlertWithBothProvenances) {
  Open();
  Alert a = MakeTestAlert("acme", "dup", 0, {"ip:203.0.113.3"});
  a.provenances = {Provenance{"defender-for-cloud", "rest.json", "[0]", ""}};
  Alert b = a;
  b.provenances = {Provenance{"sentinel", "sentinel.json", "line 1", ""}};
  Ingest({a});
  auto r = engine_->Ingest({b, b}, {}, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->new_alerts, 0u);
  EXPECT_EQ(r->updated_alerts, 1u);
  EXPECT_EQ(r->duplicates, 1u);
  Alert stored = **store_.GetAlert("acme/weft/dup");
  EXPECT_EQ(stored.provenances.size(), 2u);
  EXPECT_EQ(engine_->alert_count(), 1u);
}

TEST_F(CorrelationRulesTest, OtherRulesOnAnExistingStoreAreRefused) {
  Open();
  Ingest({MakeTestAlert("acme", "r", 0, {"ip:203.0.113.4"})});
  CorrelationConfig other;
  other.window = kH;
  auto e = Engine::Open(store_, other);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("weft recorrelate"), std::string::npos);
}

}  // namespace
}  // namespace weft
