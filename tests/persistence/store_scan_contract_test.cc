// The GraphStore contract for scans, run against both implementations (store_contract.h):
// tenant and kind filters, key order, narrowed scans, early stops, summaries and runs.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <span>

#include "tests/persistence/store_contract.h"

namespace weft {
namespace {

using testing::Dump;
using testing::DumpAlerts;
using testing::ExpectedAlerts;
using testing::GuideSample;
using testing::KindNames;
using testing::StoreContractTest;
using testing::StoreKinds;

std::vector<std::string> DumpEntitiesOfKind(GraphStore& store, const std::string& tenant,
                                            EntityKind kind) {
  std::vector<std::string> out;
  Status s = store.ForEachEntityOfKind(tenant, kind, [&](const EntityRecord& r) {
    out.push_back(Dump(r));
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// The same fixture under its own suite name (a suite's tests must come from one fixture type).
template <typename Kind>
class StoreScanContractTest : public StoreContractTest<Kind> {};
TYPED_TEST_SUITE(StoreScanContractTest, StoreKinds, KindNames);

TYPED_TEST(StoreScanContractTest, AlertScansAreTenantFilteredAndInKeyOrder) {
  this->ApplyGuide();
  EXPECT_EQ(DumpAlerts(*this->store_), ExpectedAlerts(""));
  EXPECT_EQ(DumpAlerts(*this->store_).size(), 398u);
  // "org1" must not pick up "org10", "org11", ... (the sample has both).
  std::set<std::string> tenants;
  for (const Alert& a : GuideSample().alerts) tenants.insert(a.tenant);
  ASSERT_TRUE(tenants.count("org1") && tenants.count("org10") && tenants.count("org0"));
  for (const std::string t : {"org0", "org1", "org10", "org4"}) {
    SCOPED_TRACE(t);
    const std::vector<std::string> want = ExpectedAlerts(t);
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(DumpAlerts(*this->store_, t), want);
  }
  EXPECT_EQ(DumpAlerts(*this->store_, "org0").size(), 26u);
  EXPECT_TRUE(DumpAlerts(*this->store_, "org").empty());
  EXPECT_TRUE(DumpAlerts(*this->store_, "no-such-tenant").empty());
}

TYPED_TEST(StoreScanContractTest, EntitiesOfOneKindAreTheEntityScanFilteredOnKind) {
  this->ApplyGuide();
  std::set<EntityKind> kinds;
  for (const EntityRecord& e : GuideSample().entities) kinds.insert(e.entity.kind);
  ASSERT_GE(kinds.size(), 3u);  // devices, users, generic codes at least
  for (const std::string t : {"", "org0", "org1", "org10"}) {
    for (EntityKind kind : kinds) {
      std::vector<std::string> got;
      ASSERT_TRUE(this->store_
                      ->ForEachEntity(t,
                                      [&](const EntityRecord& r) {
                                        if (r.entity.kind == kind) got.push_back(Dump(r));
                                        return true;
                                      })
                      .ok());
      EXPECT_EQ(DumpEntitiesOfKind(*this->store_, t, kind), got)
          << "tenant '" << t << "', kind " << EntityKindName(kind);
      EXPECT_FALSE(got.empty() && t.empty()) << EntityKindName(kind);
    }
  }
}

TYPED_TEST(StoreScanContractTest, EntitiesOfOneKindKeepTenantsApartAndSkipOtherKinds) {
  // Tenants whose names are prefixes of one another, each with kinds before and after the one
  // asked for: a scan of every tenant must visit each tenant's run of the kind and nothing else.
  auto record = [](const std::string& tenant, EntityKind kind, const std::string& value) {
    EntityRecord r;
    r.tenant = tenant;
    r.entity.kind = kind;
    r.entity.key = std::string(EntityKindName(kind)) + ":" + value;
    return r;
  };
  WriteBatch b;
  for (const std::string t : {"a", "a\x01b", "ab", "b"}) {
    b.entities.push_back(record(t, EntityKind::kCloudResource, "r1"));
    b.entities.push_back(record(t, EntityKind::kDevice, "mde:1"));
    b.entities.push_back(record(t, EntityKind::kDevice, "mde:2"));
    b.entities.push_back(record(t, EntityKind::kUser, "upn:x@y"));
  }
  b.entities.push_back(record("c", EntityKind::kUser, "upn:only-users"));
  WEFT_ASSERT_OK(this->store_->Apply(b));
  auto keys = [&](const std::string& tenant) {
    std::vector<std::string> out;
    EXPECT_TRUE(this->store_
                    ->ForEachEntityOfKind(tenant, EntityKind::kDevice,
                                          [&](const EntityRecord& r) {
                                            out.push_back(r.tenant + "|" + r.entity.key);
                                            return true;
                                          })
                    .ok());
    return out;
  };
  EXPECT_EQ(keys(""),
            (std::vector<std::string>{"a|device:mde:1", "a|device:mde:2", "a\x01b|device:mde:1",
                                      "a\x01b|device:mde:2", "ab|device:mde:1", "ab|device:mde:2",
                                      "b|device:mde:1", "b|device:mde:2"}));
  EXPECT_EQ(keys("a"), (std::vector<std::string>{"a|device:mde:1", "a|device:mde:2"}));
  EXPECT_TRUE(keys("c").empty());
  // A visitor that stops ends the scan.
  int visited = 0;
  WEFT_ASSERT_OK(
      this->store_->ForEachEntityOfKind("", EntityKind::kDevice, [&](const EntityRecord&) {
        ++visited;
        return visited < 3;
      }));
  EXPECT_EQ(visited, 3);
}

// The narrowed scans visit every record the full scan would for the keys, and on disk few others.
TYPED_TEST(StoreScanContractTest,
           NarrowedScansVisitEveryAlertNamingAKeyAndEveryIncidentHoldingOne) {
  this->ApplyGuide();
  const testing::GuideData& g = GuideSample();
  const std::string tenant = "org1";
  std::vector<std::string> entity_keys, alert_keys;
  for (const Alert& a : g.alerts) {
    if (a.tenant != tenant || a.evidence.empty() || entity_keys.size() == 3) continue;
    entity_keys.push_back(a.evidence.back().entity.key);
  }
  ASSERT_EQ(entity_keys.size(), 3u);
  auto names_one = [&](const AlertSummary& s) {
    return std::any_of(s.evidence.begin(), s.evidence.end(), [&](const auto& ev) {
      return std::find(entity_keys.begin(), entity_keys.end(), ev.second) != entity_keys.end();
    });
  };
  std::set<std::string> expected, got;
  std::size_t visited = 0, all = 0;
  WEFT_ASSERT_OK(this->store_->ForEachAlertSummary(tenant, [&](const AlertSummary& s) {
    ++all;
    if (names_one(s)) expected.insert(std::string(s.key));
    return true;
  }));
  WEFT_ASSERT_OK(
      this->store_->ForEachAlertSummaryNaming(tenant, entity_keys, [&](const AlertSummary& s) {
        ++visited;
        EXPECT_EQ(s.tenant, tenant);
        if (names_one(s)) got.insert(std::string(s.key));
        return true;
      }));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(got, expected);
  if constexpr (TypeParam::kOnDisk) {
    EXPECT_LT(visited, all);
  }

  alert_keys.assign(expected.begin(), expected.end());
  auto holds_one = [&](const Incident& i) {
    return std::any_of(i.alert_keys.begin(), i.alert_keys.end(), [&](const std::string& k) {
      return std::find(alert_keys.begin(), alert_keys.end(), k) != alert_keys.end();
    });
  };
  std::set<std::string> expected_incidents, got_incidents;
  visited = all = 0;
  WEFT_ASSERT_OK(this->store_->ForEachIncident(tenant, [&](const Incident& i) {
    ++all;
    if (holds_one(i)) expected_incidents.insert(i.id);
    return true;
  }));
  WEFT_ASSERT_OK(this->store_->ForEachIncidentHolding(tenant, alert_keys, [&](const Incident& i) {
    ++visited;
    if (holds_one(i)) got_incidents.insert(i.id);
    return true;
  }));
  ASSERT_FALSE(expected_incidents.empty());
  EXPECT_EQ(got_incidents, expected_incidents);
  if constexpr (TypeParam::kOnDisk) {
    EXPECT_LT(visited, all);
  }
}

// The members scan gives each incident's id, tenant, status and alert keys, as the full scan
// does, for every tenant or one, with keys outside the tenant (never written by weft) whole.
TYPED_TEST(StoreScanContractTest, IncidentMembersAreWhatTheFullScanHolds) {
  this->ApplyGuide();
  Incident outside = GuideSample().incidents.front();
  outside.id = "inc-00000000000000ff";
  outside.status = IncidentStatus::kRedirected;
  outside.alert_keys.push_back("elsewhere/m365/x");
  WriteBatch b;
  b.incidents = {outside};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  auto dump = [](std::string_view id, std::string_view tenant, IncidentStatus status,
                 const std::vector<std::string>& keys) {
    std::string out =
        std::string(id) + " " + std::string(tenant) + " " + std::string(IncidentStatusName(status));
    for (const std::string& k : keys) out += " " + k;
    return out;
  };
  for (const std::string tenant : {"", "org1"}) {
    std::vector<std::string> expected, got;
    WEFT_ASSERT_OK(this->store_->ForEachIncident(tenant, [&](const Incident& i) {
      expected.push_back(dump(i.id, i.tenant, i.status, i.alert_keys));
      return true;
    }));
    WEFT_ASSERT_OK(this->store_->ForEachIncidentMembers(tenant, [&](const IncidentMembers& m) {
      std::vector<std::string> keys;
      for (std::string_view k : m.alert_keys) {
        keys.push_back(m.keys_under_tenant ? std::string(m.tenant) + "/" + std::string(k)
                                           : std::string(k));
      }
      if (m.id == outside.id) {
        EXPECT_FALSE(m.keys_under_tenant);
      }
      got.push_back(dump(m.id, m.tenant, m.status, keys));
      return true;
    }));
    EXPECT_GT(expected.size(), 2u);
    EXPECT_EQ(got, expected) << "tenant '" << tenant << "'";
  }
  std::size_t n = 0;
  WEFT_EXPECT_OK(
      this->store_->ForEachIncidentMembers("", [&](const IncidentMembers&) { return ++n < 2; }));
  EXPECT_EQ(n, 2u);  // the visitor stops the scan
}

// ForEachRelationFrom gives what ForEachRelation gives, filtered on `from`, in the same order;
// a `from` that begins another ("device:a", "device:ab") or another tenant's does not leak in.
TYPED_TEST(StoreScanContractTest, RelationsFromOneKeyAreTheScanFilteredOnFrom) {
  this->ApplyGuide();
  Relation a = GuideSample().relations[0], ab = a, other_tenant = a;
  a.tenant = ab.tenant = "t";
  a.from = "device:a";
  ab.from = "device:ab";
  other_tenant.tenant = "t2";
  other_tenant.from = "device:a";
  WriteBatch b;
  b.relations = {ab, a, other_tenant};
  WEFT_ASSERT_OK(this->store_->Apply(b));
  std::set<std::pair<std::string, std::string>> froms = {{"t", "device:a"}, {"t", "device:ab"}};
  for (const Relation& r : GuideSample().relations) froms.emplace(r.tenant, r.from);
  for (const auto& [tenant, from] : froms) {
    std::vector<std::string> want, got;
    WEFT_EXPECT_OK(this->store_->ForEachRelation(tenant, [&](const Relation& r) {
      if (r.from == from) want.push_back(Dump(r));
      return true;
    }));
    WEFT_EXPECT_OK(this->store_->ForEachRelationFrom(tenant, from, [&](const Relation& r) {
      got.push_back(Dump(r));
      return true;
    }));
    ASSERT_FALSE(want.empty()) << from;
    EXPECT_EQ(got, want) << tenant << " " << from;
  }
}

TYPED_TEST(StoreScanContractTest, ScansStopWhenTheVisitorReturnsFalse) {
  this->ApplyGuide();
  std::vector<std::string> seen;
  WEFT_EXPECT_OK(this->store_->ForEachAlert("", [&](const Alert& a) {
    seen.push_back(Dump(a));
    return seen.size() < 3;
  }));
  const std::vector<std::string> all = ExpectedAlerts("");
  EXPECT_EQ(seen, std::vector<std::string>(all.begin(), all.begin() + 3));
  int n = 0;
  WEFT_EXPECT_OK(this->store_->ForEachEntity("org0", [&](const EntityRecord&) { return ++n < 2; }));
  EXPECT_EQ(n, 2);
  n = 0;
  WEFT_EXPECT_OK(this->store_->ForEachRelation("", [&](const Relation&) { return ++n < 1; }));
  EXPECT_EQ(n, 1);
  n = 0;
  WEFT_EXPECT_OK(this->store_->ForEachIncident("", [&](const Incident&) { return ++n < 4; }));
  EXPECT_EQ(n, 4);
}

// A summary is the alert's correlation fields (its alert type too, for alert-type grouping), in
// the same order as ForEachAlert; a visitor may
// read from the store while a scan runs (an engine reopening resolves evidence that way).
TYPED_TEST(StoreScanContractTest, AlertSummariesMatchTheAlertsAndVisitorsMayReadTheStore) {
  this->ApplyGuide();
  auto summarize = [](std::string_view tenant, std::string_view key, std::string_view title,
                      Timestamp activity, Timestamp last, Severity severity, AlertStatus status,
                      const std::string& evidence) {
    return std::string(tenant) + "|" + std::string(key) + "|" + std::string(title) + "|" +
           std::to_string(activity) + "|" + std::to_string(last) + "|" +
           std::to_string(static_cast<int>(severity)) + "|" +
           std::to_string(static_cast<int>(status)) + "|" + evidence;
  };
  for (const std::string tenant : {"", "org0"}) {
    std::vector<std::string> full, summaries;
    std::size_t decodable = 0;
    std::size_t typed = 0;  // alerts with an alert type (GUIDE's DetectorId): the summary has it
    WEFT_EXPECT_OK(this->store_->ForEachAlert(tenant, [&](const Alert& a) {
      std::string evidence;
      for (const Evidence& e : a.evidence)
        evidence += std::string(EntityKindName(e.entity.kind)) + "=" + e.entity.key + ";";
      typed += a.alert_type.empty() ? 0 : 1;
      full.push_back(summarize(a.tenant, a.key, a.title + "#" + a.alert_type, a.activity_time(),
                               a.last_activity, a.severity, a.status, evidence));
      return true;
    }));
    WEFT_EXPECT_OK(this->store_->ForEachAlertSummary(tenant, [&](const AlertSummary& a) {
      std::string evidence;
      for (const auto& [kind, key] : a.evidence)
        evidence += std::string(EntityKindName(kind)) + "=" + std::string(key) + ";";
      summaries.push_back(summarize(a.tenant, a.key,
                                    std::string(a.title) + "#" + std::string(a.alert_type),
                                    a.activity, a.last_activity, a.severity, a.status, evidence));
      auto again = this->store_->GetAlert(a.key);  // a read inside the scan
      EXPECT_TRUE(again.ok() && again->has_value()) << a.key;
      if (a.decode_record != nullptr && again.ok() && again->has_value()) {
        // The whole alert from the scanned bytes is the stored one.
        ++decodable;
        Result<Alert> whole = a.decode_record(a.key, a.record);
        EXPECT_TRUE(whole.ok()) << a.key;
        if (whole.ok()) {
          const Alert& stored = **again;
          EXPECT_EQ(whole->key, stored.key);
          EXPECT_EQ(whole->description, stored.description);
          EXPECT_EQ(whole->provenances, stored.provenances);
          EXPECT_EQ(whole->evidence.size(), stored.evidence.size());
        }
      }
      return true;
    }));
    EXPECT_FALSE(full.empty());
    EXPECT_EQ(typed, full.size());
    EXPECT_EQ(summaries, full) << "tenant '" << tenant << "'";
    // The RocksDB store hands every summary its record to decode; the in-memory one need not.
    if (TypeParam::kOnDisk) {
      EXPECT_EQ(decodable, summaries.size());
    }
  }
}

// The run scans visit exactly the records of the one-by-one scans, in the same order; the RocksDB
// store passes its read-ahead chunks (more than one record a call), and a visitor that returns
// false stops the scan after its run.
TYPED_TEST(StoreScanContractTest, RunScansVisitTheRecordsOfTheScansInTheSameOrder) {
  this->ApplyGuide();
  for (const std::string tenant : {"", "org0"}) {
    std::vector<std::string> entities, entity_runs, summaries, summary_runs;
    std::size_t longest_run = 0, runs = 0;
    WEFT_EXPECT_OK(this->store_->ForEachEntity(tenant, [&](const EntityRecord& r) {
      entities.push_back(r.tenant + "|" + r.entity.key);
      return true;
    }));
    WEFT_EXPECT_OK(this->store_->ForEachEntityRun(tenant, [&](std::span<const EntityRecord> run) {
      for (const EntityRecord& r : run) entity_runs.push_back(r.tenant + "|" + r.entity.key);
      longest_run = std::max(longest_run, run.size());
      return true;
    }));
    WEFT_EXPECT_OK(this->store_->ForEachAlertSummary(tenant, [&](const AlertSummary& a) {
      summaries.emplace_back(a.key);
      return true;
    }));
    WEFT_EXPECT_OK(
        this->store_->ForEachAlertSummaryRun(tenant, [&](std::span<const AlertSummary> run) {
          for (const AlertSummary& a : run) summary_runs.emplace_back(a.key);
          longest_run = std::max(longest_run, run.size());
          ++runs;
          return true;
        }));
    EXPECT_FALSE(entities.empty());
    EXPECT_EQ(entity_runs, entities) << "tenant '" << tenant << "'";
    EXPECT_EQ(summary_runs, summaries) << "tenant '" << tenant << "'";
    if (TypeParam::kOnDisk) {
      EXPECT_GT(longest_run, 1u);  // the sample's 398 alerts fit one chunk
    }
    if (runs >= 2) {
      std::size_t visited = 0, calls = 0;
      WEFT_EXPECT_OK(
          this->store_->ForEachAlertSummaryRun(tenant, [&](std::span<const AlertSummary> run) {
            visited += run.size();
            return ++calls < 1;
          }));
      EXPECT_EQ(calls, 1u);
      EXPECT_LT(visited, summaries.size());
    }
  }
}

}  // namespace
}  // namespace weft
