// Among equally short paths, PathGraph::KShortestPaths answers the one a FIFO breadth-first search
// keeping each node's first-discovered parent finds, whichever side of its bidirectional search
// met the other. This test runs that FIFO search here, over the same enumeration order (sources
// by node id; a node's out edges by target id, then its in edges by source id, then the step into
// the virtual target), on graphs with hubs, and compares whole paths. Picking that path must not
// cost more than twice the level the search met on: a hub on the side the search avoided is not
// scanned when finishing that level costs less.

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/path_query.h"

namespace weft {
namespace {

std::string Node(int i) { return "device:mde:n" + std::to_string(i); }

Relation Rel(const std::string& from, const std::string& to) {
  Relation r;
  r.tenant = "t";
  r.from = from;
  r.to = to;
  r.relation = "runs_on";
  return r;
}

// One relation per ordered pair (so edge order is node order), hubs on a third of the edges.
std::vector<Relation> HubGraph(std::mt19937& rng, int nodes, int edges, int hubs) {
  std::uniform_int_distribution<int> pick(0, nodes - 1);
  std::uniform_int_distribution<int> hub(0, hubs - 1);
  std::set<std::pair<int, int>> pairs;
  std::vector<Relation> rels;
  for (int i = 0; i < edges; ++i) {
    int a = i % 3 == 0 ? hub(rng) : pick(rng);
    int b = pick(rng);
    if (i % 2 == 1) std::swap(a, b);
    if (a == b || !pairs.insert({a, b}).second) continue;
    rels.push_back(Rel(Node(a), Node(b)));
  }
  return rels;
}

struct Hop {
  std::string from, to;
  bool reversed;
  friend bool operator==(const Hop& x, const Hop& y) {
    return x.from == y.from && x.to == y.to && x.reversed == y.reversed;
  }
};

// The FIFO BFS over the virtual graph S -> sources ... targets -> T, at most max_hops real hops;
// a target steps to T only when it is not a source (not at distance 1 from S).
std::vector<Hop> FifoBfsPath(const PathGraph& g, const std::vector<Relation>& rels,
                             std::vector<PathGraph::NodeId> sources,
                             const std::vector<PathGraph::NodeId>& targets, bool undirected,
                             int max_hops) {
  const std::size_t n = g.node_count();
  std::vector<std::vector<std::pair<PathGraph::NodeId, bool>>> steps(n);  // (to, reversed)
  for (const Relation& r : rels) {
    const PathGraph::NodeId a = *g.Find(r.from), b = *g.Find(r.to);
    steps[a].push_back({b, false});
    if (undirected) steps[b].push_back({a, true});
  }
  for (auto& s : steps) {  // outs by target id, then ins by source id
    std::sort(s.begin(), s.end(), [](const auto& x, const auto& y) {
      return std::pair(x.second, x.first) < std::pair(y.second, y.first);
    });
  }
  std::sort(sources.begin(), sources.end());
  const std::set<PathGraph::NodeId> source_set(sources.begin(), sources.end());
  const std::set<PathGraph::NodeId> target_set(targets.begin(), targets.end());
  constexpr int kUnseen = -1;
  std::vector<int> depth(n, kUnseen);
  std::vector<std::pair<PathGraph::NodeId, bool>> parent(n);
  std::deque<PathGraph::NodeId> queue;
  for (PathGraph::NodeId s : sources) {
    depth[s] = 0;
    queue.push_back(s);
  }
  while (!queue.empty()) {
    const PathGraph::NodeId u = queue.front();
    queue.pop_front();
    if (depth[u] < max_hops) {
      for (const auto& [v, reversed] : steps[u]) {
        if (depth[v] != kUnseen) continue;
        depth[v] = depth[u] + 1;
        parent[v] = {u, reversed};
        queue.push_back(v);
      }
    }
    if (target_set.count(u) != 0 && source_set.count(u) == 0) {
      std::vector<Hop> path;
      for (PathGraph::NodeId x = u; source_set.count(x) == 0; x = parent[x].first) {
        path.push_back(
            Hop{std::string(g.Key(parent[x].first)), std::string(g.Key(x)), parent[x].second});
      }
      std::reverse(path.begin(), path.end());
      return path;
    }
  }
  return {};
}

std::vector<Hop> Hops(const AttackPath& p) {
  std::vector<Hop> hops;
  for (const PathHop& h : p.hops) hops.push_back(Hop{h.from, h.to, h.reversed});
  return hops;
}

// Runs 12 rounds of 120 queries on hub graphs built with `options` and returns how many found a
// path, each checked against the FIFO search.
int CheckFifoBfsPaths(const PathGraphOptions& options) {
  std::mt19937 rng(29);
  int found = 0;
  for (int round = 0; round < 12; ++round) {
    const int nodes = 150;
    std::vector<Relation> rels = HubGraph(rng, nodes, 320, 1 + round % 4);
    PathGraph g = PathGraph::Build(rels, {}, options);
    TraversalOptions opt;
    opt.undirected = round % 3 != 0;
    opt.max_hops = 2 + round % 5;
    std::uniform_int_distribution<int> pick(0, nodes - 1);
    for (int q = 0; q < 120; ++q) {
      // One to three keys a side: multi-source searches start from the virtual S.
      std::vector<std::string> src_keys, dst_keys;
      std::vector<PathGraph::NodeId> src_ids, dst_ids;
      for (int i = 0; i <= q % 3; ++i) {
        const std::string s = Node(pick(rng)), d = Node(pick(rng));
        if (auto id = g.Find(s)) src_keys.push_back(s), src_ids.push_back(*id);
        if (auto id = g.Find(d)) dst_keys.push_back(d), dst_ids.push_back(*id);
      }
      if (src_keys.empty() || dst_keys.empty()) continue;
      std::vector<Hop> want = FifoBfsPath(g, rels, src_ids, dst_ids, opt.undirected, opt.max_hops);
      Result<std::vector<AttackPath>> got = g.KShortestPaths(src_keys, dst_keys, 1, opt);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (!got.ok()) return found;
      if (want.empty()) {
        EXPECT_TRUE(got->empty()) << "round " << round << " query " << q;
        continue;
      }
      EXPECT_EQ(got->size(), 1u) << "round " << round << " query " << q;
      if (got->size() != 1) return found;
      EXPECT_EQ(Hops((*got)[0]), want) << "round " << round << " query " << q;
      ++found;
    }
  }
  return found;
}

TEST(PathTieBreakTest, ShortestPathIsTheFifoBfsPathOnHubGraphs) {
  PathGraphOptions no_hubs;
  no_hubs.hubs = 0;
  EXPECT_GT(CheckFifoBfsPaths(no_hubs), 500);
}

// The hubs' distance tables skip hubs no answer passes through, and must never skip one an
// answer needs: the same paths as the FIFO search, with the 16 nodes of highest degree (>= 8) hubs.
TEST(PathTieBreakTest, HubDistancesLeaveTheFifoBfsPathAsItIs) {
  PathGraphOptions hubs;
  hubs.hubs = 16;
  hubs.hub_min_degree = 8;
  EXPECT_GT(CheckFifoBfsPaths(hubs), 500);
}

// s -> hub (1,000 leaves), s -> m -> t, and ten more edges into t: the search expands s's side
// to {hub, m} (cheaper than t's eleven in edges), then t's side meets m. The hub comes first in
// s's steps, but it has no step across: choosing the path must not scan its 1,000 edges when
// finishing t's level costs 12.
TEST(PathTieBreakTest, PickingThePathSkipsAHubTheSearchAvoided) {
  std::vector<Relation> rels = {Rel("device:mde:s", "device:mde:hub"),
                                Rel("device:mde:s", "device:mde:m"),
                                Rel("device:mde:m", "device:mde:t")};
  for (int i = 0; i < 1000; ++i) rels.push_back(Rel("device:mde:hub", Node(i)));
  for (int i = 1000; i < 1010; ++i) rels.push_back(Rel(Node(i), "device:mde:t"));
  PathGraph g = PathGraph::Build(rels);
  PathQueryStats stats;
  Result<std::vector<AttackPath>> got =
      g.KShortestPaths({"device:mde:s"}, {"device:mde:t"}, 1, {}, &stats);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].nodes,
            (std::vector<std::string>{"device:mde:s", "device:mde:m", "device:mde:t"}));
  EXPECT_GT(stats.steps_scanned, 0u);
  EXPECT_LT(stats.steps_scanned, 100u);

  // The same query costs the same again; the stats add up over queries.
  const std::uint64_t once = stats.steps_scanned;
  ASSERT_TRUE(g.KShortestPaths({"device:mde:s"}, {"device:mde:t"}, 1, {}, &stats).ok());
  EXPECT_EQ(stats.steps_scanned, 2 * once);
}

}  // namespace
}  // namespace weft
