#pragma once
// EntityResolver: identity resolution. Entities of one tenant that share a strong alias (an MDE
// device id, an Azure VM resource id, a vmId, an AWS instance id, a GCP resource name, a user
// object id, SID or UPN, a file hash) are one entity; their aliases accumulate. Two strong aliases
// of the same type with different values never merge: the conflict is recorded on both entities
// and they stay apart. A weak alias (host name, account name) never merges anything; entities
// sharing one are listed as possible matches. Tenants never mix.
//
// Memory: the resolver keeps per entity only what resolution decides on (its canonical key,
// kind, tenant and the 64-bit hashes of its aliases, property names and tags, "facts"), not the
// full record: at a million alerts the full records were most of the engine's memory. A sighting
// that teaches nothing new (every fact already known: the common case) costs hash lookups only.
// When an entity changes, its full record is taken from the records created or loaded in the
// current batch, or read back from the store through the RecordLoader; TakeChanges hands the
// changed records to the caller to write, after which they are dropped.
// Not thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/internal/huge_pages.h"
#include "engine/internal/string_arena.h"
#include "engine/internal/weak_index.h"
#include "graph/graph_store.h"
#include "model/entity.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/container/node_hash_map.h"

namespace weft {

class EntityResolver {
 public:
  using EntityId = std::uint32_t;
  using TenantId = std::uint32_t;
  // Reads the stored record of an entity (tenant name, entity key). The resolver only asks for
  // entities it handed out through TakeChanges before.
  using RecordLoader =
      std::function<Result<std::optional<EntityRecord>>(std::string_view, std::string_view)>;
  // The hashes of an entity's key and of its aliases, properties and tags in one tenant, as
  // Resolve probes and compares them: each string is hashed once (Prepare).
  class Probe;

  explicit EntityResolver(RecordLoader loader);
  EntityResolver(const EntityResolver&) = delete;
  EntityResolver& operator=(const EntityResolver&) = delete;

  // Resolves `entity` seen in an alert of `tenant`, creating or merging entities as needed.
  // Appends (keep, gone) to *merges for every merge it made and the new id to *created when it
  // created one. Returns the representative id. Fails only when a stored record cannot be read.
  Result<EntityId> Resolve(TenantId tenant, std::string_view tenant_name, const Entity& entity,
                           std::vector<std::pair<EntityId, EntityId>>* merges,
                           std::vector<EntityId>* created);
  // The same with `probe` = Prepare(tenant, entity).
  Result<EntityId> Resolve(TenantId tenant, std::string_view tenant_name, const Entity& entity,
                           const Probe& probe, std::vector<std::pair<EntityId, EntityId>>* merges,
                           std::vector<EntityId>* created);

  // Adds an entity exactly as stored (an engine reopening its store) and returns its id. The
  // record is already persisted: it is not handed back by TakeChanges. `index_keys`: what
  // PrefetchAdopt(tenant, record, ...) appended, or null to hash the key and aliases here.
  EntityId Adopt(TenantId tenant, const EntityRecord& record,
                 const std::uint64_t* index_keys = nullptr);
  // Bring the index entries that Adopt(tenant, record), or Lookup(tenant, kind, key) at its
  // first probe, will touch into the cache. A replay calls them for a run of records before it
  // adopts or looks up any, so that the run's cache misses overlap instead of coming one by one.
  // PrefetchAdopt appends the record's index keys (its key's, then each alias's) to *index_keys,
  // for Adopt to take instead of hashing them again.
  void PrefetchAdopt(TenantId tenant, const EntityRecord& record,
                     std::vector<std::uint64_t>* index_keys) const;
  // PrefetchLookup returns the index key it prefetched, for LookupShared to take instead of
  // hashing the key again.
  std::uint64_t PrefetchLookup(TenantId tenant, EntityKind kind, std::string_view key) const {
    const std::uint64_t index_key = IndexKey(tenant, kind, "", key);
    index_.prefetch(index_key);
    return index_key;
  }
  // Prepare(tenant, entity, out): *out = what Resolve probes the index with for `entity`, and
  // the index entries it reads first prefetched, so that a caller can prepare an alert's
  // entities a few alerts ahead and resolve them once the entries are cached.
  void Prepare(TenantId tenant, const Entity& entity, Probe* out) const;
  // Makes room for about `entities` entities (a replay knows how many are stored).
  void Reserve(std::size_t entities);

  EntityId Find(EntityId e);
  // The canonical key, kind, and private-address flag (an IP with a "scope" property) of a
  // representative. The key view is valid until the entity is re-keyed or merged.
  std::string_view Key(EntityId rep) const { return nodes_[rep].key.view(); }
  EntityKind Kind(EntityId rep) const { return nodes_[rep].kind; }
  bool PrivateIp(EntityId rep) const { return nodes_[rep].private_ip; }
  // Whether a representative has recorded conflicts: an evidence key alone may then not say
  // which of the clashing entities it meant.
  bool Conflicted(EntityId rep) const { return nodes_[rep].conflicted; }

  // The representative known by `tenant` + canonical key or strong alias "type:value" of `kind`;
  // nullopt when unknown.
  std::optional<EntityId> Lookup(TenantId tenant, EntityKind kind, std::string_view key_or_alias);
  // The same without shortening any path of the union-find: it changes nothing, so several
  // threads may call it at once while no thread changes the resolver (a replay's lookahead).
  std::optional<EntityId> LookupShared(TenantId tenant, EntityKind kind,
                                       std::string_view key_or_alias) const;
  // The same, `index_key` being what PrefetchLookup(tenant, kind, key_or_alias) returned.
  std::optional<EntityId> LookupShared(TenantId tenant, EntityKind kind,
                                       std::string_view key_or_alias,
                                       std::uint64_t index_key) const;
  std::size_t size() const { return nodes_.size(); }

  // The node of a link key of `tenant` that is not an entity (an alert-type bucket: see
  // CorrelationConfig::type_window), created on first use (*created then set). Link keys are
  // indexed apart from every entity key and alias, never merge and are never written:
  // TakeChanges does not see them. Key() gives the link key back.
  EntityId LinkKey(TenantId tenant, std::string_view key, bool* created);
  bool IsLinkKey(EntityId rep) const { return nodes_[rep].link_key; }

  // What changed since the last call: the full record of every entity created or changed
  // (aliases, properties, conflicts, possible matches), and the stored keys that no longer name
  // an entity (merged away or re-keyed), as (tenant, key).
  struct Changes {
    std::vector<EntityRecord> upserts;
    std::vector<std::pair<std::string, std::string>> deletes;
  };
  Result<Changes> TakeChanges();
  // Forgets pending changes (after a replay that only re-derived stored state).
  void DiscardChanges();

  // The canonical key an entity with these aliases gets: its best strong alias by kind priority.
  static std::string CanonicalKey(const Entity& e);
  // Whether e.key == CanonicalKey(e), without building it.
  static bool HasCanonicalKey(const Entity& e);

 private:
  // One thing an entity is known to have: an alias (with its strength and whether a source
  // product is recorded), a property name or a tag. 12 bytes: the 64-bit hash is kept as two
  // halves, so that four facts fit inline where three of 16 bytes did (at a million alerts a
  // third of the entities had spilled their facts to the heap; now one in sixteen does).
  struct Fact {
    std::uint32_t hash_lo = 0, hash_hi = 0;
    // Aliases: a 16-bit hash of the alias type. Two types sharing one only make a conflict check
    // look at the full records (MayConflict), never miss a conflict.
    std::uint16_t type_tag = 0;
    std::uint8_t what = 0;
    std::uint8_t flags = 0;

    Fact() = default;
    Fact(std::uint64_t hash, std::uint16_t type_tag, std::uint8_t what, std::uint8_t flags)
        : hash_lo(static_cast<std::uint32_t>(hash)),
          hash_hi(static_cast<std::uint32_t>(hash >> 32)),
          type_tag(type_tag),
          what(what),
          flags(flags) {}
    std::uint64_t hash() const { return (std::uint64_t{hash_hi} << 32) | hash_lo; }
    friend bool operator==(const Fact& a, const Fact& b) {
      return a.hash_lo == b.hash_lo && a.hash_hi == b.hash_hi && a.what == b.what &&
             a.flags == b.flags;
    }
  };
  static_assert(sizeof(Fact) == 12, "four facts inline in a node");
  using Facts = absl::InlinedVector<Fact, 4>;
  struct Node {
    TenantId tenant = 0;
    EntityKind kind = EntityKind::kGeneric;
    bool private_ip : 1 = false;
    bool persisted : 1 = false;   // the store holds its record under `key`
    bool conflicted : 1 = false;  // its record lists conflicts
    bool has_name : 1 = false;    // a display name (not a fact: what it is does not matter)
    bool has_cloud : 1 = false;   // a cloud
    bool link_key : 1 = false;    // not an entity: a LinkKey
    internal::StringArena::Ref key;
    Facts facts;
  };
  EntityId AddNode(TenantId tenant, EntityKind kind);  // a new entity, its own representative
  // The entity Lookup finds in the index (not yet its representative); `index_key` is
  // IndexKey(tenant, kind, "", key_or_alias).
  std::optional<EntityId> Indexed(TenantId tenant, EntityKind kind, std::string_view key_or_alias,
                                  std::uint64_t index_key) const;
  static std::uint64_t IndexKey(TenantId tenant, EntityKind kind, std::string_view type,
                                std::string_view value);
  // `alias_keys`: IndexKey of each alias of `e`, in order, or null to compute them.
  Facts FactsOf(TenantId tenant, const Entity& e, const std::uint64_t* alias_keys = nullptr) const;
  Probe ProbeOf(TenantId tenant, const Entity& e) const;  // what Prepare computes, unfetched
  // The identity rules (entity_identity.cc). Kinds whose strong aliases resolve identity:
  static bool UsesAliases(EntityKind kind) {
    return kind == EntityKind::kDevice || kind == EntityKind::kUser || kind == EntityKind::kFile;
  }
  // Lower = a better canonical identifier (e.g. a device's MDE id before its Azure resource id).
  static int AliasRank(EntityKind kind, std::string_view type);
  // The strong alias CanonicalKey names (nullptr: the entity's own key is canonical).
  static const Alias* KeyAlias(const Entity& e);
  // Sets the facts (`facts`: FactsOf the entity) and flags of `n` from the record of its entity.
  void Learn(Node& n, const Entity& e, Facts facts) const;
  // Whether `n` already has everything a sighting of `e` (whose facts are `incoming`) says.
  static bool Knows(const Node& n, const Entity& e, const Facts& incoming);
  // Two entities that both have strong aliases of one type, with no value in common.
  struct Clash {
    std::string what;    // "type:a vs type:b", for the best-ranked such type
    bool separates;      // they are different entities (else one entity with both values)
    std::string shared;  // the strongest alias they share, "type:value" ("" when none)
  };
  std::optional<Clash> Conflict(const Entity& a, const Entity& b) const;
  // Whether two fact sets have a strong alias type with different values (hash test; a true
  // answer is confirmed on the full records).
  static bool MayConflict(const Facts& a, const Facts& b);
  // The full record of `id`, loaded into this batch's records if needed.
  Result<EntityRecord*> Full(EntityId id);
  void MarkDirty(EntityId e);
  void SetKey(EntityId id, std::string_view key);
  void Refresh(EntityId id);  // facts and key from its full record (after a change)
  // Whether another live entity has `key` as its canonical key.
  bool KeyHeldByOther(EntityId id, EntityKind kind, std::string_view key);
  // A new entity of `e`; `fresh`: e's probe, when no entity holds its key or a strong alias.
  EntityId Create(TenantId tenant, std::string_view tenant_name, const Entity& e,
                  const Probe* fresh);
  // Indexes `id` under `key_hash` (an IndexKey of a key) and the aliases among its facts.
  void Index(EntityId id, std::uint64_t key_hash);
  std::uint64_t KeyHash(EntityId id) const;  // IndexKey of its current key
  Status Absorb(EntityId keep, EntityId gone);
  Status RecordConflict(EntityId a, EntityId b, const std::string& what);
  std::vector<std::string> PossibleMatches(EntityId rep);
  std::string_view TenantName(TenantId t) const { return tenant_names_[t]; }
  void NoteTenant(TenantId t, std::string_view name);

  RecordLoader loader_;
  internal::HugeVector<Node> nodes_;
  // Union-find parents, apart from the nodes: Find touches 4 bytes per entity, not a node.
  internal::HugeVector<EntityId> parents_;
  internal::StringArena keys_;
  std::vector<std::string> tenant_names_;
  // The index holds 64-bit hashes of (tenant, kind, alias) rather than strings: a lookup then
  // allocates nothing. Two different aliases share a hash with probability ~n^2 / 2^65 (about
  // 1e-7 at ten million aliases).
  internal::HugeHashMap<std::uint64_t, EntityId> index_;  // strong alias / key -> entity
  internal::WeakIndex weak_index_;                        // weak alias -> entities
  // Full records created or loaded this batch; node-based so a record stays put while others
  // are loaded.
  absl::node_hash_map<EntityId, EntityRecord> records_;
  std::vector<EntityId> dirty_;
  std::vector<bool> is_dirty_;
  std::vector<std::pair<std::string, std::string>> deletes_;
};

class EntityResolver::Probe {
 private:
  friend class EntityResolver;
  std::uint64_t key_hash = 0;
  Facts facts;
};

}  // namespace weft
