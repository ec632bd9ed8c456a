// End-to-end tests of the analyst views: `weft show` on a redirected (merged) incident id,
// `weft incidents --asset` for every asset kind on the bundled samples, and `weft device` by
// host name, Defender for Endpoint id and upper-case Azure resource id.
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

class StoryCommandTest : public weft::clitest::ScratchDirTest {
 protected:
  void IngestSamples(const std::string& db) {
    const std::string samples = WEFT_SAMPLES_DIR;
    RunResult r = Weft("ingest --json --db " + db + " --tenants " + samples +
                       "/tenants.json --tenant demo " + samples + "/alerts");
    ASSERT_EQ(r.code, 0) << r.err;
  }
};

TEST_F(StoryCommandTest, ShowOfAMergedIncidentIdSaysWhereItWentAndShowsTheTargetStory) {
  // Two alerts on different IPs: two incidents. A later-arriving alert between them in time
  // names both IPs and bridges them: one incident absorbs the other.
  {
    std::ofstream f(Path("first.jsonl"));
    f << R"({"tenant":"t","id":"recon-1","time":"2026-01-10T10:00:00Z","severity":"medium","title":"Port scan from 203.0.113.7","tactics":["Discovery"],"entities":[{"kind":"ip","id":"203.0.113.7"}]})"
         "\n";
    f << R"({"tenant":"t","id":"exfil-1","time":"2026-01-10T12:00:00Z","severity":"high","title":"Large upload to 198.51.100.9","tactics":["Exfiltration"],"entities":[{"kind":"ip","id":"198.51.100.9"}]})"
         "\n";
    std::ofstream g(Path("bridge.jsonl"));
    g << R"({"tenant":"t","id":"bridge-1","time":"2026-01-10T11:00:00Z","severity":"high","title":"Connection 203.0.113.7 to 198.51.100.9","tactics":["CommandAndControl"],"entities":[{"kind":"ip","id":"203.0.113.7"},{"kind":"ip","id":"198.51.100.9"}]})"
         "\n";
  }
  const std::string db = Path("m.db");
  ASSERT_EQ(Weft("ingest --db " + db + " " + Path("first.jsonl")).code, 0);
  std::set<std::string> before;
  for (const Json& j : JsonLines(Weft("incidents --json --db " + db).out))
    before.insert(j["id"].get<std::string>());
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(Weft("ingest --db " + db + " " + Path("bridge.jsonl")).code, 0);

  std::string old_id, new_id;
  for (const Json& j : JsonLines(Weft("export incidents --db " + db).out)) {
    if (j["status"] == "redirected") {
      old_id = j["id"];
      new_id = j["redirected_to"];
    }
  }
  ASSERT_FALSE(old_id.empty()) << "no incident was redirected";
  EXPECT_TRUE(before.count(old_id) && before.count(new_id));
  EXPECT_NE(old_id, new_id);

  RunResult text = Weft("show --db " + db + " " + old_id);
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(text.out.rfind(old_id + " was merged into " + new_id + "\n", 0), 0u) << text.out;
  EXPECT_NE(text.out.find("Incident " + new_id), std::string::npos) << text.out;
  for (const char* title : {"Port scan from 203.0.113.7", "Connection 203.0.113.7 to 198.51.100.9",
                            "Large upload to 198.51.100.9"}) {
    EXPECT_NE(text.out.find(title), std::string::npos) << title;
  }
  // The target's story: all three alerts in activity order, entry and impact along the kill chain.
  RunResult json = Weft("show --format json --db " + db + " " + old_id);
  ASSERT_EQ(json.code, 0);
  Json story = Json::parse(json.out);
  EXPECT_EQ(story["requested_id"], old_id);
  EXPECT_EQ(story["redirected_to"], new_id);
  EXPECT_EQ(story["id"], new_id);
  std::vector<std::string> timeline;
  for (const Json& a : story["timeline"]) timeline.push_back(a["key"]);
  EXPECT_EQ(timeline,
            (std::vector<std::string>{"t/weft/recon-1", "t/weft/bridge-1", "t/weft/exfil-1"}));
  // The same story as asking for the new id, but for who asked.
  Json direct = Json::parse(Weft("show --format json --db " + db + " " + new_id).out);
  EXPECT_FALSE(direct.contains("redirected_to"));
  story.erase("requested_id");
  story.erase("redirected_to");
  direct.erase("requested_id");
  EXPECT_EQ(story, direct);
  // DOT and Mermaid say it on stderr and draw the target.
  RunResult dot = Weft("show --format dot --db " + db + " " + old_id);
  ASSERT_EQ(dot.code, 0);
  EXPECT_NE(dot.err.find(old_id + " was merged into " + new_id), std::string::npos) << dot.err;
  EXPECT_NE(dot.out.find("Large upload to 198.51.100.9"), std::string::npos);
  RunResult missing = Weft("show --db " + db + " inc-0000000000000000");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no incident inc-0000000000000000"), std::string::npos) << missing.err;
}

TEST_F(StoryCommandTest, IncidentsAssetSearchFindsIncidentsByEveryAssetKind) {
  const std::string db = Path("s.db");
  IngestSamples(db);
  // Each query -> the (title, sources) of the incidents it must return, exactly.
  using Want = std::set<std::pair<std::string, std::set<std::string>>>;
  const Want vm1 = {{"Azure Security Center test alert (not a threat)",
                     {"Defender for Cloud", "Defender for Endpoint"}}};
  const Want ec2 = {
      {"EC2 instance i-99999999 is communicating with a Tor Exit node.", {"GuardDuty"}}};
  const Want scc = {{"Brute Force: SSH", {"Security Command Center"}}};
  const Want hub = {
      {"AWS CloudTrail trail arn:aws:cloudtrail:us-east-2:111111111111:trail/delete-me was "
       "disabled.",
       {"Security Hub"}}};
  Want ec2_and_okta = ec2;
  ec2_and_okta.insert({"Login Failures", {"OCSF"}});
  const std::vector<std::pair<std::string, Want>> cases = {
      // Azure resource id, as the portal writes it (mixed case), and part of it.
      {"/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourceGroups/myRg1/providers/"
       "Microsoft.Compute/virtualMachines/vm1",
       vm1},
      {"virtualMachines/vm1", vm1},
      // ARNs.
      {"arn:aws:eks:eu-west-2:111111111111:cluster/GeneratedFindingEKSClusterName", ec2},
      {"arn:aws:ecs:region:123456789000:cluster/clusterName",
       {{"2 security risk(s) detected including EICAR-Test-File on ECS Cluster "
         "GeneratedFindingECSClusterName.",
         {"GuardDuty"}}}},
      // GCP resource name, and the VM's short name.
      {"//compute.googleapis.com/projects/test-project/zones/us-west1-a/instances/instance-1", scc},
      {"instance-1", scc},
      // VM / host names and instance ids.
      {"vm1", vm1},
      {"i-99999999", ec2},
      // Users.
      {"etd_tester", scc},
      {"AROATMJPC7YEXAMPLE", hub},
      // IPs: 10.0.0.1 is in a GuardDuty finding (contoso) and the OCSF Okta finding (demo).
      {"192.0.2.100", scc},
      {"52.94.133.131", hub},
      {"10.0.0.1", ec2_and_okta},
  };
  for (const auto& [query, want] : cases) {
    RunResult r = Weft("incidents --json --db " + db + " --asset '" + query + "'");
    ASSERT_EQ(r.code, 0) << query << ": " << r.err;
    Want got;
    for (const Json& j : JsonLines(r.out)) {
      got.insert({j["title"].get<std::string>(), j["sources"].get<std::set<std::string>>()});
    }
    EXPECT_EQ(got, want) << query;
  }
  RunResult none = Weft("incidents --json --db " + db + " --asset no-such-asset-anywhere");
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "");
}

TEST_F(StoryCommandTest, DeviceByHostNameMdeIdOrUpperCaseAzureIdIsOneDeviceSeenByCloudAndEndpoint) {
  const std::string db = Path("d.db");
  IngestSamples(db);
  const std::string mde = "73e7e2de709dff64ef64b1d0c30e67fab63279db";
  const std::string azure_upper =
      "/SUBSCRIPTIONS/20FF7FC3-E762-44DD-BD96-B71116DCDC23/RESOURCEGROUPS/MYRG1/PROVIDERS/"
      "MICROSOFT.COMPUTE/"
      "VIRTUALMACHINES/VM1";
  std::vector<Json> pages;
  for (const std::string& q : {std::string("vm1"), mde, "device:mde:" + mde, azure_upper}) {
    RunResult r = Weft("device --json --db " + db + " " + q);
    ASSERT_EQ(r.code, 0) << q << ": " << r.err;
    pages.push_back(Json::parse(r.out));
  }
  for (const Json& p : pages) EXPECT_EQ(p, pages[0]);
  const Json& p = pages[0];
  EXPECT_EQ(p["key"], "device:mde:" + mde);
  EXPECT_EQ(p["name"], "vm1");
  EXPECT_EQ(p["cloud"], "azure");
  EXPECT_EQ(p["subscription"], "20ff7fc3-e762-44dd-bd96-b71116dcdc23");
  EXPECT_EQ(p["sources"], Json({"Defender for Cloud", "Defender for Endpoint"}));
  std::set<std::string> aliases;
  for (const Json& a : p["aliases"])
    aliases.insert(a["alias"].get<std::string>() + " from " + a["source"].get<std::string>());
  EXPECT_TRUE(aliases.count("mde:" + mde + " from Defender for Endpoint"));
  EXPECT_TRUE(aliases.count("oms:75724a01-f021-4aa8-9ec2-329792373e6e from Defender for Cloud"));
  EXPECT_TRUE(
      aliases.count("vmid:ca1b0d41-5a3b-4d95-b48b-f220aed11d78 from Defender for Endpoint"));
  // One alert from each product, in activity order, both in one incident.
  ASSERT_EQ(p["alerts"].size(), 2u);
  EXPECT_EQ(p["alerts"][0]["source"], "Defender for Cloud");
  EXPECT_EQ(p["alerts"][0]["title"], "Azure Security Center test alert (not a threat)");
  EXPECT_EQ(p["alerts"][1]["source"], "Defender for Endpoint");
  EXPECT_EQ(p["alerts"][1]["title"], "Suspicious execution of hidden file");
  EXPECT_EQ(p["incidents"].size(), 1u);
  EXPECT_EQ(p["alerts"][0]["incident"], p["incidents"][0]);
  EXPECT_EQ(p["alerts"][1]["incident"], p["incidents"][0]);
  // Text output names the same.
  RunResult text = Weft("device --db " + db + " " + azure_upper);
  ASSERT_EQ(text.code, 0);
  EXPECT_EQ(text.out.rfind("Device device:mde:" + mde + "\n", 0), 0u) << text.out;
  EXPECT_NE(text.out.find("Timeline (2 alerts)"), std::string::npos) << text.out;
  RunResult unknown = Weft("device --db " + db + " no-such-host");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("no device known as 'no-such-host'"), std::string::npos)
      << unknown.err;
}

TEST_F(StoryCommandTest, DeviceByAHostNameTwoDevicesShareListsBothAndExitsOne) {
  {
    std::ofstream f(Path("web.jsonl"));
    f << R"j({"tenant":"t","id":"w-1","time":"2026-01-10T10:00:00Z","severity":"high","title":"Miner on web01 (a)","entities":[{"kind":"device","id":"aws:i-0aaaaaaaaaaaaaaa1","aliases":[{"type":"host","value":"web01","strength":"weak"}]}]})j"
         "\n";
    f << R"j({"tenant":"t","id":"w-2","time":"2026-01-10T11:00:00Z","severity":"high","title":"Miner on web01 (b)","entities":[{"kind":"device","id":"aws:i-0bbbbbbbbbbbbbbb2","aliases":[{"type":"host","value":"web01","strength":"weak"}]}]})j"
         "\n";
  }
  const std::string db = Path("w.db");
  ASSERT_EQ(Weft("ingest --db " + db + " " + Path("web.jsonl")).code, 0);
  RunResult both = Weft("device --db " + db + " web01");
  EXPECT_EQ(both.code, 1);
  EXPECT_EQ(both.out,
            "device:aws:i-0aaaaaaaaaaaaaaa1\tt\tweb01\ndevice:aws:i-0bbbbbbbbbbbbbbb2\tt\tweb01\n");
  EXPECT_NE(both.err.find("'web01' matches 2 devices"), std::string::npos) << both.err;
  RunResult one = Weft("device --json --db " + db + " i-0aaaaaaaaaaaaaaa1");
  ASSERT_EQ(one.code, 0) << one.err;
  Json p = Json::parse(one.out);
  EXPECT_EQ(p["key"], "device:aws:i-0aaaaaaaaaaaaaaa1");
  ASSERT_EQ(p["possible_matches"].size(), 1u);
  EXPECT_EQ(p["possible_matches"][0],
            Json({{"key", "device:aws:i-0bbbbbbbbbbbbbbb2"}, {"name", "web01"}}));
  ASSERT_EQ(p["alerts"].size(), 1u);
  EXPECT_EQ(p["alerts"][0]["title"], "Miner on web01 (a)");
}

}  // namespace
