#pragma once
// The GraphStore contract's fixture, shared by store_contract_test.cc (gets, upserts, deletes,
// meta, stats) and store_scan_contract_test.cc (scans): every test runs against both
// implementations, InMemoryStore (graph/) and the RocksDB store (persistence/, a fresh directory
// per test), which must give identical answers.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/in_memory_store.h"
#include "persistence/rocks_store.h"
#include "tests/persistence/store_test_util.h"

namespace weft::testing {

struct InMemoryKind {
  static constexpr bool kOnDisk = false;
  static std::unique_ptr<GraphStore> Make(const TempDir&) {
    return std::make_unique<InMemoryStore>();
  }
};

struct RocksKind {
  static constexpr bool kOnDisk = true;
  static std::unique_ptr<GraphStore> Make(const TempDir& dir) {
    Result<std::unique_ptr<GraphStore>> s = OpenRocksStore(dir.Sub("store"));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
};

struct KindNames {
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, InMemoryKind> ? "InMemory" : "Rocks";
  }
};

template <typename Kind>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Kind::Make(dir_);
    ASSERT_NE(store_, nullptr);
  }

  void ApplyGuide() {
    const testing::GuideData& g = GuideSample();
    WriteBatch b;
    b.alerts = g.alerts;
    b.entities = g.entities;
    b.relations = g.relations;
    b.incidents = g.incidents;
    WEFT_ASSERT_OK(store_->Apply(b));
  }

  TempDir dir_;  // declared first: outlives the store
  std::unique_ptr<GraphStore> store_;
};

using StoreKinds = ::testing::Types<InMemoryKind, RocksKind>;

// Expected scan results computed from the input alone.
template <typename T, typename KeyFn, typename TenantOf>
std::vector<std::string> Expected(const std::vector<T>& items, KeyFn key, TenantOf tenant_of,
                                  const std::string& tenant) {
  std::map<std::string, std::string> by_key;  // later duplicates replace earlier (upsert)
  for (const T& v : items) {
    if (tenant.empty() || tenant_of(v) == tenant) by_key[key(v)] = Dump(v);
  }
  std::vector<std::string> out;
  for (auto& [k, d] : by_key) out.push_back(d);
  return out;
}

inline std::vector<std::string> ExpectedAlerts(const std::string& tenant) {
  return Expected(
      GuideSample().alerts, [](const Alert& a) { return a.key; },
      [](const Alert& a) { return a.tenant; }, tenant);
}
inline std::vector<std::string> ExpectedEntities(const std::string& tenant) {
  return Expected(
      GuideSample().entities, [](const EntityRecord& e) { return e.tenant + '\0' + e.entity.key; },
      [](const EntityRecord& e) { return e.tenant; }, tenant);
}
inline std::vector<std::string> ExpectedRelations(const std::string& tenant) {
  return Expected(
      GuideSample().relations, RelationStoreKey, [](const Relation& r) { return r.tenant; },
      tenant);
}
inline std::vector<std::string> ExpectedIncidents(const std::string& tenant) {
  return Expected(
      GuideSample().incidents, [](const Incident& i) { return i.id; },
      [](const Incident& i) { return i.tenant; }, tenant);
}

using StoreKinds = ::testing::Types<InMemoryKind, RocksKind>;

}  // namespace weft::testing
