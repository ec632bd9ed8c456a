// The hubs' distance tables (engine/internal/hub_distances.h): which nodes they keep, the
// distances they hold, and that a path search using them as bounds answers exactly what it
// answers without them, under every filter, while skipping a hub no answer passes through.

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "engine/internal/hub_distances.h"
#include "engine/path_query.h"

namespace weft {
namespace {

using internal::HubDistances;
using NodeId = HubDistances::NodeId;

// A CSR graph owned by the test, viewed as HubDistances reads it.
struct TestCsr {
  std::vector<std::uint32_t> out_offsets, in_offsets;
  std::vector<NodeId> edge_to, in_from;

  TestCsr(std::size_t n, std::vector<std::pair<NodeId, NodeId>> edges) {
    std::sort(edges.begin(), edges.end());
    out_offsets.assign(n + 1, 0);
    in_offsets.assign(n + 1, 0);
    for (const auto& [a, b] : edges) ++out_offsets[a + 1], ++in_offsets[b + 1];
    for (std::size_t i = 0; i < n; ++i) {
      out_offsets[i + 1] += out_offsets[i];
      in_offsets[i + 1] += in_offsets[i];
    }
    std::vector<std::uint32_t> fill(in_offsets.begin(), in_offsets.end() - 1);
    in_from.resize(edges.size());
    for (const auto& [a, b] : edges) {
      edge_to.push_back(b);
      in_from[fill[b]++] = a;
    }
  }
  HubDistances::Csr View() const { return {out_offsets, edge_to, in_offsets, in_from}; }
};

// Undirected hop distances from `from` by a plain BFS (-1 when unreachable).
std::vector<int> ReferenceDistances(std::size_t n, const std::vector<std::pair<NodeId, NodeId>>& e,
                                    NodeId from) {
  std::vector<std::vector<NodeId>> adj(n);
  for (const auto& [a, b] : e) adj[a].push_back(b), adj[b].push_back(a);
  std::vector<int> dist(n, -1);
  std::deque<NodeId> queue{from};
  dist[from] = 0;
  while (!queue.empty()) {
    const NodeId u = queue.front();
    queue.pop_front();
    for (NodeId v : adj[u]) {
      if (dist[v] < 0) dist[v] = dist[u] + 1, queue.push_back(v);
    }
  }
  return dist;
}

TEST(HubDistancesTest, KeepsTheHighestDegreeNodesAndTheirExactUndirectedDistances) {
  // Node 3 has degree 5, node 7 degree 4, nodes 0 and 9 degree 3 (the tie goes to 0); 12 and 13
  // are cut off from the rest.
  std::vector<std::pair<NodeId, NodeId>> edges = {{3, 1}, {3, 2}, {4, 3},  {5, 3},  {3, 6},
                                                  {7, 8}, {9, 7}, {7, 10}, {11, 7}, {0, 1},
                                                  {2, 0}, {0, 9}, {9, 11}, {12, 13}};
  const TestCsr g(14, edges);
  const HubDistances hubs = HubDistances::Compute(g.View(), 3, 3);
  ASSERT_EQ(hubs.size(), 3u);
  EXPECT_EQ(hubs.min_degree(), 3u);
  EXPECT_EQ(hubs.Find(0), 0);  // indexes follow node ids
  EXPECT_EQ(hubs.Find(3), 1);
  EXPECT_EQ(hubs.Find(7), 2);
  EXPECT_EQ(hubs.Find(9), -1);
  EXPECT_EQ(hubs.Find(1), -1);
  const NodeId hub_nodes[] = {0, 3, 7};
  for (std::size_t h = 0; h < 3; ++h) {
    const std::vector<int> want = ReferenceDistances(14, edges, hub_nodes[h]);
    for (NodeId v = 0; v < 14; ++v) {
      const int got = hubs.Distance(h, v);
      EXPECT_EQ(got, want[v] < 0 ? HubDistances::kFar : want[v])
          << "hub " << hub_nodes[h] << " node " << v;
    }
  }
  EXPECT_EQ(hubs.Distance(1, 8), 5);  // 3 -> 2 -> 0 -> 9 -> 7 -> 8, against edge directions

  // Too few nodes of the minimum degree: only those; none at all gives an empty table.
  EXPECT_EQ(HubDistances::Compute(g.View(), 3, 5).size(), 1u);
  const HubDistances none = HubDistances::Compute(g.View(), 3, 6);
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.Find(3), -1);
  EXPECT_EQ(HubDistances::Compute(g.View(), 0, 1).size(), 0u);
}

// A cycle of 40 nodes, all of degree 2: the 16 of lowest id are kept (no more than kMaxHubs),
// all searched at once, and each one's distances are the cycle's.
TEST(HubDistancesTest, KeepsAtMostSixteenHubsAndSearchesThemTogether) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  for (NodeId i = 0; i < 40; ++i) edges.push_back({i, (i + 1) % 40});
  const TestCsr g(40, edges);
  const HubDistances hubs = HubDistances::Compute(g.View(), 100, 2);
  ASSERT_EQ(hubs.size(), HubDistances::kMaxHubs);
  for (NodeId h = 0; h < 16; ++h) {
    ASSERT_EQ(hubs.Find(h), static_cast<int>(h));
    for (NodeId v = 0; v < 40; ++v) {
      const NodeId around = (v + 40 - h) % 40;
      EXPECT_EQ(hubs.Distance(h, v), std::min(around, 40 - around)) << "hub " << h << " node " << v;
    }
  }
  EXPECT_EQ(hubs.Find(16), -1);
}

std::string Node(int i) { return "device:mde:n" + std::to_string(i); }

// Random graph where a few hubs take a third of the edges, with three relation names and
// valid_from days 1..30 for the filters.
std::vector<Relation> HubRelations(std::mt19937& rng, int nodes, int edges, int hubs) {
  std::uniform_int_distribution<int> pick(0, nodes - 1), hub(0, hubs - 1), day(1, 30);
  const char* names[] = {"runs_on", "can_assume", "member_of"};
  std::vector<Relation> rels;
  for (int i = 0; i < edges; ++i) {
    const int a = i % 3 == 0 ? hub(rng) : pick(rng), b = pick(rng);
    if (a == b) continue;
    Relation r;
    r.tenant = "t";
    r.from = Node(i % 2 == 0 ? a : b);
    r.to = Node(i % 2 == 0 ? b : a);
    r.relation = names[i % 3];
    r.valid_from = day(rng);
    rels.push_back(std::move(r));
  }
  return rels;
}

std::vector<std::vector<std::string>> PathNodes(const std::vector<AttackPath>& paths) {
  std::vector<std::vector<std::string>> out;
  for (const AttackPath& p : paths) {
    std::vector<std::string> hops = p.nodes;
    for (const PathHop& h : p.hops) hops.push_back(h.relation + (h.reversed ? "<" : ">"));
    out.push_back(std::move(hops));
  }
  return out;
}

// The bounds are undirected and unfiltered; the searches may be neither. Yen's spur searches
// start mid-path with banned nodes, so k = 6 exercises the bounds from a spur's start as well.
TEST(PathHubsTest, KShortestPathsAreTheSameWithAndWithoutHubTablesUnderEveryFilter) {
  std::mt19937 rng(61);
  PathGraphOptions without, with;
  without.hubs = 0;
  with.hubs = 8;
  with.hub_min_degree = 6;
  std::size_t compared = 0, nonempty = 0;
  std::uint64_t plain_steps = 0, hubbed_steps = 0;
  for (int round = 0; round < 8; ++round) {
    const int nodes = 120;
    const std::vector<Relation> rels = HubRelations(rng, nodes, 260, 2 + round % 3);
    const PathGraph plain = PathGraph::Build(rels, {}, without);
    const PathGraph hubbed = PathGraph::Build(rels, {}, with);
    TraversalOptions opt;
    opt.undirected = round % 2 == 0;
    opt.max_hops = 2 + round % 4;
    if (round >= 4) {
      opt.relations = {"runs_on", "member_of"};
      opt.as_of = 20;
    }
    std::uniform_int_distribution<int> pick(0, nodes - 1);
    for (int q = 0; q < 60; ++q) {
      std::vector<std::string> src, dst;
      for (int i = 0; i <= q % 2; ++i) {
        const std::string s = Node(pick(rng)), d = Node(pick(rng));
        if (plain.Find(s)) src.push_back(s);
        if (plain.Find(d)) dst.push_back(d);
      }
      if (src.empty() || dst.empty()) continue;
      PathQueryStats plain_stats, hubbed_stats;
      Result<std::vector<AttackPath>> want = plain.KShortestPaths(src, dst, 6, opt, &plain_stats);
      Result<std::vector<AttackPath>> got = hubbed.KShortestPaths(src, dst, 6, opt, &hubbed_stats);
      ASSERT_TRUE(want.ok() && got.ok());
      EXPECT_EQ(PathNodes(*got), PathNodes(*want)) << "round " << round << " query " << q;
      // Per query either may scan a few more steps (a skipped hub changes which side the search
      // finds cheaper); over all queries the tables save work.
      plain_steps += plain_stats.steps_scanned;
      hubbed_steps += hubbed_stats.steps_scanned;
      ++compared;
      nonempty += want->empty() ? 0 : 1;
    }
  }
  EXPECT_GT(compared, 400u);
  EXPECT_GT(nonempty, 150u);
  EXPECT_LT(nonempty, compared);
  EXPECT_LT(hubbed_steps, plain_steps);
}

// s -> hub -> 1,000 leaves, s -> a -> b -> c -> d -> t, and 1,500 leaves -> t: both ends have a
// costly side. Without the tables the search expands the hub (cheaper than t) and then t; with
// them the hub is seen to be 6 hops from t, too far for any path through it, and within 4 hops t
// itself is too far from s.
TEST(PathHubsTest, ASearchSkipsAHubTooFarFromTheTargets) {
  std::vector<Relation> rels;
  auto add = [&rels](const std::string& from, const std::string& to) {
    Relation r;
    r.tenant = "t";
    r.from = from;
    r.to = to;
    r.relation = "runs_on";
    rels.push_back(std::move(r));
  };
  add("device:mde:s", "device:mde:hub");
  for (int i = 0; i < 1000; ++i) add("device:mde:hub", Node(i));
  const char* chain[] = {"device:mde:s", "device:mde:a", "device:mde:b",
                         "device:mde:c", "device:mde:d", "device:mde:t"};
  for (int i = 0; i + 1 < 6; ++i) add(chain[i], chain[i + 1]);
  for (int i = 1000; i < 2500; ++i) add(Node(i), "device:mde:t");
  PathGraphOptions without, with;
  without.hubs = 0;
  with.hub_min_degree = 100;
  const PathGraph plain = PathGraph::Build(rels, {}, without);
  const PathGraph hubbed = PathGraph::Build(rels, {}, with);
  for (const int hops : {4, 5}) {
    TraversalOptions opt;
    opt.undirected = true;
    opt.max_hops = hops;
    PathQueryStats plain_stats, hubbed_stats;
    Result<std::vector<AttackPath>> want =
        plain.KShortestPaths({"device:mde:s"}, {"device:mde:t"}, 1, opt, &plain_stats);
    Result<std::vector<AttackPath>> got =
        hubbed.KShortestPaths({"device:mde:s"}, {"device:mde:t"}, 1, opt, &hubbed_stats);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got->size(), hops == 5 ? 1u : 0u);
    EXPECT_EQ(PathNodes(*got), PathNodes(*want));
    EXPECT_GT(plain_stats.steps_scanned, 2000u) << hops << " hops";
    EXPECT_LT(hubbed_stats.steps_scanned, 50u) << hops << " hops";
  }
}

}  // namespace
}  // namespace weft
