#pragma once
// Canonical forms of identifiers and the entity builders every importer uses, so that the same
// thing seen by two products gets the same key. Pure functions; thread-safe. Each builder returns
// nullopt for an empty, placeholder or sentinel value ("", "N/A", "0.0.0.0", all-zero GUIDs, ...)
// because an importer must never invent an entity from one.

#include <optional>
#include <string>
#include <string_view>

#include "model/entity.h"

namespace weft {

// ---- identifier normalizers (nullopt when the value is empty, a placeholder, or malformed) ----

// True for "", "-", "N/A", "null", "none", "unknown", "0", all-zero GUIDs and similar.
bool IsPlaceholder(std::string_view value);
// ASCII case mapping; other bytes (UTF-8 included) are kept as they are, in every locale.
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
// a == b ignoring ASCII case, without building a lower-case copy of either.
bool EqualsIgnoringCase(std::string_view a, std::string_view b);
std::string_view Trim(std::string_view s);

// IPv4 "010.1.2.3" -> "10.1.2.3"; IPv6 -> RFC 5952 (lower case, longest zero run as "::");
// "::ffff:1.2.3.4" -> "1.2.3.4". nullopt for unspecified (0.0.0.0, ::) or malformed addresses.
std::optional<std::string> NormalizeIp(std::string_view ip);
// True for RFC 1918, loopback, link-local, CGNAT and IPv6 ULA/link-local addresses.
bool IsPrivateIp(std::string_view canonical_ip);

// Azure resource ids are case-insensitive: trimmed, one leading '/', no trailing '/', lower case.
std::optional<std::string> NormalizeAzureResourceId(std::string_view id);
// "arn:partition:service:region:account:resource": case kept (ARNs are case-sensitive), trimmed.
std::optional<std::string> NormalizeArn(std::string_view arn);
// GCP full resource names: "//compute.googleapis.com/projects/p/zones/z/instances/i". A relative
// name ("projects/p/...") gets the service prefix when `service` is given. Case kept.
std::optional<std::string> NormalizeGcpResourceName(std::string_view name,
                                                    std::string_view service = "");
// GUIDs lower case without braces; nullopt when all zero.
std::optional<std::string> NormalizeGuid(std::string_view guid);
// Windows SIDs upper case ("S-1-5-21-..."). nullopt when not a SID.
std::optional<std::string> NormalizeSid(std::string_view sid);
// UPNs and e-mail addresses lower case. nullopt when there is no '@'.
std::optional<std::string> NormalizeUpn(std::string_view upn);
// Host names lower case, trailing dot removed. nullopt for "localhost" and placeholders.
std::optional<std::string> NormalizeHostname(std::string_view host);
// URLs: scheme and host lower case, default port and fragment removed, path kept.
std::optional<std::string> NormalizeUrl(std::string_view url);
// Hex digests lower case; nullopt when not hex of the expected length (0 = any).
std::optional<std::string> NormalizeHash(std::string_view hex, size_t expected_length = 0);

// Which cloud an identifier belongs to, from its shape: "/subscriptions/..." azure,
// "arn:..." aws, "//....googleapis.com/..." or "projects/..." gcp; kUnknown otherwise.
Cloud CloudOfResourceId(std::string_view id);

// ---- entity builders --------------------------------------------------------------------------
// Each returns an Entity with its canonical key, cloud and aliases set, or nullopt when the
// identifiers given are all placeholders. `source` names the product, recorded on the aliases.

// A device from any mix of identifiers (empty = unknown). The key uses the strongest identifier
// present, in this order: mde, azure (VM resource id), vmid, aws (instance ARN), gcp, aad, oms,
// guide; a device known only by host name gets "device:host:<name>" and weak aliases only.
struct DeviceIds {
  std::string mde_device_id;
  std::string azure_resource_id;  // VM or Arc machine ARM id
  std::string azure_vm_id;        // the VM's vmId GUID
  std::string aws_instance_arn;   // or build from the three below
  std::string aws_instance_id;
  std::string aws_account_id;
  std::string aws_region;
  std::string gcp_resource_name;  // full resource name of a compute instance
  std::string aad_device_id;
  std::string oms_agent_id;
  std::string other_id_type;  // a product-specific strong id space, e.g. "guide"
  std::string other_id;
  std::string hostname;  // weak
  std::string fqdn;      // weak
};
std::optional<Entity> MakeDevice(const DeviceIds& ids, std::string_view source);

// A user: aad object id, SID, UPN (strong); AWS principal ARN or id, GCP principal e-mail
// (strong); account name with optional domain (weak, key "user:name:<domain\name>").
struct UserIds {
  std::string aad_object_id;
  std::string sid;
  std::string upn;
  std::string aws_principal;  // IAM ARN or principal id
  std::string gcp_principal;  // principal e-mail
  std::string other_id_type;
  std::string other_id;
  std::string account_name;  // weak
  std::string domain;        // weak, qualifies account_name
};
std::optional<Entity> MakeUser(const UserIds& ids, std::string_view source);

std::optional<Entity> MakeIp(std::string_view address, std::string_view source);
// A file by the strongest hash given; else by name ("file:name:<lower name>", weak).
std::optional<Entity> MakeFile(std::string_view sha256, std::string_view sha1, std::string_view md5,
                               std::string_view name, std::string_view source);
// A process on a device: "process:<device key or ->:<pid or ->:<lower image path or cmdline>".
std::optional<Entity> MakeProcess(std::string_view device_key, std::string_view pid,
                                  std::string_view image_or_cmdline, std::string_view source);
std::optional<Entity> MakeUrl(std::string_view url, std::string_view source);
std::optional<Entity> MakeDomain(std::string_view fqdn, std::string_view source);
std::optional<Entity> MakeMailbox(std::string_view address, std::string_view source);
std::optional<Entity> MakeMailMessage(std::string_view network_message_id, std::string_view source);
// A cloud resource from its native id (Azure ARM id, ARN, GCP full resource name); the cloud is
// taken from the id's shape unless `cloud` says otherwise. `resource_type` is kept as a property.
std::optional<Entity> MakeCloudResource(std::string_view id, Cloud cloud,
                                        std::string_view resource_type, std::string_view source);
std::optional<Entity> MakeCloudApp(std::string_view app_id, std::string_view name,
                                   std::string_view source);
std::optional<Entity> MakeRegistry(std::string_view key, std::string_view value_name,
                                   std::string_view source);
std::optional<Entity> MakeGeneric(std::string_view type, std::string_view value,
                                  std::string_view source);

// Builds an entity of `kind` from a value already in canonical-key form (the part after
// "kind:"), as read back from weft's own exports.
std::optional<Entity> MakeFromKey(EntityKind kind, std::string_view value, std::string_view source);

}  // namespace weft
