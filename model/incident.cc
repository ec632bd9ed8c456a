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
  return FormatIncidentId(IncidentIdHash(earliest_alert_key));
}

std::uint64_t IncidentIdHash(std::string_view earliest_alert_key) {
  return StableHash(earliest_alert_key);
}

std::string FormatIncidentId(std::uint64_t hash) { return "inc-" + Hex64(hash); }

std::optional<std::uint64_t> ParseIncidentId(std::string_view id) {
  constexpr std::string_view kPrefix = "inc-";
  if (id.size() != kPrefix.size() + 16 || id.substr(0, kPrefix.size()) != kPrefix)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : id.substr(kPrefix.size())) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else
      return std::nullopt;
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace weft
