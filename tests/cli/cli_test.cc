// End-to-end tests of the weft binary: help, usage errors, ingest -> incidents -> export ->
// re-ingest round trip, recorrelate determinism, why, and rejects with exit code 1.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "persistence/rocks_store.h"
#include "tests/cli/cli_test_util.h"

namespace {

using weft::clitest::JsonLines;
using weft::clitest::RunResult;
using weft::clitest::Weft;

namespace fs = std::filesystem;

class CliTest : public weft::clitest::ScratchDirTest {
 protected:
  std::string IngestSamples(const std::string& db) {
    const std::string samples = WEFT_SAMPLES_DIR;
    RunResult r = Weft("ingest --json --db " + db + " --tenants " + samples +
                       "/tenants.json --tenant demo " + samples + "/alerts");
    EXPECT_EQ(r.code, 0) << r.out;
    return r.out;
  }
};

TEST_F(CliTest, HelpListsTheCommandsAndUsageErrorsExitTwo) {
  RunResult help = Weft("--help");
  EXPECT_EQ(help.code, 0);
  for (const char* cmd : {"demo", "ingest", "incidents", "export", "why", "recorrelate"}) {
    EXPECT_NE(help.out.find(cmd), std::string::npos) << cmd;
  }
  RunResult ingest_help = Weft("ingest --help");
  EXPECT_EQ(ingest_help.code, 0);
  EXPECT_NE(ingest_help.out.find("Example:"), std::string::npos);
  EXPECT_EQ(Weft("ingest --no-such-option x").code, 2);
  EXPECT_EQ(Weft("no-such-command").code, 2);
  EXPECT_EQ(Weft("").code, 2);
}

TEST_F(CliTest, IngestIncidentsExportAndReingestRoundTrip) {
  const std::string db = Path("a.db");
  nlohmann::json summary = nlohmann::json::parse(IngestSamples(db));
  EXPECT_EQ(summary["rejected"], 0);
  EXPECT_GT(summary["accepted"].get<int>(), 10);
  // The Defender for Cloud and Defender for Endpoint alerts on vm1 are one incident.
  RunResult vm1 = Weft("incidents --json --db " + db + " --asset virtualmachines/vm1");
  ASSERT_EQ(vm1.code, 0);
  std::vector<nlohmann::json> incidents = JsonLines(vm1.out);
  ASSERT_EQ(incidents.size(), 1u);
  std::set<std::string> sources(incidents[0]["sources"].begin(), incidents[0]["sources"].end());
  EXPECT_EQ(sources, (std::set<std::string>{"Defender for Cloud", "Defender for Endpoint"}));
  // Export -> ingest --format weft into a fresh store gives the same alerts and incidents.
  RunResult alerts = Weft("export alerts --db " + db);
  ASSERT_EQ(alerts.code, 0);
  { std::ofstream(Path("alerts.jsonl")) << alerts.out; }
  const std::string db2 = Path("b.db");
  RunResult reingest = Weft("ingest --json --format weft --db " + db2 + " " + Path("alerts.jsonl"));
  ASSERT_EQ(reingest.code, 0) << reingest.out;
  EXPECT_EQ(nlohmann::json::parse(reingest.out)["accepted"], summary["accepted"]);
  auto keys = [](const std::string& text) {
    std::set<std::string> k;
    for (const auto& j : JsonLines(text)) k.insert(j["key"].get<std::string>());
    return k;
  };
  EXPECT_EQ(keys(Weft("export alerts --db " + db2).out), keys(alerts.out));
  auto groups = [](const std::string& text) {
    std::set<std::vector<std::string>> g;
    for (const auto& j : JsonLines(text)) {
      if (j["status"] != "redirected") g.insert(j["alert_keys"].get<std::vector<std::string>>());
    }
    return g;
  };
  EXPECT_EQ(groups(Weft("export incidents --db " + db2).out),
            groups(Weft("export incidents --db " + db).out));
  // Ingesting the same files again changes nothing.
  nlohmann::json again = nlohmann::json::parse(IngestSamples(db));
  EXPECT_EQ(again["accepted"], 0);
  EXPECT_EQ(again["incidents_written"], 0);
}

TEST_F(CliTest, RecorrelateUnderTheRulesInForceReportsNoChange) {
  const std::string db = Path("r.db");
  IngestSamples(db);
  RunResult r = Weft("recorrelate --json --db " + db);
  ASSERT_EQ(r.code, 0);
  nlohmann::json diff = nlohmann::json::parse(r.out);
  EXPECT_TRUE(diff["no_change"].get<bool>());
  { std::ofstream(Path("tight.json")) << R"({"window": "1m"})"; }
  RunResult tight =
      Weft("recorrelate --json --dry-run --db " + db + " --config " + Path("tight.json"));
  ASSERT_EQ(tight.code, 0);
  EXPECT_FALSE(nlohmann::json::parse(tight.out)["applied"].get<bool>());
  { std::ofstream(Path("bad.json")) << R"({"window": "soon"})"; }
  EXPECT_EQ(Weft("recorrelate --db " + db + " --config " + Path("bad.json")).code, 2);
}

// A dry run opens the store read-only: it runs while another process (an ingest) holds it.
TEST_F(CliTest, ADryRunReadsAStoreThatAnotherProcessHoldsOpen) {
  const std::string db = Path("held.db");
  IngestSamples(db);
  weft::Result<std::unique_ptr<weft::GraphStore>> held = weft::OpenRocksStore(db);  // as ingest
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  RunResult dry = Weft("recorrelate --json --dry-run --db " + db);
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_TRUE(nlohmann::json::parse(dry.out)["no_change"].get<bool>());
  EXPECT_FALSE(nlohmann::json::parse(dry.out)["applied"].get<bool>());
  // Applying a diff needs the store to itself.
  RunResult apply = Weft("recorrelate --json --db " + db);
  EXPECT_EQ(apply.code, 1);
  EXPECT_NE(apply.err.find("lock"), std::string::npos) << apply.err;
}

TEST_F(CliTest, BadRecordsAreRejectedWithFileRecordAndReasonAndTheRestGoesIn) {
  {
    std::ofstream f(Path("mixed.jsonl"));
    f << R"({"tenant":"t","id":"a-1","time":"2026-01-01T00:00:00Z","severity":"high","entities":[{"kind":"ip","id":"203.0.113.7"}]})"
         "\n";
    f << R"({"tenant":"t","id":"a-2","time":"2026-01-01T00:00:00Z",)"
         "\n";
    f << R"({"tenant":"t","id":"a-3","time":"2026-01-01T01:00:00Z","severity":"low","entities":[{"kind":"ip","id":"203.0.113.7"}]})"
         "\n";
  }
  RunResult r = Weft("ingest --json --db " + Path("x.db") + " --rejects " + Path("rejects.jsonl") +
                     " " + Path("mixed.jsonl"));
  EXPECT_EQ(r.code, 1);
  nlohmann::json summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["accepted"], 2);
  EXPECT_EQ(summary["rejected"], 1);
  const std::string line = r.err.substr(0, r.err.find('\n'));
  EXPECT_NE(line.find("mixed.jsonl: line 2: invalid JSON"), std::string::npos) << line;
  std::vector<nlohmann::json> rejects = [&] {
    std::ifstream in(Path("rejects.jsonl"));
    std::stringstream ss;
    ss << in.rdbuf();
    return JsonLines(ss.str());
  }();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0]["record"], "line 2");
  // The two good alerts share an IP within the window: one incident, and why says so.
  RunResult why = Weft("why --json --db " + Path("x.db") + " t/weft/a-1 t/weft/a-3");
  ASSERT_EQ(why.code, 0);
  nlohmann::json w = nlohmann::json::parse(why.out);
  EXPECT_TRUE(w["linked"].get<bool>());
  EXPECT_EQ(w["chain"][0]["entity"], "ip:203.0.113.7");
  EXPECT_EQ(w["chain"][0]["gap"], "1h");
}

}  // namespace
