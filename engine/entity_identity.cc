#include "engine/entity_resolver.h"

// The identity rules of EntityResolver: which strong alias names an entity (its canonical key)
// and what two entities' clashing aliases mean. The resolver's index and union-find are in
// entity_resolver.cc.

#include <iterator>

namespace weft {
namespace {

// Lower rank = better canonical identifier.
int CanonicalRank(EntityKind kind, std::string_view type) {
  static constexpr std::string_view kDevice[] = {"mde", "azure", "vmid", "aws",
                                                 "gcp", "aad",   "oms"};
  static constexpr std::string_view kUser[] = {"upn", "oid", "sid", "aws", "gcp"};
  static constexpr std::string_view kFile[] = {"sha256", "sha1", "md5"};
  auto rank_in = [&](auto& list) -> int {
    for (std::size_t i = 0; i < std::size(list); ++i) {
      if (list[i] == type) return static_cast<int>(i);
    }
    return 100;
  };
  switch (kind) {
    case EntityKind::kDevice: return rank_in(kDevice);
    case EntityKind::kUser: return rank_in(kUser);
    case EntityKind::kFile: return rank_in(kFile);
    default: return 100;
  }
}

// Lower rank = says more about identity. Devices and files rank as for their keys; a user's
// object id and SID outlast a UPN, which changes when the user is renamed.
int IdentityRank(EntityKind kind, std::string_view type) {
  if (kind != EntityKind::kUser) return CanonicalRank(kind, type);
  static constexpr std::string_view kUser[] = {"oid", "sid", "aws", "gcp", "upn"};
  for (std::size_t i = 0; i < std::size(kUser); ++i) {
    if (kUser[i] == type) return static_cast<int>(i);
  }
  return 100;
}

// Whether a key names `a` the way CanonicalKey writes it: "kind:type:value", "user:value" for
// a UPN.
bool KeyNamesAlias(std::string_view key, EntityKind kind, const Alias& a) {
  auto take = [&key](std::string_view part) {
    if (key.substr(0, part.size()) != part) return false;
    key.remove_prefix(part.size());
    return true;
  };
  if (!take(EntityKindName(kind)) || !take(":")) return false;
  if (!(kind == EntityKind::kUser && a.type == "upn") && !(take(a.type) && take(":"))) return false;
  return key == a.value;
}

}  // namespace

int EntityResolver::AliasRank(EntityKind kind, std::string_view type) {
  return CanonicalRank(kind, type);
}

const Alias* EntityResolver::KeyAlias(const Entity& e) {
  if (!UsesAliases(e.kind)) return nullptr;
  const Alias* best = nullptr;
  for (const Alias& a : e.aliases) {
    if (!a.strong()) continue;
    if (best == nullptr) {
      best = &a;
      continue;
    }
    const int ra = AliasRank(e.kind, a.type), rb = AliasRank(e.kind, best->type);
    if (ra < rb ||
        (ra == rb && (a.type < best->type || (a.type == best->type && a.value < best->value))))
      best = &a;
  }
  return best;
}

std::string EntityResolver::CanonicalKey(const Entity& e) {
  const Alias* best = KeyAlias(e);
  if (best == nullptr) return e.key;
  const std::string kind(EntityKindName(e.kind));
  if (e.kind == EntityKind::kUser && best->type == "upn") return kind + ":" + best->value;
  return kind + ":" + best->type + ":" + best->value;
}

bool EntityResolver::HasCanonicalKey(const Entity& e) {
  const Alias* best = KeyAlias(e);
  return best == nullptr || KeyNamesAlias(e.key, e.kind, *best);
}

std::optional<EntityResolver::Clash> EntityResolver::Conflict(const Entity& a,
                                                              const Entity& b) const {
  // The identifier they share that says most about identity, and the best-ranked alias type
  // they both have with no value in common.
  const Alias* shared = nullptr;
  const Alias* clash = nullptr;
  for (const Alias& x : a.aliases) {
    if (!x.strong()) continue;
    bool same_type = false, same_value = false;
    for (const Alias& y : b.aliases) {
      if (!y.strong() || y.type != x.type) continue;
      same_type = true;
      same_value |= y.value == x.value;
    }
    const int rank = IdentityRank(a.kind, x.type);
    if (same_value && (shared == nullptr || rank < IdentityRank(a.kind, shared->type))) shared = &x;
    if (same_type && !same_value && (clash == nullptr || rank < IdentityRank(a.kind, clash->type)))
      clash = &x;
  }
  if (clash == nullptr) return std::nullopt;
  const Alias* y = b.FindAlias(clash->type);
  Clash out;
  out.what = clash->ToString() + " vs " + (y ? y->ToString() : std::string());
  // Sharing a stronger identifier (an MDE device id, a user object id) makes them one entity
  // whose other ids differ (a VM re-created under the same agent, a renamed user); a clash on
  // the stronger identifier (two MDE ids for one VM resource: a re-onboarded machine) keeps
  // them apart.
  out.separates =
      shared == nullptr || IdentityRank(a.kind, clash->type) < IdentityRank(a.kind, shared->type);
  if (shared != nullptr) out.shared = shared->ToString();
  return out;
}

}  // namespace weft
