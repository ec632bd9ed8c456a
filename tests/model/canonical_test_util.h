#pragma once
// Helpers the canonical-key tests share (canonical_test.cc, canonical_cloud_test.cc,
// canonical_key_test.cc).

#include <optional>
#include <string>
#include <vector>

#include "model/entity.h"

namespace weft::testing {

// "type:value" of every alias, with a "~" prefix for weak ones, in stored order.
inline std::vector<std::string> AliasStrings(const Entity& e) {
  std::vector<std::string> out;
  for (const Alias& a : e.aliases) out.push_back(a.strong() ? a.ToString() : "~" + a.ToString());
  return out;
}

inline std::string KeyOf(const std::optional<Entity>& e) { return e ? e->key : "<none>"; }

// A subscription of the real Defender for Cloud samples in /work/shared/data.
inline constexpr char kSubscription[] = "0f907ea4-bc8b-4c11-9d7e-805c2fd144fb";

}  // namespace weft::testing
