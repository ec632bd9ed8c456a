#pragma once
// Helpers for engine tests: building alerts tersely, comparing groupings, and a fixture with an
// engine on an in-memory store.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "model/canonical.h"

namespace weft::testing {

// An alert of `tenant` at `time` (ms) whose entities are "kind:value" keys.
inline Alert MakeTestAlert(const std::string& tenant, const std::string& id, Timestamp time,
                           const std::vector<std::string>& entity_keys,
                           Severity severity = Severity::kMedium) {
  Alert a;
  a.tenant = tenant;
  a.source = SourceProduct::kWeft;
  a.provider_id = id;
  a.title = "alert " + id;
  a.severity = severity;
  a.first_activity = time;
  for (const std::string& k : entity_keys) {
    auto parts = SplitEntityKey(k);
    std::optional<Entity> e = MakeFromKey(parts->first, parts->second, "test");
    if (e) a.evidence.push_back(Evidence{*e, EvidenceRole::kRelated});
  }
  Status s = FinalizeAlert(a);
  (void)s;
  return a;
}

// A grouping as a set of sorted alert-key sets (ids ignored).
using Partition = std::set<std::vector<std::string>>;

inline Partition ToPartition(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& grouping) {
  Partition p;
  for (const auto& [id, keys] : grouping) p.insert(keys);
  return p;
}

// An engine over an in-memory store, for tests of tenant "acme" alerts built by MakeTestAlert.
class EngineFixture : public ::testing::Test {
 protected:
  void Open(CorrelationConfig config = {}) {
    auto e = Engine::Open(store_, config);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
  }
  void Ingest(std::vector<Alert> alerts) {
    auto r = engine_->Ingest(std::move(alerts), {}, 1);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // The incident of the "acme" alert with provider id `id`.
  std::string IncidentOf(const std::string& id) { return *engine_->IncidentOf("acme/weft/" + id); }
  Incident Stored(const std::string& incident_id) { return **store_.GetIncident(incident_id); }

  InMemoryStore store_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace weft::testing
