#include "engine/entity_resolver.h"

#include <algorithm>
#include <tuple>

#include "graph/string_view_hash.h"

namespace weft {
namespace {

bool IsPrivateIp(const Entity& e) {
  return e.kind == EntityKind::kIp && e.properties.count("scope") != 0;
}

// A fast 64-bit string hash (Abseil's, wyhash-like). Stable within a process, which is all the
// in-memory index needs; byte-at-a-time FNV was a fifth of a replay's time.
std::uint64_t HashBytes(std::string_view s) { return StringViewHash{}(s); }

std::uint64_t Mix(std::uint64_t h) {  // splitmix64 finalizer
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

// Fact kinds and alias flags.
enum : std::uint8_t { kAlias, kProperty, kTag };
enum : std::uint8_t { kStrongFlag = 1, kSourcedFlag = 2 };

}  // namespace

EntityResolver::EntityId EntityResolver::AddNode(TenantId tenant, EntityKind kind) {
  const auto id = static_cast<EntityId>(nodes_.size());
  Node& n = nodes_.emplace_back();
  n.tenant = tenant;
  n.kind = kind;
  parents_.push_back(id);
  return id;
}

EntityResolver::EntityResolver(RecordLoader loader) : loader_(std::move(loader)) {}

std::uint64_t EntityResolver::IndexKey(TenantId tenant, EntityKind kind, std::string_view type,
                                       std::string_view value) {
  // A key ("" type) and an alias never share a hash by construction: the type is hashed apart.
  const std::uint64_t h = Mix(HashBytes(type) ^ (static_cast<std::uint64_t>(tenant) << 8) ^
                              static_cast<std::uint64_t>(kind));
  return Mix(h ^ HashBytes(value));
}

EntityResolver::Facts EntityResolver::FactsOf(TenantId tenant, const Entity& e,
                                              const std::uint64_t* alias_keys) const {
  Facts facts;
  for (const Alias& a : e.aliases) {
    facts.emplace_back(
        alias_keys != nullptr ? *alias_keys++ : IndexKey(tenant, e.kind, a.type, a.value),
        static_cast<std::uint16_t>(HashBytes(a.type)), kAlias,
        static_cast<std::uint8_t>((a.strong() ? kStrongFlag : 0) |
                                  (a.source.empty() ? 0 : kSourcedFlag)));
  }
  for (const auto& [k, v] : e.properties) facts.emplace_back(HashBytes(k), 0, kProperty, 0);
  for (const std::string& t : e.tags) facts.emplace_back(HashBytes(t), 0, kTag, 0);
  return facts;
}

void EntityResolver::Learn(Node& n, const Entity& e, Facts facts) const {
  n.facts = std::move(facts);
  n.has_name = !e.display_name.empty();
  n.has_cloud = e.cloud != Cloud::kUnknown;
  n.private_ip = IsPrivateIp(e);
}

bool EntityResolver::Knows(const Node& n, const Entity& e, const Facts& incoming) {
  if ((!e.display_name.empty() && !n.has_name) || (e.cloud != Cloud::kUnknown && !n.has_cloud))
    return false;
  for (const Fact& in : incoming) {
    bool known = false;
    for (const Fact& f : n.facts) {
      if (f.what != in.what || f.hash() != in.hash()) continue;
      // An alias is known when it is at least as strong and as sourced as the incoming one.
      if ((in.flags & ~f.flags) == 0) {
        known = true;
        break;
      }
    }
    if (!known) return false;
  }
  return true;
}

bool EntityResolver::MayConflict(const Facts& a, const Facts& b) {
  for (const Fact& x : a) {
    if (x.what != kAlias || (x.flags & kStrongFlag) == 0) continue;
    bool same_type = false, same_value = false;
    for (const Fact& y : b) {
      if (y.what != kAlias || (y.flags & kStrongFlag) == 0 || y.type_tag != x.type_tag) continue;
      same_type = true;
      same_value |= y.hash() == x.hash();
    }
    if (same_type && !same_value) return true;
  }
  return false;
}

void EntityResolver::NoteTenant(TenantId t, std::string_view name) {
  if (t >= tenant_names_.size()) tenant_names_.resize(t + 1);
  if (tenant_names_[t].empty()) tenant_names_[t] = std::string(name);
}

void EntityResolver::MarkDirty(EntityId e) {
  if (e >= is_dirty_.size()) is_dirty_.resize(nodes_.size() + 1024, false);
  if (is_dirty_[e]) return;
  is_dirty_[e] = true;
  dirty_.push_back(e);
}

EntityResolver::EntityId EntityResolver::Find(EntityId e) {
  while (parents_[e] != e) {
    parents_[e] = parents_[parents_[e]];
    e = parents_[e];
  }
  return e;
}

Result<EntityRecord*> EntityResolver::Full(EntityId id) {
  auto it = records_.find(id);
  if (it != records_.end()) return &it->second;
  const Node& n = nodes_[id];
  if (!n.persisted)
    return Status::Internal("entity " + std::string(n.key.view()) +
                            " has no record in memory or store");
  WEFT_ASSIGN_OR_RETURN(std::optional<EntityRecord> stored,
                        loader_(TenantName(n.tenant), n.key.view()));
  if (!stored)
    return Status::Corruption("entity " + std::string(n.key.view()) + " is indexed but not stored");
  return &records_.emplace(id, std::move(*stored)).first->second;
}

void EntityResolver::SetKey(EntityId id, std::string_view key) {
  Node& n = nodes_[id];
  if (n.key.data != nullptr && n.key.view() == key) return;
  if (n.persisted) {
    // The stored record under the old key is replaced by the one under the new key.
    deletes_.emplace_back(std::string(TenantName(n.tenant)), std::string(n.key.view()));
    n.persisted = false;
  }
  n.key = keys_.Store(key);
}

bool EntityResolver::KeyHeldByOther(EntityId id, EntityKind kind, std::string_view key) {
  auto it = index_.find(IndexKey(nodes_[id].tenant, kind, "", key));
  if (it == index_.end()) return false;
  const EntityId holder = Find(it->second);
  return holder != id && nodes_[holder].key.view() == key;
}

void EntityResolver::Refresh(EntityId id) {
  EntityRecord& r = records_.at(id);
  std::string key = CanonicalKey(r.entity);
  if (KeyHeldByOther(id, r.entity.kind, key) && UsesAliases(r.entity.kind)) {
    // Two entities kept apart by a clash may share their best alias (a UPN re-used by a new
    // account): a key names one entity, so this one takes its next-best strong alias.
    std::vector<const Alias*> strong;
    for (const Alias& a : r.entity.aliases) {
      if (a.strong()) strong.push_back(&a);
    }
    std::sort(strong.begin(), strong.end(), [&](const Alias* x, const Alias* y) {
      const int rx = AliasRank(r.entity.kind, x->type), ry = AliasRank(r.entity.kind, y->type);
      return rx != ry ? rx < ry : std::tie(x->type, x->value) < std::tie(y->type, y->value);
    });
    for (const Alias* a : strong) {
      std::string alternative =
          std::string(EntityKindName(r.entity.kind)) + ":" + a->type + ":" + a->value;
      if (!KeyHeldByOther(id, r.entity.kind, alternative)) {
        key = std::move(alternative);
        break;
      }
    }
  }
  r.entity.key = std::move(key);
  SetKey(id, r.entity.key);
  Learn(nodes_[id], r.entity, FactsOf(nodes_[id].tenant, r.entity));
  nodes_[id].conflicted = !r.conflicts.empty();
}

std::uint64_t EntityResolver::KeyHash(EntityId id) const {
  const Node& n = nodes_[id];
  return IndexKey(n.tenant, n.kind, "", n.key.view());
}

void EntityResolver::PrefetchAdopt(TenantId tenant, const EntityRecord& record,
                                   std::vector<std::uint64_t>* index_keys) const {
  const Entity& e = record.entity;
  const std::uint64_t key_hash = IndexKey(tenant, e.kind, "", e.key);
  index_keys->push_back(key_hash);
  index_.prefetch(key_hash);
  for (const Alias& a : e.aliases) {
    const std::uint64_t hash = IndexKey(tenant, e.kind, a.type, a.value);
    index_keys->push_back(hash);
    if (a.strong())
      index_.prefetch(hash);
    else
      weak_index_.Prefetch(hash);
  }
}

EntityResolver::Probe EntityResolver::ProbeOf(TenantId tenant, const Entity& e) const {
  Probe probe;
  probe.key_hash = IndexKey(tenant, e.kind, "", e.key);
  probe.facts = FactsOf(tenant, e);
  return probe;
}

void EntityResolver::Prepare(TenantId tenant, const Entity& e, Probe* out) const {
  *out = ProbeOf(tenant, e);
  index_.prefetch(out->key_hash);
  if (!UsesAliases(e.kind)) return;
  for (const Fact& f : out->facts) {
    if (f.what == kAlias && (f.flags & kStrongFlag) != 0) index_.prefetch(f.hash());
  }
}

void EntityResolver::Index(EntityId id, std::uint64_t key_hash) {
  index_.emplace(key_hash, id);
  for (const Fact& f : nodes_[id].facts) {
    if (f.what != kAlias) continue;
    if ((f.flags & kStrongFlag) != 0) {
      index_.emplace(f.hash(), id);
      continue;
    }
    // The others sharing this weak alias gain a possible match.
    weak_index_.Add(f.hash(), id, [this](EntityId other) { MarkDirty(Find(other)); });
  }
}

EntityResolver::EntityId EntityResolver::Create(TenantId tenant, std::string_view tenant_name,
                                                const Entity& e, const Probe* fresh) {
  const EntityId id = AddNode(tenant, e.kind);
  EntityRecord& r = records_[id];
  r.tenant = std::string(tenant_name);
  r.entity = e;
  if (fresh != nullptr && HasCanonicalKey(e)) {
    // Nothing holds the key (Resolve found no entity under it or any alias): Refresh would
    // keep it, and the probe has the facts.
    nodes_[id].key = keys_.Store(e.key);
    Learn(nodes_[id], e, fresh->facts);
  } else {
    Refresh(id);
  }
  MarkDirty(id);
  Index(id, fresh != nullptr ? fresh->key_hash : IndexKey(tenant, e.kind, "", e.key));
  return id;
}

void EntityResolver::Reserve(std::size_t entities) {
  nodes_.reserve(entities);
  parents_.reserve(entities);
  index_.reserve(entities * 2);  // a key and about one strong alias each
}

EntityResolver::EntityId EntityResolver::Adopt(TenantId tenant, const EntityRecord& record,
                                               const std::uint64_t* index_keys) {
  NoteTenant(tenant, record.tenant);
  const EntityId id = AddNode(tenant, record.entity.kind);
  Node& n = nodes_.back();
  n.key = keys_.Store(record.entity.key);
  Learn(n, record.entity,
        FactsOf(tenant, record.entity, index_keys != nullptr ? index_keys + 1 : nullptr));
  n.conflicted = !record.conflicts.empty();
  n.persisted = true;
  Index(id, index_keys != nullptr ? index_keys[0]
                                  : IndexKey(tenant, record.entity.kind, "", record.entity.key));
  return id;
}

Status EntityResolver::RecordConflict(EntityId a, EntityId b, const std::string& what) {
  WEFT_ASSIGN_OR_RETURN(EntityRecord * ra, Full(a));
  WEFT_ASSIGN_OR_RETURN(EntityRecord * rb, Full(b));
  auto add = [](EntityRecord& r, std::string text) {
    if (std::find(r.conflicts.begin(), r.conflicts.end(), text) == r.conflicts.end())
      r.conflicts.push_back(std::move(text));
  };
  add(*ra, what + " (" + rb->entity.key + ")");
  add(*rb, what + " (" + ra->entity.key + ")");
  nodes_[a].conflicted = nodes_[b].conflicted = true;
  MarkDirty(a);
  MarkDirty(b);
  return Status::Ok();
}

Status EntityResolver::Absorb(EntityId keep, EntityId gone) {
  WEFT_ASSIGN_OR_RETURN(EntityRecord * k, Full(keep));
  WEFT_ASSIGN_OR_RETURN(EntityRecord * g, Full(gone));
  parents_[gone] = keep;
  MarkDirty(keep);
  MarkDirty(gone);
  k->entity.MergeFrom(g->entity);
  for (std::string& c : g->conflicts) k->conflicts.push_back(std::move(c));
  if (nodes_[gone].persisted) {
    deletes_.emplace_back(std::string(TenantName(nodes_[gone].tenant)),
                          std::string(nodes_[gone].key.view()));
    nodes_[gone].persisted = false;
  }
  records_.erase(gone);
  nodes_[gone].facts.clear();
  Refresh(keep);
  Index(keep, KeyHash(keep));
  return Status::Ok();
}

Result<EntityResolver::EntityId> EntityResolver::Resolve(
    TenantId tenant, std::string_view tenant_name, const Entity& e,
    std::vector<std::pair<EntityId, EntityId>>* merges, std::vector<EntityId>* created) {
  return Resolve(tenant, tenant_name, e, ProbeOf(tenant, e), merges, created);
}

Result<EntityResolver::EntityId> EntityResolver::Resolve(
    TenantId tenant, std::string_view tenant_name, const Entity& e, const Probe& probe,
    std::vector<std::pair<EntityId, EntityId>>* merges, std::vector<EntityId>* created) {
  NoteTenant(tenant, tenant_name);
  // Candidates: entities already known by the key or any strong alias. The incoming facts carry
  // each alias's index hash, so every string is hashed once.
  const Facts& incoming = probe.facts;
  absl::InlinedVector<EntityId, 4> candidates;
  auto consider = [&](std::uint64_t hash) {
    auto it = index_.find(hash);
    if (it == index_.end()) return;
    const EntityId rep = Find(it->second);
    if (std::find(candidates.begin(), candidates.end(), rep) == candidates.end())
      candidates.push_back(rep);
  };
  consider(probe.key_hash);
  if (UsesAliases(e.kind)) {
    for (const Fact& f : incoming) {
      if (f.what == kAlias && (f.flags & kStrongFlag) != 0) consider(f.hash());
    }
  }
  // The common case: one known entity that already has everything this sighting says.
  if (candidates.size() == 1 && Knows(nodes_[candidates[0]], e, incoming)) return candidates[0];

  std::sort(candidates.begin(), candidates.end());  // the oldest entity keeps its node
  EntityId result = 0;
  bool have = false;
  std::vector<std::pair<EntityId, std::string>> conflicting;  // kept apart
  std::vector<std::string> notes;                             // merged despite a clash
  auto note = [&notes](const Clash& c) {
    notes.push_back(c.what + " (one entity: both have " + c.shared + ")");
  };
  for (EntityId c : candidates) {
    if (MayConflict(incoming, nodes_[c].facts)) {
      WEFT_ASSIGN_OR_RETURN(EntityRecord * rc, Full(c));
      if (std::optional<Clash> clash = Conflict(e, rc->entity)) {
        if (clash->separates) {
          conflicting.emplace_back(c, std::move(clash->what));
          continue;
        }
        note(*clash);
      }
    }
    if (!have) {
      result = c;
      have = true;
      continue;
    }
    if (MayConflict(nodes_[result].facts, nodes_[c].facts)) {
      WEFT_ASSIGN_OR_RETURN(EntityRecord * rr, Full(result));
      WEFT_ASSIGN_OR_RETURN(EntityRecord * rc, Full(c));
      if (std::optional<Clash> clash = Conflict(rr->entity, rc->entity)) {
        if (clash->separates) {
          WEFT_RETURN_IF_ERROR(RecordConflict(result, c, clash->what));
          continue;
        }
        note(*clash);
      }
    }
    WEFT_RETURN_IF_ERROR(Absorb(result, c));
    merges->emplace_back(result, c);
  }
  // A strong alias names one entity: one held by an entity this one clashes with stays there. It
  // is neither copied to a second entity by the clash nor learnt by it later, so a replay finds
  // the alias on one stored record, as ingestion did (never "whichever record comes first").
  Entity stripped;
  const Entity* learnt = &e;
  if (!conflicting.empty()) {
    stripped = e;
    std::erase_if(stripped.aliases, [&](const Alias& a) {
      if (!a.strong()) return false;
      auto it = index_.find(IndexKey(tenant, e.kind, a.type, a.value));
      if (it == index_.end()) return false;
      const EntityId holder = Find(it->second);
      return std::any_of(conflicting.begin(), conflicting.end(),
                         [holder](const auto& c) { return c.first == holder; });
    });
    learnt = &stripped;
  }
  if (!have) {
    result = Create(tenant, tenant_name, *learnt, candidates.empty() ? &probe : nullptr);
    created->push_back(result);
    for (auto& [c, what] : conflicting) WEFT_RETURN_IF_ERROR(RecordConflict(result, c, what));
    return result;
  }
  for (auto& [c, what] : conflicting) {
    if (c != result) WEFT_RETURN_IF_ERROR(RecordConflict(result, c, what));
  }
  if (!notes.empty()) {
    WEFT_ASSIGN_OR_RETURN(EntityRecord * r, Full(result));
    for (std::string& n : notes) {
      if (std::find(r->conflicts.begin(), r->conflicts.end(), n) == r->conflicts.end())
        r->conflicts.push_back(std::move(n));
    }
    nodes_[result].conflicted = true;
    MarkDirty(result);
  }
  if (Knows(nodes_[result], *learnt, learnt == &e ? incoming : FactsOf(tenant, *learnt)))
    return result;
  WEFT_ASSIGN_OR_RETURN(EntityRecord * r, Full(result));
  const std::size_t aliases = r->entity.aliases.size();
  r->entity.MergeFrom(*learnt);
  Refresh(result);
  if (r->entity.aliases.size() != aliases) Index(result, KeyHash(result));
  MarkDirty(result);
  return result;
}

std::optional<EntityResolver::EntityId> EntityResolver::Lookup(TenantId tenant, EntityKind kind,
                                                               std::string_view key_or_alias) {
  const std::optional<EntityId> indexed =
      Indexed(tenant, kind, key_or_alias, IndexKey(tenant, kind, "", key_or_alias));
  if (!indexed) return std::nullopt;
  return Find(*indexed);
}

std::optional<EntityResolver::EntityId> EntityResolver::LookupShared(
    TenantId tenant, EntityKind kind, std::string_view key_or_alias) const {
  return LookupShared(tenant, kind, key_or_alias, IndexKey(tenant, kind, "", key_or_alias));
}

std::optional<EntityResolver::EntityId> EntityResolver::LookupShared(
    TenantId tenant, EntityKind kind, std::string_view key_or_alias,
    std::uint64_t index_key) const {
  std::optional<EntityId> e = Indexed(tenant, kind, key_or_alias, index_key);
  if (!e) return std::nullopt;
  while (parents_[*e] != *e) e = parents_[*e];
  return e;
}

std::optional<EntityResolver::EntityId> EntityResolver::Indexed(TenantId tenant, EntityKind kind,
                                                                std::string_view key_or_alias,
                                                                std::uint64_t index_key) const {
  auto it = index_.find(index_key);
  const std::string_view prefix = EntityKindName(kind);
  if (it == index_.end() && UsesAliases(kind) && key_or_alias.size() > prefix.size() + 1 &&
      key_or_alias.substr(0, prefix.size()) == prefix && key_or_alias[prefix.size()] == ':') {
    // Importers build an entity's key from one of its strong aliases, like CanonicalKey:
    // "kind:type:value", or "user:value" for a UPN. The key then names that alias, which finds
    // the entity even after it was merged or re-keyed (its canonical key is another alias).
    const std::string_view rest = key_or_alias.substr(prefix.size() + 1);
    const std::size_t colon = rest.find(':');
    if (colon != std::string_view::npos) {
      it = index_.find(IndexKey(tenant, kind, rest.substr(0, colon), rest.substr(colon + 1)));
    } else if (kind == EntityKind::kUser) {
      it = index_.find(IndexKey(tenant, kind, "upn", rest));
    }
  }
  if (it == index_.end()) {
    const std::size_t colon = key_or_alias.find(':');
    if (colon != std::string_view::npos) {
      it = index_.find(
          IndexKey(tenant, kind, key_or_alias.substr(0, colon), key_or_alias.substr(colon + 1)));
    }
  }
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

EntityResolver::EntityId EntityResolver::LinkKey(TenantId tenant, std::string_view key,
                                                 bool* created) {
  // The alias type "\x01link" is no source's: no entity key or alias hashes to the same index key.
  auto [it, fresh] = index_.try_emplace(IndexKey(tenant, EntityKind::kGeneric, "\x01link", key), 0);
  *created = fresh;
  if (!fresh) return it->second;
  const EntityId id = AddNode(tenant, EntityKind::kGeneric);
  it->second = id;
  nodes_[id].link_key = true;
  nodes_[id].key = keys_.Store(key);
  return id;
}

std::vector<std::string> EntityResolver::PossibleMatches(EntityId rep) {
  std::vector<std::string> out;
  const Node& n = nodes_[rep];
  for (const Fact& f : n.facts) {
    if (f.what != kAlias || (f.flags & kStrongFlag) != 0) continue;
    weak_index_.ForEach(f.hash(), [&](EntityId other) {
      const EntityId o = Find(other);
      if (o == rep) return;
      const std::string key(nodes_[o].key.view());
      if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    });
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<EntityResolver::Changes> EntityResolver::TakeChanges() {
  Changes out;
  std::vector<EntityId> reps;
  for (EntityId e : dirty_) {
    is_dirty_[e] = false;
    reps.push_back(Find(e));
  }
  dirty_.clear();
  std::sort(reps.begin(), reps.end());
  reps.erase(std::unique(reps.begin(), reps.end()), reps.end());
  out.upserts.reserve(reps.size());
  for (EntityId rep : reps) {
    WEFT_ASSIGN_OR_RETURN(EntityRecord * r, Full(rep));
    r->possible_matches = PossibleMatches(rep);
    out.upserts.push_back(std::move(*r));
    nodes_[rep].persisted = true;
  }
  records_.clear();
  out.deletes.swap(deletes_);
  return out;
}

void EntityResolver::DiscardChanges() {
  for (EntityId e : dirty_) is_dirty_[e] = false;
  dirty_.clear();
  records_.clear();
  deletes_.clear();
}

}  // namespace weft
