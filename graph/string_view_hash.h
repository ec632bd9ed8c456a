#pragma once
// Abseil's own hash of std::string_view keys, for the flat tables keyed by views.
//
// Debian builds Abseil with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), so
// absl::Hash<std::string_view> falls back to std::hash, libstdc++'s _Hash_bytes. The same bytes
// viewed as an absl::string_view take Abseil's hash, 14-41% faster on weft's keys and titles
// (weft_string_hash_bench; docs/benchmarks.md, round 22). Stable within a process only.

#include <cstddef>
#include <string_view>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace weft {

inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// For absl::flat_hash_map<std::string_view, V, StringViewHash>.
struct StringViewHash {
  std::size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(AbslView(s));
  }
};

// For tables keyed by two views, e.g. (tenant, entity key).
struct StringViewPairHash {
  std::size_t operator()(const std::pair<std::string_view, std::string_view>& p) const {
    return absl::HashOf(AbslView(p.first), AbslView(p.second));
  }
};

}  // namespace weft
