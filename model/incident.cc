#include "model/incident.h"

#include "model/canonical.h"

namespace weft {

std::string_view IncidentStatusName(IncidentStatus s) {
  switch (s) {
    case IncidentStatus::kActive: return "active";
    case IncidentStatus::kResolved: return "resolved";
    case IncidentStatus::kRedirected: return "redirected";
  }
  return "active";
}

std::optional<IncidentStatus> ParseIncidentStatus(std::string_view text) {
  const std::string s = ToLower(Trim(text));
  if (s == "active" || s == "new" || s == "open") return IncidentStatus::kActive;
  if (s == "resolved" || s == "closed") return IncidentStatus::kResolved;
  if (s == "redirected") return IncidentStatus::kRedirected;
  return std::nullopt;
}

std::string MakeIncidentId(std::string_view earliest_alert_key) {
  return "inc-" + Hex64(StableHash(earliest_alert_key));
}

}  // namespace weft
