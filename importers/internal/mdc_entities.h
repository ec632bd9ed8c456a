#pragma once
// Shared parsing for the Microsoft formats: the Defender for Cloud / Sentinel entity model
// (an `entities` array whose objects cross-reference each other with "$id"/"$ref") turned into
// Evidence and Relations, the Defender for Cloud alert properties (REST camelCase and
// continuous-export PascalCase alike), and small helpers the Microsoft formats share (case-
// insensitive member lookup, tenant resolution, MITRE tactic/technique lists, built-in account
// filtering). Private to importers/. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "importers/internal/format.h"
#include "model/alert.h"
#include "model/canonical.h"

namespace weft::importers {

// ---- JSON access --------------------------------------------------------------------------

// The member of `j` whose name equals `key` ignoring ASCII case ("startTimeUtc" finds
// "StartTimeUtc"); exact matches win. nullptr when absent or null.
const Json* MemberCi(const Json& j, std::string_view key);
// The member as a string (see Str in json_util.h); "" when absent.
std::string StrCi(const Json& j, std::string_view key);
// The first non-empty of several members, case-insensitively.
std::string FirstStrCi(const Json& j, std::initializer_list<std::string_view> keys);
// A list member given as a JSON array, as a JSON string holding an array ("[\"T1078\"]"), or
// as a comma-separated string ("LateralMovement, Execution"). Empty items are dropped.
std::vector<std::string> StringListCi(const Json& j, std::string_view key);

// ---- vocabulary ---------------------------------------------------------------------------

// The MITRE ATT&CK tactic name in PascalCase ("command and control" -> "CommandAndControl"),
// or "" when `text` is not an ATT&CK tactic (e.g. "Unknown", "Malware", "PreAttack").
std::string NormalizeTactic(std::string_view text);
// Adds every ATT&CK tactic named in `values` to `out`.
void AddTactics(const std::vector<std::string>& values, std::vector<std::string>& out);
// Every technique id ("T1059", "T1059.001") found in `text`, e.g. in
// "PowerShell (T1059.001)". Upper case.
std::vector<std::string> ExtractTechniqueIds(std::string_view text);

// The fields Defender XDR alerts share in the Graph alerts_v2 and MDE API shapes: status (a
// resolved false positive becomes dismissed), tactics from `category`, techniques from
// `mitreTechniques`, and the upstream `incidentId`.
void ReadXdrStatusAndMitre(const Json& j, Alert& a);

// The Azure subscription id of an ARM id ("/subscriptions/<id>/..."), lower case, or "".
std::string SubscriptionOf(std::string_view arm_id);
// The tenant of a record: `record_tenant` (remapped when the tenant map has an entry for it),
// else the first of `accounts` the map knows, else the --tenant default.
std::string ResolveTenant(const RecordContext& ctx, std::string_view record_tenant,
                          std::initializer_list<std::string_view> accounts = {});

// ---- entities -----------------------------------------------------------------------------

// The cloud a resource id belongs to. Like CloudOfResourceId, but a Defender for Cloud
// connector-scoped id (".../securityConnectors/<c>/securityentitydata/aws-...") names the
// AWS or GCP resource it stands for.
Cloud CloudOfMsResourceId(std::string_view id);
// MakeCloudResource with the connector-aware cloud above (a VM id becomes a device).
std::optional<Entity> MakeMsResource(std::string_view id, std::string_view resource_type,
                                     std::string_view source);
// MakeUser, except that built-in accounts (SYSTEM, LOCAL SERVICE, NETWORK SERVICE, ...,
// S-1-5-18/19/20, non-"S-1-" SIDs) are not identities: their SID and name are dropped, and
// nullopt is returned when nothing else identifies the user.
std::optional<Entity> MakeMsUser(UserIds ids, std::string_view source);
// True when `e` is the machine or resource an alert's CompromisedEntity (a display name) names.
bool IsCompromisedEntity(const Entity& e, std::string_view compromised_entity);
// "C:\dir" + "x.exe" -> "C:\dir\x.exe" (the separator follows the directory's style).
std::string JoinPath(std::string_view directory, std::string_view name);

struct EntityGraph {
  std::vector<Evidence> evidence;   // one per converted entity; role kImpacted for assets
  std::vector<Relation> relations;  // runs_on, logged_on, runs_as, child_of (tenant unset)
};

// Converts a Defender for Cloud / Sentinel entities array (REST camelCase, export/Sentinel
// PascalCase) into evidence. `$ref`s resolve to the most recent `$id` definition before them in
// document order (ids repeat in real exports), else to the first definition after. Entities
// nested inline (a file's hashes, a DNS record's IPs) are converted too. Types: ip, host,
// account, file, filehash, process, dns, url, malware, azure-resource, gcp-resource,
// aws-resource, blob, blob-container, mailbox, mailMessage, cloud-application, registry-key,
// registry-value, security-group, container, container-image, K8s-*; network-connection and
// host-logon-session yield only relations. Unknown types and placeholder values are skipped.
// Objects with "Asset": true are impacted. `entities` may be any JSON (non-arrays yield none).
EntityGraph ConvertMdcEntities(const Json& entities, std::string_view source);

// ---- Defender for Cloud alert --------------------------------------------------------------

// Builds a Defender for Cloud alert from its property bag, read case-insensitively so the REST
// `properties` object and a continuous-export record are both accepted. `arm_id` is the REST
// envelope `id` ("" when none). Required: systemAlertId (or `name` in `envelope`), severity, and
// a time (startTimeUtc or timeGeneratedUtc); InvalidArgument names the missing or malformed
// field. The alert is appended to `out`.
Status ParseMdcAlert(const Json& props, const Json* envelope, const RecordContext& ctx,
                     ParseOutput& out);

}  // namespace weft::importers
