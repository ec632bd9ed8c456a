// EvidenceLookahead: every alert of a run gets the representatives the resolver gives for its
// evidence keys, whichever thread looked them up; after Stop the resolver may change and later
// alerts see the change; runs follow one another, and a run left early is safe to free.

#include "engine/internal/evidence_lookahead.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/entity_resolver.h"
#include "model/entity.h"

namespace weft::internal {
namespace {

EntityRecord Device(int n) {
  EntityRecord r;
  r.tenant = "acme";
  r.entity.kind = EntityKind::kDevice;
  r.entity.key = "device:mde:" + std::to_string(n);
  r.entity.aliases = {{"mde", std::to_string(n), AliasStrength::kStrong, ""}};
  return r;
}

class EvidenceLookaheadTest : public ::testing::TestWithParam<bool> {
 protected:
  EvidenceLookaheadTest()
      : resolver_([](std::string_view, std::string_view) -> Result<std::optional<EntityRecord>> {
          return std::optional<EntityRecord>();
        }) {
    for (int n = 0; n < kDevices; ++n) resolver_.Adopt(0, Device(n));
  }

  // A run of `alerts` alerts from `first` on, each naming devices i, i + 7 and one no entity
  // answers to every fifth alert; `keys` holds the strings the summaries view.
  std::vector<AlertSummary> Run(int first, int alerts) {
    std::vector<AlertSummary> run;
    for (int i = first; i < first + alerts; ++i) {
      AlertSummary& a = run.emplace_back();
      a.tenant = "acme";
      for (int d : {i % kDevices, (i + 7) % kDevices, i % 5 == 0 ? kDevices + i : -1}) {
        if (d < 0) continue;
        a.evidence.emplace_back(EntityKind::kDevice,
                                keys_.emplace_back("device:mde:" + std::to_string(d)));
      }
    }
    return run;
  }

  // What the resolver answers on this thread.
  std::vector<std::uint32_t> Expected(const AlertSummary& a) {
    std::vector<std::uint32_t> ids;
    for (const auto& [kind, key] : a.evidence) {
      const std::optional<EntityResolver::EntityId> id = resolver_.Lookup(0, kind, key);
      ids.push_back(id ? *id : EvidenceLookahead::kUnknown);
    }
    return ids;
  }

  static constexpr int kDevices = 3000;
  EntityResolver resolver_;
  std::deque<std::string> keys_;
};

TEST_P(EvidenceLookaheadTest, EveryAlertGetsWhatTheResolverAnswersWhicheverThreadLookedItUp) {
  EvidenceLookahead ahead(resolver_, GetParam());
  std::size_t alerts = 0;
  for (int r = 0; r < 40; ++r) {
    const std::vector<AlertSummary> run = Run(r * 500, 500);
    const std::vector<std::uint32_t> tenants(run.size(), 0);
    ahead.Begin(run, tenants);
    if (r % 4 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let it run
    for (std::size_t i = 0; i < run.size(); ++i) {
      const std::span<const std::uint32_t> got = ahead.Get(i);
      ASSERT_EQ(std::vector<std::uint32_t>(got.begin(), got.end()), Expected(run[i]))
          << "run " << r << " alert " << i;
    }
    ahead.Stop();
    alerts += run.size();
  }
  // Each alert was looked up once, by one thread or the other.
  EXPECT_EQ(ahead.helper_lookups() + ahead.own_lookups(), alerts);
  if (!GetParam()) {
    EXPECT_EQ(ahead.helper_lookups(), 0u);
  }
}

TEST_P(EvidenceLookaheadTest, AfterStopLaterAlertsSeeTheResolversChange) {
  EvidenceLookahead ahead(resolver_, GetParam());
  const std::vector<AlertSummary> run = Run(0, 500);
  const std::vector<std::uint32_t> tenants(run.size(), 0);
  ahead.Begin(run, tenants);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the helper looks most of it up
  // Alert 0 names device kDevices + 0, which nobody answers to yet.
  ASSERT_EQ(ahead.Get(0).back(), EvidenceLookahead::kUnknown);
  ahead.Stop();
  // Now it exists, and so do the unknown devices of alerts 5, 10, ...: later alerts find them.
  for (int i = 0; i < 500; i += 5) resolver_.Adopt(0, Device(kDevices + i));
  for (std::size_t i = 1; i < run.size(); ++i) {
    const std::span<const std::uint32_t> got = ahead.Get(i);
    const std::vector<std::uint32_t> want = Expected(run[i]);
    ASSERT_EQ(std::vector<std::uint32_t>(got.begin(), got.end()), want) << "alert " << i;
    for (std::uint32_t id : want) EXPECT_NE(id, EvidenceLookahead::kUnknown) << "alert " << i;
  }
  ahead.Stop();
  // The next run starts the helper again on the changed resolver.
  const std::vector<AlertSummary> next = Run(500, 500);
  ahead.Begin(next, tenants);
  for (std::size_t i = 0; i < next.size(); ++i) {
    const std::span<const std::uint32_t> got = ahead.Get(i);
    ASSERT_EQ(std::vector<std::uint32_t>(got.begin(), got.end()), Expected(next[i]));
  }
  ahead.Stop();
}

TEST_P(EvidenceLookaheadTest, ARunLeftEarlyCanBeFreedAtOnce) {
  EvidenceLookahead ahead(resolver_, GetParam());
  for (int r = 0; r < 50; ++r) {
    auto run = std::make_unique<std::vector<AlertSummary>>(Run(r * 100, 400));
    const std::vector<std::uint32_t> tenants(run->size(), 0);
    ahead.Begin(*run, tenants);
    for (std::size_t i = 0; i < static_cast<std::size_t>(r % 7); ++i) ahead.Get(i);
    ahead.Stop();  // the helper is off the run: freeing it races with nothing (ASan, TSan)
    run.reset();
  }
}

TEST(EvidenceLookaheadHelperTest, TheHelperLooksUpAlertsTheCallerHasNotReached) {
  EntityResolver resolver([](std::string_view, std::string_view) {
    return Result<std::optional<EntityRecord>>(std::optional<EntityRecord>());
  });
  for (int n = 0; n < 100; ++n) resolver.Adopt(0, Device(n));
  std::deque<std::string> keys;
  std::vector<AlertSummary> run(400);
  for (std::size_t i = 0; i < run.size(); ++i) {
    run[i].tenant = "acme";
    run[i].evidence.emplace_back(EntityKind::kDevice,
                                 keys.emplace_back("device:mde:" + std::to_string(i % 100)));
  }
  const std::vector<std::uint32_t> tenants(run.size(), 0);
  EvidenceLookahead ahead(resolver, /*use_helper=*/true);
  ahead.Begin(run, tenants);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ahead.helper_lookups() < run.size() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(ahead.helper_lookups(), run.size());  // the caller has not asked for any yet
  for (std::size_t i = 0; i < run.size(); ++i) {
    const std::span<const std::uint32_t> got = ahead.Get(i);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], *resolver.Lookup(0, EntityKind::kDevice, run[i].evidence[0].second));
  }
  EXPECT_EQ(ahead.own_lookups(), 0u);
  ahead.Stop();
}

INSTANTIATE_TEST_SUITE_P(Threads, EvidenceLookaheadTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Helper" : "CallerOnly"; });

}  // namespace
}  // namespace weft::internal
