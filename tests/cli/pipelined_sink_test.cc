// PipelinedSink: batches ingested on the worker thread give exactly what ingesting them in line
// gives, and an engine error stops the reader and is reported, with earlier batches committed.
#include "cli/pipelined_sink.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "graph/in_memory_store.h"
#include "persistence/rocks_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft::cli {
namespace {

std::vector<ImportBatch> Batches(int count, int per_batch) {
  std::vector<ImportBatch> out(count);
  for (int b = 0; b < count; ++b) {
    for (int i = 0; i < per_batch; ++i) {
      const int n = b * per_batch + i;
      // Chains of three alerts share a device; every fifth alert repeats an earlier one.
      const std::string id = n % 5 == 4 ? "a" + std::to_string(n - 3) : "a" + std::to_string(n);
      out[b].alerts.push_back(testing::MakeTestAlert(
          "acme", id, (n / 3) * kMillisPerHour,
          {"device:mde:" + std::string(40 - std::to_string(n / 3).size(), '0') +
           std::to_string(n / 3)}));
    }
  }
  return out;
}

TEST(PipelinedSinkTest, IngestsLikeTheEngineInLine) {
  InMemoryStore piped_store, inline_store;
  auto piped = Engine::Open(piped_store, std::nullopt);
  auto in_line = Engine::Open(inline_store, std::nullopt);
  ASSERT_TRUE(piped.ok() && in_line.ok());
  IngestResult expected;
  {
    PipelinedSink sink(**piped, [] { return Timestamp{1}; });
    for (ImportBatch& b : Batches(20, 50)) {
      auto r = (*in_line)->Ingest(b.alerts, {}, 1);
      ASSERT_TRUE(r.ok());
      expected.new_alerts += r->new_alerts;
      expected.duplicates += r->duplicates + r->updated_alerts;
      ASSERT_TRUE(sink.Consume(std::move(b)).ok());
    }
    ASSERT_TRUE(sink.Finish().ok());
    EXPECT_EQ(sink.batches(), 20u);
    EXPECT_EQ(sink.totals().new_alerts, expected.new_alerts);
    EXPECT_EQ(sink.totals().duplicates + sink.totals().updated_alerts, expected.duplicates);
  }
  EXPECT_EQ(expected.new_alerts, 800u);
  EXPECT_EQ(testing::ToPartition((*piped)->Grouping()),
            testing::ToPartition((*in_line)->Grouping()));
  EXPECT_EQ((*piped)->Grouping(), (*in_line)->Grouping()) << "same incident ids too";
}

TEST(PipelinedSinkTest, AnEngineErrorStopsTheReaderAndKeepsEarlierBatches) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "weft-pipelined-sink-test";
  std::filesystem::remove_all(dir);
  auto store = OpenRocksStore(dir.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto engine = Engine::Open(**store, std::nullopt);
  ASSERT_TRUE(engine.ok());
  std::vector<ImportBatch> batches = Batches(6, 10);
  batches[2].alerts[0].key = "not-the-tenant/weft/x";  // the store refuses a key outside its tenant
  PipelinedSink sink(**engine, [] { return Timestamp{1}; });
  Status consumed;
  std::size_t handed = 0;
  for (ImportBatch& b : batches) {
    consumed = sink.Consume(std::move(b));
    if (!consumed.ok()) break;
    ++handed;
  }
  const Status finished = sink.Finish();
  EXPECT_EQ(finished.code(), StatusCode::kInvalidArgument) << finished.ToString();
  EXPECT_NE(finished.message().find("does not begin with its tenant"), std::string::npos)
      << finished.ToString();
  EXPECT_LE(handed, 5u) << "the reader is stopped (at most the queued batches got in)";
  EXPECT_EQ(sink.batches(), 2u);
  std::size_t stored = 0;
  ASSERT_TRUE((*store)->ForEachAlert("", [&](const Alert&) { return ++stored > 0; }).ok());
  EXPECT_EQ(stored, 16u) << "the two committed batches stay (20 alerts, 4 of them repeats)";
  engine->reset();
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace weft::cli
