#include "model/alert.h"

#include <algorithm>
#include <set>

#include "model/canonical.h"

namespace weft {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInformational: return "informational";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
  }
  return "medium";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  const std::string s = ToLower(Trim(text));
  if (s == "informational" || s == "info" || s == "information" || s == "0")
    return Severity::kInformational;
  if (s == "low" || s == "1") return Severity::kLow;
  if (s == "medium" || s == "moderate" || s == "2") return Severity::kMedium;
  if (s == "high" || s == "critical" || s == "3") return Severity::kHigh;
  return std::nullopt;
}

std::string_view SourceProductName(SourceProduct p) {
  switch (p) {
    case SourceProduct::kDefenderForCloud: return "Defender for Cloud";
    case SourceProduct::kDefenderForEndpoint: return "Defender for Endpoint";
    case SourceProduct::kDefenderForIdentity: return "Defender for Identity";
    case SourceProduct::kDefenderForOffice365: return "Defender for Office 365";
    case SourceProduct::kDefenderForCloudApps: return "Defender for Cloud Apps";
    case SourceProduct::kDefenderXdr: return "Defender XDR";
    case SourceProduct::kEntraIdProtection: return "Entra ID Protection";
    case SourceProduct::kSentinel: return "Sentinel";
    case SourceProduct::kGuardDuty: return "GuardDuty";
    case SourceProduct::kSecurityHub: return "Security Hub";
    case SourceProduct::kSecurityCommandCenter: return "Security Command Center";
    case SourceProduct::kOcsf: return "OCSF";
    case SourceProduct::kGuide: return "GUIDE";
    case SourceProduct::kWeft: return "weft";
    case SourceProduct::kOther: return "other";
  }
  return "other";
}

std::optional<SourceProduct> ParseSourceProduct(std::string_view text) {
  std::string s = ToLower(Trim(text));
  for (std::string_view prefix : {"microsoft ", "aws ", "amazon ", "google cloud ", "google "}) {
    if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
  }
  static constexpr SourceProduct kAll[] = {SourceProduct::kDefenderForCloud,
                                           SourceProduct::kDefenderForEndpoint,
                                           SourceProduct::kDefenderForIdentity,
                                           SourceProduct::kDefenderForOffice365,
                                           SourceProduct::kDefenderForCloudApps,
                                           SourceProduct::kDefenderXdr,
                                           SourceProduct::kEntraIdProtection,
                                           SourceProduct::kSentinel,
                                           SourceProduct::kGuardDuty,
                                           SourceProduct::kSecurityHub,
                                           SourceProduct::kSecurityCommandCenter,
                                           SourceProduct::kOcsf,
                                           SourceProduct::kGuide,
                                           SourceProduct::kWeft,
                                           SourceProduct::kOther};
  for (SourceProduct p : kAll) {
    if (EqualsIgnoringCase(s, SourceProductName(p))) return p;
  }
  struct Code {
    std::string_view code;
    SourceProduct product;
  };
  static constexpr Code kCodes[] = {
      {"mdc", SourceProduct::kDefenderForCloud},
      {"azure security center", SourceProduct::kDefenderForCloud},
      {"mde", SourceProduct::kDefenderForEndpoint},
      {"defender atp", SourceProduct::kDefenderForEndpoint},
      {"mdi", SourceProduct::kDefenderForIdentity},
      {"mdo", SourceProduct::kDefenderForOffice365},
      {"mdca", SourceProduct::kDefenderForCloudApps},
      {"xdr", SourceProduct::kDefenderXdr},
      {"microsoft 365 defender", SourceProduct::kDefenderXdr},
      {"365 defender", SourceProduct::kDefenderXdr},
      {"azure sentinel", SourceProduct::kSentinel},
      {"guardduty", SourceProduct::kGuardDuty},
      {"securityhub", SourceProduct::kSecurityHub},
      {"scc", SourceProduct::kSecurityCommandCenter},
      {"gcp-scc", SourceProduct::kSecurityCommandCenter},
      {"aad identity protection", SourceProduct::kEntraIdProtection},
  };
  for (const Code& c : kCodes) {
    if (s == c.code) return c.product;
  }
  return std::nullopt;
}

std::string_view ProviderFamily(SourceProduct p) {
  switch (p) {
    case SourceProduct::kDefenderForCloud: return "mdc";
    case SourceProduct::kDefenderForEndpoint:
    case SourceProduct::kDefenderForIdentity:
    case SourceProduct::kDefenderForOffice365:
    case SourceProduct::kDefenderForCloudApps:
    case SourceProduct::kDefenderXdr:
    case SourceProduct::kEntraIdProtection: return "m365";
    case SourceProduct::kSentinel: return "sentinel";
    case SourceProduct::kGuardDuty: return "guardduty";
    case SourceProduct::kSecurityHub: return "securityhub";
    case SourceProduct::kSecurityCommandCenter: return "scc";
    case SourceProduct::kOcsf: return "ocsf";
    case SourceProduct::kGuide: return "guide";
    case SourceProduct::kWeft: return "weft";
    case SourceProduct::kOther: return "other";
  }
  return "other";
}

std::string_view AlertStatusName(AlertStatus s) {
  switch (s) {
    case AlertStatus::kNew: return "new";
    case AlertStatus::kInProgress: return "in_progress";
    case AlertStatus::kResolved: return "resolved";
    case AlertStatus::kDismissed: return "dismissed";
  }
  return "new";
}

std::optional<AlertStatus> ParseAlertStatus(std::string_view text) {
  std::string s = ToLower(Trim(text));
  s.erase(
      std::remove_if(s.begin(), s.end(), [](char c) { return c == '_' || c == ' ' || c == '-'; }),
      s.end());
  if (s == "new" || s == "active" || s == "open" || s == "notified" || s == "unknown")
    return AlertStatus::kNew;
  if (s == "inprogress") return AlertStatus::kInProgress;
  if (s == "resolved" || s == "closed" || s == "inactive" || s == "archived")
    return AlertStatus::kResolved;
  if (s == "dismissed" || s == "suppressed" || s == "muted") return AlertStatus::kDismissed;
  return std::nullopt;
}

std::string_view EvidenceRoleName(EvidenceRole r) {
  return r == EvidenceRole::kImpacted ? "impacted" : "related";
}

std::optional<EvidenceRole> ParseEvidenceRole(std::string_view text) {
  const std::string s = ToLower(Trim(text));
  if (s == "impacted" || s == "compromised" || s == "target" || s == "victim")
    return EvidenceRole::kImpacted;
  if (s == "related" || s.empty() || s == "attacker" || s == "source" || s == "contextual")
    return EvidenceRole::kRelated;
  return std::nullopt;
}

Timestamp Alert::activity_time() const {
  if (first_activity != kNoTime) return first_activity;
  if (created != kNoTime) return created;
  return ingested;
}

std::uint64_t StableHash(std::string_view data) {
  return StableHash(data, 14695981039346656037ull);
}

std::uint64_t StableHash(std::string_view data, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string Hex64(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 0xf];
  return out;
}

std::string MakeAlertKey(std::string_view tenant, SourceProduct source,
                         std::string_view provider_id) {
  const std::string_view family = ProviderFamily(source);
  std::string id(Trim(provider_id));
  if (family == "mdc" || family == "m365" || family == "sentinel") id = ToLower(id);
  std::string key;
  key.reserve(tenant.size() + family.size() + id.size() + 2);
  key.append(tenant).append("/").append(family).append("/").append(id);
  return key;
}

namespace {

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

void DedupEvidence(std::vector<Evidence>& evidence) {
  std::vector<Evidence> out;
  out.reserve(evidence.size());
  for (Evidence& e : evidence) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Evidence& o) { return o.entity.key == e.entity.key; });
    if (it == out.end()) {
      out.push_back(std::move(e));
      continue;
    }
    if (e.role == EvidenceRole::kImpacted) it->role = EvidenceRole::kImpacted;
    it->entity.MergeFrom(e.entity);
  }
  evidence = std::move(out);
}

}  // namespace

Status FinalizeAlert(Alert& alert) {
  if (Trim(alert.tenant).empty()) {
    return Status::InvalidArgument("alert has no tenant (give --tenant or a tenants mapping file)");
  }
  if (Trim(alert.provider_id).empty()) return Status::InvalidArgument("alert has no provider id");
  if (alert.first_activity == kNoTime) alert.first_activity = alert.created;
  if (alert.first_activity == kNoTime) alert.first_activity = alert.last_activity;
  if (alert.first_activity == kNoTime) alert.first_activity = alert.updated;
  if (alert.first_activity == kNoTime) return Status::InvalidArgument("alert has no time");
  if (alert.last_activity == kNoTime || alert.last_activity < alert.first_activity) {
    alert.last_activity = std::max(alert.first_activity, alert.last_activity);
  }
  alert.key = MakeAlertKey(alert.tenant, alert.source, alert.provider_id);
  DedupEvidence(alert.evidence);
  if (alert.cloud == Cloud::kUnknown) {
    // The first impacted entity in a cloud, else the first related one (not the last).
    Cloud first_related = Cloud::kUnknown;
    for (const Evidence& e : alert.evidence) {
      if (e.entity.cloud == Cloud::kUnknown || e.entity.cloud == Cloud::kOnPremises) continue;
      if (e.role == EvidenceRole::kImpacted) {
        alert.cloud = e.entity.cloud;
        break;
      }
      if (first_related == Cloud::kUnknown) first_related = e.entity.cloud;
    }
    if (alert.cloud == Cloud::kUnknown) alert.cloud = first_related;
  }
  SortUnique(alert.tactics);
  SortUnique(alert.techniques);
  SortUnique(alert.truth_labels);
  for (Relation& r : alert.relations) {
    if (r.tenant.empty()) r.tenant = alert.tenant;
  }
  return Status::Ok();
}

MergeOutcome MergeAlert(Alert& stored, const Alert& incoming) {
  bool changed = false;
  for (const Provenance& p : incoming.provenances) {
    if (std::find(stored.provenances.begin(), stored.provenances.end(), p) ==
        stored.provenances.end()) {
      stored.provenances.push_back(p);
      changed = true;
    }
  }
  const size_t before_evidence = stored.evidence.size();
  for (const Evidence& e : incoming.evidence) {
    auto it = std::find_if(stored.evidence.begin(), stored.evidence.end(),
                           [&](const Evidence& o) { return o.entity.key == e.entity.key; });
    if (it == stored.evidence.end()) {
      stored.evidence.push_back(e);
    } else {
      const size_t aliases = it->entity.aliases.size();
      it->entity.MergeFrom(e.entity);
      if (e.role == EvidenceRole::kImpacted && it->role != EvidenceRole::kImpacted) {
        it->role = EvidenceRole::kImpacted;
        changed = true;
      }
      changed |= it->entity.aliases.size() != aliases;
    }
  }
  changed |= stored.evidence.size() != before_evidence;
  for (const Relation& r : incoming.relations) {
    if (std::find(stored.relations.begin(), stored.relations.end(), r) == stored.relations.end()) {
      stored.relations.push_back(r);
      changed = true;
    }
  }
  auto merge_list = [&changed](std::vector<std::string>& into,
                               const std::vector<std::string>& from) {
    const size_t n = into.size();
    into.insert(into.end(), from.begin(), from.end());
    SortUnique(into);
    changed |= into.size() != n;
  };
  merge_list(stored.tactics, incoming.tactics);
  merge_list(stored.techniques, incoming.techniques);
  merge_list(stored.truth_labels, incoming.truth_labels);
  if (incoming.first_activity != kNoTime &&
      (stored.first_activity == kNoTime || incoming.first_activity < stored.first_activity)) {
    stored.first_activity = incoming.first_activity;
    changed = true;
  }
  if (incoming.last_activity > stored.last_activity) {
    stored.last_activity = incoming.last_activity;
    changed = true;
  }
  if (incoming.updated != kNoTime && incoming.updated > stored.updated) {
    stored.updated = incoming.updated;
    stored.status = incoming.status;
    stored.native_status = incoming.native_status;
    stored.severity = incoming.severity;
    stored.native_severity = incoming.native_severity;
    stored.count = std::max(stored.count, incoming.count);
    if (!incoming.title.empty()) stored.title = incoming.title;
    if (!incoming.description.empty()) stored.description = incoming.description;
    changed = true;
  }
  if (stored.title.empty() && !incoming.title.empty()) {
    stored.title = incoming.title;
    changed = true;
  }
  if (stored.cloud == Cloud::kUnknown && incoming.cloud != Cloud::kUnknown) {
    stored.cloud = incoming.cloud;
    changed = true;
  }
  return changed ? MergeOutcome::kUpdated : MergeOutcome::kDuplicate;
}

Severity MaxSeverity(Severity a, Severity b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

}  // namespace weft
