// Engine::Recorrelate's diff, pinned on a hand-checked store: which incidents are unchanged,
// merged, split, created and removed when the window changes, and where a removed incident is
// redirected once the new grouping is applied.

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

using testing::MakeTestAlert;

constexpr Timestamp kT0 = 1'700'000'000'000;
constexpr Timestamp kHour = kMillisPerHour;

class RecorrelateDiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CorrelationConfig two_hours;
    two_hours.window = 2 * kHour;
    auto engine = Engine::Open(store_, two_hours);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    // Under 2h: m1 and m2 (10h apart on one device) are two incidents; s1 and s2 (1h apart) are
    // one; u1 is alone.
    std::vector<Alert> alerts = {
        MakeTestAlert("acme", "m1", kT0, {"ip:198.51.100.1"}),
        MakeTestAlert("acme", "m2", kT0 + 10 * kHour, {"ip:198.51.100.1"}),
        MakeTestAlert("acme", "s1", kT0, {"ip:198.51.100.2"}),
        MakeTestAlert("acme", "s2", kT0 + kHour, {"ip:198.51.100.2"}),
        MakeTestAlert("acme", "u1", kT0, {"ip:198.51.100.3"}),
    };
    for (const Alert& a : alerts) keys_[a.provider_id] = a.key;
    ASSERT_TRUE((*engine)->Ingest(std::move(alerts), {}, 1).ok());
  }

  std::string IdOf(const std::string& alert) { return MakeIncidentId(keys_.at(alert)); }

  Result<IncidentDiff> Recorrelate(Timestamp window, bool dry_run) {
    RecorrelateOptions options;
    options.config.window = window;
    options.dry_run = dry_run;
    return Engine::Recorrelate(store_, options);
  }

  InMemoryStore store_;
  std::map<std::string, std::string> keys_;  // provider id -> alert key
};

TEST_F(RecorrelateDiffTest, AWiderWindowMergesAndRedirectsTheYoungerIncident) {
  auto diff = Recorrelate(24 * kHour, /*dry_run=*/false);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(diff->alerts, 5u);
  EXPECT_EQ(diff->unchanged, 2u);  // {s1, s2} and {u1}
  EXPECT_EQ(diff->merged, std::vector<std::string>{IdOf("m1")});
  EXPECT_EQ(diff->removed, std::vector<std::string>{IdOf("m2")});
  EXPECT_TRUE(diff->split.empty());
  EXPECT_TRUE(diff->created.empty());
  EXPECT_TRUE(diff->applied);

  auto gone = store_.GetIncident(IdOf("m2"));
  ASSERT_TRUE(gone.ok() && gone->has_value());
  EXPECT_EQ((*gone)->status, IncidentStatus::kRedirected);
  EXPECT_EQ((*gone)->redirected_to, IdOf("m1"));
  auto kept = store_.GetIncident(IdOf("m1"));
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->alert_keys.size(), 2u);

  auto again = Recorrelate(24 * kHour, /*dry_run=*/true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->no_change());
  EXPECT_EQ(again->unchanged, 3u);
}

TEST_F(RecorrelateDiffTest, ANarrowerWindowSplitsAndCreatesTheYoungerParts) {
  auto diff = Recorrelate(kHour / 2, /*dry_run=*/true);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(diff->unchanged, 3u);  // {m1} and {m2} were apart already, {u1}
  std::vector<std::string> split = {IdOf("s1")};
  EXPECT_EQ(diff->split, split);
  EXPECT_EQ(diff->created, std::vector<std::string>{IdOf("s2")});
  EXPECT_TRUE(diff->merged.empty());
  EXPECT_TRUE(diff->removed.empty());
  EXPECT_FALSE(diff->applied);
  // A dry run writes nothing: the same question gets the same answer.
  auto again = Recorrelate(kHour / 2, /*dry_run=*/true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->split, split);
}

TEST_F(RecorrelateDiffTest, SinceAndUntilLimitTheDiffToIncidentsActiveInTheRange) {
  // Under half an hour, as above: {m1}, {m2} and {u1} unchanged, s1's incident split, {s2} new.
  RecorrelateOptions options;
  options.config.window = kHour / 2;
  options.dry_run = true;
  options.since = kT0 + 5 * kHour;  // only m2 is active this late
  auto late = Engine::Recorrelate(store_, options);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late->alerts, 5u);
  EXPECT_EQ(late->unchanged, 1u);
  EXPECT_TRUE(late->no_change());

  options.since = kNoTime;
  options.until = kT0 + kHour / 2;  // {s2} begins after this; s1's old incident does not
  auto early = Engine::Recorrelate(store_, options);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->unchanged, 2u);  // {m1} and {u1}
  EXPECT_EQ(early->split, std::vector<std::string>{IdOf("s1")});
  EXPECT_TRUE(early->created.empty());

  options.until = kT0 + kHour;  // now {s2} begins in the range
  auto both = Engine::Recorrelate(store_, options);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(both->created, std::vector<std::string>{IdOf("s2")});
}

TEST_F(RecorrelateDiffTest, AnIdRedirectedByAMergeIsActiveAgainWhenTheMergeIsUndone) {
  // Make {m1, m2} one incident, then cut every link: under a rule that no longer links ip
  // addresses each alert is alone, m1's incident keeps its id and m2's id comes back.
  ASSERT_TRUE(Recorrelate(24 * kHour, /*dry_run=*/false).ok());
  RecorrelateOptions options;
  options.config.window = 24 * kHour;
  options.config.kinds = {EntityKind::kUser};
  auto diff = Engine::Recorrelate(store_, options);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(diff->unchanged, 1u);  // {u1}
  std::vector<std::string> split = {IdOf("m1"), IdOf("s1")};
  std::sort(split.begin(), split.end());
  EXPECT_EQ(diff->split, split);
  std::vector<std::string> created = {IdOf("m2"), IdOf("s2")};
  std::sort(created.begin(), created.end());
  EXPECT_EQ(diff->created, created);
  EXPECT_TRUE(diff->removed.empty());
  auto m2 = store_.GetIncident(IdOf("m2"));
  ASSERT_TRUE(m2.ok() && m2->has_value());
  EXPECT_EQ((*m2)->status, IncidentStatus::kActive) << "a redirected id in use again is active";
}

}  // namespace
}  // namespace weft
