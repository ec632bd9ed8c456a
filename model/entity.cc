#include "model/entity.h"

#include <algorithm>

#include "model/canonical.h"

namespace weft {

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDevice: return "device";
    case EntityKind::kUser: return "user";
    case EntityKind::kIp: return "ip";
    case EntityKind::kFile: return "file";
    case EntityKind::kProcess: return "process";
    case EntityKind::kUrl: return "url";
    case EntityKind::kDomain: return "domain";
    case EntityKind::kMailbox: return "mailbox";
    case EntityKind::kMailMessage: return "mail";
    case EntityKind::kCloudResource: return "cloud";
    case EntityKind::kCloudApp: return "app";
    case EntityKind::kRegistry: return "registry";
    case EntityKind::kGeneric: return "generic";
  }
  return "generic";
}

std::optional<EntityKind> ParseEntityKind(std::string_view name) {
  const std::string n = ToLower(Trim(name));
  for (EntityKind k : kAllEntityKinds) {
    if (n == EntityKindName(k)) return k;
  }
  struct Synonym {
    std::string_view name;
    EntityKind kind;
  };
  static constexpr Synonym kSynonyms[] = {
      {"host", EntityKind::kDevice},
      {"machine", EntityKind::kDevice},
      {"vm", EntityKind::kDevice},
      {"account", EntityKind::kUser},
      {"address", EntityKind::kIp},
      {"filehash", EntityKind::kFile},
      {"dns", EntityKind::kDomain},
      {"mailmessage", EntityKind::kMailMessage},
      {"cloud_resource", EntityKind::kCloudResource},
      {"azure-resource", EntityKind::kCloudResource},
      {"resource", EntityKind::kCloudResource},
      {"cloudapplication", EntityKind::kCloudApp},
      {"cloud_app", EntityKind::kCloudApp},
      {"registry-key", EntityKind::kRegistry},
      {"registry-value", EntityKind::kRegistry},
      {"mail_message", EntityKind::kMailMessage},
  };
  for (const Synonym& s : kSynonyms) {
    if (n == s.name) return s.kind;
  }
  return std::nullopt;
}

std::string_view CloudName(Cloud cloud) {
  switch (cloud) {
    case Cloud::kUnknown: return "unknown";
    case Cloud::kAzure: return "azure";
    case Cloud::kAws: return "aws";
    case Cloud::kGcp: return "gcp";
    case Cloud::kOnPremises: return "on-premises";
  }
  return "unknown";
}

std::optional<Cloud> ParseCloud(std::string_view name) {
  const std::string n = ToLower(Trim(name));
  if (n == "azure" || n == "microsoft") return Cloud::kAzure;
  if (n == "aws" || n == "amazon") return Cloud::kAws;
  if (n == "gcp" || n == "google") return Cloud::kGcp;
  if (n == "on-premises" || n == "onpremises" || n == "on-prem") return Cloud::kOnPremises;
  if (n == "unknown" || n.empty()) return Cloud::kUnknown;
  return std::nullopt;
}

void Entity::AddAlias(Alias alias) {
  bool found = false;
  for (Alias& a : aliases) {
    if (a.type == alias.type && a.value == alias.value) {
      if (alias.strong()) a.strength = AliasStrength::kStrong;
      if (a.source.empty()) a.source = std::move(alias.source);
      found = true;
      break;
    }
  }
  if (!found) aliases.push_back(std::move(alias));
  // Strong aliases come first, each kind in the order added: a stable partition, made in place
  // by moving each strong alias just behind the strong ones before it. Nothing moves when the
  // order already holds; std::stable_sort allocated a buffer on every call.
  auto first_weak = aliases.begin();
  for (auto it = aliases.begin(); it != aliases.end(); ++it) {
    if (!it->strong()) continue;
    std::rotate(first_weak, it, it + 1);
    ++first_weak;
  }
}

void Entity::MergeFrom(const Entity& other) {
  for (const Alias& a : other.aliases) AddAlias(a);
  for (const auto& [k, v] : other.properties) properties.emplace(k, v);
  for (const std::string& t : other.tags) {
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  }
  if (display_name.empty()) display_name = other.display_name;
  if (cloud == Cloud::kUnknown) cloud = other.cloud;
}

const Alias* Entity::FindAlias(std::string_view type) const {
  for (const Alias& a : aliases) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

std::vector<std::string> Entity::StrongAliasKeys() const {
  const std::string prefix = std::string(EntityKindName(kind)) + ":";
  std::vector<std::string> keys;
  for (const Alias& a : aliases) {
    if (a.strong()) keys.push_back(prefix + a.ToString());
  }
  return keys;
}

bool KeyHasKind(std::string_view key, EntityKind kind) {
  const std::string_view name = EntityKindName(kind);
  return key.size() > name.size() + 1 && key.substr(0, name.size()) == name &&
         key[name.size()] == ':';
}

Result<std::pair<EntityKind, std::string>> SplitEntityKey(std::string_view key) {
  const size_t colon = key.find(':');
  if (colon == std::string_view::npos || colon + 1 >= key.size()) {
    return Status::InvalidArgument("entity key '" + std::string(key) +
                                   "' is not of the form kind:value (e.g. ip:10.1.2.3)");
  }
  std::optional<EntityKind> kind = ParseEntityKind(key.substr(0, colon));
  if (!kind) {
    return Status::InvalidArgument("entity key '" + std::string(key) + "' has unknown kind '" +
                                   std::string(key.substr(0, colon)) + "'");
  }
  return std::make_pair(*kind, std::string(key.substr(colon + 1)));
}

Result<std::string> NormalizeEntityKey(std::string_view key) {
  WEFT_ASSIGN_OR_RETURN(auto parts, SplitEntityKey(key));
  std::optional<Entity> e = MakeFromKey(parts.first, parts.second, "");
  if (!e) {
    return Status::InvalidArgument("entity key '" + std::string(key) + "' has no usable value");
  }
  return e->key;
}

}  // namespace weft
