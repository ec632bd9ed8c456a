#pragma once
// Incident: a connected component of linked alerts of one tenant. Its id is derived from its
// earliest alert, so the same grouping always gets the same ids whatever the arrival order; an
// incident absorbed by a merge keeps its id with status kRedirected and `redirected_to` set.
// Value type.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/alert.h"

namespace weft {

enum class IncidentStatus { kActive, kResolved, kRedirected };
std::string_view IncidentStatusName(IncidentStatus s);  // "active", "resolved", "redirected"
std::optional<IncidentStatus> ParseIncidentStatus(std::string_view text);

struct Incident {
  std::string id;
  std::string tenant;
  IncidentStatus status = IncidentStatus::kActive;
  std::string redirected_to;  // set when status is kRedirected
  Severity severity = Severity::kLow;
  std::string classification;  // e.g. "truePositive"; "" when not classified
  std::string determination;
  Timestamp first_activity = kNoTime;
  Timestamp last_activity = kNoTime;
  std::vector<std::string> alert_keys;  // sorted
  std::vector<std::string> entities;    // canonical keys, sorted
  std::string title;                    // from its most severe (then earliest) alert
  // The products that reported its alerts and the clouds they came from (kUnknown left out),
  // each sorted and distinct: what the incident queue shows without reading the alerts. Empty
  // in records written before weft kept them; readers then take them from the alerts.
  std::vector<SourceProduct> sources;
  std::vector<Cloud> clouds;
};

// "inc-" + 16 hex digits of a stable hash of the incident's earliest alert key.
std::string MakeIncidentId(std::string_view earliest_alert_key);
// The same id in parts, for code that keeps millions of ids as numbers: the hash MakeIncidentId
// formats, the formatting, and its inverse (nullopt unless `id` is "inc-" + 16 hex digits).
std::uint64_t IncidentIdHash(std::string_view earliest_alert_key);
std::string FormatIncidentId(std::uint64_t hash);
std::optional<std::uint64_t> ParseIncidentId(std::string_view id);

}  // namespace weft
