// `weft ingest -` fed by a live stream: an alert sent while the stream stays open is in an
// incident, read by a second process, within --max-delay and a commit; SIGTERM stops it without
// losing what it read; and a --max-delay that is not a duration is a usage error that creates
// no store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "tests/cli/cli_test_util.h"

namespace {

using weft::clitest::JsonLines;
using weft::clitest::RunResult;
using weft::clitest::Weft;

namespace fs = std::filesystem;

using LiveIngestTest = weft::clitest::ScratchDirTest;

std::string AlertLine(const std::string& id, const std::string& ip) {
  return R"({"tenant":"live","id":")" + id +
         R"(","time":"2026-01-01T00:00:00Z","severity":"high","title":"probe","entities":[{"kind":"ip","id":")" +
         ip + R"(","role":"related"}]})" + "\n";
}

// How many incidents `weft incidents --json` lists (a read-only open, beside the ingest).
std::size_t IncidentCount(const std::string& db) {
  const RunResult r = Weft("incidents --json --limit 0 --db " + db);
  return r.code == 0 ? JsonLines(r.out).size() : 0;
}

TEST_F(LiveIngestTest, AnAlertOnAnOpenStreamIsIngestedWithinMaxDelay) {
  const std::string db = (dir_ / "live.db").string();
  FILE* stream = popen((std::string(WEFT_BINARY) + " ingest --max-delay 100ms --db " + db + " - >" +
                        (dir_ / "out.txt").string() + " 2>&1")
                           .c_str(),
                       "w");
  ASSERT_NE(stream, nullptr);
  ASSERT_GE(std::fputs(AlertLine("first", "203.0.113.7").c_str(), stream), 0);
  ASSERT_EQ(std::fflush(stream), 0);
  // The stream stays open: the alert must be ingested by age, not at the stream's end.
  std::size_t seen = 0;
  for (int i = 0; i < 100 && seen == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = IncidentCount(db);
  }
  EXPECT_EQ(seen, 1u) << "no incident 10 s after an alert was sent on an open stream";
  ASSERT_GE(std::fputs(AlertLine("second", "198.51.100.9").c_str(), stream), 0);
  const int status = pclose(stream);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(IncidentCount(db), 2u);
}

// SIGTERM stops a live ingest gracefully: the alerts read into a batch that would otherwise wait
// an hour for its max delay are committed, the summary is printed, and the exit code says which
// signal came (128 + 15).
TEST_F(LiveIngestTest, SigtermCommitsWhatWasReadAndExitsWithTheSignal) {
  const std::string db = Path("sig.db");
  std::ofstream(Path("a.jsonl")) << AlertLine("one", "203.0.113.7")
                                 << AlertLine("two", "198.51.100.9");
  const std::string weft = WEFT_BINARY;
  // The stream (a FIFO, so that the ingest is a job of its own to wait for) stays open; once
  // the store exists (the handlers go in right after it opens) and a second has passed for
  // reading, the ingest gets SIGTERM.
  const std::string fifo = Path("alerts.fifo");
  const std::string script =
      "mkfifo " + fifo + "; " + weft + " ingest --max-delay 1h --db " + db + " " + fifo + " >" +
      Path("out.txt") + " 2>" + Path("err.txt") + " & pid=$!; { cat " + Path("a.jsonl") +
      "; sleep 30; } >" + fifo + " & feeder=$!; for i in $(seq 300); do [ -f " + db +
      "/CURRENT ] && break; sleep 0.1; done; sleep 1; kill -TERM $pid; wait $pid; echo $?; " +
      "kill $feeder";
  std::ofstream(Path("run.sh")) << script << "\n";
  const auto started = std::chrono::steady_clock::now();
  FILE* p = popen(("bash " + Path("run.sh")).c_str(), "r");
  ASSERT_NE(p, nullptr);
  char code[16] = {};
  ASSERT_NE(std::fgets(code, sizeof code, p), nullptr);
  pclose(p);
  EXPECT_EQ(std::string(code), "143\n");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(25))
      << "the ingest waited for its stream to end";
  std::ifstream err(Path("err.txt")), out(Path("out.txt"));
  const std::string err_text((std::istreambuf_iterator<char>(err)), {});
  const std::string out_text((std::istreambuf_iterator<char>(out)), {});
  EXPECT_NE(err_text.find("stopped by SIGTERM"), std::string::npos) << err_text;
  EXPECT_NE(out_text.find("alerts accepted (new): 2"), std::string::npos) << out_text;
  EXPECT_EQ(IncidentCount(db), 2u);
}

TEST_F(LiveIngestTest, MaxDelayThatIsNotADurationIsAUsageErrorAndCreatesNoStore) {
  const std::string db = (dir_ / "never.db").string();
  const RunResult r = Weft("ingest --max-delay soon --db " + db + " - </dev/null");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--max-delay: not a duration: 'soon'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(db));
}

}  // namespace
