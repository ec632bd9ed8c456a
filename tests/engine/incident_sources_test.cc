// An incident record names the products and clouds of its alerts, so the queue and the export
// need not read the alerts. They must hold through a reopening: the replay reads alert summaries,
// which carry each alert's source and cloud.

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "persistence/rocks_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

using testing::MakeTestAlert;

constexpr Timestamp kT0 = 1'700'000'000'000;
constexpr char kDevice[] = "device:mde:0123456789abcdef0123456789abcdef01234567";

Alert OnTheDevice(const std::string& id, SourceProduct source, Cloud cloud, Timestamp t) {
  Alert a = MakeTestAlert("acme", id, t, {kDevice});
  a.source = source;
  a.cloud = cloud;
  a.key.clear();
  Status finalized = FinalizeAlert(a);  // the key depends on the source's id family
  EXPECT_TRUE(finalized.ok()) << finalized.ToString();
  return a;
}

class IncidentSourcesTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      dir_ = std::filesystem::temp_directory_path() /
             ("weft_incident_sources_" + std::to_string(::getpid()));
      std::filesystem::remove_all(dir_);
    }
    Reopen();
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A new engine over the same store (a new process, for RocksDB).
  void Reopen() {
    engine_.reset();
    if (GetParam()) {
      store_.reset();
      auto rocks = OpenRocksStore(dir_.string());
      ASSERT_TRUE(rocks.ok()) << rocks.status().ToString();
      store_ = std::move(*rocks);
    } else if (store_ == nullptr) {
      store_ = std::make_unique<InMemoryStore>();
    }
    auto opened = Engine::Open(*store_, CorrelationConfig{});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine_ = std::move(*opened);
  }

  Incident StoredIncidentOf(const Alert& a) {
    auto id = engine_->IncidentOf(a.key);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    auto stored = store_->GetIncident(id.ok() ? *id : "");
    EXPECT_TRUE(stored.ok() && stored->has_value());
    return stored.ok() && stored->has_value() ? **stored : Incident{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<GraphStore> store_;
  std::unique_ptr<Engine> engine_;
};

TEST_P(IncidentSourcesTest, TheRecordNamesEveryProductAndCloudOfItsAlertsAcrossAReopening) {
  const Alert mdc = OnTheDevice("a1", SourceProduct::kDefenderForCloud, Cloud::kAzure, kT0);
  const Alert mde =
      OnTheDevice("a2", SourceProduct::kDefenderForEndpoint, Cloud::kUnknown, kT0 + 1000);
  ASSERT_TRUE(engine_->Ingest({mdc, mde}, {}, 1).ok());
  Incident first = StoredIncidentOf(mde);
  EXPECT_EQ(first.alert_keys.size(), 2u);
  EXPECT_EQ(first.sources, (std::vector<SourceProduct>{SourceProduct::kDefenderForCloud,
                                                       SourceProduct::kDefenderForEndpoint}));
  EXPECT_EQ(first.clouds, std::vector<Cloud>{Cloud::kAzure});  // unknown is left out

  // After a reopening the replayed alerts still count: a third alert rewrites the record.
  Reopen();
  const Alert guardduty = OnTheDevice("a3", SourceProduct::kGuardDuty, Cloud::kAws, kT0 + 2000);
  ASSERT_TRUE(engine_->Ingest({guardduty}, {}, 2).ok());
  Incident grown = StoredIncidentOf(guardduty);
  EXPECT_EQ(grown.id, first.id);
  EXPECT_EQ(grown.alert_keys.size(), 3u);
  EXPECT_EQ(grown.sources, (std::vector<SourceProduct>{SourceProduct::kDefenderForCloud,
                                                       SourceProduct::kDefenderForEndpoint,
                                                       SourceProduct::kGuardDuty}));
  EXPECT_EQ(grown.clouds, (std::vector<Cloud>{Cloud::kAzure, Cloud::kAws}));
}

INSTANTIATE_TEST_SUITE_P(Stores, IncidentSourcesTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "RocksDB" : "InMemory";
                         });

}  // namespace
}  // namespace weft
