#include "engine/path_search.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <set>
#include <string_view>
#include <tuple>

namespace weft {
namespace {

using NodeId = PathGraph::NodeId;

// A node's distances from the two sides of a search, valid while stamp == the scratch generation
// (one cache line holds both, so a meet check costs no extra miss).
struct Mark {
  std::uint32_t stamp = 0;
  std::int32_t fwd = 0;
  std::int32_t bwd = 0;
};
constexpr std::int32_t kUnset = -1;     // not reached from that side
constexpr std::int32_t kBanned = -2;    // excluded from this search (Yen's root path)
constexpr std::int32_t kDead = -3;      // forward: on no shortest path (path extraction)
constexpr std::int32_t kCrossing = -4;  // backward: at the last forward level, steps across

// A step from a node at the last forward level to one at the last backward level.
struct Crossing {
  NodeId tail, head;
  std::uint64_t step;  // step id (edge << 1 | reversed)
  std::uint64_t rank;  // position among the tail's steps (PathSearch::StepRank)
};

// Per-thread marks and frontiers. Begin() starts a search: bumping the generation invalidates
// every mark at once, so a search costs what it touches, not the graph size.
struct Scratch {
  std::vector<Mark> marks;
  std::vector<NodeId> fwd_frontier, bwd_frontier, next;
  std::uint32_t gen = 0;
  // Where the last search met (PathSearch::Meet): complete levels forward 0..a and backward
  // 0..b, which side's expansion found a step across, the steps across known (the first found;
  // every one once FinishCrossings has run), and the backward level b - 1 with the cost of its
  // expansion.
  std::int32_t a = 0, b = 0;
  std::vector<Crossing> crossings;
  bool met_forward = false;
  // Whether `crossings` holds every step across the walk may take (always when the forward side
  // met). If not, the backward level's scan stopped at bwd_frontier[resume], and the walk may
  // scan up to walk_budget steps (what the rest of that level costs) looking for one itself.
  bool crossings_complete = false;
  std::size_t resume = 0;
  std::uint64_t walk_budget = 0;
  std::vector<NodeId> bwd_below;
  std::uint64_t bwd_below_cost = 0;

  void Begin(std::size_t nodes) {
    if (marks.size() < nodes)
      marks.resize(nodes);  // new entries carry stamp 0, older than any generation
    if (++gen == 0) {       // wrapped: clear so no stale stamp matches
      std::fill(marks.begin(), marks.end(), Mark{});
      gen = 1;
    }
  }
  // The mark of u, reset to unreached on the first touch of this search.
  Mark& Touch(NodeId u) {
    Mark& m = marks[u];
    if (m.stamp != gen) m = Mark{gen, kUnset, kUnset};
    return m;
  }
  std::int32_t Fwd(NodeId u) const { return marks[u].stamp == gen ? marks[u].fwd : kUnset; }
  std::int32_t Bwd(NodeId u) const { return marks[u].stamp == gen ? marks[u].bwd : kUnset; }
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

PathSearch::Step StepOf(NodeId to, std::uint64_t step_id) {
  return PathSearch::Step{to, static_cast<std::uint32_t>(step_id >> 1), (step_id & 1) != 0};
}

}  // namespace

bool operator<(const PathSearch::VPath& a, const PathSearch::VPath& b) {
  if (a.steps.size() != b.steps.size()) return a.steps.size() < b.steps.size();
  if (a.nodes != b.nodes) return a.nodes < b.nodes;
  return std::lexicographical_compare(
      a.steps.begin(), a.steps.end(), b.steps.begin(), b.steps.end(),
      [](const PathSearch::Step& x, const PathSearch::Step& y) {
        return std::tie(x.to, x.edge, x.reversed) < std::tie(y.to, y.edge, y.reversed);
      });
}

struct PathSearch::Query {
  NodeId start;
  int base_depth;  // distance of start from S
  const std::vector<std::uint64_t>& banned_steps;
  // Per hub, a lower bound on the steps from start to it (PathSearch::HubOutOfReach).
  const std::vector<std::int32_t>& hub_from_start;

  bool StepBanned(NodeId from, std::uint64_t step) const {
    return from == start && !banned_steps.empty() &&
           std::find(banned_steps.begin(), banned_steps.end(), step) != banned_steps.end();
  }
};

PathSearch::PathSearch(const PathGraph& g, std::vector<NodeId> sources, std::vector<NodeId> targets,
                       const TraversalOptions& options)
    : g_(g), options_(options), sources_(std::move(sources)), targets_(std::move(targets)) {
  n_ = static_cast<NodeId>(g_.keys_.size());
  s_ = n_;
  t_ = n_ + 1;
  e_ = static_cast<std::uint32_t>(g_.edge_to_.size());
  all_relations_ = options.relations.empty();
  allowed_.assign(g_.relation_names_.size(), all_relations_);
  for (const std::string& name : options.relations) {
    auto it = std::find(g_.relation_names_.begin(), g_.relation_names_.end(), name);
    if (it != g_.relation_names_.end()) allowed_[it - g_.relation_names_.begin()] = true;
  }
  hub_to_t_ = HubBounds(targets_, 1);
  hub_from_s_ = HubBounds(sources_, 1);
}

std::vector<std::int32_t> PathSearch::HubBounds(const std::vector<NodeId>& ends,
                                                std::int32_t extra_steps) const {
  // Past any limit (a hop limit fits in an int), without overflowing when a depth is added.
  constexpr std::int32_t kUnreachable = 1 << 24;
  const internal::HubDistances& hubs = g_.hubs_;
  std::vector<std::int32_t> out(hubs.size(), kUnreachable);
  for (std::size_t h = 0; h < hubs.size(); ++h) {
    std::uint8_t nearest = internal::HubDistances::kFar;
    for (NodeId x : ends) nearest = std::min(nearest, hubs.Distance(h, x));
    // kFar is "255 hops or more": still a bound, and past every limit in practice.
    out[h] = nearest == internal::HubDistances::kFar ? kUnreachable : nearest + extra_steps;
  }
  return out;
}

bool PathSearch::HubOutOfReach(const Query& q, NodeId v, bool forward, std::int32_t depth,
                               int limit) const {
  if (v >= n_) return false;  // S or T
  const std::uint64_t d = g_.degrees_[v];
  if ((d & 0xffffffffu) + (d >> 32) < g_.hubs_.min_degree()) return false;
  const int h = g_.hubs_.Find(v);
  if (h < 0) return false;
  return depth + (forward ? hub_to_t_[h] : q.hub_from_start[h]) > limit;
}

std::int64_t PathSearch::SourceIndex(NodeId u) const {
  auto it = std::lower_bound(sources_.begin(), sources_.end(), u);
  return it != sources_.end() && *it == u ? it - sources_.begin() : -1;
}

std::int64_t PathSearch::TargetIndex(NodeId u) const {
  auto it = std::lower_bound(targets_.begin(), targets_.end(), u);
  return it != targets_.end() && *it == u ? it - targets_.begin() : -1;
}

std::uint64_t PathSearch::ForwardCost(NodeId u) const {
  if (u == s_) return sources_.size();
  if (u == t_) return 0;
  const std::uint64_t d = g_.degrees_[u];
  return (d & 0xffffffffu) + (options_.undirected ? d >> 32 : 0) + 1;
}

std::uint64_t PathSearch::BackwardCost(NodeId u) const {
  if (u == t_) return targets_.size();
  if (u == s_) return 0;
  const std::uint64_t d = g_.degrees_[u];
  return (d >> 32) + (options_.undirected ? d & 0xffffffffu : 0) + 1;
}

// The rule "a target steps to T only at distance >= 2 from S" as a property of the node: the
// nodes at distance 1 are the sources S steps to directly (search from S) or the start itself
// (a spur search from a source). A FIFO BFS meets each node only at its distance, so this is the
// same graph the BFS saw.
bool PathSearch::TStepAllowed(const Query& q, NodeId x) const {
  if (q.base_depth == 1) return x != q.start;
  if (q.base_depth != 0) return true;
  const std::int64_t i = SourceIndex(x);
  return i < 0 || q.StepBanned(s_, StepId(e_ + static_cast<std::uint32_t>(i), false));
}

template <typename F>
bool PathSearch::ForEachStep(const Query& q, NodeId u, F&& visit) const {
  auto fn = [&](const Step& st) {
    ++steps_scanned_;
    return visit(st);
  };
  if (u == s_) {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (fn(Step{sources_[i], e_ + static_cast<std::uint32_t>(i), false})) return true;
    }
    return false;
  }
  if (u == t_) return false;
  for (std::uint32_t e = g_.out_offsets_[u]; e < g_.out_offsets_[u + 1]; ++e) {
    if (EdgeOk(e) && fn(Step{g_.edge_to_[e], e, false})) return true;
  }
  if (options_.undirected) {
    for (std::uint32_t i = g_.in_offsets_[u]; i < g_.in_offsets_[u + 1]; ++i) {
      if (EdgeOk(g_.in_edges_[i]) && fn(Step{g_.in_from_[i], g_.in_edges_[i], true})) return true;
    }
  }
  const std::int64_t j = TargetIndex(u);
  if (j >= 0 && TStepAllowed(q, u)) {
    return fn(Step{
        t_, e_ + static_cast<std::uint32_t>(sources_.size() + static_cast<std::size_t>(j)), false});
  }
  return false;
}

template <typename F>
bool PathSearch::ForEachAdjacent(const Query& q, NodeId u, bool forward, F&& visit) const {
  auto fn = [&](NodeId v, std::uint64_t step) {
    ++steps_scanned_;
    return visit(v, step);
  };
  const std::uint32_t first_extra =
      e_ + (forward ? 0 : static_cast<std::uint32_t>(sources_.size()));
  if (u == (forward ? s_ : t_)) {  // S -> every source, every target -> T
    const std::vector<NodeId>& ends = forward ? sources_ : targets_;
    for (std::size_t i = 0; i < ends.size(); ++i) {
      if (!forward && !TStepAllowed(q, ends[i])) continue;
      if (fn(ends[i], StepId(first_extra + static_cast<std::uint32_t>(i), false))) return true;
    }
    return false;
  }
  if (u == s_ || u == t_) return false;
  // Out edges are steps u -> v forward and, undirected, reversed steps v -> u backward.
  if (forward || options_.undirected) {
    const std::uint32_t end = g_.out_offsets_[u + 1];
    for (std::uint32_t e = g_.out_offsets_[u]; e < end; ++e) {
      if (EdgeOk(e) && fn(g_.edge_to_[e], StepId(e, !forward))) return true;
    }
  }
  if (!forward || options_.undirected) {
    const std::uint32_t end = g_.in_offsets_[u + 1];
    for (std::uint32_t i = g_.in_offsets_[u]; i < end; ++i) {
      if (EdgeOk(g_.in_edges_[i]) && fn(g_.in_from_[i], StepId(g_.in_edges_[i], forward)))
        return true;
    }
  }
  if (forward) {
    const std::int64_t j = TargetIndex(u);
    if (j >= 0 && TStepAllowed(q, u)) {
      return fn(
          t_, StepId(e_ + static_cast<std::uint32_t>(sources_.size() + static_cast<std::size_t>(j)),
                     false));
    }
  } else {
    const std::int64_t i = SourceIndex(u);
    if (i >= 0) return fn(s_, StepId(e_ + static_cast<std::uint32_t>(i), false));
  }
  return false;
}

bool PathSearch::Meet(const Query& q, int limit) const {
  Scratch& sc = ThreadScratch();
  sc.fwd_frontier.assign(1, q.start);
  sc.bwd_frontier.assign(1, t_);
  std::uint64_t fwd_cost = ForwardCost(q.start), bwd_cost = BackwardCost(t_);
  sc.bwd_below.clear();
  sc.crossings.clear();
  // Complete levels: forward 0..a, backward 0..b. No node is reached from both sides, so every
  // path is longer than a + b; the first step from one side's frontier to the other's gives length
  // a + b + 1, and the search stops at it. Found by a forward expansion, that step is the
  // answer's: a frontier holds its nodes in the order a FIFO search discovers them, and each
  // node's steps are scanned in enumeration order. Found by a backward expansion, it is one of
  // possibly many; the path walk finds the one it needs (StepAcross). The last level the budget
  // allows only looks for steps across.
  std::int32_t& a = sc.a;
  std::int32_t& b = sc.b;
  a = b = 0;
  while (a + b < limit) {
    const bool last = a + b + 1 == limit;
    sc.next.clear();
    std::uint64_t next_cost = 0;
    const bool forward = fwd_cost <= bwd_cost;
    std::vector<NodeId>& frontier = forward ? sc.fwd_frontier : sc.bwd_frontier;
    const std::int32_t d = (forward ? a : b) + 1;
    const std::int32_t across = forward ? b : a;  // the other side's frontier level
    std::uint64_t scanned_cost = 0;               // of the frontier's nodes scanned to their end
    for (std::size_t j = 0; j < frontier.size(); ++j) {
      const NodeId u = frontier[j];
      const bool met = ForEachAdjacent(q, u, forward, [&](NodeId v, std::uint64_t step) {
        // The step's tail is u forward, v backward; only steps out of the start can be banned.
        const NodeId tail = forward ? u : v;
        if (q.StepBanned(tail, step)) return false;
        if ((forward ? sc.Bwd(v) : sc.Fwd(v)) == across) {
          sc.crossings.push_back(Crossing{tail, forward ? v : u, step, StepRank(step)});
          return true;
        }
        if (last) return false;
        Mark& m = sc.Touch(v);
        std::int32_t& mine = forward ? m.fwd : m.bwd;
        if (mine != kUnset) return false;
        // Left unmarked: reached again, it is checked again (and a hub is rare).
        if (HubOutOfReach(q, v, forward, d, limit)) return false;
        mine = d;
        sc.next.push_back(v);
        next_cost += forward ? ForwardCost(v) : BackwardCost(v);
        return false;
      });
      if (met) {
        sc.met_forward = forward;
        sc.crossings_complete = forward;
        sc.resume = j;
        sc.walk_budget = (forward ? fwd_cost : bwd_cost) - scanned_cost;
        return true;
      }
      scanned_cost += forward ? ForwardCost(u) : BackwardCost(u);
    }
    if (last) return false;
    if (!forward) {
      sc.bwd_below.swap(frontier);
      sc.bwd_below_cost = bwd_cost;
    }
    frontier.swap(sc.next);
    (forward ? fwd_cost : bwd_cost) = next_cost;
    ++(forward ? a : b);
    if (frontier.empty()) return false;
  }
  return false;
}

void PathSearch::MarkCrossingTails() const {
  Scratch& sc = ThreadScratch();
  for (const Crossing& c : sc.crossings) sc.marks[c.tail].bwd = kCrossing;
}

void PathSearch::FinishCrossings(const Query& q) const {
  Scratch& sc = ThreadScratch();
  // From the node the search stopped at, whole: its first step across is recorded twice, which
  // the lookup of a tail's first step does not mind.
  for (std::size_t j = sc.resume; j < sc.bwd_frontier.size(); ++j) {
    const NodeId u = sc.bwd_frontier[j];
    ForEachAdjacent(q, u, false, [&](NodeId v, std::uint64_t step) {
      if (!q.StepBanned(v, step) && sc.Fwd(v) == sc.a)
        sc.crossings.push_back(Crossing{v, u, step, StepRank(step)});
      return false;
    });
  }
  sc.crossings_complete = true;
  MarkCrossingTails();
}

// Scanning u's own steps is what the walk did until round 17; with u on the side the search
// avoided (a hub, perhaps) it cost up to three times the search. So u is scanned only while
// the scans stay within what finishing the backward level costs; past that the level is
// finished, every step across is known, and u's is looked up. The walk's cost at level a stays
// under twice the meeting level's.
std::optional<PathSearch::Step> PathSearch::StepAcross(const Query& q, NodeId u) const {
  Scratch& sc = ThreadScratch();
  if (!sc.crossings_complete) {
    const std::uint64_t cost = ForwardCost(u);
    if (cost <= sc.walk_budget) {
      sc.walk_budget -= cost;
      std::optional<Step> across;
      ForEachStep(q, u, [&](const Step& st) {
        if (q.StepBanned(u, StepId(st)) || sc.Bwd(st.to) != sc.b) return false;
        across = st;
        return true;
      });
      return across;
    }
    FinishCrossings(q);
  }
  if (sc.Bwd(u) != kCrossing) return std::nullopt;
  const Crossing* first = nullptr;
  for (const Crossing& c : sc.crossings) {
    if (c.tail == u && (first == nullptr || c.rank < first->rank)) first = &c;
  }
  return StepOf(first->head, first->step);
}

std::optional<PathSearch::VPath> PathSearch::Shortest(
    NodeId start, int base_depth, int limit, const std::vector<NodeId>& banned_nodes,
    const std::vector<std::uint64_t>& banned_steps) const {
  Scratch& sc = ThreadScratch();
  sc.Begin(static_cast<std::size_t>(n_) + 2);
  // From a spur node the bounds are its own distances; from S, one step more than the sources'.
  std::vector<std::int32_t> spur_bounds;
  if (start != s_) spur_bounds = HubBounds({start}, 0);
  const Query q{start, base_depth, banned_steps, start == s_ ? hub_from_s_ : spur_bounds};
  for (NodeId b : banned_nodes) sc.Touch(b) = Mark{sc.gen, kBanned, kBanned};
  sc.Touch(start).fwd = 0;
  sc.Touch(t_).bwd = 0;
  if (!Meet(q, limit)) return std::nullopt;

  // The shortest paths have a + b + 1 steps: positions 0..a are forward levels, a+1.. backward
  // levels b, b-1, .., 0. Walk the forward levels in enumeration order, depth first, marking
  // nodes that lead nowhere: the first complete path is the lexicographically smallest. Once the
  // steps across are all known, the walk enters only the nodes of level a that have one (marked
  // kCrossing).
  const std::int32_t a = sc.a, b = sc.b;
  if (sc.crossings_complete) MarkCrossingTails();
  VPath p;
  p.nodes.push_back(start);
  auto walk = [&](auto& self, NodeId u, std::int32_t i) -> bool {
    if (i == a) {
      const std::optional<Step> across = StepAcross(q, u);
      if (!across) return false;
      p.steps.push_back(*across);
      p.nodes.push_back(across->to);
      return true;
    }
    return ForEachStep(q, u, [&](const Step& st) {
      if (q.StepBanned(u, StepId(st)) || sc.Fwd(st.to) != i + 1) return false;
      if (i + 1 == a && sc.crossings_complete && sc.Bwd(st.to) != kCrossing) return false;
      p.steps.push_back(st);
      p.nodes.push_back(st.to);
      if (self(self, st.to, i + 1)) return true;
      p.steps.pop_back();
      p.nodes.pop_back();
      sc.marks[st.to].fwd = kDead;
      return false;
    });
  };
  const bool found = walk(walk, start, 0);
  assert(found && "bidirectional search met but no path was walked");
  if (!found) return std::nullopt;

  // The backward levels: from each node, its first step one level closer to T.
  for (std::int32_t rest = b; rest > 0; --rest) {
    const NodeId u = p.nodes.back();
    std::optional<Step> down;
    if (rest == b && sc.met_forward && ForwardCost(u) > sc.bwd_below_cost) {
      // u, on the backward frontier, was never expanded and has more steps than the level below
      // it had (a hub): scan that level's steps up instead, keeping u's first.
      std::uint64_t best = 0;
      for (NodeId w : sc.bwd_below) {
        ForEachAdjacent(q, w, false, [&](NodeId v, std::uint64_t step) {
          if (v != u || q.StepBanned(u, step) || (down && StepRank(step) >= best)) return false;
          down = StepOf(w, step);
          best = StepRank(step);
          return false;
        });
      }
    } else {
      ForEachStep(q, u, [&](const Step& st) {
        if (sc.Bwd(st.to) != rest - 1 || q.StepBanned(u, StepId(st))) return false;
        down = st;
        return true;
      });
    }
    assert(down && "a node at backward distance d has a step to distance d - 1");
    if (!down) return std::nullopt;
    p.steps.push_back(*down);
    p.nodes.push_back(down->to);
  }
  return p;
}

std::vector<PathSearch::VPath> PathSearch::Yen(std::size_t k) const {
  const int limit = options_.max_hops + 2;
  std::vector<VPath> found;
  std::optional<VPath> first = Shortest(s_, 0, limit, {}, {});
  if (!first) return found;
  found.push_back(std::move(*first));
  std::set<VPath> candidates;
  std::vector<std::uint64_t> banned_steps;
  std::vector<NodeId> banned_nodes;
  while (found.size() < k) {
    const VPath& prev = found.back();
    for (std::size_t i = 0; i + 1 < prev.nodes.size(); ++i) {
      const NodeId spur = prev.nodes[i];
      banned_steps.clear();
      for (const VPath& p : found) {
        if (p.nodes.size() > i + 1 &&
            std::equal(p.nodes.begin(), p.nodes.begin() + i + 1, prev.nodes.begin()) &&
            std::equal(p.steps.begin(), p.steps.begin() + i, prev.steps.begin())) {
          banned_steps.push_back(StepId(p.steps[i]));
        }
      }
      banned_nodes.assign(prev.nodes.begin(), prev.nodes.begin() + i);
      std::optional<VPath> spur_path = Shortest(
          spur, static_cast<int>(i), limit - static_cast<int>(i), banned_nodes, banned_steps);
      if (!spur_path) continue;
      VPath total;
      total.nodes.assign(prev.nodes.begin(), prev.nodes.begin() + i);
      total.steps.assign(prev.steps.begin(), prev.steps.begin() + i);
      total.nodes.insert(total.nodes.end(), spur_path->nodes.begin(), spur_path->nodes.end());
      total.steps.insert(total.steps.end(), spur_path->steps.begin(), spur_path->steps.end());
      if (std::find(found.begin(), found.end(), total) == found.end())
        candidates.insert(std::move(total));
    }
    if (candidates.empty()) break;
    found.push_back(*candidates.begin());
    candidates.erase(candidates.begin());
  }
  return found;
}

AttackPath PathSearch::ToAttackPath(const VPath& v) const {
  AttackPath p;
  // Alert lists of the path's nodes: ascending indices into the sorted alert keys.
  std::vector<std::pair<const std::uint32_t*, const std::uint32_t*>> lists;
  for (std::size_t i = 1; i + 1 < v.nodes.size(); ++i) {
    const NodeId u = v.nodes[i];
    p.nodes.emplace_back(g_.Key(u));
    const std::uint32_t* begin = g_.node_alerts_.data() + g_.node_alert_offsets_[u];
    const std::uint32_t* end = g_.node_alerts_.data() + g_.node_alert_offsets_[u + 1];
    if (begin != end) lists.emplace_back(begin, end);
  }
  for (std::size_t i = 1; i + 2 < v.nodes.size(); ++i) {
    const Step& st = v.steps[i];
    p.hops.push_back(PathHop{std::string(g_.Key(v.nodes[i])), std::string(g_.Key(v.nodes[i + 1])),
                             g_.relation_names_[g_.edge_relation_[st.edge]], st.reversed});
  }
  if (lists.empty()) return p;
  // A hub on the path brings thousands of alerts: merge the sorted lists as integers, then make
  // each key string once.
  std::vector<std::uint32_t> merged(lists.front().first, lists.front().second), buffer;
  for (std::size_t i = 1; i < lists.size(); ++i) {
    buffer.clear();
    std::set_union(merged.begin(), merged.end(), lists[i].first, lists[i].second,
                   std::back_inserter(buffer));
    merged.swap(buffer);
  }
  p.alert_count = merged.size();
  const std::size_t listed =
      options_.max_alerts == 0 ? merged.size() : std::min(merged.size(), options_.max_alerts);
  p.alerts.reserve(listed);
  for (std::size_t i = 0; i < listed; ++i) p.alerts.emplace_back(g_.AlertKey(merged[i]));
  return p;
}

std::vector<Reached> PathSearch::Reach(int hops) const {
  Scratch& sc = ThreadScratch();
  sc.Begin(static_cast<std::size_t>(n_) + 2);
  static const std::vector<std::uint64_t> kNoSteps;
  static const std::vector<std::int32_t> kNoHubs;
  const Query q{s_, 1, kNoSteps, kNoHubs};  // no targets: no step into T
  sc.fwd_frontier.clear();
  for (NodeId s : sources_) {
    Mark& m = sc.Touch(s);
    if (m.fwd != kUnset) continue;
    m.fwd = 0;
    sc.fwd_frontier.push_back(s);
  }
  std::vector<Reached> out;
  for (std::int32_t d = 1; d <= hops && !sc.fwd_frontier.empty(); ++d) {
    sc.next.clear();
    for (NodeId u : sc.fwd_frontier) {
      ForEachStep(q, u, [&](const Step& st) {
        if (st.to >= n_) return false;
        Mark& m = sc.Touch(st.to);
        if (m.fwd != kUnset) return false;
        m.fwd = d;
        out.push_back(Reached{std::string(g_.Key(st.to)), d});
        sc.next.push_back(st.to);
        return false;
      });
    }
    std::swap(sc.fwd_frontier, sc.next);
  }
  std::sort(out.begin(), out.end(), [](const Reached& a, const Reached& b) {
    return std::tie(a.distance, a.key) < std::tie(b.distance, b.key);
  });
  return out;
}

}  // namespace weft
