#include "engine/entity_resolver.h"

#include <algorithm>

namespace weft {
namespace {

// Lower rank = better canonical identifier.
int AliasRank(EntityKind kind, std::string_view type) {
  static constexpr std::string_view kDevice[] = {"mde", "azure", "vmid", "aws", "gcp", "aad", "oms"};
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

bool UsesAliases(EntityKind kind) {
  return kind == EntityKind::kDevice || kind == EntityKind::kUser || kind == EntityKind::kFile;
}

}  // namespace

std::string EntityResolver::CanonicalKey(const Entity& e) {
  if (!UsesAliases(e.kind)) return e.key;
  const Alias* best = nullptr;
  for (const Alias& a : e.aliases) {
    if (!a.strong()) continue;
    if (best == nullptr) {
      best = &a;
      continue;
    }
    const int ra = AliasRank(e.kind, a.type), rb = AliasRank(e.kind, best->type);
    if (ra < rb || (ra == rb && (a.type < best->type || (a.type == best->type && a.value < best->value)))) best = &a;
  }
  if (best == nullptr) return e.key;
  const std::string kind(EntityKindName(e.kind));
  if (e.kind == EntityKind::kUser && best->type == "upn") return kind + ":" + best->value;
  return kind + ":" + best->type + ":" + best->value;
}

std::uint64_t EntityResolver::IndexKey(TenantId tenant, EntityKind kind, std::string_view type, std::string_view value) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view piece) {
    for (unsigned char c : piece) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(type);
  if (!type.empty()) mix(":");
  mix(value);
  h ^= (static_cast<std::uint64_t>(tenant) << 8) ^ static_cast<std::uint64_t>(kind);
  // splitmix64 finalizer: spreads FNV's weak low bits.
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

void EntityResolver::MarkDirty(EntityId e) {
  if (e >= is_dirty_.size()) is_dirty_.resize(nodes_.size() + 1024, false);
  if (is_dirty_[e]) return;
  is_dirty_[e] = true;
  dirty_.push_back(e);
}

std::vector<EntityResolver::EntityId> EntityResolver::TakeDirty() {
  std::vector<EntityId> out;
  out.swap(dirty_);
  for (EntityId e : out) is_dirty_[e] = false;
  return out;
}

EntityResolver::EntityId EntityResolver::Find(EntityId e) {
  while (nodes_[e].parent != e) {
    nodes_[e].parent = nodes_[nodes_[e].parent].parent;
    e = nodes_[e].parent;
  }
  return e;
}

bool EntityResolver::Conflicts(const Entity& a, const Entity& b, std::string* what) const {
  for (const Alias& x : a.aliases) {
    if (!x.strong()) continue;
    bool same_type = false, same_value = false;
    for (const Alias& y : b.aliases) {
      if (!y.strong() || y.type != x.type) continue;
      same_type = true;
      same_value |= y.value == x.value;
    }
    if (same_type && !same_value) {
      const Alias* y = b.FindAlias(x.type);
      if (what != nullptr) *what = x.ToString() + " vs " + (y ? y->ToString() : std::string());
      return true;
    }
  }
  return false;
}

void EntityResolver::Index(EntityId id, const Entity& e) {
  const TenantId t = nodes_[id].tenant;
  index_.emplace(IndexKey(t, e.kind, "", e.key), id);
  for (const Alias& a : e.aliases) {
    if (a.strong()) {
      index_.emplace(IndexKey(t, e.kind, a.type, a.value), id);
      continue;
    }
    std::vector<EntityId>& v = weak_index_[IndexKey(t, e.kind, a.type, a.value)];
    if (std::find(v.begin(), v.end(), id) != v.end()) continue;
    // The others sharing this weak alias gain a possible match.
    for (EntityId other : v) MarkDirty(Find(other));
    v.push_back(id);
  }
}

EntityResolver::EntityId EntityResolver::Create(TenantId tenant, std::string_view tenant_name, const Entity& e) {
  const auto id = static_cast<EntityId>(nodes_.size());
  Node n{id, tenant, EntityRecord{std::string(tenant_name), e, {}, {}}};
  n.record.entity.key = CanonicalKey(e);
  nodes_.push_back(std::move(n));
  MarkDirty(id);
  Index(id, e);
  return id;
}

void EntityResolver::RecordConflict(EntityId a, EntityId b, const std::string& what) {
  auto add = [](EntityRecord& r, std::string text) {
    if (std::find(r.conflicts.begin(), r.conflicts.end(), text) == r.conflicts.end()) r.conflicts.push_back(std::move(text));
  };
  add(nodes_[a].record, what + " (" + nodes_[b].record.entity.key + ")");
  add(nodes_[b].record, what + " (" + nodes_[a].record.entity.key + ")");
  MarkDirty(a);
  MarkDirty(b);
}

void EntityResolver::Absorb(EntityId keep, EntityId gone) {
  nodes_[gone].parent = keep;
  MarkDirty(keep);
  MarkDirty(gone);
  Entity& k = nodes_[keep].record.entity;
  k.MergeFrom(nodes_[gone].record.entity);
  for (std::string& c : nodes_[gone].record.conflicts) nodes_[keep].record.conflicts.push_back(std::move(c));
  k.key = CanonicalKey(k);
  Index(keep, k);
}

EntityResolver::EntityId EntityResolver::Resolve(TenantId tenant, std::string_view tenant_name, const Entity& e,
                                                 std::vector<std::pair<EntityId, EntityId>>* merges,
                                                 std::vector<EntityId>* created) {
  // Candidates: entities already known by the key or any strong alias.
  std::vector<EntityId> candidates;
  auto consider = [&](std::string_view type, std::string_view value) {
    auto it = index_.find(IndexKey(tenant, e.kind, type, value));
    if (it == index_.end()) return;
    const EntityId rep = Find(it->second);
    if (std::find(candidates.begin(), candidates.end(), rep) == candidates.end()) candidates.push_back(rep);
  };
  consider("", e.key);
  if (UsesAliases(e.kind)) {
    for (const Alias& a : e.aliases) {
      if (a.strong()) consider(a.type, a.value);
    }
  }
  std::sort(candidates.begin(), candidates.end());  // the oldest entity keeps its node
  EntityId result = 0;
  bool have = false;
  std::vector<std::pair<EntityId, std::string>> conflicting;
  for (EntityId c : candidates) {
    std::string what;
    if (Conflicts(e, nodes_[c].record.entity, &what)) {
      conflicting.emplace_back(c, std::move(what));
      continue;
    }
    if (!have) {
      result = c;
      have = true;
      continue;
    }
    if (Conflicts(nodes_[result].record.entity, nodes_[c].record.entity, &what)) {
      RecordConflict(result, c, what);
      continue;
    }
    Absorb(result, c);
    merges->emplace_back(result, c);
  }
  if (!have) {
    // Aliases another entity already holds stay with it; the new entity gets the rest.
    result = Create(tenant, tenant_name, e);
    created->push_back(result);
    for (auto& [c, what] : conflicting) RecordConflict(result, c, what);
    return result;
  }
  for (auto& [c, what] : conflicting) {
    if (c != result) RecordConflict(result, c, what);
  }
  Entity& r = nodes_[result].record.entity;
  const std::size_t aliases = r.aliases.size(), properties = r.properties.size(), tags = r.tags.size();
  const bool named = !r.display_name.empty();
  r.MergeFrom(e);
  if (r.aliases.size() != aliases) {
    r.key = CanonicalKey(r);
    Index(result, r);
  }
  if (r.aliases.size() != aliases || r.properties.size() != properties || r.tags.size() != tags ||
      named != !r.display_name.empty()) {
    MarkDirty(result);
  }
  return result;
}

std::optional<EntityResolver::EntityId> EntityResolver::Lookup(TenantId tenant, EntityKind kind,
                                                                std::string_view key_or_alias) {
  auto it = index_.find(IndexKey(tenant, kind, "", key_or_alias));
  if (it == index_.end()) {
    const std::size_t colon = key_or_alias.find(':');
    if (colon != std::string_view::npos) {
      it = index_.find(IndexKey(tenant, kind, key_or_alias.substr(0, colon), key_or_alias.substr(colon + 1)));
    }
  }
  if (it == index_.end()) return std::nullopt;
  return Find(it->second);
}

std::vector<std::string> EntityResolver::PossibleMatches(EntityId rep) {
  std::vector<std::string> out;
  const Node& n = nodes_[rep];
  for (const Alias& a : n.record.entity.aliases) {
    if (a.strong()) continue;
    auto it = weak_index_.find(IndexKey(n.tenant, n.record.entity.kind, a.type, a.value));
    if (it == weak_index_.end()) continue;
    for (EntityId other : it->second) {
      const EntityId o = Find(other);
      if (o == rep) continue;
      const std::string& key = nodes_[o].record.entity.key;
      if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace weft
