// `weft eval` on the GUIDE sample: the JSON object issue 7 asks for, the baselines beside it, and
// the sweep over window, hub and alert-type grouping.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/cli_test_util.h"

namespace weft {
namespace {

using clitest::Weft;

const std::string kGuide = std::string(WEFT_TEST_DATA_DIR) + "/guide/";

TEST(EvalCommandTest, ScoresTheGuideSampleBesideBothBaselines) {
  const clitest::RunResult r = Weft("eval --json " + kGuide);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key : {"relative_recall", "reachable_recall", "predicted_incidents",
                          "true_incidents", "largest_incident"})
    EXPECT_TRUE(j.contains(key)) << key;
  for (const char* group : {"pairwise", "bcubed"})
    for (const char* key : {"precision", "recall", "f1"})
      EXPECT_TRUE(j[group].contains(key)) << group << "." << key;
  // Facts of the sample, as its data README counts them: 9,312 alerts in 6,435 incidents.
  EXPECT_EQ(j["alerts"], 9312);
  EXPECT_EQ(j["true_incidents"], 6435);

  const nlohmann::json& none = j["baselines"]["none"];
  const nlohmann::json& naive = j["baselines"]["naive"];
  EXPECT_EQ(none["predicted_incidents"], 9312);
  EXPECT_EQ(none["pairwise"]["recall"], 0.0);
  // Naive linking joins every entity-reachable pair: its recall is the ceiling.
  EXPECT_DOUBLE_EQ(naive["relative_recall"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(naive["pairwise"]["recall"].get<double>(), j["reachable_recall"].get<double>());
  // The hub and window rules keep weft's links more precise than naive linking's.
  EXPECT_GT(j["pairwise"]["precision"].get<double>(),
            2 * naive["pairwise"]["precision"].get<double>());
  EXPECT_LT(j["largest_incident"].get<int>(), naive["largest_incident"].get<int>());
}

TEST(EvalCommandTest, SweepsEveryCombinationOfWindowHubAndTypeGrouping) {
  const clitest::RunResult r =
      Weft("eval --json --sweep window=5h,24h hub=12+0.002 type=off,1h " + kGuide);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["window"], "5h");
  EXPECT_EQ(rows[0]["type"], "off");
  EXPECT_EQ(rows[1]["type"], "1h");
  EXPECT_EQ(rows[3]["window"], "24h");
  EXPECT_NE(rows[1]["config"].get<std::string>().find("type-window=1h"), std::string::npos);
  for (int i : {0, 2}) {
    const nlohmann::json& off = rows[i];
    const nlohmann::json& grouped = rows[i + 1];
    // Grouping one detector's alerts of an hour joins pairs no shared entity reaches.
    EXPECT_GT(grouped["pairwise"]["recall"].get<double>(),
              2 * off["pairwise"]["recall"].get<double>());
    EXPECT_GT(grouped["relative_recall"].get<double>(), 1.0);
    EXPECT_LT(grouped["predicted_incidents"].get<int>(), off["predicted_incidents"].get<int>());
  }
  // A longer window links more: never fewer correct pairs.
  EXPECT_GE(rows[2]["pairwise"]["correct_pairs"].get<int>(),
            rows[0]["pairwise"]["correct_pairs"].get<int>());
}

TEST(EvalCommandTest, ABadSweepOrConfigIsAUsageError) {
  clitest::RunResult r = Weft("eval --sweep type=soon " + kGuide);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--sweep: type 'soon' is not a positive duration"), std::string::npos)
      << r.err;

  const std::string config =
      (std::filesystem::temp_directory_path() / "weft-eval-bad-config.json").string();
  std::ofstream(config) << R"({"type_window": "0s"})";
  r = Weft("eval --config " + config + " " + kGuide);
  std::filesystem::remove(config);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("field 'type_window' is not a positive duration"), std::string::npos)
      << r.err;

  std::ofstream(config) << R"({"type_window": "1h", "type_sources": ["GuardDuty", "Nessus"]})";
  r = Weft("eval --config " + config + " " + kGuide);
  std::filesystem::remove(config);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("field 'type_sources' names an unknown source product \"Nessus\""),
            std::string::npos)
      << r.err;
}

// Grouping restricted to another source leaves GUIDE's alerts as the defaults group them.
TEST(EvalCommandTest, TypeGroupingOfOtherSourcesLeavesTheGuideScoreAlone) {
  const std::string config =
      (std::filesystem::temp_directory_path() / "weft-eval-type-sources.json").string();
  std::ofstream(config) << R"({"type_window": "1h", "type_sources": ["GuardDuty"]})";
  const clitest::RunResult restricted = Weft("eval --json --config " + config + " " + kGuide);
  std::filesystem::remove(config);
  const clitest::RunResult defaults = Weft("eval --json " + kGuide);
  ASSERT_EQ(restricted.code, 0) << restricted.err;
  ASSERT_EQ(defaults.code, 0) << defaults.err;
  const nlohmann::json a = nlohmann::json::parse(restricted.out);
  const nlohmann::json b = nlohmann::json::parse(defaults.out);
  EXPECT_EQ(a["pairwise"], b["pairwise"]);
  EXPECT_NE(a["config"].get<std::string>().find("type-sources=GuardDuty"), std::string::npos);
}

}  // namespace
}  // namespace weft
