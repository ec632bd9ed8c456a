// PathGraph::Load from a store the engine wrote: evidence resolved to the stored entities, alert
// nodes once per alert (PathGraphOptions::include_evidence), and the alerts of each node in key
// order, as the store's scan gives them.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/path_query.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

using testing::MakeTestAlert;

class PathGraphLoadTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    Open();
    // Three alerts: a1 and a3 on the user, a2 and a3 on the IP; a1 also names a second IP.
    Ingest({MakeTestAlert("acme", "a1", 1000, {"user:alice@contoso.com", "ip:198.51.100.9"}),
            MakeTestAlert("acme", "a2", 2000, {"ip:203.0.113.7"}),
            MakeTestAlert("acme", "a3", 3000, {"ip:203.0.113.7", "user:alice@contoso.com"})});
  }
};

TEST_F(PathGraphLoadTest, EvidenceJoinsEntitiesThroughTheirAlerts) {
  PathGraphOptions with;
  with.include_evidence = true;
  Result<PathGraph> g = PathGraph::Load(store_, "acme", with);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  // Three alert nodes, each once, beside the entities.
  int alert_nodes = 0;
  for (PathGraph::NodeId id = 0; id < g->node_count(); ++id)
    alert_nodes += g->Key(id).rfind("alert:", 0) == 0 ? 1 : 0;
  EXPECT_EQ(alert_nodes, 3);
  EXPECT_EQ(g->edge_count(), 5u);  // one evidence edge per (alert, entity)
  EXPECT_EQ(g->AlertsOn("user:alice@contoso.com"),
            (std::vector<std::string>{"acme/weft/a1", "acme/weft/a3"}));
  EXPECT_EQ(g->AlertsOn("ip:203.0.113.7"),
            (std::vector<std::string>{"acme/weft/a2", "acme/weft/a3"}));

  TraversalOptions undirected;
  undirected.undirected = true;
  Result<std::vector<AttackPath>> p =
      g->KShortestPaths({"ip:198.51.100.9"}, {"ip:203.0.113.7"}, 1, undirected);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].nodes, (std::vector<std::string>{"ip:198.51.100.9", "alert:acme/weft/a1",
                                                     "user:alice@contoso.com", "alert:acme/weft/a3",
                                                     "ip:203.0.113.7"}));
  for (const PathHop& hop : (*p)[0].hops) EXPECT_EQ(hop.relation, "evidence");
  EXPECT_EQ((*p)[0].alert_count, 3u);  // the alerts naming any node of the path
}

TEST_F(PathGraphLoadTest, WithoutEvidenceTheAlertsListOnTheirEntitiesOnly) {
  Result<PathGraph> g = PathGraph::Load(store_, "acme", PathGraphOptions{});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->edge_count(), 0u);
  EXPECT_FALSE(g->Find("alert:acme/weft/a1").has_value());
  EXPECT_EQ(g->AlertsOn("user:alice@contoso.com"),
            (std::vector<std::string>{"acme/weft/a1", "acme/weft/a3"}));
  EXPECT_EQ(g->AlertsOn("ip:198.51.100.9"), (std::vector<std::string>{"acme/weft/a1"}));
}

}  // namespace
}  // namespace weft
