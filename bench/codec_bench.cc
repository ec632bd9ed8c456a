// The record codec on its own (persistence/internal/codec.h): encoding what a durable batch
// writes, and decoding what a re-correlation and a reopen read from every stored record, with no
// RocksDB around it. The records are the generator's (10,000 alerts of the default stream, the
// entities of their evidence, one incident per alert), encoded once for the decoders; each
// iteration encodes or decodes all of them; items/s = records/s, bytes/s = encoded bytes/s.
// Run a Release build:
//   ./build/release/bench/weft_codec_bench

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "bench/default_stream.h"
#include "graph/graph_store.h"
#include "model/alert.h"
#include "model/incident.h"
#include "persistence/internal/codec.h"

namespace weft {
namespace {

struct Encoded {
  std::vector<std::pair<std::string, std::string>> alerts;     // key, bytes
  std::vector<std::pair<EntityRecord, std::string>> entities;  // record (for its keys), bytes
  std::vector<Alert> alert_records;                            // what `alerts` encodes
  std::vector<Incident> incidents;  // one per alert: its key and its entities' keys
};

const Encoded& Records() {
  static const Encoded kEncoded = [] {
    Encoded e;
    for (const Alert& alert : bench::DefaultStreamAlerts(10000)) {
      e.alerts.emplace_back(alert.key, codec::EncodeAlert(alert));
      e.alert_records.push_back(alert);
      Incident& inc = e.incidents.emplace_back();
      inc.id = MakeIncidentId(alert.key);
      inc.tenant = alert.tenant;
      inc.severity = alert.severity;
      inc.first_activity = inc.last_activity = alert.activity_time();
      inc.alert_keys = {alert.key};
      inc.title = alert.title;
      inc.sources = {alert.source};
      inc.clouds = {alert.cloud};
      for (const Evidence& ev : alert.evidence) {
        inc.entities.push_back(ev.entity.key);
        EntityRecord r;
        r.tenant = alert.tenant;
        r.entity = ev.entity;
        std::string bytes = codec::EncodeEntityRecord(r);
        e.entities.emplace_back(std::move(r), std::move(bytes));
      }
      std::sort(inc.entities.begin(), inc.entities.end());
    }
    return e;
  }();
  return kEncoded;
}

// Each record appended to one reused buffer, as RocksStore::Apply encodes a batch.
template <typename Record, typename Append>
void EncodeAll(benchmark::State& state, const std::vector<Record>& records, Append append) {
  std::string value;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    for (const Record& record : records) {
      value.clear();
      append(record, value);
      bytes += static_cast<std::int64_t>(value.size());
      benchmark::DoNotOptimize(value.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(records.size()));
  state.SetBytesProcessed(bytes);
}

void BM_EncodeAlert(benchmark::State& state) {
  EncodeAll(state, Records().alert_records,
            [](const Alert& a, std::string& out) { codec::AppendAlert(a, out); });
}
BENCHMARK(BM_EncodeAlert)->Unit(benchmark::kMicrosecond);

void BM_EncodeEntityRecord(benchmark::State& state) {
  std::vector<EntityRecord> records;
  for (const auto& [record, bytes] : Records().entities) records.push_back(record);
  EncodeAll(state, records,
            [](const EntityRecord& r, std::string& out) { codec::AppendEntityRecord(r, out); });
}
BENCHMARK(BM_EncodeEntityRecord)->Unit(benchmark::kMicrosecond);

void BM_EncodeIncident(benchmark::State& state) {
  EncodeAll(state, Records().incidents,
            [](const Incident& i, std::string& out) { codec::AppendIncident(i, out); });
}
BENCHMARK(BM_EncodeIncident)->Unit(benchmark::kMicrosecond);

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
