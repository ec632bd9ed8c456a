#include "engine/correlation_config.h"

#include <cmath>

#include "model/alert.h"

namespace weft {

std::size_t HubRule::Threshold(std::size_t tenant_alerts) const {
  if (absolute) return *absolute;
  const auto scaled =
      static_cast<std::size_t>(std::ceil(share * static_cast<double>(tenant_alerts)));
  return std::max(floor, scaled);
}

std::set<EntityKind> CorrelationConfig::DefaultKinds() {
  return {EntityKind::kDevice,  EntityKind::kUser,        EntityKind::kIp,
          EntityKind::kFile,    EntityKind::kUrl,         EntityKind::kDomain,
          EntityKind::kMailbox, EntityKind::kMailMessage, EntityKind::kCloudResource};
}

std::set<std::string, std::less<>> CorrelationConfig::DefaultStopList() {
  // Built-in Windows identities exist on every machine: sharing one says nothing.
  return {"user:sid:S-1-5-18",
          "user:sid:S-1-5-19",
          "user:sid:S-1-5-20",
          "user:sid:S-1-5-7",
          "user:name:nt authority\\system",
          "user:name:system",
          "user:name:local service",
          "user:name:network service",
          "user:name:administrator",
          "user:name:root",
          "ip:127.0.0.1",
          "ip:::1",
          "ip:255.255.255.255",
          "domain:localhost"};
}

bool CorrelationConfig::Correlates(EntityKind kind, std::string_view key, bool private_ip,
                                   std::string* reason) const {
  if (kinds.find(kind) == kinds.end()) {
    if (reason != nullptr)
      *reason = "entities of kind " + std::string(EntityKindName(kind)) + " do not correlate";
    return false;
  }
  if (stop_list.find(key) != stop_list.end()) {
    if (reason != nullptr) *reason = std::string(key) + " is on the stop-list";
    return false;
  }
  if (private_ip && !private_ips_correlate) {
    if (reason != nullptr)
      *reason = std::string(key) + " is a private address (private IPs do not correlate)";
    return false;
  }
  // A device or user known only by a weak name (host name, bare account name) never links.
  if (key.rfind("device:host:", 0) == 0 || key.rfind("device:fqdn:", 0) == 0 ||
      key.rfind("user:name:", 0) == 0 || key.rfind("file:name:", 0) == 0) {
    if (reason != nullptr)
      *reason = std::string(key) + " is a weak identifier (a name alone never links alerts)";
    return false;
  }
  return true;
}

std::string CorrelationConfig::Describe() const {
  std::string out = "window=" + (window ? FormatDuration(*window) : std::string("off"));
  if (hub.absolute) {
    out += " hub=" + std::to_string(*hub.absolute);
  } else {
    char share[32];
    std::snprintf(share, sizeof share, "%g", hub.share * 100.0);
    out += " hub=max(" + std::to_string(hub.floor) + ", " + share + "% of tenant alerts)";
  }
  out += " kinds=";
  bool first = true;
  for (EntityKind k : kinds) {
    if (!first) out += ',';
    out += EntityKindName(k);
    first = false;
  }
  out += private_ips_correlate ? " private-ips=on" : " private-ips=off";
  // Only when on: the fingerprints of configurations without it stay what stores recorded.
  if (type_window) {
    out += " type-window=" + FormatDuration(*type_window);
    std::string sources;
    for (SourceProduct p : type_sources) {
      sources += sources.empty() ? " type-sources=" : ",";
      sources += SourceProductName(p);
    }
    out += sources;
  }
  return out;
}

std::string CorrelationConfig::Fingerprint() const {
  std::string text = Describe();
  for (const std::string& s : stop_list) text += "|" + s;
  return Hex64(StableHash(text));
}

}  // namespace weft
