// The GraphStore contract, run against both implementations (store_contract.h): point reads,
// upserts and deletes, meta and stats. The scans' contract is store_scan_contract_test.cc.

#include "tests/persistence/store_contract.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <span>

namespace weft {
namespace {

using testing::Dump;
using testing::DumpEntities;
using testing::DumpIncidents;
using testing::DumpRelations;
using testing::ExpectedEntities;
using testing::ExpectedIncidents;
using testing::ExpectedRelations;
using testing::FullAlert;
using testing::FullEntityRecord;
using testing::FullIncident;
using testing::GuideSample;
using testing::KindNames;
using testing::StoreContractTest;
using testing::StoreKinds;

TYPED_TEST_SUITE(StoreContractTest, StoreKinds, KindNames);

TYPED_TEST(StoreContractTest, AlertGetReturnsWhatWasAppliedAndNulloptWhenAbsent) {
  WriteBatch b;
  b.alerts = {FullAlert(1), FullAlert(2)};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  Result<std::optional<Alert>> got = this->store_->GetAlert("contoso/m365/da6371");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Dump(**got), Dump(FullAlert(1)));
  Result<std::optional<Alert>> absent = this->store_->GetAlert("contoso/m365/da6373");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TYPED_TEST(StoreContractTest, AlertUpsertReplacesWholeRecord) {
  WriteBatch b;
  b.alerts = {FullAlert(1)};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  Alert replacement = FullAlert(1);
  replacement.title = "replaced";
  replacement.evidence.resize(1);
  replacement.provenances.clear();
  b.alerts = {replacement};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  Result<std::optional<Alert>> got = this->store_->GetAlert(replacement.key);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->title, "replaced");
  EXPECT_EQ((*got)->evidence.size(), 1u);
  EXPECT_TRUE((*got)->provenances.empty());
  EXPECT_EQ(this->store_->Stats()->alerts, 1u);
}

TYPED_TEST(StoreContractTest, LaterUpsertInOneBatchWins) {
  WriteBatch b;
  Alert first = FullAlert(1);
  first.title = "first";
  Alert second = FullAlert(1);
  second.title = "second";
  b.alerts = {first, second};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  EXPECT_EQ((*this->store_->GetAlert(first.key))->title, "second");
}

TYPED_TEST(StoreContractTest, EntityScansGetsAndDeletes) {
  this->ApplyGuide();
  EXPECT_EQ(DumpEntities(*this->store_), ExpectedEntities(""));
  for (const std::string t : {"org0", "org1", "org10"})
    EXPECT_EQ(DumpEntities(*this->store_, t), ExpectedEntities(t));
  const EntityRecord& e = GuideSample().entities[5];
  Result<std::optional<EntityRecord>> got = this->store_->GetEntity(e.tenant, e.entity.key);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(Dump(**got), Dump(e));
  EXPECT_FALSE(this->store_->GetEntity("org999", e.entity.key)->has_value());

  WriteBatch del;
  del.deleted_entities = {{e.tenant, e.entity.key}, {"org999", "ip:nothing"}};
  WEFT_ASSERT_OK(this->store_->Apply(del));
  EXPECT_FALSE(this->store_->GetEntity(e.tenant, e.entity.key)->has_value());
  EXPECT_EQ(this->store_->Stats()->entities, ExpectedEntities("").size() - 1);
}

TYPED_TEST(StoreContractTest, DeleteThenUpsertInOneBatchKeepsTheUpsert) {
  WriteBatch b;
  b.entities = {FullEntityRecord(1)};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  EntityRecord updated = FullEntityRecord(1);
  updated.conflicts.clear();
  WriteBatch b2;
  b2.entities = {updated};
  b2.deleted_entities = {{updated.tenant, updated.entity.key}};
  b2.incidents = {FullIncident(1)};
  b2.deleted_incidents = {FullIncident(1).id};
  WEFT_ASSERT_OK(this->store_->Apply(b2));
  Result<std::optional<EntityRecord>> got =
      this->store_->GetEntity(updated.tenant, updated.entity.key);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(Dump(**got), Dump(updated));
  EXPECT_TRUE(this->store_->GetIncident(FullIncident(1).id)->has_value());
}

TYPED_TEST(StoreContractTest, EntitiesOfOneKeyInTwoTenantsAreDistinct) {
  WriteBatch b;
  b.entities = {FullEntityRecord(1, "a"), FullEntityRecord(1, "ab"), FullEntityRecord(2, "a")};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  const std::vector<std::string> a = DumpEntities(*this->store_, "a");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], Dump(FullEntityRecord(1, "a")));
  EXPECT_EQ(a[1], Dump(FullEntityRecord(2, "a")));
  EXPECT_EQ(DumpEntities(*this->store_, "ab"),
            std::vector<std::string>{Dump(FullEntityRecord(1, "ab"))});
  // All tenants: ordered by (tenant, key), so "a" before "ab".
  EXPECT_EQ(
      DumpEntities(*this->store_),
      (std::vector<std::string>{Dump(FullEntityRecord(1, "a")), Dump(FullEntityRecord(2, "a")),
                                Dump(FullEntityRecord(1, "ab"))}));
}

TYPED_TEST(StoreContractTest, RelationScansAndUpsertByIdentity) {
  this->ApplyGuide();
  ASSERT_GT(GuideSample().relations.size(), 0u);
  EXPECT_EQ(DumpRelations(*this->store_), ExpectedRelations(""));
  const std::string tenant = GuideSample().relations[0].tenant;
  EXPECT_EQ(DumpRelations(*this->store_, tenant), ExpectedRelations(tenant));
  Relation r = GuideSample().relations[0];
  r.properties["weight"] = "3";
  WriteBatch b;
  b.relations = {r};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  int found = 0;
  WEFT_EXPECT_OK(this->store_->ForEachRelation(tenant, [&](const Relation& got) {
    if (got == r) {
      ++found;
      EXPECT_EQ(got.properties.at("weight"), "3");
    }
    return true;
  }));
  EXPECT_EQ(found, 1);
  EXPECT_EQ(this->store_->Stats()->relations, ExpectedRelations("").size());
}

TYPED_TEST(StoreContractTest, IncidentsGetScanFilterAndDelete) {
  this->ApplyGuide();
  EXPECT_EQ(DumpIncidents(*this->store_), ExpectedIncidents(""));
  EXPECT_EQ(DumpIncidents(*this->store_, "org0"), ExpectedIncidents("org0"));
  EXPECT_FALSE(ExpectedIncidents("org0").empty());
  const Incident& i = GuideSample().incidents[3];
  Result<std::optional<Incident>> got = this->store_->GetIncident(i.id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(Dump(**got), Dump(i));
  WriteBatch del;
  del.deleted_incidents = {i.id};
  WEFT_ASSERT_OK(this->store_->Apply(del));
  EXPECT_FALSE(this->store_->GetIncident(i.id)->has_value());
  EXPECT_EQ(this->store_->Stats()->incidents, ExpectedIncidents("").size() - 1);
}

TYPED_TEST(StoreContractTest, MetaUpsertsByName) {
  EXPECT_FALSE(this->store_->GetMeta("last_batch")->has_value());
  WriteBatch b;
  b.meta = {{"last_batch", "1"}, {"config", "window=5h"}};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  b.meta = {{"last_batch", "2"}};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  EXPECT_EQ(*this->store_->GetMeta("last_batch").value(), "2");
  EXPECT_EQ(*this->store_->GetMeta("config").value(), "window=5h");
}

TYPED_TEST(StoreContractTest, StatsCountEveryKind) {
  Result<StoreStats> empty = this->store_->Stats();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->alerts + empty->entities + empty->relations + empty->incidents, 0u);
  WEFT_ASSERT_OK(this->store_->Apply(WriteBatch{}));
  this->ApplyGuide();
  Result<StoreStats> s = this->store_->Stats();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->alerts, 398u);
  EXPECT_EQ(s->entities, ExpectedEntities("").size());
  EXPECT_EQ(s->relations, ExpectedRelations("").size());
  EXPECT_EQ(s->incidents, ExpectedIncidents("").size());
  if constexpr (TypeParam::kOnDisk) {
    EXPECT_GT(s->disk_bytes, 100'000u);  // the WAL alone holds the ~100 KB sample
  } else {
    EXPECT_EQ(s->disk_bytes, 0u);
  }
}

// The estimates a replay sizes its tables by: nothing for an empty store, and the counts within a
// factor of two once records are in (RocksDB counts versions that compaction has not merged yet).
TYPED_TEST(StoreContractTest, EstimatedStatsAreNearTheCounts) {
  Result<StoreStats> empty = this->store_->EstimatedStats();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->alerts + empty->entities + empty->relations + empty->incidents, 0u);
  this->ApplyGuide();
  const StoreStats exact = this->store_->Stats().value();
  Result<StoreStats> estimated = this->store_->EstimatedStats();
  ASSERT_TRUE(estimated.ok()) << estimated.status().ToString();
  for (auto [e, x] : {std::pair{estimated->alerts, exact.alerts},
                      {estimated->entities, exact.entities},
                      {estimated->relations, exact.relations},
                      {estimated->incidents, exact.incidents}}) {
    EXPECT_GE(2 * e, x);
    EXPECT_LE(e, 2 * x);
  }
}

}  // namespace
}  // namespace weft
