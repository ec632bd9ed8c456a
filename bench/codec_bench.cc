// The record codec on its own (persistence/internal/codec.h): decoding what a re-correlation and
// a reopen read from every stored record, with no RocksDB around it. The records are the
// generator's (10,000 alerts of the default stream, the entities of their evidence), encoded
// once; each iteration decodes all of them; items/s = records/s. Run a Release build:
//   ./build/release/bench/weft_codec_bench

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "bench/generator/generator.h"
#include "graph/graph_store.h"
#include "model/alert.h"
#include "persistence/internal/codec.h"

namespace weft {
namespace {

struct Encoded {
  std::vector<std::pair<std::string, std::string>> alerts;     // key, bytes
  std::vector<std::pair<EntityRecord, std::string>> entities;  // record (for its keys), bytes
};

const Encoded& Records() {
  static const Encoded kEncoded = [] {
    Encoded e;
    generator::GeneratorOptions options;
    options.alerts = 10000;
    Result<std::unique_ptr<generator::AlertStream>> stream =
        generator::AlertStream::Create(options);
    if (!stream.ok()) abort();
    std::vector<generator::GeneratedAlert> batch;
    while ((*stream)->Next(batch)) {
      for (const generator::GeneratedAlert& g : batch) {
        e.alerts.emplace_back(g.alert.key, codec::EncodeAlert(g.alert));
        for (const Evidence& ev : g.alert.evidence) {
          EntityRecord r;
          r.tenant = g.alert.tenant;
          r.entity = ev.entity;
          std::string bytes = codec::EncodeEntityRecord(r);
          e.entities.emplace_back(std::move(r), std::move(bytes));
        }
      }
      batch.clear();
    }
    return e;
  }();
  return kEncoded;
}

// What a replay reads of each alert (the correlation fields, views into the record).
void BM_DecodeAlertSummary(benchmark::State& state) {
  const Encoded& r = Records();
  AlertSummary summary;
  for (auto _ : state) {
    for (const auto& [key, bytes] : r.alerts) {
      if (!codec::DecodeAlertSummary(key, bytes, summary).ok()) abort();
      benchmark::DoNotOptimize(summary.evidence.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(r.alerts.size()));
}
BENCHMARK(BM_DecodeAlertSummary)->Unit(benchmark::kMicrosecond);

// Whole alerts, as GetAlert and a full scan decode them.
void BM_DecodeAlert(benchmark::State& state) {
  const Encoded& r = Records();
  for (auto _ : state) {
    for (const auto& [key, bytes] : r.alerts) {
      Result<Alert> a = codec::DecodeAlert(key, bytes);
      if (!a.ok()) abort();
      benchmark::DoNotOptimize(a->title.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(r.alerts.size()));
}
BENCHMARK(BM_DecodeAlert)->Unit(benchmark::kMicrosecond);

// Entity records decoded into one reused slot, as a replay's entity scan does.
void BM_DecodeEntityRecordInto(benchmark::State& state) {
  const Encoded& r = Records();
  EntityRecord slot;
  for (auto _ : state) {
    for (const auto& [record, bytes] : r.entities) {
      if (!codec::DecodeEntityRecordInto(record.tenant, record.entity.key, bytes, slot).ok())
        abort();
      benchmark::DoNotOptimize(slot.entity.key.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(r.entities.size()));
}
BENCHMARK(BM_DecodeEntityRecordInto)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
