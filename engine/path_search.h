#pragma once
// PathSearch: the traversals behind PathGraph::KShortestPaths and PathGraph::Reach (engine
// internal; include engine/path_query.h instead).
//
// A search runs over the PathGraph plus a virtual source S (a step to every source) and a virtual
// target T (a step from every target), so "shortest path from any source to any target" is one
// S -> T search. Steps are identified by (edge id, reversed): real edges are [0, E), S -> source i
// is E + i, target j -> T is E + |sources| + j. A target may step to T only when it is not at
// distance 1 from S (a path has at least one real hop).
//
// Shortest S -> T (or spur -> T) paths come from a bidirectional BFS that always expands the side
// whose next level touches fewer edges, then picks, among all shortest paths, the one whose step
// sequence is lexicographically smallest in enumeration order (out edges in CSR order, then in
// edges, then the step to T): exactly the path a FIFO BFS keeping the first-discovered parent
// returns. When the forward side meets, its first step across is the answer's. When the
// backward side meets, the walk looks for the step across of each last-level forward node it
// reaches by scanning that node's steps only while the scans cost less than the rest of the
// backward level; then it finishes that level's scan instead, which records every step across.
// Picking the path thus costs at most twice the level the search met on; scanning the forward
// nodes without that bound (the side the search avoided: hubs, perhaps) cost up to three times
// the whole search. k paths are Yen's algorithm with the same search for spur paths.
//
// Threading: a PathSearch is used by one thread. Per-node marks live in a thread_local scratch
// (dense arrays stamped with a generation counter, reset in O(1) per search), so concurrent
// queries on one const PathGraph from different threads do not share state.

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/path_query.h"

namespace weft {

class PathSearch {
 public:
  using NodeId = PathGraph::NodeId;
  struct Step {
    NodeId to;
    std::uint32_t edge;
    bool reversed;
    friend bool operator==(const Step& a, const Step& b) {
      return a.edge == b.edge && a.reversed == b.reversed;
    }
  };
  // A path over the virtual graph: nodes[0] is the search start, steps[i] leads nodes[i] ->
  // nodes[i+1].
  struct VPath {
    std::vector<NodeId> nodes;
    std::vector<Step> steps;
    friend bool operator<(const VPath& a, const VPath& b);
    friend bool operator==(const VPath& a, const VPath& b) {
      return a.nodes == b.nodes && a.steps == b.steps;
    }
  };

  // `sources` and `targets` are sorted, without duplicates. `g` must outlive the search.
  PathSearch(const PathGraph& g, std::vector<NodeId> sources, std::vector<NodeId> targets,
             const TraversalOptions& options);

  // Up to k shortest simple S -> T paths, at most options.max_hops real hops each (Yen).
  std::vector<VPath> Yen(std::size_t k) const;
  // Entities within `hops` hops of the sources, by distance then key.
  std::vector<Reached> Reach(int hops) const;
  AttackPath ToAttackPath(const VPath& v) const;
  // Steps the searches so far scanned (PathQueryStats).
  std::uint64_t steps_scanned() const { return steps_scanned_; }

 private:
  struct Query;  // one bidirectional search: start, bans, budget

  // Shortest path from `start` (at distance `base_depth` from S) to T of at most `limit` steps,
  // avoiding `banned_nodes` and the steps `banned_steps` out of `start`.
  std::optional<VPath> Shortest(NodeId start, int base_depth, int limit,
                                const std::vector<NodeId>& banned_nodes,
                                const std::vector<std::uint64_t>& banned_steps) const;

  // The bidirectional BFS of Shortest: true when it found a step across within `limit`; where
  // and which are left in the thread's scratch.
  bool Meet(const Query& q, int limit) const;
  // The path walk's step from `u`, a node of the last forward level, to the last backward level:
  // the first in u's enumeration order, or none.
  std::optional<Step> StepAcross(const Query& q, NodeId u) const;
  // Scans the rest of the backward level the search met on, recording every step across.
  void FinishCrossings(const Query& q) const;
  void MarkCrossingTails() const;  // as kCrossing, in the scratch

  bool EdgeOk(std::uint32_t e) const {
    return (all_relations_ || allowed_[g_.edge_relation_[e]]) &&
           (options_.as_of == kNoTime || g_.edge_valid_from_[e] <= options_.as_of);
  }
  static std::uint64_t StepId(std::uint32_t edge, bool reversed) {
    return (static_cast<std::uint64_t>(edge) << 1) | (reversed ? 1 : 0);
  }
  static std::uint64_t StepId(const Step& s) { return StepId(s.edge, s.reversed); }
  // Orders the steps out of one node as ForEachStep enumerates them: out edges by id, then
  // reversed in edges by id (a node's in edges are stored in edge order), then virtual steps.
  std::uint64_t StepRank(std::uint64_t step_id) const {
    const std::uint64_t edge = step_id >> 1;
    const std::uint64_t kind = edge >= e_ ? 2 : (step_id & 1);
    return kind << 32 | edge;
  }
  // Index of `u` in sources_ / targets_, or -1.
  std::int64_t SourceIndex(NodeId u) const;
  std::int64_t TargetIndex(NodeId u) const;
  // Edges a forward (backward) expansion of `u` scans: the cost estimate of a frontier.
  std::uint64_t ForwardCost(NodeId u) const;
  std::uint64_t BackwardCost(NodeId u) const;
  // Whether target `x` may step to T: not when x is at distance 1 from S.
  bool TStepAllowed(const Query& q, NodeId x) const;
  // Whether `v`, reached at `depth` from one side (forward: from the start; backward: from T), is
  // a hub too far from the other side for a path of at most `limit` steps through it.
  bool HubOutOfReach(const Query& q, NodeId v, bool forward, std::int32_t depth, int limit) const;
  // Per hub, a lower bound on the steps between it and the nearest of `ends`: the hub's distance
  // to it plus `extra_steps` (1 for the virtual step to T or from S: hub_to_t_, hub_from_s_; 0
  // from a spur search's start).
  std::vector<std::int32_t> HubBounds(const std::vector<NodeId>& ends,
                                      std::int32_t extra_steps) const;

  // Calls fn(Step) for each step out of u, in enumeration order, until fn returns true; returns
  // whether it stopped. Steps into T honour `q`'s "no target at distance 1 from S" rule.
  template <typename F>
  bool ForEachStep(const Query& q, NodeId u, F&& fn) const;
  // One BFS level's worth of neighbours of u, in no particular order, until fn returns true
  // (returns whether it stopped). forward: fn(v, id of the step u -> v); backward: fn(v, id of the
  // step v -> u).
  template <typename F>
  bool ForEachAdjacent(const Query& q, NodeId u, bool forward, F&& fn) const;

  const PathGraph& g_;
  TraversalOptions options_;
  std::vector<NodeId> sources_;
  std::vector<NodeId> targets_;
  std::vector<std::int32_t> hub_to_t_, hub_from_s_;
  std::vector<bool> allowed_;
  bool all_relations_ = true;
  NodeId n_ = 0, s_ = 0, t_ = 0;
  std::uint32_t e_ = 0;
  mutable std::uint64_t steps_scanned_ = 0;
};

}  // namespace weft
