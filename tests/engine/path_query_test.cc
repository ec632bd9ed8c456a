// PathGraph: shortest paths against Boost.Graph BFS distances (also on graphs with hubs and under
// relation / as-of filters), Yen's k shortest simple paths against a brute-force enumeration,
// tie order, filters, direction, as-of, alerts on a path, reach, concurrent queries.
#include "engine/path_query.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>
#include <thread>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

namespace weft {
namespace {

std::string Node(int i) { return "device:mde:n" + std::to_string(i); }

Relation Rel(const std::string& from, const std::string& to, const std::string& relation,
             Timestamp t = kNoTime) {
  Relation r;
  r.tenant = "t";
  r.from = from;
  r.to = to;
  r.relation = relation;
  r.valid_from = t;
  return r;
}

std::vector<Relation> RandomRelations(std::mt19937& rng, int nodes, int edges) {
  std::uniform_int_distribution<int> pick(0, nodes - 1);
  std::vector<Relation> rels;
  const char* names[] = {"runs_on", "can_assume", "member_of"};
  for (int i = 0; i < edges; ++i) {
    int a = pick(rng), b = pick(rng);
    if (a == b) continue;
    rels.push_back(Rel(Node(a), Node(b), names[i % 3]));
  }
  return rels;
}

// Hop distances from `src` by Boost.Graph's breadth_first_search over the same relations.
std::vector<int> BoostDistances(const std::vector<Relation>& rels, int nodes, int src,
                                bool undirected) {
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  G g(nodes);
  auto index = [](const std::string& key) { return std::stoi(key.substr(key.rfind('n') + 1)); };
  for (const Relation& r : rels) {
    boost::add_edge(index(r.from), index(r.to), g);
    if (undirected) boost::add_edge(index(r.to), index(r.from), g);
  }
  // Unreached vertices keep -1: record_distances writes only along tree edges.
  std::vector<int> dist(nodes, -1);
  dist[src] = 0;
  boost::breadth_first_search(g, boost::vertex(src, g),
                              boost::visitor(boost::make_bfs_visitor(
                                  boost::record_distances(dist.data(), boost::on_tree_edge()))));
  return dist;
}

// Every simple path length from src to dst with at most max_hops hops, counted once per
// distinct (node, relation) sequence.
std::vector<int> BruteForceLengths(const std::vector<Relation>& rels, const std::string& src,
                                   const std::string& dst, int max_hops, bool undirected) {
  std::set<std::tuple<std::string, std::string, std::string>> edges;
  for (const Relation& r : rels) edges.insert({r.from, r.relation, r.to});
  std::vector<int> lengths;
  std::set<std::string> on_path{src};
  std::function<void(const std::string&, int)> dfs = [&](const std::string& u, int depth) {
    if (depth >= max_hops) return;
    for (const auto& [from, rel, to] : edges) {
      for (int dir = 0; dir < (undirected ? 2 : 1); ++dir) {
        const std::string& a = dir == 0 ? from : to;
        const std::string& b = dir == 0 ? to : from;
        if (a != u || on_path.count(b) != 0) continue;
        if (b == dst) {
          lengths.push_back(depth + 1);
          continue;
        }
        on_path.insert(b);
        dfs(b, depth + 1);
        on_path.erase(b);
      }
    }
  };
  dfs(src, 0);
  std::sort(lengths.begin(), lengths.end());
  return lengths;
}

void ExpectValidPath(const PathGraph& g, const std::vector<Relation>& rels, const AttackPath& p,
                     const std::string& src, const std::string& dst, bool undirected) {
  ASSERT_FALSE(p.hops.empty());
  EXPECT_EQ(p.hops.front().from, src);
  EXPECT_EQ(p.hops.back().to, dst);
  ASSERT_EQ(p.nodes.size(), p.hops.size() + 1);
  std::set<std::string> distinct(p.nodes.begin(), p.nodes.end());
  EXPECT_EQ(distinct.size(), p.nodes.size()) << "path is not simple";
  for (std::size_t i = 0; i < p.hops.size(); ++i) {
    const PathHop& h = p.hops[i];
    EXPECT_EQ(h.from, p.nodes[i]);
    EXPECT_EQ(h.to, p.nodes[i + 1]);
    const std::string& a = h.reversed ? h.to : h.from;
    const std::string& b = h.reversed ? h.from : h.to;
    if (!undirected) {
      EXPECT_FALSE(h.reversed);
    }
    EXPECT_TRUE(std::any_of(
        rels.begin(), rels.end(),
        [&](const Relation& r) { return r.from == a && r.to == b && r.relation == h.relation; }))
        << a << " -" << h.relation << "-> " << b;
  }
}

TEST(PathQueryTest, ShortestPathMatchesBoostBfsDistancesOnRandomGraphs) {
  std::mt19937 rng(7);
  for (int round = 0; round < 6; ++round) {
    const int nodes = 60;
    const bool undirected = round % 2 == 1;
    std::vector<Relation> rels = RandomRelations(rng, nodes, 90);
    PathGraph g = PathGraph::Build(rels);
    TraversalOptions opt;
    opt.undirected = undirected;
    opt.max_hops = 4;
    int checked_found = 0, checked_missing = 0;
    for (int src = 0; src < nodes; src += 3) {
      if (!g.Find(Node(src))) continue;
      std::vector<int> dist = BoostDistances(rels, nodes, src, undirected);
      for (int dst = 0; dst < nodes; ++dst) {
        if (dst == src || !g.Find(Node(dst))) continue;
        Result<std::vector<AttackPath>> paths = g.KShortestPaths({Node(src)}, {Node(dst)}, 1, opt);
        ASSERT_TRUE(paths.ok()) << paths.status().ToString();
        if (dist[dst] >= 1 && dist[dst] <= opt.max_hops) {
          ASSERT_EQ(paths->size(), 1u) << Node(src) << " -> " << Node(dst);
          EXPECT_EQ(static_cast<int>((*paths)[0].length()), dist[dst]);
          ExpectValidPath(g, rels, (*paths)[0], Node(src), Node(dst), undirected);
          ++checked_found;
        } else {
          EXPECT_TRUE(paths->empty())
              << Node(src) << " -> " << Node(dst) << " boost distance " << dist[dst];
          ++checked_missing;
        }
      }
    }
    EXPECT_GT(checked_found, 50);
    EXPECT_GT(checked_missing, 10);
  }
}

TEST(PathQueryTest, KShortestPathsAreSimpleDistinctOrderedAndMatchBruteForce) {
  std::mt19937 rng(11);
  for (int round = 0; round < 8; ++round) {
    const int nodes = 14;
    const bool undirected = round % 2 == 0;
    std::vector<Relation> rels = RandomRelations(rng, nodes, 28);
    PathGraph g = PathGraph::Build(rels);
    TraversalOptions opt;
    opt.undirected = undirected;
    opt.max_hops = 5;
    for (int src = 0; src < 4; ++src) {
      for (int dst = nodes - 4; dst < nodes; ++dst) {
        if (!g.Find(Node(src)) || !g.Find(Node(dst))) continue;
        const std::size_t k = 12;
        Result<std::vector<AttackPath>> paths = g.KShortestPaths({Node(src)}, {Node(dst)}, k, opt);
        ASSERT_TRUE(paths.ok());
        std::vector<int> brute =
            BruteForceLengths(rels, Node(src), Node(dst), opt.max_hops, undirected);
        ASSERT_EQ(paths->size(), std::min(k, brute.size())) << Node(src) << " -> " << Node(dst);
        std::set<std::pair<std::vector<std::string>, std::vector<std::string>>> seen;
        for (std::size_t i = 0; i < paths->size(); ++i) {
          const AttackPath& p = (*paths)[i];
          ExpectValidPath(g, rels, p, Node(src), Node(dst), undirected);
          EXPECT_EQ(static_cast<int>(p.length()), brute[i]) << "path " << i;
          if (i > 0) {
            EXPECT_LE((*paths)[i - 1].length(), p.length());
          }
          std::vector<std::string> relations;
          for (const PathHop& h : p.hops)
            relations.push_back(h.relation + (h.reversed ? "<" : ">"));
          EXPECT_TRUE(seen.insert({p.nodes, relations}).second) << "duplicate path " << i;
          EXPECT_LE(static_cast<int>(p.length()), opt.max_hops);
        }
      }
    }
  }
}

TEST(PathQueryTest, HopLimitRelationFilterDirectionAndAsOf) {
  // user -can_assume-> role -has_role_on-> bucket; user -logged_on-> vm -has_identity-> role.
  const std::string user = "user:alice@contoso.com", role = "cloud:aws:arn:aws:iam::1:role/admin",
                    bucket = "cloud:aws:arn:aws:s3:::secrets", vm = "device:aws:i-1";
  std::vector<Relation> rels = {
      Rel(user, role, "can_assume", 1000), Rel(role, bucket, "has_role_on", 2000),
      Rel(user, vm, "logged_on", 500), Rel(vm, role, "has_identity", 500)};
  PathGraph g = PathGraph::Build(rels);
  TraversalOptions opt;
  auto paths = g.KShortestPaths({user}, {bucket}, 5, opt);
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 2u);
  EXPECT_EQ((*paths)[0].length(), 2u);
  EXPECT_EQ((*paths)[0].hops[0].relation, "can_assume");
  EXPECT_EQ((*paths)[1].length(), 3u);
  EXPECT_EQ((*paths)[1].nodes, (std::vector<std::string>{user, vm, role, bucket}));

  opt.max_hops = 2;
  paths = g.KShortestPaths({user}, {bucket}, 5, opt);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->size(), 1u);
  opt.max_hops = 1;
  paths = g.KShortestPaths({user}, {bucket}, 5, opt);
  ASSERT_TRUE(paths.ok());
  EXPECT_TRUE(paths->empty());

  opt.max_hops = 6;
  opt.relations = {"logged_on", "has_identity", "has_role_on"};
  paths = g.KShortestPaths({user}, {bucket}, 5, opt);
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 1u);
  EXPECT_EQ((*paths)[0].length(), 3u);

  opt.relations.clear();
  opt.as_of = 1500;  // has_role_on not yet valid
  paths = g.KShortestPaths({user}, {bucket}, 5, opt);
  ASSERT_TRUE(paths.ok());
  EXPECT_TRUE(paths->empty());
  opt.as_of = 2000;
  paths = g.KShortestPaths({user}, {bucket}, 5, opt);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->size(), 2u);

  // Direction: nothing leads from the bucket back unless undirected.
  opt.as_of = kNoTime;
  paths = g.KShortestPaths({bucket}, {user}, 5, opt);
  ASSERT_TRUE(paths.ok());
  EXPECT_TRUE(paths->empty());
  opt.undirected = true;
  paths = g.KShortestPaths({bucket}, {user}, 5, opt);
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 2u);
  EXPECT_TRUE((*paths)[0].hops[0].reversed);
  EXPECT_EQ((*paths)[0].hops[0].relation, "has_role_on");
  EXPECT_EQ((*paths)[0].hops[0].from, bucket);

  EXPECT_FALSE(g.KShortestPaths({user}, {bucket}, 0, opt).ok());
  EXPECT_EQ(g.KShortestPaths({"user:nobody@x.com"}, {bucket}, 1, opt).status().code(),
            StatusCode::kNotFound);
}

TEST(PathQueryTest, TagsAlertsAndReach) {
  Relation r1 = Rel("user:bob@contoso.com", "device:mde:vm1", "logged_on");
  Relation r2 = Rel("device:mde:vm1", "cloud:azure:/subscriptions/s/rg/db", "reads_data");
  r2.properties["to_tag:crown-jewel"] = "true";
  Alert a;
  a.key = "t/m365/a1";
  a.first_activity = 10;
  Entity vm;
  vm.kind = EntityKind::kDevice;
  vm.key = "device:mde:vm1";
  a.evidence.push_back(Evidence{vm, EvidenceRole::kImpacted});
  PathGraph g = PathGraph::Build({r1, r2}, {a});
  EXPECT_EQ(g.Tagged("crown-jewel"),
            (std::vector<std::string>{"cloud:azure:/subscriptions/s/rg/db"}));
  auto paths = g.KShortestPaths({"user:bob@contoso.com"}, g.Tagged("crown-jewel"), 3, {});
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 1u);
  EXPECT_EQ((*paths)[0].alerts, (std::vector<std::string>{"t/m365/a1"}));

  auto reach = g.Reach({"user:bob@contoso.com"}, 1, {});
  ASSERT_TRUE(reach.ok());
  ASSERT_EQ(reach->size(), 1u);
  EXPECT_EQ((*reach)[0].key, "device:mde:vm1");
  reach = g.Reach({"user:bob@contoso.com"}, 2, {});
  ASSERT_TRUE(reach.ok());
  ASSERT_EQ(reach->size(), 2u);
  EXPECT_EQ((*reach)[1].distance, 2);

  PathGraphOptions with_evidence;
  with_evidence.include_evidence = true;
  PathGraph ge = PathGraph::Build({r1, r2}, {a}, with_evidence);
  auto from_alert =
      ge.KShortestPaths({"alert:t/m365/a1"}, {"cloud:azure:/subscriptions/s/rg/db"}, 1, {});
  ASSERT_TRUE(from_alert.ok());
  ASSERT_EQ(from_alert->size(), 1u);
  EXPECT_EQ((*from_alert)[0].hops[0].relation, "evidence");
}

TEST(PathQueryTest, MultipleSourcesAndTargetsGiveShortestOverAll) {
  std::vector<Relation> rels = {Rel(Node(0), Node(1), "owns"), Rel(Node(1), Node(2), "owns"),
                                Rel(Node(2), Node(3), "owns"), Rel(Node(5), Node(3), "owns")};
  PathGraph g = PathGraph::Build(rels);
  auto paths = g.KShortestPaths({Node(0), Node(5)}, {Node(3), Node(2)}, 10, {});
  ASSERT_TRUE(paths.ok());
  // 5->3, 0->1->2, 0->1->2->3 (passing target 2), nothing else.
  ASSERT_EQ(paths->size(), 3u);
  EXPECT_EQ((*paths)[0].length(), 1u);
  EXPECT_EQ((*paths)[1].length(), 2u);
  EXPECT_EQ((*paths)[2].length(), 3u);
}

// Random graph where a few hub nodes take a third of the edges, as NAT or scanner IPs do.
std::vector<Relation> HubRelations(std::mt19937& rng, int nodes, int edges, int hubs) {
  std::uniform_int_distribution<int> pick(0, nodes - 1);
  std::uniform_int_distribution<int> hub(0, hubs - 1);
  std::uniform_int_distribution<int> day(1, 30);
  const char* names[] = {"runs_on", "can_assume", "member_of"};
  std::vector<Relation> rels;
  for (int i = 0; i < edges; ++i) {
    const int a = i % 3 == 0 ? hub(rng) : pick(rng);
    const int b = pick(rng);
    if (a == b) continue;
    if (i % 2 == 0) {
      rels.push_back(Rel(Node(a), Node(b), names[i % 3], day(rng)));
    } else {
      rels.push_back(Rel(Node(b), Node(a), names[i % 3], day(rng)));
    }
  }
  return rels;
}

// Issue #6: the bidirectional search crosses hubs from the cheaper side and splits the hop budget;
// lengths must still be BFS distances, with relation and as-of filters applied on both sides.
TEST(PathQueryTest, Issue6HubGraphsMatchBoostBfsUnderRelationAndAsOfFilters) {
  std::mt19937 rng(6);
  for (int round = 0; round < 8; ++round) {
    const int nodes = 200;
    const bool undirected = round % 2 == 0;
    std::vector<Relation> rels = HubRelations(rng, nodes, 330, 3);
    PathGraph g = PathGraph::Build(rels);
    TraversalOptions opt;
    opt.undirected = undirected;
    opt.max_hops = 3 + round % 4;
    if (round >= 4) {
      opt.relations = {"runs_on", "member_of"};
      opt.as_of = 20;
    }
    std::vector<Relation> kept;
    for (const Relation& r : rels) {
      const bool relation_ok = opt.relations.empty() || r.relation != "can_assume";
      if (relation_ok && (opt.as_of == kNoTime || r.valid_from <= opt.as_of)) kept.push_back(r);
    }
    int found = 0, missing = 0;
    for (int src = 0; src < nodes; src += 7) {
      if (!g.Find(Node(src))) continue;
      std::vector<int> dist = BoostDistances(kept, nodes, src, undirected);
      for (int dst = 0; dst < nodes; dst += 3) {
        if (dst == src || !g.Find(Node(dst))) continue;
        Result<std::vector<AttackPath>> paths = g.KShortestPaths({Node(src)}, {Node(dst)}, 1, opt);
        ASSERT_TRUE(paths.ok()) << paths.status().ToString();
        if (dist[dst] >= 1 && dist[dst] <= opt.max_hops) {
          ASSERT_EQ(paths->size(), 1u) << Node(src) << " -> " << Node(dst) << " round " << round;
          EXPECT_EQ(static_cast<int>((*paths)[0].length()), dist[dst])
              << Node(src) << " -> " << Node(dst);
          ExpectValidPath(g, kept, (*paths)[0], Node(src), Node(dst), undirected);
          ++found;
        } else {
          EXPECT_TRUE(paths->empty())
              << Node(src) << " -> " << Node(dst) << " boost distance " << dist[dst];
          ++missing;
        }
      }
    }
    EXPECT_GT(found, 40) << "round " << round;
    EXPECT_GT(missing, 10) << "round " << round;
  }
}

TEST(PathQueryTest, Issue6KShortestPathsThroughHubsMatchBruteForce) {
  std::mt19937 rng(16);
  for (int round = 0; round < 6; ++round) {
    const int nodes = 16;
    std::vector<Relation> rels = HubRelations(rng, nodes, 30, 2);
    PathGraph g = PathGraph::Build(rels);
    TraversalOptions opt;
    opt.undirected = round % 2 == 0;
    opt.max_hops = 4;
    for (int src = 2; src < 6; ++src) {
      for (int dst = nodes - 4; dst < nodes; ++dst) {
        if (!g.Find(Node(src)) || !g.Find(Node(dst))) continue;
        Result<std::vector<AttackPath>> paths = g.KShortestPaths({Node(src)}, {Node(dst)}, 8, opt);
        ASSERT_TRUE(paths.ok());
        std::vector<int> brute =
            BruteForceLengths(rels, Node(src), Node(dst), opt.max_hops, opt.undirected);
        ASSERT_EQ(paths->size(), std::min<std::size_t>(8, brute.size()))
            << Node(src) << " -> " << Node(dst);
        for (std::size_t i = 0; i < paths->size(); ++i) {
          ExpectValidPath(g, rels, (*paths)[i], Node(src), Node(dst), opt.undirected);
          EXPECT_EQ(static_cast<int>((*paths)[i].length()), brute[i]) << "path " << i;
        }
      }
    }
  }
}

// Among equally short paths the answer is the one a FIFO BFS keeping the first-discovered parent
// gives: the first step in edge order (out edges in insertion order of their targets, then
// reversed edges) at every position, wherever the two search sides happened to meet.
TEST(PathQueryTest, EqualLengthPathsResolveToFirstStepsInEdgeOrder) {
  // Three 3-hop routes n0 -> n9; n1 is interned before n2, n3 before n4. A hub n5 hangs on n9 so
  // the search starts from n0's side.
  std::vector<Relation> rels = {Rel(Node(0), Node(1), "owns"), Rel(Node(0), Node(2), "owns"),
                                Rel(Node(2), Node(3), "owns"), Rel(Node(1), Node(4), "owns"),
                                Rel(Node(3), Node(9), "owns"), Rel(Node(4), Node(9), "owns"),
                                Rel(Node(1), Node(6), "owns"), Rel(Node(6), Node(9), "reads_data")};
  for (int i = 10; i < 40; ++i) rels.push_back(Rel(Node(9), Node(i), "contains"));
  PathGraph g = PathGraph::Build(rels);
  Result<std::vector<AttackPath>> paths = g.KShortestPaths({Node(0)}, {Node(9)}, 1, {});
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 1u);
  // n0 -> n1 (first out edge of n0), then n1 -> n4 (n4 interned before n6), then n4 -> n9.
  EXPECT_EQ((*paths)[0].nodes, (std::vector<std::string>{Node(0), Node(1), Node(4), Node(9)}));

  // Undirected from the other end: n9's out edges come before its in edges, so the hub's edges
  // are tried first but lead nowhere; of the in edges n3 -> n9 is first (inserted first).
  TraversalOptions undirected;
  undirected.undirected = true;
  paths = g.KShortestPaths({Node(9)}, {Node(0)}, 3, undirected);
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 3u);
  EXPECT_EQ((*paths)[0].nodes, (std::vector<std::string>{Node(9), Node(3), Node(2), Node(0)}));
  EXPECT_TRUE((*paths)[0].hops[0].reversed);
  EXPECT_EQ((*paths)[1].length(), 3u);
  EXPECT_EQ((*paths)[2].length(), 3u);
}

TEST(PathQueryTest, AlertsOnPathAreTheSortedUnionOverItsNodes) {
  std::vector<Relation> rels = {Rel(Node(0), Node(1), "owns"), Rel(Node(1), Node(2), "owns")};
  auto make = [](const std::string& key, std::vector<int> nodes) {
    Alert a;
    a.key = key;
    for (int n : nodes) {
      Entity e;
      e.kind = EntityKind::kDevice;
      e.key = Node(n);
      a.evidence.push_back(Evidence{e, EvidenceRole::kImpacted});
    }
    return a;
  };
  // "t/x/b" names two nodes of the path, "t/x/d" none, "t/x/a" arrives twice.
  std::vector<Alert> alerts = {make("t/x/c", {2}), make("t/x/b", {0, 1}), make("t/x/d", {7}),
                               make("t/x/a", {1}), make("t/x/a", {1})};
  PathGraph g = PathGraph::Build(rels, alerts);
  Result<std::vector<AttackPath>> paths = g.KShortestPaths({Node(0)}, {Node(2)}, 1, {});
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 1u);
  EXPECT_EQ((*paths)[0].alerts, (std::vector<std::string>{"t/x/a", "t/x/b", "t/x/c"}));
  EXPECT_EQ((*paths)[0].alert_count, 3u);
  EXPECT_EQ(g.AlertsOn(Node(1)), (std::vector<std::string>{"t/x/a", "t/x/b"}));
  EXPECT_TRUE(g.AlertsOn(Node(7)).empty());  // not a node of the relation graph
}

TEST(PathQueryTest, AHubOnAPathListsTheFirstMaxAlertsAndCountsThemAll) {
  std::vector<Relation> rels = {Rel(Node(0), Node(1), "owns"), Rel(Node(1), Node(2), "owns")};
  std::vector<Alert> alerts;
  for (int i = 0; i < 250; ++i) {  // node 1 is a hub named by 250 alerts
    Alert a;
    char key[32];
    std::snprintf(key, sizeof key, "t/x/%03d", 249 - i);
    a.key = key;
    Entity e;
    e.kind = EntityKind::kDevice;
    e.key = Node(1);
    a.evidence.push_back(Evidence{e, EvidenceRole::kImpacted});
    alerts.push_back(a);
  }
  PathGraph g = PathGraph::Build(rels, alerts);
  TraversalOptions options;
  Result<std::vector<AttackPath>> capped = g.KShortestPaths({Node(0)}, {Node(2)}, 1, options);
  ASSERT_TRUE(capped.ok());
  ASSERT_EQ(capped->size(), 1u);
  EXPECT_EQ((*capped)[0].alert_count, 250u);
  ASSERT_EQ((*capped)[0].alerts.size(), 100u);
  EXPECT_EQ((*capped)[0].alerts.front(), "t/x/000");
  EXPECT_EQ((*capped)[0].alerts.back(), "t/x/099");
  options.max_alerts = 0;
  Result<std::vector<AttackPath>> all = g.KShortestPaths({Node(0)}, {Node(2)}, 1, options);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[0].alerts.size(), 250u);
  EXPECT_EQ((*all)[0].alerts.back(), "t/x/249");
}

TEST(PathQueryTest, ConcurrentQueriesOnOneGraphAgreeWithSequentialOnes) {
  std::mt19937 rng(3);
  std::vector<Relation> rels = HubRelations(rng, 300, 600, 4);
  PathGraph g = PathGraph::Build(rels);
  TraversalOptions opt;
  opt.undirected = true;
  auto run = [&](int first) {
    std::vector<std::size_t> lengths;
    for (int i = first; i < 300; i += 2) {
      Result<std::vector<AttackPath>> paths =
          g.KShortestPaths({Node(i)}, {Node((i * 7 + 3) % 300)}, 3, opt);
      lengths.push_back(
          paths.ok() ? paths->size() * 100 + (paths->empty() ? 0 : paths->front().length()) : 999);
    }
    return lengths;
  };
  const std::vector<std::size_t> even = run(0), odd = run(1);
  std::vector<std::size_t> even_threaded, odd_threaded;
  std::thread a([&] { even_threaded = run(0); });
  std::thread b([&] { odd_threaded = run(1); });
  a.join();
  b.join();
  EXPECT_EQ(even_threaded, even);
  EXPECT_EQ(odd_threaded, odd);
  EXPECT_GT(
      std::count_if(even.begin(), even.end(), [](std::size_t v) { return v >= 100 && v != 999; }),
      20);
}

}  // namespace
}  // namespace weft
