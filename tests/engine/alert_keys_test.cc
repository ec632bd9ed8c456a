// The engine holds alert keys without their "<tenant>/" prefix. What callers see must not change:
// incident ids hash the full key, lookups by full key find the right tenant's alert even when one
// tenant's name begins another's, and a key without its tenant prefix is refused up front, as is
// an evidence entity keyed without its kind (stores read one kind's keys by that prefix).

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

using testing::MakeTestAlert;

constexpr Timestamp kT0 = 1'700'000'000'000;

class AlertKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::Open(store, CorrelationConfig{});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine = std::move(*opened);
  }
  InMemoryStore store;
  std::unique_ptr<Engine> engine;
};

TEST_F(AlertKeysTest, IdsAndLookupsUseTheFullKeyAcrossTenantsWhoseNamesNest) {
  Alert outer = MakeTestAlert("acme", "eu/1", kT0, {"ip:198.51.100.7"});
  Alert inner = MakeTestAlert("acme/eu", "1", kT0, {"ip:198.51.100.7"});
  ASSERT_NE(outer.key, inner.key);
  ASSERT_TRUE(engine->Ingest({outer, inner}, {}, 1).ok());

  for (const Alert* a : {&outer, &inner}) {
    auto incident = engine->IncidentOf(a->key);
    ASSERT_TRUE(incident.ok()) << a->key << ": " << incident.status().ToString();
    EXPECT_EQ(*incident, MakeIncidentId(a->key)) << "tenants never share an incident";
    auto stored = store.GetIncident(*incident);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->alert_keys, std::vector<std::string>{a->key});
    EXPECT_EQ((*stored)->tenant, a->tenant);
  }
  EXPECT_FALSE(engine->IncidentOf("acme/eu/2").ok());
  EXPECT_FALSE(engine->IncidentOf("nobody/x").ok());

  // The same keys come back from a replay.
  auto reopened = Engine::Open(store, std::nullopt);
  ASSERT_TRUE(reopened.ok());
  auto grouping = (*reopened)->Grouping();
  std::vector<std::string> keys;
  for (const auto& [id, members] : grouping)
    keys.insert(keys.end(), members.begin(), members.end());
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> expected = {outer.key, inner.key};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(keys, expected);
}

TEST_F(AlertKeysTest, AKeyWithoutItsTenantPrefixIsRefusedBeforeAnythingChanges) {
  Alert good = MakeTestAlert("acme", "1", kT0, {"ip:198.51.100.7"});
  Alert bad = MakeTestAlert("acme", "2", kT0, {"ip:198.51.100.7"});
  bad.key = "other/weft/2";
  auto refused = engine->Ingest({good, bad}, {}, 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().ToString().find("other/weft/2"), std::string::npos);
  EXPECT_FALSE(engine->IncidentOf(good.key).ok()) << "nothing of the refused batch applies";

  auto accepted = engine->Ingest({good}, {}, 1);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_TRUE(engine->IncidentOf(good.key).ok());
}

TEST_F(AlertKeysTest, AnEntityKeyedWithoutItsKindIsRefusedBeforeAnythingChanges) {
  Alert good = MakeTestAlert("acme", "1", kT0, {"ip:198.51.100.7"});
  Alert bad = MakeTestAlert("acme", "2", kT0, {"ip:198.51.100.7"});
  bad.evidence[0].entity.kind = EntityKind::kDevice;  // an "ip:" key on a device
  auto refused = engine->Ingest({good, bad}, {}, 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "alert acme/weft/2: entity key 'ip:198.51.100.7' does not begin with its kind "
            "'device:'");
  EXPECT_FALSE(engine->IncidentOf(good.key).ok()) << "nothing of the refused batch applies";
  EXPECT_TRUE(engine->Ingest({good}, {}, 1).ok());
}

}  // namespace
}  // namespace weft
