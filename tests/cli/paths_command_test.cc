// End-to-end tests of `weft paths` and `weft reach` on the bundled samples: the real alerts of
// samples/alerts plus the asset inventory of samples/inventory (relations format) in one store.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_util.h"

namespace {

using weft::clitest::JsonLines;
using weft::clitest::RunResult;
using weft::clitest::Weft;

namespace fs = std::filesystem;
using Json = nlohmann::json;

// vm1 of the samples as the Azure resource id (an alias: Defender for Endpoint's device id is the
// key of the resolved device), its managed identity and the crown jewels of the inventory.
constexpr char kVm1Azure[] =
    "device:azure:/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourcegroups/myrg1/"
    "providers/"
    "microsoft.compute/virtualmachines/vm1";
constexpr char kVm1[] = "device:mde:73e7e2de709dff64ef64b1d0c30e67fab63279db";
constexpr char kIdentity[] = "user:oid:6d1c3f8e-2b7a-4c44-9a0e-5f3b2e1d7c90";
constexpr char kGroup[] = "generic:group:finance-data-readers";
constexpr char kDataEngineer[] = "cloud:aws:arn:aws:iam::111111111111:role/DataEngineer";
constexpr char kStorage[] =
    "cloud:azure:/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourcegroups/myrg1/"
    "providers/"
    "microsoft.storage/storageaccounts/contosofinance";
constexpr char kPayroll[] = "cloud:aws:arn:aws:s3:::contoso-payroll";

class PathsCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("weft-paths-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "s.db").string();
    const std::string samples = WEFT_SAMPLES_DIR;
    RunResult alerts = Weft("ingest --json --db " + db_ + " --tenants " + samples +
                            "/tenants.json --tenant demo " + samples + "/alerts");
    ASSERT_EQ(alerts.code, 0) << alerts.err;
    RunResult inventory =
        Weft("ingest --json --format relations --db " + db_ + " " + samples + "/inventory");
    ASSERT_EQ(inventory.code, 0) << inventory.err;
    Json summary = Json::parse(inventory.out);
    EXPECT_EQ(summary["relations"], 14);
    EXPECT_EQ(summary["rejected"], 0);
    EXPECT_EQ(summary["incidents_written"], 0);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static Json Paths(const std::string& args) {
    RunResult r = Weft("paths --json --db " + db_ + " " + args);
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? Json::parse(r.out) : Json::object({{"paths", Json::array()}});
  }
  // Relation names of each path, in order.
  static std::vector<std::vector<std::string>> Relations(const Json& j) {
    std::vector<std::vector<std::string>> out;
    for (const Json& p : j["paths"]) {
      std::vector<std::string> rels;
      for (const Json& h : p["hops"]) rels.push_back(h["relation"]);
      out.push_back(rels);
    }
    return out;
  }
  // The alert keys `weft device` lists for a device: computed apart from the path query.
  static std::set<std::string> DeviceAlerts(const std::string& device) {
    RunResult r = Weft("device --json --db " + db_ + " " + device);
    EXPECT_EQ(r.code, 0) << r.err;
    std::set<std::string> keys;
    const Json page = Json::parse(r.out);
    for (const Json& a : page["alerts"]) keys.insert(a["key"].get<std::string>());
    return keys;
  }

  static fs::path dir_;
  static std::string db_;
};

fs::path PathsCommandTest::dir_;
std::string PathsCommandTest::db_;

// Every path: hops chain from the source through `nodes` to the target, no node twice.
void ExpectWellFormed(const Json& path, const std::string& source) {
  const Json& hops = path["hops"];
  const Json& nodes = path["nodes"];
  ASSERT_FALSE(hops.empty());
  ASSERT_EQ(nodes.size(), hops.size() + 1);
  EXPECT_EQ(path["length"], hops.size());
  EXPECT_EQ(hops[0]["from"], source);
  for (std::size_t i = 0; i < hops.size(); ++i) {
    EXPECT_EQ(hops[i]["from"], nodes[i]);
    EXPECT_EQ(hops[i]["to"], nodes[i + 1]);
  }
  std::set<std::string> distinct(nodes.begin(), nodes.end());
  EXPECT_EQ(distinct.size(), nodes.size()) << path.dump();
}

TEST_F(PathsCommandTest, ShortestPathFromVm1ToACrownJewelFollowsTheInventoryAndListsVm1Alerts) {
  Json j = Paths(std::string("--from ") + kVm1Azure + " --to-tag crown-jewel");
  ASSERT_EQ(j["paths"].size(), 1u);
  const Json& p = j["paths"][0];
  ExpectWellFormed(p, kVm1);
  EXPECT_EQ(p["hops"][0], Json({{"from", kVm1}, {"to", kIdentity}, {"relation", "has_identity"}}));
  EXPECT_EQ(p["hops"][1],
            Json({{"from", kIdentity}, {"to", kStorage}, {"relation", "has_role_on"}}));
  // The alerts on the path are the alerts on vm1 (Defender for Cloud and Defender for Endpoint);
  // the identity and the storage account have none.
  const std::set<std::string> alerts(p["alerts"].begin(), p["alerts"].end());
  EXPECT_EQ(alerts, DeviceAlerts("vm1"));
  EXPECT_EQ(alerts.size(), 2u);
  // Any alias of vm1 is the same source.
  EXPECT_EQ(Paths("--from device:vmid:ca1b0d41-5a3b-4d95-b48b-f220aed11d78 --to-tag crown-jewel"),
            j);
  EXPECT_EQ(Paths(std::string("--from ") + kVm1 + " --to " + kStorage), j);
  // Text output names the same hops.
  RunResult text = Weft("paths --db " + db_ + " --from " + kVm1Azure + " --to-tag crown-jewel");
  ASSERT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("path 1 (2 hops)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(std::string("-has_role_on-> ") + kStorage), std::string::npos)
      << text.out;
}

TEST_F(PathsCommandTest, KPathsAreDistinctSimpleAndInNonDecreasingLength) {
  Json j = Paths(std::string("--from ") + kVm1Azure + " --to-tag crown-jewel --k 3");
  ASSERT_EQ(j["paths"].size(), 3u);
  std::set<std::string> seen;
  std::size_t last = 0;
  for (const Json& p : j["paths"]) {
    ExpectWellFormed(p, kVm1);
    EXPECT_GE(p["length"].get<std::size_t>(), last);
    last = p["length"];
    EXPECT_TRUE(seen.insert(p["hops"].dump()).second) << "duplicate path " << p["hops"].dump();
    const std::string end = p["nodes"].back();
    EXPECT_TRUE(end == kStorage || end == kPayroll) << end;
  }
  const std::vector<std::vector<std::string>> all = Relations(j);
  const std::set<std::vector<std::string>> rels(all.begin() + 1, all.end());
  EXPECT_EQ(all[0], (std::vector<std::string>{"has_identity", "has_role_on"}));
  EXPECT_EQ(rels,
            (std::set<std::vector<std::string>>{{"has_identity", "member_of", "has_role_on"},
                                                {"has_identity", "can_assume", "has_role_on"}}));
  // There are exactly three: asking for ten gives the same three.
  EXPECT_EQ(Paths(std::string("--from ") + kVm1Azure + " --to-tag crown-jewel --k 10"), j);
}

TEST_F(PathsCommandTest, HopLimitRelationFilterAndAsOf) {
  const std::string from = std::string("--from ") + kVm1Azure + " --to-tag crown-jewel --k 3 ";
  EXPECT_TRUE(Paths(from + "--max-hops 1")["paths"].empty());
  EXPECT_EQ(Relations(Paths(from + "--max-hops 2")),
            (std::vector<std::vector<std::string>>{{"has_identity", "has_role_on"}}));
  EXPECT_EQ(Relations(Paths(from + "--relations has_identity,has_role_on")),
            (std::vector<std::vector<std::string>>{{"has_identity", "has_role_on"}}));
  EXPECT_EQ(Relations(Paths(from + "--relations has_identity,member_of,has_role_on")),
            (std::vector<std::vector<std::string>>{{"has_identity", "has_role_on"},
                                                   {"has_identity", "member_of", "has_role_on"}}));
  EXPECT_TRUE(Paths(from + "--relations can_assume,has_role_on")["paths"].empty());
  // The inventory dates from 2019-05-01; the federation to AWS was added on 2019-05-06.
  EXPECT_TRUE(Paths(from + "--as-of 2019-04-30T00:00:00Z")["paths"].empty());
  EXPECT_EQ(Relations(Paths(from + "--as-of 2019-05-03T00:00:00Z")),
            (std::vector<std::vector<std::string>>{{"has_identity", "has_role_on"},
                                                   {"has_identity", "member_of", "has_role_on"}}));
  EXPECT_EQ(Paths(from + "--as-of 2019-05-06T00:00:00Z")["paths"].size(), 3u);
  RunResult bad = Weft("paths --db " + db_ + " " + from + "--as-of yesterday");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--as-of: not a time: yesterday"), std::string::npos) << bad.err;
}

TEST_F(PathsCommandTest, UndirectedWalksAgainstRelations) {
  // alice can assume DataEngineer, which vm1's identity can also assume: no directed path from
  // alice to vm1, an undirected one of three hops, two of them walked backwards.
  const std::string args = std::string("--from user:alice@contoso.com --to ") + kVm1Azure;
  EXPECT_TRUE(Paths(args)["paths"].empty());
  Json j = Paths(args + " --undirected");
  ASSERT_EQ(j["paths"].size(), 1u);
  const Json& hops = j["paths"][0]["hops"];
  ExpectWellFormed(j["paths"][0], "user:alice@contoso.com");
  ASSERT_EQ(hops.size(), 3u);
  EXPECT_EQ(hops[0], Json({{"from", "user:alice@contoso.com"},
                           {"to", kDataEngineer},
                           {"relation", "can_assume"}}));
  EXPECT_EQ(hops[1], Json({{"from", kDataEngineer},
                           {"to", kIdentity},
                           {"relation", "can_assume"},
                           {"reversed", true}}));
  EXPECT_EQ(
      hops[2],
      Json({{"from", kIdentity}, {"to", kVm1}, {"relation", "has_identity"}, {"reversed", true}}));
}

TEST_F(PathsCommandTest, FromIncidentStartsAtEveryEntityOfTheIncident) {
  RunResult inc = Weft("incidents --json --db " + db_ + " --asset i-99999999");
  ASSERT_EQ(inc.code, 0);
  const std::string id = Json::parse(inc.out.substr(0, inc.out.find('\n')))["id"];
  Json j = Paths("--from-incident " + id + " --to-tag crown-jewel --k 5");
  ASSERT_EQ(j["paths"].size(), 1u);
  ExpectWellFormed(j["paths"][0], "device:aws:i-99999999");
  EXPECT_EQ(j["paths"][0]["nodes"],
            Json({"device:aws:i-99999999", "cloud:aws:arn:aws:iam::111111111111:role/ec2-app-role",
                  kDataEngineer, kPayroll}));
  EXPECT_EQ(Relations(j)[0],
            (std::vector<std::string>{"has_identity", "can_assume", "has_role_on"}));
  const std::set<std::string> alerts(j["paths"][0]["alerts"].begin(),
                                     j["paths"][0]["alerts"].end());
  EXPECT_EQ(alerts, DeviceAlerts("i-99999999"));
  EXPECT_EQ(alerts.size(), 4u);
  EXPECT_EQ(
      Weft("paths --db " + db_ + " --from-incident inc-0000000000000000 --to-tag crown-jewel").code,
      1);
}

TEST_F(PathsCommandTest, ReachListsEntitiesWithinHopsWithDistances) {
  RunResult r = Weft("reach --format json --db " + db_ + " --from " + kVm1Azure + " --hops 2");
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::pair<int, std::string>> got;
  const Json reached = Json::parse(r.out);
  for (const Json& e : reached["reached"]) got.emplace_back(e["distance"], e["key"]);
  EXPECT_EQ(
      got,
      (std::vector<std::pair<int, std::string>>{
          {1, "ip:203.0.113.10"}, {1, kIdentity}, {2, kDataEngineer}, {2, kStorage}, {2, kGroup}}));
  RunResult text = Weft("reach --db " + db_ + " --from " + kVm1Azure + " --hops 1");
  ASSERT_EQ(text.code, 0);
  EXPECT_EQ(text.out, std::string("1\tip:203.0.113.10\n1\t") + kIdentity + "\n");
  RunResult three = Weft("reach --format json --db " + db_ + " --from " + kVm1Azure + " --hops 3");
  ASSERT_EQ(three.code, 0);
  Json last = Json::parse(three.out)["reached"].back();
  EXPECT_EQ(last, Json({{"key", kPayroll}, {"distance", 3}}));
}

TEST_F(PathsCommandTest, BadEntityKeysExitTwoWithAClearMessage) {
  RunResult no_kind = Weft("paths --db " + db_ + " --from vm1 --to-tag crown-jewel");
  EXPECT_EQ(no_kind.code, 2);
  EXPECT_NE(no_kind.err.find("--from: entity key 'vm1' is not of the form kind:value"),
            std::string::npos)
      << no_kind.err;
  RunResult unknown_kind =
      Weft("paths --db " + db_ + std::string(" --from ") + kVm1Azure + " --to bogus:x");
  EXPECT_EQ(unknown_kind.code, 2);
  EXPECT_NE(unknown_kind.err.find("--to: entity key 'bogus:x' has unknown kind 'bogus'"),
            std::string::npos)
      << unknown_kind.err;
  RunResult bad_ip = Weft("reach --db " + db_ + " --from ip:999.1.1.1");
  EXPECT_EQ(bad_ip.code, 2);
  EXPECT_NE(bad_ip.err.find("'ip:999.1.1.1' has no usable value"), std::string::npos) << bad_ip.err;
  // A well-formed key the store does not hold is not a usage error: exit 1, naming the key.
  RunResult unknown = Weft("reach --db " + db_ + " --from device:aws:i-0123456789abcdef0");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("no entity device:aws:i-0123456789abcdef0"), std::string::npos)
      << unknown.err;
  RunResult no_tag =
      Weft("paths --db " + db_ + std::string(" --from ") + kVm1Azure + " --to-tag no-such-tag");
  EXPECT_EQ(no_tag.code, 1);
  EXPECT_NE(no_tag.err.find("no entity is tagged 'no-such-tag'"), std::string::npos) << no_tag.err;
}

}  // namespace
