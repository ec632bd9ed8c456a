#pragma once
// EntityResolver: identity resolution. Entities of one tenant that share a strong alias (an MDE
// device id, an Azure VM resource id, a vmId, an AWS instance id, a GCP resource name, a user
// object id, SID or UPN, a file hash) are one entity; their aliases accumulate. Two strong aliases
// of the same type with different values never merge: the conflict is recorded on both entities
// and they stay apart. A weak alias (host name, account name) never merges anything; entities
// sharing one are listed as possible matches. Tenants never mix. Not thread-safe.

#include <cstdint>
#include <string>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/graph_store.h"
#include "model/entity.h"

namespace weft {

class EntityResolver {
 public:
  using EntityId = std::uint32_t;
  using TenantId = std::uint32_t;

  // Resolves `entity` seen in an alert of `tenant`, creating or merging entities as needed.
  // Appends (keep, gone) to *merges for every merge it made and the new id to *created when it
  // created one. Returns the representative id.
  EntityId Resolve(TenantId tenant, std::string_view tenant_name, const Entity& entity,
                   std::vector<std::pair<EntityId, EntityId>>* merges, std::vector<EntityId>* created);

  EntityId Find(EntityId e);
  // The record of a representative (aliases, conflicts). possible_matches is filled by
  // PossibleMatches, not stored here.
  const EntityRecord& Record(EntityId rep) const { return nodes_[rep].record; }
  // Representatives sharing a weak alias with `rep` but no strong one.
  std::vector<std::string> PossibleMatches(EntityId rep);
  // The representative known by `tenant` + canonical key or strong alias "type:value" of `kind`;
  // nullopt when unknown.
  std::optional<EntityId> Lookup(TenantId tenant, EntityKind kind, std::string_view key_or_alias);
  std::size_t size() const { return nodes_.size(); }
  // Entities whose record changed (created, merged, new aliases, conflicts, possible matches)
  // since the last call, each once; merged-away ids are included.
  std::vector<EntityId> TakeDirty();

  // The canonical key an entity with these aliases gets: its best strong alias by kind priority.
  static std::string CanonicalKey(const Entity& e);

 private:
  struct Node {
    EntityId parent;
    TenantId tenant;
    EntityRecord record;
  };
  // The index holds 64-bit hashes of (tenant, kind, alias) rather than strings: a lookup then
  // allocates nothing. Two different aliases share a hash with probability ~n^2 / 2^65 (about
  // 1e-7 at ten million aliases).
  static std::uint64_t IndexKey(TenantId tenant, EntityKind kind, std::string_view type, std::string_view value);
  void MarkDirty(EntityId e);
  bool Conflicts(const Entity& a, const Entity& b, std::string* what) const;
  EntityId Create(TenantId tenant, std::string_view tenant_name, const Entity& e);
  void Index(EntityId id, const Entity& e);
  void Absorb(EntityId keep, EntityId gone);
  void RecordConflict(EntityId a, EntityId b, const std::string& what);

  std::vector<Node> nodes_;
  absl::flat_hash_map<std::uint64_t, EntityId> index_;                     // strong alias / key -> entity
  absl::flat_hash_map<std::uint64_t, std::vector<EntityId>> weak_index_;   // weak alias -> entities
  std::vector<EntityId> dirty_;
  std::vector<bool> is_dirty_;
};

}  // namespace weft
