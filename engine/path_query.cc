#include "engine/path_query.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/path_search.h"
#include "model/entity.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace weft {

// ---- ResolvedEntityIndex ---------------------------------------------------------------------

Result<ResolvedEntityIndex> ResolvedEntityIndex::Load(GraphStore& store, std::string_view tenant) {
  ResolvedEntityIndex index;
  WEFT_RETURN_IF_ERROR(store.ForEachEntity(tenant, [&](const EntityRecord& r) {
    index.Add(r);
    return true;
  }));
  return index;
}

Result<ResolvedEntityIndex> ResolvedEntityIndex::LoadFor(GraphStore& store, std::string_view tenant,
                                                         const std::vector<std::string>& keys) {
  const absl::flat_hash_set<std::string> wanted(keys.begin(), keys.end());
  auto is_wanted = [&](const std::string& k) { return wanted.contains(k); };
  ResolvedEntityIndex index;
  WEFT_RETURN_IF_ERROR(store.ForEachEntity(tenant, [&](const EntityRecord& r) {
    const std::vector<std::string> aliases = r.entity.StrongAliasKeys();
    if (is_wanted(r.entity.key) || std::any_of(aliases.begin(), aliases.end(), is_wanted))
      index.Add(r);
    return true;
  }));
  return index;
}

Result<std::optional<ResolvedEntityIndex>> ResolvedEntityIndex::ReadCovering(
    GraphStore& store, std::string_view tenant, const std::vector<std::string>& records,
    const std::vector<std::string>& keys) {
  ResolvedEntityIndex index;
  for (const std::string& key : records) {
    WEFT_ASSIGN_OR_RETURN(std::optional<EntityRecord> record, store.GetEntity(tenant, key));
    if (record) index.Add(*record);
  }
  for (const std::string& key : keys) {
    if (!index.by_alias_.contains(key)) return std::optional<ResolvedEntityIndex>();
  }
  return std::optional<ResolvedEntityIndex>(std::move(index));
}

void ResolvedEntityIndex::Add(const EntityRecord& record) {
  const std::size_t pos = records_.size();
  records_.push_back(record);
  const std::string& key = record.entity.key;
  by_key_[key] = pos;
  by_alias_.emplace(key, pos);
  for (std::string& alias : record.entity.StrongAliasKeys())
    by_alias_.emplace(std::move(alias), pos);
}

std::string ResolvedEntityIndex::Resolve(std::string_view key) const {
  auto it = by_alias_.find(std::string(key));
  if (it != by_alias_.end()) return records_[it->second].entity.key;
  return std::string(key);
}

std::string ResolvedEntityIndex::ResolveEntity(const Entity& entity) const {
  auto it = by_alias_.find(entity.key);
  if (it != by_alias_.end()) return records_[it->second].entity.key;
  for (const std::string& alias : entity.StrongAliasKeys()) {
    it = by_alias_.find(alias);
    if (it != by_alias_.end()) return records_[it->second].entity.key;
  }
  return entity.key;
}

const EntityRecord* ResolvedEntityIndex::Record(std::string_view resolved_key) const {
  auto it = by_key_.find(std::string(resolved_key));
  return it == by_key_.end() ? nullptr : &records_[it->second];
}

std::string NormalizeQueryKey(std::string_view key) {
  Result<std::string> n = NormalizeEntityKey(key);
  return n.ok() ? *n : std::string(key);
}

// ---- PathGraph construction ------------------------------------------------------------------

struct PathGraph::Builder {
  struct RawEdge {
    NodeId from, to;
    std::uint16_t relation;
    Timestamp valid_from;
  };
  const PathGraphOptions options;
  PathGraph g;
  std::map<std::string, std::uint16_t> relation_ids;
  std::vector<RawEdge> edges;

  std::uint16_t RelationId(const std::string& name) {
    auto [it, inserted] =
        relation_ids.emplace(name, static_cast<std::uint16_t>(g.relation_names_.size()));
    if (inserted) g.relation_names_.push_back(name);
    return it->second;
  }
  void AddEdge(const std::string& from, const std::string& to, const std::string& relation,
               Timestamp valid_from) {
    if (from == to) return;
    edges.push_back({g.Intern(from), g.Intern(to), RelationId(relation), valid_from});
  }
  void AddTags(const Relation& r) {
    for (const auto& [name, value] : r.properties) {
      if (name.rfind("from_tag:", 0) == 0) g.tags_[name.substr(9)].push_back(r.from);
      if (name.rfind("to_tag:", 0) == 0) g.tags_[name.substr(7)].push_back(r.to);
    }
  }
  // Alerts in arrival order (a key may repeat) and (entity, alert) evidence pairs; entities not
  // yet interned wait in pending_evidence until Finish (a later relation may intern them). With
  // evidence edges, each alert's node ("alert:<key>") is interned once, in alert_nodes.
  std::uint16_t evidence_relation = 0;
  // Alert i's key is key_chars[key_offsets[i], key_offsets[i+1]).
  std::string key_chars;
  std::vector<std::uint64_t> key_offsets{0};
  std::vector<NodeId> alert_nodes;
  std::vector<std::pair<NodeId, std::uint32_t>> evidence;
  std::vector<std::pair<std::string, std::uint32_t>> pending_evidence;

  explicit Builder(const PathGraphOptions& graph_options) : options(graph_options) {
    if (options.include_evidence) evidence_relation = RelationId("evidence");
  }
  std::string_view AlertKey(std::uint32_t i) const {
    return std::string_view(key_chars).substr(key_offsets[i], key_offsets[i + 1] - key_offsets[i]);
  }
  std::uint32_t BeginAlert(std::string_view alert_key) {
    key_chars.append(alert_key);
    key_offsets.push_back(key_chars.size());
    if (options.include_evidence) {
      std::string node_key;
      node_key.reserve(6 + alert_key.size());
      node_key.append("alert:").append(alert_key);
      alert_nodes.push_back(g.Intern(node_key));
    }
    return static_cast<std::uint32_t>(key_offsets.size() - 2);
  }
  // Evidence naming the node `entity`.
  void AddEvidence(std::uint32_t alert, NodeId entity, Timestamp time) {
    if (options.include_evidence && alert_nodes[alert] != entity)
      edges.push_back({alert_nodes[alert], entity, evidence_relation, time});
    evidence.emplace_back(entity, alert);
  }
  // Evidence naming `entity_key`, a node or not (yet).
  void AddEvidence(std::uint32_t alert, std::string_view entity_key, Timestamp time) {
    if (options.include_evidence) return AddEvidence(alert, g.Intern(entity_key), time);
    auto it = g.ids_.find(entity_key);
    if (it != g.ids_.end()) {
      evidence.emplace_back(it->second, alert);
    } else {
      pending_evidence.emplace_back(std::string(entity_key), alert);
    }
  }

  // Sorts the alert keys into g's buffer and turns the evidence pairs into per-node alert lists.
  // A store's scan gives them sorted and distinct already: the buffer is then taken as it is.
  void FinishAlerts() {
    const auto n = static_cast<std::uint32_t>(key_offsets.size() - 1);
    std::vector<std::uint32_t> rank(n);
    bool ascending = true;
    for (std::uint32_t i = 1; i < n && ascending; ++i) ascending = AlertKey(i - 1) < AlertKey(i);
    if (ascending) {
      for (std::uint32_t i = 0; i < n; ++i) rank[i] = i;
      g.alert_chars_ = std::move(key_chars);
      g.alert_offsets_ = std::move(key_offsets);
    } else {
      std::vector<std::uint32_t> order(n);
      for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::pair(AlertKey(a), a) < std::pair(AlertKey(b), b);
      });
      g.alert_offsets_.assign(1, 0);
      for (std::size_t i = 0; i < order.size(); ++i) {
        const std::string_view key = AlertKey(order[i]);
        if (i == 0 || key != AlertKey(order[i - 1])) {
          g.alert_chars_ += key;
          g.alert_offsets_.push_back(g.alert_chars_.size());
        }
        rank[order[i]] = static_cast<std::uint32_t>(g.alert_offsets_.size() - 2);
      }
    }
    for (const auto& [key, alert] : pending_evidence) {
      auto it = g.ids_.find(key);
      if (it != g.ids_.end()) evidence.emplace_back(it->second, alert);
    }
    for (auto& [node, alert] : evidence) alert = rank[alert];
    std::sort(evidence.begin(), evidence.end());
    evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
    g.node_alert_offsets_.assign(g.keys_.size() + 1, 0);
    g.node_alerts_.resize(evidence.size());
    for (std::size_t i = 0; i < evidence.size(); ++i) {
      ++g.node_alert_offsets_[evidence[i].first + 1];
      g.node_alerts_[i] = evidence[i].second;
    }
    for (std::size_t u = 0; u < g.keys_.size(); ++u)
      g.node_alert_offsets_[u + 1] += g.node_alert_offsets_[u];
  }

  PathGraph Finish() {
    // One edge per (from, relation, to), with the earliest valid_from.
    std::sort(edges.begin(), edges.end(), [](const RawEdge& a, const RawEdge& b) {
      return std::tie(a.from, a.to, a.relation, a.valid_from) <
             std::tie(b.from, b.to, b.relation, b.valid_from);
    });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const RawEdge& a, const RawEdge& b) {
                              return a.from == b.from && a.to == b.to && a.relation == b.relation;
                            }),
                edges.end());
    const std::size_t n = g.keys_.size();
    g.out_offsets_.assign(n + 1, 0);
    g.in_offsets_.assign(n + 1, 0);
    for (const RawEdge& e : edges) {
      ++g.out_offsets_[e.from + 1];
      ++g.in_offsets_[e.to + 1];
    }
    for (std::size_t i = 0; i < n; ++i) {
      g.out_offsets_[i + 1] += g.out_offsets_[i];
      g.in_offsets_[i + 1] += g.in_offsets_[i];
    }
    // Edges are sorted by from: the out arrays are the edge list itself.
    g.edge_to_.resize(edges.size());
    g.edge_relation_.resize(edges.size());
    g.edge_valid_from_.resize(edges.size());
    g.in_edges_.resize(edges.size());
    g.in_from_.resize(edges.size());
    std::vector<std::uint32_t> fill(g.in_offsets_.begin(), g.in_offsets_.end() - 1);
    for (std::size_t i = 0; i < edges.size(); ++i) {
      g.edge_to_[i] = edges[i].to;
      g.edge_relation_[i] = edges[i].relation;
      g.edge_valid_from_[i] = edges[i].valid_from;
      const std::uint32_t slot = fill[edges[i].to]++;
      g.in_edges_[slot] = static_cast<std::uint32_t>(i);
      g.in_from_[slot] = edges[i].from;
    }
    edges = {};  // in the CSR arrays now: freed before the hubs' tables are made
    for (auto& [tag, keys] : g.tags_) {
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    }
    g.degrees_.resize(n);
    for (std::size_t u = 0; u < n; ++u) {
      g.degrees_[u] = (g.out_offsets_[u + 1] - g.out_offsets_[u]) |
                      (static_cast<std::uint64_t>(g.in_offsets_[u + 1] - g.in_offsets_[u]) << 32);
    }
    FinishAlerts();
    g.hubs_ =
        internal::HubDistances::Compute({g.out_offsets_, g.edge_to_, g.in_offsets_, g.in_from_},
                                        options.hubs, options.hub_min_degree);
    return std::move(g);
  }
};

PathGraph::NodeId PathGraph::Intern(std::string_view key) {
  if (auto it = ids_.find(key); it != ids_.end()) return it->second;
  const auto id = static_cast<NodeId>(keys_.size());
  keys_.push_back(key_arena_.Store(key));
  ids_.emplace(keys_.back().view(), id);
  return id;
}

PathGraph PathGraph::Build(const std::vector<Relation>& relations, const std::vector<Alert>& alerts,
                           const PathGraphOptions& options) {
  Builder b(options);
  for (const Relation& r : relations) {
    b.AddEdge(r.from, r.to, r.relation, r.valid_from);
    b.AddTags(r);
  }
  for (const Alert& a : alerts) {
    for (const Relation& r : a.relations) b.AddEdge(r.from, r.to, r.relation, r.valid_from);
    if (a.evidence.empty()) continue;
    const std::uint32_t alert = b.BeginAlert(a.key);
    for (const Evidence& ev : a.evidence) b.AddEvidence(alert, ev.entity.key, a.activity_time());
  }
  return b.Finish();
}

Result<PathGraph> PathGraph::Load(GraphStore& store, std::string_view tenant,
                                  const PathGraphOptions& options) {
  // Every stored entity is a node; its key and strong aliases ("kind:type:value", the form of an
  // importer's key) resolve to it, as in ResolvedEntityIndex, without keeping the records.
  // The map holds views: of each entity's key where the graph keeps it, and of its aliases in an
  // arena that lives while the graph loads. The first entity to claim a key keeps it.
  Builder b(options);
  internal::StringArena alias_arena;
  absl::flat_hash_map<std::string_view, NodeId, StringViewHash> resolve;
  WEFT_RETURN_IF_ERROR(store.ForEachEntity(tenant, [&](const EntityRecord& r) {
    const NodeId id = b.g.Intern(r.entity.key);
    for (const std::string& tag : r.entity.tags) b.g.tags_[tag].push_back(r.entity.key);
    resolve.emplace(b.g.Key(id), id);
    for (const std::string& alias : r.entity.StrongAliasKeys()) {
      if (!resolve.contains(alias)) resolve.emplace(alias_arena.Store(alias).view(), id);
    }
    return true;
  }));
  auto resolved = [&](std::string_view key) {
    auto it = resolve.find(key);
    return std::string(it == resolve.end() ? key : b.g.Key(it->second));
  };
  // Relations, those alerts brought included (ingestion stores them as relation records).
  WEFT_RETURN_IF_ERROR(store.ForEachRelation(tenant, [&](const Relation& r) {
    Relation edge = r;
    edge.from = resolved(r.from);
    edge.to = resolved(r.to);
    b.AddEdge(edge.from, edge.to, edge.relation, edge.valid_from);
    b.AddTags(edge);
    return true;
  }));
  // Evidence needs only each alert's key, time and evidence keys: summaries, not whole alerts.
  // A key an entity answers to names that entity's node; any other names itself.
  WEFT_RETURN_IF_ERROR(store.ForEachAlertSummary(tenant, [&](const AlertSummary& a) {
    if (a.evidence.empty()) return true;
    const std::uint32_t alert = b.BeginAlert(a.key);
    for (const auto& [kind, key] : a.evidence) {
      auto it = resolve.find(key);
      if (it != resolve.end()) {
        b.AddEvidence(alert, it->second, a.activity);
      } else {
        b.AddEvidence(alert, key, a.activity);
      }
    }
    return true;
  }));
  return b.Finish();
}

std::optional<PathGraph::NodeId> PathGraph::Find(std::string_view key) const {
  auto it = ids_.find(key);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> PathGraph::Tagged(std::string_view tag) const {
  auto it = tags_.find(std::string(tag));
  return it == tags_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> PathGraph::AlertsOn(std::string_view key) const {
  std::vector<std::string> out;
  const std::optional<NodeId> u = Find(key);
  if (!u) return out;
  for (std::uint32_t i = node_alert_offsets_[*u]; i < node_alert_offsets_[*u + 1]; ++i) {
    out.emplace_back(AlertKey(node_alerts_[i]));
  }
  return out;
}

namespace {

std::vector<PathGraph::NodeId> FindAll(const PathGraph& g, const std::vector<std::string>& keys) {
  std::vector<PathGraph::NodeId> ids;
  for (const std::string& k : keys) {
    if (std::optional<PathGraph::NodeId> id = g.Find(k)) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

Result<std::vector<AttackPath>> PathGraph::KShortestPaths(const std::vector<std::string>& sources,
                                                          const std::vector<std::string>& targets,
                                                          std::size_t k,
                                                          const TraversalOptions& options,
                                                          PathQueryStats* stats) const {
  if (k == 0) return Status::InvalidArgument("k must be at least 1");
  if (options.max_hops < 1) return Status::InvalidArgument("max hops must be at least 1");
  std::vector<NodeId> s = FindAll(*this, sources);
  std::vector<NodeId> t = FindAll(*this, targets);
  if (s.empty()) return Status::NotFound("no source entity is in the relation graph");
  if (t.empty()) return Status::NotFound("no target entity is in the relation graph");
  PathSearch search(*this, std::move(s), std::move(t), options);
  std::vector<AttackPath> out;
  for (const PathSearch::VPath& v : search.Yen(k)) out.push_back(search.ToAttackPath(v));
  if (stats != nullptr) stats->steps_scanned += search.steps_scanned();
  return out;
}

Result<std::vector<Reached>> PathGraph::Reach(const std::vector<std::string>& sources, int hops,
                                              const TraversalOptions& options) const {
  std::vector<NodeId> s = FindAll(*this, sources);
  if (s.empty()) return Status::NotFound("no source entity is in the relation graph");
  PathSearch search(*this, std::move(s), {}, options);
  return search.Reach(hops);
}

}  // namespace weft
