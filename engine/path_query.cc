#include "engine/path_query.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include "absl/container/flat_hash_map.h"
#include "model/entity.h"

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

void ResolvedEntityIndex::Add(const EntityRecord& record) {
  const std::size_t pos = records_.size();
  records_.push_back(record);
  const std::string& key = record.entity.key;
  by_key_[key] = pos;
  by_alias_.emplace(key, pos);
  const std::string kind = std::string(EntityKindName(record.entity.kind)) + ":";
  for (const Alias& a : record.entity.aliases) {
    if (a.strong()) by_alias_.emplace(kind + a.ToString(), pos);
  }
}

std::string ResolvedEntityIndex::Resolve(std::string_view key) const {
  auto it = by_alias_.find(std::string(key));
  if (it != by_alias_.end()) return records_[it->second].entity.key;
  return std::string(key);
}

std::string ResolvedEntityIndex::ResolveEntity(const Entity& entity) const {
  auto it = by_alias_.find(entity.key);
  if (it != by_alias_.end()) return records_[it->second].entity.key;
  const std::string kind = std::string(EntityKindName(entity.kind)) + ":";
  for (const Alias& a : entity.aliases) {
    if (!a.strong()) continue;
    it = by_alias_.find(kind + a.ToString());
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
  PathGraph g;
  std::map<std::string, std::uint16_t> relation_ids;
  std::vector<RawEdge> edges;

  std::uint16_t RelationId(const std::string& name) {
    auto [it, inserted] = relation_ids.emplace(name, static_cast<std::uint16_t>(g.relation_names_.size()));
    if (inserted) g.relation_names_.push_back(name);
    return it->second;
  }
  void AddEdge(const std::string& from, const std::string& to, const std::string& relation, Timestamp valid_from) {
    if (from == to) return;
    edges.push_back({g.Intern(from), g.Intern(to), RelationId(relation), valid_from});
  }
  void AddTags(const Relation& r) {
    for (const auto& [name, value] : r.properties) {
      if (name.rfind("from_tag:", 0) == 0) g.tags_[name.substr(9)].push_back(r.from);
      if (name.rfind("to_tag:", 0) == 0) g.tags_[name.substr(7)].push_back(r.to);
    }
  }
  void AddAlert(const std::string& alert_key, const std::string& entity_key, Timestamp time, bool evidence_edge) {
    g.alerts_by_entity_[entity_key].push_back(alert_key);
    if (evidence_edge) AddEdge("alert:" + alert_key, entity_key, "evidence", time);
  }

  PathGraph Finish() {
    // One edge per (from, relation, to), with the earliest valid_from.
    std::sort(edges.begin(), edges.end(), [](const RawEdge& a, const RawEdge& b) {
      return std::tie(a.from, a.to, a.relation, a.valid_from) < std::tie(b.from, b.to, b.relation, b.valid_from);
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
    for (auto& [tag, keys] : g.tags_) {
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    }
    for (auto& [entity, alerts] : g.alerts_by_entity_) {
      std::sort(alerts.begin(), alerts.end());
      alerts.erase(std::unique(alerts.begin(), alerts.end()), alerts.end());
    }
    return std::move(g);
  }
};

PathGraph::NodeId PathGraph::Intern(const std::string& key) {
  auto [it, inserted] = ids_.emplace(key, static_cast<NodeId>(keys_.size()));
  if (inserted) keys_.push_back(key);
  return it->second;
}

PathGraph PathGraph::Build(const std::vector<Relation>& relations, const std::vector<Alert>& alerts,
                           const PathGraphOptions& options) {
  Builder b;
  for (const Relation& r : relations) {
    b.AddEdge(r.from, r.to, r.relation, r.valid_from);
    b.AddTags(r);
  }
  for (const Alert& a : alerts) {
    for (const Relation& r : a.relations) b.AddEdge(r.from, r.to, r.relation, r.valid_from);
    for (const Evidence& ev : a.evidence) b.AddAlert(a.key, ev.entity.key, a.activity_time(), options.include_evidence);
  }
  return b.Finish();
}

Result<PathGraph> PathGraph::Load(GraphStore& store, std::string_view tenant, const PathGraphOptions& options) {
  WEFT_ASSIGN_OR_RETURN(ResolvedEntityIndex index, ResolvedEntityIndex::Load(store, tenant));
  Builder b;
  for (const EntityRecord& r : index.records()) {
    b.g.Intern(r.entity.key);
    for (const std::string& tag : r.entity.tags) b.g.tags_[tag].push_back(r.entity.key);
  }
  auto add_relation = [&](const Relation& r) {
    Relation resolved = r;
    resolved.from = index.Resolve(r.from);
    resolved.to = index.Resolve(r.to);
    b.AddEdge(resolved.from, resolved.to, resolved.relation, resolved.valid_from);
    b.AddTags(resolved);
  };
  WEFT_RETURN_IF_ERROR(store.ForEachRelation(tenant, [&](const Relation& r) {
    add_relation(r);
    return true;
  }));
  WEFT_RETURN_IF_ERROR(store.ForEachAlert(tenant, [&](const Alert& a) {
    for (const Relation& r : a.relations) add_relation(r);
    for (const Evidence& ev : a.evidence) {
      b.AddAlert(a.key, index.ResolveEntity(ev.entity), a.activity_time(), options.include_evidence);
    }
    return true;
  }));
  return b.Finish();
}

std::optional<PathGraph::NodeId> PathGraph::Find(std::string_view key) const {
  auto it = ids_.find(std::string(key));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> PathGraph::Tagged(std::string_view tag) const {
  auto it = tags_.find(std::string(tag));
  return it == tags_.end() ? std::vector<std::string>{} : it->second;
}

const std::vector<std::string>& PathGraph::AlertsOn(std::string_view key) const {
  static const std::vector<std::string> kNone;
  auto it = alerts_by_entity_.find(std::string(key));
  return it == alerts_by_entity_.end() ? kNone : it->second;
}

// ---- search ----------------------------------------------------------------------------------

// One traversal over a PathGraph with a virtual source S (edges to every source) and a virtual
// target T (edges from every target). Steps are identified by (edge id, reversed): real edges
// are [0, E), S -> source i is E + i, target j -> T is E + |sources| + j.
class PathSearch {
 public:
  using NodeId = PathGraph::NodeId;
  struct Step {
    NodeId to;
    std::uint32_t edge;
    bool reversed;
    friend bool operator==(const Step& a, const Step& b) { return a.edge == b.edge && a.reversed == b.reversed; }
    friend bool operator<(const Step& a, const Step& b) {
      return std::tie(a.to, a.edge, a.reversed) < std::tie(b.to, b.edge, b.reversed);
    }
  };
  struct VPath {
    std::vector<NodeId> nodes;
    std::vector<Step> steps;
    friend bool operator<(const VPath& a, const VPath& b) {
      if (a.steps.size() != b.steps.size()) return a.steps.size() < b.steps.size();
      return std::tie(a.nodes, a.steps) < std::tie(b.nodes, b.steps);
    }
    friend bool operator==(const VPath& a, const VPath& b) { return a.nodes == b.nodes && a.steps == b.steps; }
  };

  PathSearch(const PathGraph& g, std::vector<NodeId> sources, std::vector<NodeId> targets,
             const TraversalOptions& options)
      : g_(g), options_(options), sources_(std::move(sources)), targets_(std::move(targets)) {
    n_ = static_cast<NodeId>(g_.keys_.size());
    s_ = n_;
    t_ = n_ + 1;
    e_ = static_cast<std::uint32_t>(g_.edge_to_.size());
    allowed_.assign(g_.relation_names_.size(), options.relations.empty());
    for (const std::string& name : options.relations) {
      auto it = std::find(g_.relation_names_.begin(), g_.relation_names_.end(), name);
      if (it != g_.relation_names_.end()) allowed_[it - g_.relation_names_.begin()] = true;
    }
    for (std::size_t j = 0; j < targets_.size(); ++j) target_index_.emplace(targets_[j], j);
  }

  bool EdgeOk(std::uint32_t e) const {
    return allowed_[g_.edge_relation_[e]] && (options_.as_of == kNoTime || g_.edge_valid_from_[e] <= options_.as_of);
  }

  // Calls fn(Step) for each step out of u; `depth` is u's distance from S.
  template <typename F>
  void ForEachStep(NodeId u, int depth, F&& fn) const {
    if (u == s_) {
      for (std::size_t i = 0; i < sources_.size(); ++i) fn(Step{sources_[i], e_ + static_cast<std::uint32_t>(i), false});
      return;
    }
    if (u == t_) return;
    for (std::uint32_t e = g_.out_offsets_[u]; e < g_.out_offsets_[u + 1]; ++e) {
      if (EdgeOk(e)) fn(Step{g_.edge_to_[e], e, false});
    }
    if (options_.undirected) {
      for (std::uint32_t i = g_.in_offsets_[u]; i < g_.in_offsets_[u + 1]; ++i) {
        if (EdgeOk(g_.in_edges_[i])) fn(Step{g_.in_from_[i], g_.in_edges_[i], true});
      }
    }
    if (depth >= 2) {  // at least one real hop before reaching T
      auto it = target_index_.find(u);
      if (it != target_index_.end()) {
        fn(Step{t_, e_ + static_cast<std::uint32_t>(sources_.size() + it->second), false});
      }
    }
  }

  static std::uint64_t StepId(const Step& s) { return (static_cast<std::uint64_t>(s.edge) << 1) | (s.reversed ? 1 : 0); }

  // Shortest path from `start` (at depth `base_depth` from S) to T of at most `limit` steps,
  // avoiding `banned_nodes` and `banned_steps`. Ties go to the first-discovered step.
  std::optional<VPath> Bfs(NodeId start, int base_depth, int limit, const std::unordered_set<NodeId>& banned_nodes,
                           const std::unordered_set<std::uint64_t>& banned_steps) const {
    struct Visit {
      NodeId parent;
      Step step;
      int depth;
    };
    absl::flat_hash_map<NodeId, Visit> seen;  // open addressing: the BFS's hottest structure
    seen.emplace(start, Visit{start, Step{start, 0, false}, 0});
    std::deque<NodeId> queue{start};
    while (!queue.empty()) {
      const NodeId u = queue.front();
      queue.pop_front();
      const int d = seen.at(u).depth;
      if (d >= limit) continue;
      bool found = false;
      ForEachStep(u, base_depth + d, [&](const Step& st) {
        if (found || banned_nodes.count(st.to) != 0 || banned_steps.count(StepId(st)) != 0) return;
        if (!seen.emplace(st.to, Visit{u, st, d + 1}).second) return;
        if (st.to == t_) {
          found = true;
          return;
        }
        queue.push_back(st.to);
      });
      if (found) {
        VPath p;
        for (NodeId v = t_; v != start; v = seen.at(v).parent) {
          p.nodes.push_back(v);
          p.steps.push_back(seen.at(v).step);
        }
        p.nodes.push_back(start);
        std::reverse(p.nodes.begin(), p.nodes.end());
        std::reverse(p.steps.begin(), p.steps.end());
        return p;
      }
    }
    return std::nullopt;
  }

  // Yen's k shortest simple paths from S to T.
  std::vector<VPath> Yen(std::size_t k) const {
    const int limit = options_.max_hops + 2;
    std::vector<VPath> found;
    std::optional<VPath> first = Bfs(s_, 0, limit, {}, {});
    if (!first) return found;
    found.push_back(std::move(*first));
    std::set<VPath> candidates;
    while (found.size() < k) {
      const VPath& prev = found.back();
      for (std::size_t i = 0; i + 1 < prev.nodes.size(); ++i) {
        const NodeId spur = prev.nodes[i];
        std::unordered_set<std::uint64_t> banned_steps;
        for (const VPath& p : found) {
          if (p.nodes.size() > i + 1 && std::equal(p.nodes.begin(), p.nodes.begin() + i + 1, prev.nodes.begin()) &&
              std::equal(p.steps.begin(), p.steps.begin() + i, prev.steps.begin())) {
            banned_steps.insert(StepId(p.steps[i]));
          }
        }
        std::unordered_set<NodeId> banned_nodes(prev.nodes.begin(), prev.nodes.begin() + i);
        std::optional<VPath> spur_path = Bfs(spur, static_cast<int>(i), limit - static_cast<int>(i), banned_nodes, banned_steps);
        if (!spur_path) continue;
        VPath total;
        total.nodes.assign(prev.nodes.begin(), prev.nodes.begin() + i);
        total.steps.assign(prev.steps.begin(), prev.steps.begin() + i);
        total.nodes.insert(total.nodes.end(), spur_path->nodes.begin(), spur_path->nodes.end());
        total.steps.insert(total.steps.end(), spur_path->steps.begin(), spur_path->steps.end());
        if (std::find(found.begin(), found.end(), total) == found.end()) candidates.insert(std::move(total));
      }
      if (candidates.empty()) break;
      found.push_back(*candidates.begin());
      candidates.erase(candidates.begin());
    }
    return found;
  }

  AttackPath ToAttackPath(const VPath& v) const {
    AttackPath p;
    std::set<std::string> alerts;
    for (std::size_t i = 1; i + 1 < v.nodes.size(); ++i) {
      p.nodes.push_back(g_.keys_[v.nodes[i]]);
      for (const std::string& a : g_.AlertsOn(p.nodes.back())) alerts.insert(a);
    }
    for (std::size_t i = 1; i + 2 < v.nodes.size(); ++i) {
      const Step& st = v.steps[i];
      p.hops.push_back(PathHop{g_.keys_[v.nodes[i]], g_.keys_[v.nodes[i + 1]], g_.relation_names_[g_.edge_relation_[st.edge]],
                               st.reversed});
    }
    p.alerts.assign(alerts.begin(), alerts.end());
    return p;
  }

  std::vector<Reached> Reach(int hops) const {
    absl::flat_hash_map<NodeId, int> dist;
    std::deque<NodeId> queue;
    for (NodeId s : sources_) {
      if (dist.emplace(s, 0).second) queue.push_back(s);
    }
    std::vector<Reached> out;
    while (!queue.empty()) {
      const NodeId u = queue.front();
      queue.pop_front();
      const int d = dist.at(u);
      if (d >= hops) continue;
      ForEachStep(u, 1, [&](const Step& st) {
        if (st.to >= n_ || !dist.emplace(st.to, d + 1).second) return;
        out.push_back(Reached{g_.keys_[st.to], d + 1});
        queue.push_back(st.to);
      });
    }
    std::sort(out.begin(), out.end(),
              [](const Reached& a, const Reached& b) { return std::tie(a.distance, a.key) < std::tie(b.distance, b.key); });
    return out;
  }

 private:
  const PathGraph& g_;
  TraversalOptions options_;
  std::vector<NodeId> sources_;
  std::vector<NodeId> targets_;
  std::unordered_map<NodeId, std::size_t> target_index_;
  std::vector<bool> allowed_;
  NodeId n_ = 0, s_ = 0, t_ = 0;
  std::uint32_t e_ = 0;
};

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
                                                          const std::vector<std::string>& targets, std::size_t k,
                                                          const TraversalOptions& options) const {
  if (k == 0) return Status::InvalidArgument("k must be at least 1");
  if (options.max_hops < 1) return Status::InvalidArgument("max hops must be at least 1");
  std::vector<NodeId> s = FindAll(*this, sources);
  std::vector<NodeId> t = FindAll(*this, targets);
  if (s.empty()) return Status::NotFound("no source entity is in the relation graph");
  if (t.empty()) return Status::NotFound("no target entity is in the relation graph");
  PathSearch search(*this, std::move(s), std::move(t), options);
  std::vector<AttackPath> out;
  for (const PathSearch::VPath& v : search.Yen(k)) out.push_back(search.ToAttackPath(v));
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
