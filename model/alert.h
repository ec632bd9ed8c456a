#pragma once
// Alert: one security alert or finding, normalized from any source format. The alert key
// (tenant + provider family + provider id) identifies a real alert however many connectors or
// files deliver it; MergeAlert folds a second delivery into the first. Value types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.h"
#include "model/time.h"

namespace weft {

enum class Severity : std::uint8_t { kInformational = 0, kLow = 1, kMedium = 2, kHigh = 3 };
std::string_view SeverityName(Severity s);  // "informational", "low", "medium", "high"
// Accepts names in any case, "info", "critical" (-> high), "moderate", and "0".."3".
std::optional<Severity> ParseSeverity(std::string_view text);

enum class SourceProduct : std::uint8_t {
  kDefenderForCloud,
  kDefenderForEndpoint,
  kDefenderForIdentity,
  kDefenderForOffice365,
  kDefenderForCloudApps,
  kDefenderXdr,
  kEntraIdProtection,
  kSentinel,
  kGuardDuty,
  kSecurityHub,
  kSecurityCommandCenter,
  kOcsf,
  kGuide,
  kWeft,  // weft's own JSON-lines format and generated streams
  kOther,
};
// "Defender for Cloud", "Defender for Endpoint", ..., "GuardDuty", "Security Hub",
// "Security Command Center", "OCSF", "GUIDE", "weft", "other".
std::string_view SourceProductName(SourceProduct p);
// Accepts the names above, case-insensitive, with or without "Microsoft "/"AWS "/"Google ",
// and short codes ("mdc", "mde", "mdi", "mdo", "mdca", "xdr", "sentinel", "guardduty",
// "securityhub", "scc", "ocsf", "guide", "weft").
std::optional<SourceProduct> ParseSourceProduct(std::string_view text);
// The dedup family: alerts of one family share an id space. Defender for Cloud through REST,
// continuous export, Sentinel or Graph is family "mdc"; Defender XDR products (MDE, MDI, MDO,
// MDCA, XDR) share "m365"; the others are their own ("guardduty", "securityhub", "scc", ...).
std::string_view ProviderFamily(SourceProduct p);

enum class AlertStatus : std::uint8_t { kNew, kInProgress, kResolved, kDismissed };
std::string_view AlertStatusName(AlertStatus s);  // "new", "in_progress", "resolved", "dismissed"
std::optional<AlertStatus> ParseAlertStatus(std::string_view text);

enum class EvidenceRole { kImpacted, kRelated };
std::string_view EvidenceRoleName(EvidenceRole r);  // "impacted", "related"
std::optional<EvidenceRole> ParseEvidenceRole(std::string_view text);

// Where one delivery of an alert came from.
struct Provenance {
  std::string format;     // importer name, e.g. "defender-for-cloud-rest", "sentinel"
  std::string file;       // input file ("-" for stdin); may be ""
  std::string record;     // record locator within the file, e.g. "line 12" or "[3]"
  std::string connector;  // e.g. "Sentinel subscription-based connector"; may be ""
  friend bool operator==(const Provenance& a, const Provenance& b) {
    return a.format == b.format && a.file == b.file && a.record == b.record &&
           a.connector == b.connector;
  }
};

struct Evidence {
  Entity entity;
  EvidenceRole role = EvidenceRole::kRelated;
};

// A directed entity-to-entity relation ("process runs_on device", "user can_assume role").
struct Relation {
  std::string tenant;
  std::string from;      // canonical entity key
  std::string to;        // canonical entity key
  std::string relation;  // vocabulary in docs/paths.md: runs_on, logged_on, has_role_on, ...
  Timestamp valid_from = kNoTime;  // when it was first seen; kNoTime = always
  std::map<std::string, std::string> properties;
  friend bool operator==(const Relation& a, const Relation& b) {
    return a.tenant == b.tenant && a.from == b.from && a.to == b.to && a.relation == b.relation;
  }
};

struct Alert {
  std::string tenant;
  SourceProduct source = SourceProduct::kOther;
  std::string product_name;  // the source's own product string, when it has one
  std::string provider_id;   // the provider's alert id
  std::string key;           // see MakeAlertKey; set by FinalizeAlert
  std::string alert_type;    // detector / rule id
  std::string title;
  std::string description;
  Severity severity = Severity::kMedium;
  std::string native_severity;  // the source's own value, e.g. "8.0", "CRITICAL"
  AlertStatus status = AlertStatus::kNew;
  std::string native_status;
  Cloud cloud = Cloud::kUnknown;  // the cloud the alert concerns
  Timestamp first_activity = kNoTime;
  Timestamp last_activity = kNoTime;
  Timestamp created = kNoTime;          // by the provider
  Timestamp updated = kNoTime;          // by the provider; a newer update replaces mutable fields
  Timestamp ingested = kNoTime;         // by weft
  std::int64_t count = 1;               // occurrences the provider folded into this alert
  std::vector<std::string> tactics;     // MITRE tactic names, e.g. "InitialAccess"
  std::vector<std::string> techniques;  // MITRE ids, e.g. "T1059.001"
  std::vector<Evidence> evidence;
  std::vector<Relation> relations;  // relations between its entities that the alert shows
  std::vector<Provenance> provenances;
  std::vector<std::string> truth_labels;  // ground-truth incident labels (evaluation only)
  std::string upstream_incident_id;       // the provider's own incident id, as a hint only

  // The activity time used for correlation: first_activity, else created, else ingested.
  Timestamp activity_time() const;
};

// "<tenant>/<family>/<normalized provider id>"; the provider id is lower-cased for families
// whose ids are case-insensitive (mdc, m365). Deterministic.
std::string MakeAlertKey(std::string_view tenant, SourceProduct source,
                         std::string_view provider_id);

// Checks the required fields (tenant, provider id, a time), sets `key`, fills last_activity
// from first_activity, derives `cloud` from the evidence when unknown, and sorts and dedups
// tactics, techniques and evidence (one Evidence per entity key; impacted wins over related).
// InvalidArgument names the missing field.
Status FinalizeAlert(Alert& alert);

enum class MergeOutcome { kDuplicate, kUpdated };
// Folds `incoming` (same key) into `stored`: provenances, evidence, relations, techniques and
// labels accumulate; activity widens; when incoming.updated is newer the mutable fields
// (status, severity, count, title, description) take the incoming values. Returns kDuplicate when
// nothing changed.
MergeOutcome MergeAlert(Alert& stored, const Alert& incoming);

// The highest severity among `alerts`' severities.
Severity MaxSeverity(Severity a, Severity b);

// Stable 64-bit FNV-1a hash, for deterministic ids.
std::uint64_t StableHash(std::string_view data);
// The same hash continued over `data` from `seed`: StableHash(a + b) == StableHash(b,
// StableHash(a)), so a string held in pieces hashes without being joined.
std::uint64_t StableHash(std::string_view data, std::uint64_t seed);
std::string Hex64(std::uint64_t v);

}  // namespace weft
