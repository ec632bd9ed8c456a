#pragma once
// Shared parsing for the Microsoft formats: the Defender for Cloud / Sentinel entity model
// (an `entities` array whose objects cross-reference each other with "$id"/"$ref") turned into
// Evidence and Relations, the Defender for Cloud alert properties (REST camelCase and
// continuous-export PascalCase alike), and the entity helpers the Microsoft formats share
// (connector-aware resource clouds, built-in account filtering). Their field helpers (case-
// insensitive lookup, tenants, MITRE lists) are in ms_fields.h. Private to importers/. Pure
// functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "importers/internal/format.h"
#include "importers/internal/ms_fields.h"
#include "model/alert.h"
#include "model/canonical.h"

namespace weft::importers {

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
