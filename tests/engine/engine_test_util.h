#pragma once
// Helpers for engine tests: building alerts tersely and comparing groupings.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.h"
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

}  // namespace weft::testing
