// `weft bench` end to end on a small stream: the JSON carries every required figure, positive,
// quality scores are probabilities, the deterministic counts repeat for one seed, --skip leaves
// stages out, and a bad stage is a usage error. Keeps the benchmark harness from rotting.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_util.h"

namespace {

using weft::clitest::Weft;

nlohmann::json BenchJson(const std::string& args) {
  const weft::clitest::RunResult r = Weft("bench --json " + args);
  EXPECT_EQ(r.code, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(j.is_object()) << r.out;
  return j;
}

TEST(BenchCommandTest, ReportsEveryRequiredFigurePositive) {
  const nlohmann::json j = BenchJson("--alerts 2000 --path-queries 50");
  for (const char* key : {"correlate_alerts_per_s",
                          "durable_ingest_alerts_per_s",
                          "parse_alerts_per_s",
                          "parse_mb_per_s",
                          "parse_weft_alerts_per_s",
                          "engine_inmemory_alerts_per_s",
                          "naive_layout_alerts_per_s",
                          "path_p50_ms",
                          "path_p99_ms",
                          "kpath_p99_ms",
                          "path_steps_mean",
                          "path_steps_p99",
                          "kpath_steps_p99",
                          "recorrelate_s",
                          "reopen_s",
                          "peak_rss_mb",
                          "disk_bytes_per_alert",
                          "ingest_batch_p50_ms",
                          "ingest_batch_p99_ms",
                          "ingest_alert_p50_ms",
                          "ingest_alert_p99_ms",
                          "durable_vs_naive_ratio",
                          "quality_pairwise_precision",
                          "quality_pairwise_recall",
                          "quality_bcubed_f1",
                          "e2e_ingest_alerts_per_s",
                          "e2e_ingest_json_alerts_per_s",
                          "correlate_floor_alerts_per_s",
                          "correlate_floor_ratio",
                          "live_alert_p50_ms",
                          "live_alert_p99_ms"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    ASSERT_TRUE(j[key].is_number()) << key;
    EXPECT_GT(j[key].get<double>(), 0) << key;
  }
  for (const char* key :
       {"quality_pairwise_precision", "quality_pairwise_recall", "quality_bcubed_f1"}) {
    EXPECT_LE(j[key].get<double>(), 1.0) << key;
  }
  EXPECT_LE(j["path_p50_ms"].get<double>(), j["path_p99_ms"].get<double>());
  // The correlator's figure is the median of its runs.
  EXPECT_LE(j["correlate_min_alerts_per_s"].get<double>(),
            j["correlate_alerts_per_s"].get<double>());
  EXPECT_LE(j["correlate_alerts_per_s"].get<double>(),
            j["correlate_max_alerts_per_s"].get<double>());
  EXPECT_GT(j["correlate_min_alerts_per_s"].get<double>(), 0);
  EXPECT_LE(j["ingest_batch_p50_ms"].get<double>(), j["ingest_batch_p99_ms"].get<double>());
  // The durable stage's CPU split: the engine's thread and the committer both work, and the
  // engine's thread is part of the process.
  EXPECT_GT(j["durable_engine_cpu_us_per_alert"].get<double>(), 0);
  EXPECT_GT(j["durable_commit_cpu_us_per_alert"].get<double>(), 0);
  EXPECT_GE(j["durable_background_cpu_us_per_alert"].get<double>(), 0);
  EXPECT_LE(j["durable_engine_cpu_us_per_alert"].get<double>(),
            j["durable_cpu_us_per_alert"].get<double>());
  // Every record parsed, none rejected; only informational alerts stay out of the store.
  EXPECT_EQ(j["parse_records"].get<double>(), 2000);
  EXPECT_EQ(j["e2e_ingest_records"].get<double>(), 2000)
      << "the end-to-end stage reads every file it parsed";
  EXPECT_EQ(j["parse_rejected"].get<double>(), 0);
  EXPECT_EQ(j["parse_weft_rejected"].get<double>(), 0);
  EXPECT_GT(j["durable_alerts"].get<double>(), 1500);
  EXPECT_LT(j["durable_alerts"].get<double>(), 2000);
  EXPECT_EQ(j["recorrelate_changed"].get<double>(), 0);  // same rules: a dry run changes nothing
  // The live stage sent every record (2,000 at 2,000 a second) and timed each ingested one from
  // its arrival to its batch's commit; the 250 ms max delay bounds a batch's age, so no alert
  // takes seconds even on a loaded machine.
  EXPECT_GT(j["live_alerts"].get<double>(), 1500);
  EXPECT_LT(j["live_alerts"].get<double>(), 2000);
  EXPECT_LE(j["live_alert_p50_ms"].get<double>(), j["live_alert_p99_ms"].get<double>());
  EXPECT_LT(j["live_alert_p99_ms"].get<double>(), 10'000);
  EXPECT_GT(j["live_batches"].get<double>(), 1);
  EXPECT_EQ(j["machine"]["build_type"].is_string(), true);
  EXPECT_GE(j["machine"]["cores"].get<double>(), 1);
#if defined(__x86_64__)
  const bool crc32_instruction = __builtin_cpu_supports("sse4.2");
#else
  const bool crc32_instruction = false;
#endif
  EXPECT_EQ(j["machine"]["wal_checksum"],
            crc32_instruction ? "crc32 instruction" : "RocksDB's own code");
  EXPECT_EQ(j["options"]["alerts"].get<double>(), 2000);
}

TEST(BenchCommandTest, CountsRepeatForOneSeedAndSkipLeavesStagesOut) {
  const std::string args = "--alerts 1500 --seed 9 --skip parse,naive,engine,paths,scipy";
  const nlohmann::json a = BenchJson(args);
  const nlohmann::json b = BenchJson(args);
  for (const char* key : {"distinct_alerts", "entities", "correlate_incidents", "durable_alerts",
                          "store_incidents", "quality_pairwise_precision",
                          "quality_pairwise_recall", "quality_bcubed_f1", "live_alerts"}) {
    ASSERT_TRUE(a.contains(key)) << key;
    EXPECT_EQ(a[key], b[key]) << key;
  }
  for (const char* key :
       {"parse_alerts_per_s", "naive_layout_alerts_per_s", "engine_inmemory_alerts_per_s",
        "path_p50_ms", "scale_correlate_x", "scipy_alerts_per_s"}) {
    EXPECT_FALSE(a.contains(key)) << key;
  }
}

// --scale-base runs the correlate, durable and re-correlation stages on a smaller stream in the
// same run and reports the full size's time over the smaller one's.
TEST(BenchCommandTest, ScaleBaseReportsTimeRatiosToTheSmallerStream) {
  const nlohmann::json j =
      BenchJson("--alerts 3000 --scale-base 1000 --skip parse,e2e,naive,engine,paths,live,scipy");
  for (const char* key : {"scale_base_correlate_alerts_per_s", "scale_correlate_x", "scale_floor_x",
                          "scale_base_durable_ingest_s", "scale_durable_x",
                          "scale_base_recorrelate_s", "scale_recorrelate_x"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_GT(j[key].get<double>(), 0) << key;
  }
  EXPECT_EQ(j["options"]["scale_base"].get<double>(), 1000);
  // The ratios are of this run's own figures to the base's.
  EXPECT_DOUBLE_EQ(
      j["scale_durable_x"].get<double>(),
      j["durable_ingest_s"].get<double>() / j["scale_base_durable_ingest_s"].get<double>());
  EXPECT_DOUBLE_EQ(j["scale_recorrelate_x"].get<double>(),
                   j["recorrelate_s"].get<double>() / j["scale_base_recorrelate_s"].get<double>());
  // The full run's figures are its own: 3,000 records, not the base's 1,000.
  EXPECT_GT(j["durable_alerts"].get<double>(), 2000);
  EXPECT_GT(j["distinct_alerts"].get<double>(), 2000);
  EXPECT_EQ(j["recorrelate_changed"].get<double>(), 0);
}

// SciPy's batch job runs in the correlate stage's rounds on the same ids (and on the scale base's):
// its windowed job is the union-find floor's, so it finds the same incidents; its plain job (no
// window) finds no more.
TEST(BenchCommandTest, ScipyBaselineDoesTheFloorsJobOnTheSameIds) {
  const weft::clitest::RunResult r = Weft(
      "bench --json --alerts 3000 --scale-base 1000 --skip parse,e2e,engine,durable,naive,live");
  ASSERT_EQ(r.code, 0) << r.err;
  if (r.err.find("scipy baseline left out") != std::string::npos)
    GTEST_SKIP() << "no Python with SciPy (scripts/install-deps.sh installs it): " << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"scipy_alerts_per_s", "scipy_window_alerts_per_s", "scipy_incidents",
        "scipy_window_incidents", "scipy_peak_rss_mb", "correlate_scipy_ratio",
        "correlate_scipy_window_ratio", "scale_scipy_x", "scale_scipy_window_x"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_GT(j[key].get<double>(), 0) << key;
  }
  EXPECT_EQ(j["scipy_window_incidents"], j["correlate_floor_incidents"]);
  EXPECT_LE(j["scipy_incidents"].get<double>(), j["scipy_window_incidents"].get<double>());
  EXPECT_DOUBLE_EQ(
      j["correlate_scipy_ratio"].get<double>(),
      j["correlate_alerts_per_s"].get<double>() / j["scipy_alerts_per_s"].get<double>());
}

// Without a Python that has SciPy the run goes on without the SciPy figures, and says why.
TEST(BenchCommandTest, ScipyBaselineLeftOutWithANoteWhenPythonIsMissing) {
  setenv("WEFT_PYTHON", "/nonexistent/python3", 1);
  const weft::clitest::RunResult r =
      Weft("bench --json --alerts 1000 --skip parse,e2e,engine,durable,naive,live");
  unsetenv("WEFT_PYTHON");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("scipy baseline left out: /nonexistent/python3"), std::string::npos)
      << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j.contains("correlate_alerts_per_s"));
  EXPECT_FALSE(j.contains("scipy_alerts_per_s"));
  EXPECT_FALSE(j.contains("correlate_scipy_ratio"));
}

TEST(BenchCommandTest, ScaleBaseNotBelowAlertsIsAUsageError) {
  EXPECT_EQ(Weft("bench --alerts 100 --scale-base 100").code, 2);
}

TEST(BenchCommandTest, UnknownStageIsAUsageError) {
  EXPECT_EQ(Weft("bench --alerts 100 --skip parse,bogus").code, 2);
}

}  // namespace
