// Pipelined commits change when a batch is written, never what is written: an engine over a
// PipelinedStore leaves exactly the records of an engine over the plain store, on a generated
// multi-cloud stream with duplicates, late alerts and hubs (so batches read records the batch
// before them has not committed yet).

#include <gtest/gtest.h>

#include <map>

#include "bench/generator/generator.h"
#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "graph/pipelined_store.h"

namespace weft {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += s + ",";
  return out;
}

// The stored records, one line each, in key order.
std::vector<std::string> Contents(GraphStore& store) {
  std::vector<std::string> out;
  auto ok = [](const Status& s) { EXPECT_TRUE(s.ok()) << s.ToString(); };
  ok(store.ForEachAlert("", [&](const Alert& a) {
    std::string line = "alert " + a.key + " " + a.title + " ev=";
    for (const Evidence& e : a.evidence) line += e.entity.key + ";";
    line += " prov=" + std::to_string(a.provenances.size());
    out.push_back(line);
    return true;
  }));
  ok(store.ForEachEntity("", [&](const EntityRecord& r) {
    std::string line = "entity " + r.tenant + " " + r.entity.key + " aliases=";
    for (const Alias& a : r.entity.aliases) line += a.type + ":" + a.value + ";";
    out.push_back(line + " conflicts=" + Join(r.conflicts) +
                  " possible=" + Join(r.possible_matches));
    return true;
  }));
  ok(store.ForEachIncident("", [&](const Incident& i) {
    out.push_back("incident " + i.id + " " + std::string(IncidentStatusName(i.status)) + " " +
                  i.redirected_to + " alerts=" + Join(i.alert_keys) +
                  " entities=" + Join(i.entities) + " " + i.title);
    return true;
  }));
  return out;
}

std::vector<std::vector<Alert>> GeneratedBatches(std::size_t records, std::size_t batch_size) {
  generator::GeneratorOptions o;
  o.alerts = records;
  o.tenants = 2;
  o.seed = 7;
  o.duplicate_share = 0.2;  // many second deliveries, often in the very next batch
  auto stream = generator::AlertStream::Create(o);
  EXPECT_TRUE(stream.ok()) << stream.status().ToString();
  std::vector<std::vector<Alert>> batches(1);
  std::vector<generator::GeneratedAlert> chunk;
  while ((*stream)->Next(chunk, 500)) {
    for (generator::GeneratedAlert& g : chunk) {
      if (batches.back().size() == batch_size) batches.emplace_back();
      batches.back().push_back(std::move(g.alert));
    }
  }
  return batches;
}

// The parameter is the pipeline's depth: batches in flight while the engine prepares the next.
class PipelinedIngestTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(PipelinedIngestTest, StoresExactlyWhatSynchronousIngestStores) {
  const std::vector<std::vector<Alert>> batches = GeneratedBatches(6000, 37);
  ASSERT_GT(batches.size(), 100u);
  InMemoryStore plain;
  InMemoryStore under_pipeline;
  {
    PipelinedStore pipelined(under_pipeline, GetParam());
    auto sync_engine = Engine::Open(plain, std::nullopt);
    auto piped_engine = Engine::Open(pipelined, std::nullopt);
    ASSERT_TRUE(sync_engine.ok() && piped_engine.ok());
    std::uint64_t duplicates = 0, updated = 0;
    for (const std::vector<Alert>& batch : batches) {
      auto a = (*sync_engine)->Ingest(batch, {}, 1);
      auto b = (*piped_engine)->Ingest(batch, {}, 1);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      EXPECT_EQ(a->new_alerts, b->new_alerts);
      EXPECT_EQ(a->updated_alerts, b->updated_alerts);
      EXPECT_EQ(a->duplicates, b->duplicates);
      EXPECT_EQ(a->incidents_written, b->incidents_written);
      duplicates += b->duplicates;
      updated += b->updated_alerts;
    }
    ASSERT_TRUE((*piped_engine)->Sync().ok());
    EXPECT_GT(duplicates + updated, 500u) << "the stream should re-deliver alerts across batches";
    EXPECT_EQ((*sync_engine)->Grouping(), (*piped_engine)->Grouping());
  }
  const std::vector<std::string> expected = Contents(plain);
  const std::vector<std::string> actual = Contents(under_pipeline);
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(expected[i], actual[i]) << i;

  // And a reopened engine agrees with what it committed.
  RecorrelateOptions dry;
  dry.dry_run = true;
  auto diff = Engine::Recorrelate(under_pipeline, dry);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_TRUE(diff->no_change());
}

INSTANTIATE_TEST_SUITE_P(Depths, PipelinedIngestTest, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace weft
