#pragma once
// Attack-path queries over one tenant's relation graph: shortest path, k shortest simple paths
// (Yen's algorithm over hop-limited bidirectional BFS, engine/path_search.h) and blast radius
// (entities within N hops).
//
// PathGraph is a read-only snapshot in compressed sparse row form: entity keys are interned to
// dense ids, out- and in-edges are offset/target vectors carrying the relation id and valid_from
// of each edge, so relation filters, --as-of and --undirected are applied at query time on one
// loaded graph. Alerts are attached to nodes (alert keys whose evidence names the entity) so a
// path can list the alerts on it. Entity keys in relations and evidence are resolved to the
// store's resolved entities through ResolvedEntityIndex.
//
// Threading: a built PathGraph is immutable; queries are const and may run concurrently. Each
// thread that queries keeps a scratch of about 12 bytes per node (thread_local, reused by every
// later query on that thread, so a query costs what it visits rather than the graph size).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/internal/hub_distances.h"
#include "engine/internal/string_arena.h"
#include "graph/graph_store.h"
#include "graph/string_view_hash.h"
#include "model/alert.h"
#include "model/status.h"

#include "absl/container/flat_hash_map.h"

namespace weft {

// Maps any key or strong alias an importer produced ("device:mde:abc", "device:azure:/subscr...")
// to the key of the resolved entity that holds it. Built from the store's entity records.
class ResolvedEntityIndex {
 public:
  // Indexes every entity record of `tenant` ("" = all tenants; keys are then not tenant-scoped).
  static Result<ResolvedEntityIndex> Load(GraphStore& store, std::string_view tenant);
  // Indexes only the records that hold one of `keys` (as key or strong alias): what resolving a
  // few keys needs, without keeping a large tenant's records in memory.
  static Result<ResolvedEntityIndex> LoadFor(GraphStore& store, std::string_view tenant,
                                             const std::vector<std::string>& keys);
  // Indexes the records stored under the resolved keys `records` (point reads) when together
  // they hold each of `keys` as key or strong alias; nullopt when one is not held (a record
  // merged away since `records` was written), for the caller to fall back on LoadFor.
  static Result<std::optional<ResolvedEntityIndex>> ReadCovering(
      GraphStore& store, std::string_view tenant, const std::vector<std::string>& records,
      const std::vector<std::string>& keys);
  void Add(const EntityRecord& record);

  // The resolved key for `key` (a canonical key or "kind:<alias type>:<alias value>"); `key`
  // itself when no entity holds it.
  std::string Resolve(std::string_view key) const;
  // The resolved key of an evidence entity: by its key, then by each of its strong aliases.
  std::string ResolveEntity(const Entity& entity) const;
  // The record with resolved key `key`, or nullptr. Valid while the index lives.
  const EntityRecord* Record(std::string_view resolved_key) const;
  const std::vector<EntityRecord>& records() const { return records_; }

 private:
  std::vector<EntityRecord> records_;
  std::unordered_map<std::string, std::size_t> by_key_;    // resolved key -> record
  std::unordered_map<std::string, std::size_t> by_alias_;  // "kind:type:value" / key -> record
};

struct PathGraphOptions {
  // Adds alert nodes ("alert:<alert key>") with "evidence" edges alert -> entity, so paths may
  // pass through alerts. Default false.
  bool include_evidence = false;
  // Hubs whose distances to every node are kept, as lower bounds that let a search skip a hub no
  // answer can pass through (engine/internal/hub_distances.h): the `hubs` nodes of highest degree
  // among those of degree >= hub_min_degree. One byte per node and hub; 0 keeps none.
  std::size_t hubs = 16;
  std::uint32_t hub_min_degree = 256;
};

// Edge filters applied while traversing.
struct TraversalOptions {
  std::vector<std::string> relations;  // only these relation names; empty = all
  Timestamp as_of = kNoTime;           // only relations with valid_from <= as_of; kNoTime = all
  bool undirected = false;             // false: follow relation direction only
  int max_hops = 6;                    // longest path, in hops (>= 1)
  // Alert keys listed per path, the first in key order (a hub on a path brings thousands);
  // AttackPath::alert_count always counts them all. 0 = list every one.
  std::size_t max_alerts = 100;
};

struct PathHop {
  std::string from;
  std::string to;
  std::string relation;
  bool reversed = false;  // traversed against the relation's direction (undirected only)
};

struct AttackPath {
  std::vector<std::string> nodes;  // entity keys, source first
  std::vector<PathHop> hops;
  std::vector<std::string>
      alerts;  // sorted alert keys whose evidence names a node of the path (at most max_alerts)
  std::size_t alert_count = 0;  // how many alerts name a node of the path
  std::size_t length() const { return hops.size(); }
};

// What a path query cost in work: the steps (edges, either way) its searches scanned.
// Deterministic for one graph and query, so a benchmark can compare it where wall time drifts
// with the host.
struct PathQueryStats {
  std::uint64_t steps_scanned = 0;
};

struct Reached {
  std::string key;
  int distance = 0;
};

class PathGraph {
 public:
  using NodeId = std::uint32_t;

  PathGraph() = default;
  PathGraph(PathGraph&&) = default;
  PathGraph& operator=(PathGraph&&) = default;
  PathGraph(const PathGraph&) = delete;
  PathGraph& operator=(const PathGraph&) = delete;

  // Loads `tenant`'s relations (store relations and the relations carried by its alerts), the
  // entity -> alerts map and the tags from relation properties "from_tag:<t>"/"to_tag:<t>".
  // Store errors are returned as they are.
  static Result<PathGraph> Load(GraphStore& store, std::string_view tenant,
                                const PathGraphOptions& options);
  // Builds from relations directly (tests, benchmarks). `alerts` may be empty; their evidence keys
  // are used as they are (no resolution).
  static PathGraph Build(const std::vector<Relation>& relations,
                         const std::vector<Alert>& alerts = {},
                         const PathGraphOptions& options = {});

  std::optional<NodeId> Find(std::string_view key) const;
  std::string_view Key(NodeId id) const { return keys_[id].view(); }
  std::size_t node_count() const { return keys_.size(); }
  std::size_t edge_count() const { return edge_to_.size(); }
  // Entities carrying `tag`, sorted by key.
  std::vector<std::string> Tagged(std::string_view tag) const;
  // Alert keys whose evidence names `key` (sorted); empty when none or when `key` is not a node.
  std::vector<std::string> AlertsOn(std::string_view key) const;

  // Up to `k` shortest simple paths from any of `sources` to any of `targets`, in
  // non-decreasing length (ties in a deterministic order), no node visited twice, no two paths
  // equal as sequences of nodes and relations, each at most options.max_hops long. A key that is
  // both a source and a target gives no zero-length path. InvalidArgument when k == 0 or
  // max_hops < 1; NotFound when no source or no target is in the graph (unknown keys among
  // several are skipped). With `stats`, adds the query's work to it.
  Result<std::vector<AttackPath>> KShortestPaths(const std::vector<std::string>& sources,
                                                 const std::vector<std::string>& targets,
                                                 std::size_t k, const TraversalOptions& options,
                                                 PathQueryStats* stats = nullptr) const;
  // Entities reachable from `sources` within `hops` hops (sources excluded), by distance then key.
  // options.max_hops is ignored. NotFound when no source is in the graph.
  Result<std::vector<Reached>> Reach(const std::vector<std::string>& sources, int hops,
                                     const TraversalOptions& options) const;

 private:
  friend class PathSearch;
  struct Builder;
  NodeId Intern(std::string_view key);

  // Node keys, each held once in an arena whose strings never move, so the index can hold views
  // of them (at 10M alerts a second copy of every key in the index cost ~0.8 GB; a std::string
  // each, ~30 bytes more a node and an allocation). Moving the graph keeps them in place; copying
  // would not, so a PathGraph is move-only.
  internal::StringArena key_arena_;
  std::vector<internal::StringArena::Ref> keys_;
  absl::flat_hash_map<std::string_view, NodeId, StringViewHash> ids_;
  std::vector<std::string> relation_names_;
  // CSR, out direction: edges of node u are [out_offsets_[u], out_offsets_[u+1]).
  std::vector<std::uint32_t> out_offsets_;
  std::vector<NodeId> edge_to_;
  std::vector<std::uint16_t> edge_relation_;
  std::vector<Timestamp> edge_valid_from_;
  // In direction: in_edges_ hold edge indices into the out arrays; in_from_ the source node.
  std::vector<std::uint32_t> in_offsets_;
  std::vector<std::uint32_t> in_edges_;
  std::vector<NodeId> in_from_;
  // Out-degree (low 32 bits) and in-degree (high 32 bits) of each node: one load per node for a
  // search's cost estimate.
  std::vector<std::uint64_t> degrees_;
  internal::HubDistances hubs_;
  std::unordered_map<std::string, std::vector<std::string>> tags_;  // tag -> keys
  // Alert keys, sorted and unique, in one buffer: key i is [alert_offsets_[i],
  // alert_offsets_[i+1]).
  std::string alert_chars_;
  std::vector<std::uint64_t> alert_offsets_;
  // Alerts whose evidence names node u: node_alerts_[node_alert_offsets_[u] ..
  // node_alert_offsets_[u+1]), ascending indices into the alert keys (so in key order).
  std::vector<std::uint32_t> node_alert_offsets_;
  std::vector<std::uint32_t> node_alerts_;
  std::string_view AlertKey(std::uint32_t i) const {
    return std::string_view(alert_chars_)
        .substr(alert_offsets_[i], alert_offsets_[i + 1] - alert_offsets_[i]);
  }
};

// Interpretation of command-line entity keys: NormalizeEntityKey, else the text as given.
std::string NormalizeQueryKey(std::string_view key);

}  // namespace weft
