#pragma once
// Entities: the things alerts are about (devices, users, IPs, files, cloud resources, ...).
// Every entity has one canonical key string, "kind:value" (e.g. "ip:10.1.2.3",
// "user:alice@contoso.com", "device:mde:4f1c..."), used in every export and accepted wherever a
// command takes an entity, plus a list of aliases, each strong (may merge two entities into one)
// or weak (never merges; may only suggest a possible match). docs/model.md gives every rule.
// Value types; thread-compatible.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace weft {

enum class EntityKind {
  kDevice,         // a VM or host: "device:<alias-type>:<id>"
  kUser,           // a user or service identity: "user:<upn>" or "user:<alias-type>:<id>"
  kIp,             // "ip:<address>" (IPv4 dotted quad, IPv6 RFC 5952)
  kFile,           // "file:sha256:<hex>", "file:sha1:<hex>", "file:md5:<hex>", "file:name:<name>"
  kProcess,        // "process:<device id or ->:<pid>:<image or command line>"
  kUrl,            // "url:<normalized absolute url>"
  kDomain,         // "domain:<lower-case fqdn>"
  kMailbox,        // "mailbox:<lower-case smtp address>"
  kMailMessage,    // "mail:<network message id>"
  kCloudResource,  // "cloud:azure:/subscriptions/...", "cloud:aws:arn:...", "cloud:gcp://..."
  kCloudApp,       // "app:<application id>"
  kRegistry,       // "registry:<hive\key>[:<value name>]"
  kGeneric,        // "generic:<anything>", for what has no better kind
};

inline constexpr EntityKind kAllEntityKinds[] = {
    EntityKind::kDevice,        EntityKind::kUser,     EntityKind::kIp,
    EntityKind::kFile,          EntityKind::kProcess,  EntityKind::kUrl,
    EntityKind::kDomain,        EntityKind::kMailbox,  EntityKind::kMailMessage,
    EntityKind::kCloudResource, EntityKind::kCloudApp, EntityKind::kRegistry,
    EntityKind::kGeneric};

// "device", "user", "ip", "file", "process", "url", "domain", "mailbox", "mail", "cloud", "app",
// "registry", "generic".
std::string_view EntityKindName(EntityKind kind);
// Accepts the names above (case-insensitive) and common synonyms ("host", "machine", "account",
// "azure-resource", ...). Returns nullopt for anything else.
std::optional<EntityKind> ParseEntityKind(std::string_view name);

enum class Cloud : std::uint8_t { kUnknown, kAzure, kAws, kGcp, kOnPremises };
std::string_view CloudName(Cloud cloud);  // "unknown", "azure", "aws", "gcp", "on-premises"
std::optional<Cloud> ParseCloud(std::string_view name);

enum class AliasStrength { kWeak, kStrong };

// One identifier of an entity. `type` names the identifier space ("mde", "azure", "vmid", "aws",
// "gcp", "aad", "oid", "sid", "upn", "host", ...); `value` is already normalized. An alias's
// string form is "<type>:<value>". Two entities of one kind and tenant that share a strong alias
// are the same entity; two strong aliases of the same type with different values never merge.
struct Alias {
  std::string type;
  std::string value;
  AliasStrength strength = AliasStrength::kStrong;
  std::string source;  // the product that taught it, e.g. "Defender for Endpoint" (may be "")

  std::string ToString() const { return type + ":" + value; }
  bool strong() const { return strength == AliasStrength::kStrong; }
  friend bool operator==(const Alias& a, const Alias& b) {
    return a.type == b.type && a.value == b.value && a.strength == b.strength;
  }
};

struct Entity {
  EntityKind kind = EntityKind::kGeneric;
  std::string key;           // canonical "kind:value"
  std::string display_name;  // what a person calls it (host name, user name, file name, ...)
  Cloud cloud = Cloud::kUnknown;
  std::vector<Alias> aliases;                     // strong first; never holds two equal aliases
  std::map<std::string, std::string> properties;  // e.g. "resource_type", "region", "account"
  std::vector<std::string> tags;                  // e.g. "crown-jewel", "internet-exposed"

  // Adds `alias` unless an equal one is present (then merges `source` when it was empty).
  void AddAlias(Alias alias);
  // Merges aliases, properties (existing values win), tags, display name and cloud of `other`.
  void MergeFrom(const Entity& other);
  // The first alias of `type`, or nullptr.
  const Alias* FindAlias(std::string_view type) const;
  // Each strong alias as an entity key, "kind:type:value": the form of the key an importer
  // builds from that alias (e.g. "device:mde:abc"), so a stored entity answers to it.
  std::vector<std::string> StrongAliasKeys() const;
};

// True when `key` is "<the name of kind>:<value>", the form every entity builder makes. Stores
// rely on it to read one kind's entities alone, so the engine refuses evidence keyed otherwise.
bool KeyHasKind(std::string_view key, EntityKind kind);

// Splits "kind:value" into its kind and value. InvalidArgument when there is no ':' or the kind
// is unknown. The value is returned as written; use NormalizeEntityKey to canonicalize it.
Result<std::pair<EntityKind, std::string>> SplitEntityKey(std::string_view key);

// Canonicalizes a user-typed "kind:value" (e.g. "ip:010.001.002.003" -> "ip:10.1.2.3",
// "cloud:azure:/SUBSCRIPTIONS/X/..." -> lower case). InvalidArgument when it cannot be parsed.
Result<std::string> NormalizeEntityKey(std::string_view key);

}  // namespace weft
