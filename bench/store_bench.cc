// Store benchmarks: write throughput of big batches, reopen time, full scans (alerts, incidents
// whole or their members in place) and the WAL checksum of the RocksDB GraphStore
// (persistence/). Numbers and the machine they came from are in
// docs/adr/0002-storage-layout.md. Run a Release build:
//   ./build/release/bench/weft_store_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/scratch_dir.h"
#include "model/alert.h"
#include "model/incident.h"
#include "persistence/interpose/crc32c.h"
#include "persistence/rocks_store.h"

namespace weft {
namespace {

using bench::ScratchDir;

// A realistic alert: ~3 evidence entities (device, user, ip) with aliases and properties,
// MITRE tags, a provenance. About 460 bytes encoded.
Alert MakeAlert(std::int64_t n) {
  const std::string s = std::to_string(n);
  Alert a;
  a.tenant = "tenant-" + std::to_string(n % 4);
  a.source = SourceProduct::kDefenderForEndpoint;
  a.provider_id = "da63845" + s;
  a.alert_type = "SuspiciousPowerShell";
  a.title = "Suspicious PowerShell command line";
  a.description = "A process executed a base64-encoded PowerShell command on the device.";
  a.severity = Severity::kHigh;
  a.native_severity = "High";
  a.first_activity = 1717695170000 + n * 1000;
  a.created = a.first_activity + 5000;
  a.ingested = a.first_activity + 9000;
  a.tactics = {"Execution"};
  a.techniques = {"T1059.001"};
  Evidence device;
  device.role = EvidenceRole::kImpacted;
  device.entity.kind = EntityKind::kDevice;
  device.entity.key = "device:mde:" + std::to_string(n % 5000);
  device.entity.display_name = "host-" + std::to_string(n % 5000);
  device.entity.aliases = {
      {"mde", std::to_string(n % 5000), AliasStrength::kStrong, "Defender for Endpoint"},
      {"host", device.entity.display_name, AliasStrength::kWeak, ""}};
  device.entity.properties = {{"os", "Windows11"}};
  Evidence user;
  user.entity.kind = EntityKind::kUser;
  user.entity.key = "user:user" + std::to_string(n % 2000) + "@contoso.com";
  user.entity.aliases = {
      {"upn", "user" + std::to_string(n % 2000) + "@contoso.com", AliasStrength::kStrong, ""}};
  Evidence ip;
  ip.entity.kind = EntityKind::kIp;
  ip.entity.key = "ip:10.0." + std::to_string(n % 250) + "." + std::to_string(n % 200);
  a.evidence = {device, user, ip};
  a.provenances = {{"defender-endpoint-api", "alerts.ndjson", "line " + s, ""}};
  if (!FinalizeAlert(a).ok()) abort();
  return a;
}

std::unique_ptr<GraphStore> Open(const std::string& dir, const RocksStoreOptions& options = {}) {
  Result<std::unique_ptr<GraphStore>> s = OpenRocksStore(dir, options);
  if (!s.ok()) {
    fprintf(stderr, "%s\n", s.status().ToString().c_str());
    abort();
  }
  return std::move(s).value();
}

void Fill(GraphStore& store, std::int64_t alerts) {
  for (std::int64_t i = 0; i < alerts; i += 1000) {
    WriteBatch b;
    for (std::int64_t j = i; j < std::min(alerts, i + 1000); ++j) b.alerts.push_back(MakeAlert(j));
    if (!store.Apply(b).ok()) abort();
  }
}

// Applies batches of state.range(0) new alerts; items/s = alerts/s.
void ApplyBatches(benchmark::State& state, bool sync) {
  ScratchDir dir("store_bench");
  RocksStoreOptions options;
  options.sync = sync;
  std::unique_ptr<GraphStore> store = Open(dir.store(), options);
  const std::int64_t n = state.range(0);
  std::int64_t next = 0;
  WriteBatch batch;
  for (std::int64_t i = 0; i < n; ++i) batch.alerts.push_back(MakeAlert(i));
  for (auto _ : state) {
    state.PauseTiming();
    for (Alert& a : batch.alerts) {  // new keys each round, so the store grows
      a.provider_id = "da63845" + std::to_string(next++);
      a.key = MakeAlertKey(a.tenant, a.source, a.provider_id);
    }
    state.ResumeTiming();
    const Status s = store->Apply(batch);
    benchmark::DoNotOptimize(s.ok());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["alerts_stored"] = static_cast<double>(next);
}

void BM_ApplyBatch(benchmark::State& state) { ApplyBatches(state, false); }
BENCHMARK(BM_ApplyBatch)
    ->RangeMultiplier(10)
    ->Range(100, 10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ApplyBatchSync(benchmark::State& state) { ApplyBatches(state, true); }
BENCHMARK(BM_ApplyBatchSync)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

// A durable ingest's write shape: each batch of state.range(0) alerts in random key order, as
// alert keys are (they end in a provider's id or hash), with about 0.9 new entity records and
// 0.9 incident rewrites per alert, also at random keys, as `weft bench`'s durable stage writes
// them (docs/benchmarks.md). BM_ApplyBatch's near-sequential alert keys let the skip list and
// the compactions off lightly; this is the shape the memtable insert hint is for. The store
// grows by 2.8 records per alert across iterations; items/s = alerts/s.
void BM_ApplyShapedBatch(benchmark::State& state) {
  ScratchDir dir("store_bench");
  std::unique_ptr<GraphStore> store = Open(dir.store());
  const std::int64_t n = state.range(0);
  std::uint64_t next = 0;
  auto hex = [](std::uint64_t v) {
    v *= 0x9E3779B97F4A7C15ULL;  // a bijection: distinct inputs, scattered outputs
    char buf[17];
    snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v ^ (v >> 29)));
    return std::string(buf);
  };
  WriteBatch batch;
  for (std::int64_t i = 0; i < n; ++i) batch.alerts.push_back(MakeAlert(i));
  for (std::int64_t i = 0; i < n * 9 / 10; ++i) {
    const std::string tenant = "tenant-" + std::to_string(i % 4);
    EntityRecord e;
    e.tenant = tenant;
    e.entity = batch.alerts[static_cast<std::size_t>(i)].evidence.front().entity;  // a device
    batch.entities.push_back(std::move(e));
    Incident inc;
    inc.tenant = tenant;
    inc.title = "Suspicious PowerShell command line";
    inc.alert_keys = {batch.alerts[static_cast<std::size_t>(i)].key};
    inc.entities = {"device:mde:1", "user:user1@contoso.com"};
    batch.incidents.push_back(std::move(inc));
  }
  for (auto _ : state) {
    state.PauseTiming();
    for (Alert& a : batch.alerts) {
      a.provider_id = hex(next++);
      a.key = MakeAlertKey(a.tenant, a.source, a.provider_id);
    }
    for (EntityRecord& e : batch.entities) e.entity.key = "device:mde:" + hex(next++);
    for (Incident& inc : batch.incidents) inc.id = "inc-" + hex(next++);
    state.ResumeTiming();
    const Status s = store->Apply(batch);
    if (!s.ok()) abort();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["records_stored"] = static_cast<double>(next);
}
BENCHMARK(BM_ApplyShapedBatch)->Arg(1000)->Iterations(300)->Unit(benchmark::kMillisecond);

// The point reads a durable ingest makes between its writes: a re-delivered alert is read back
// to merge it (about 5% of a stream). Batches of 1,000 alerts at random keys go in as
// BM_ApplyShapedBatch's do, so the alerts are spread over memtables of many sorted runs and
// over table files; after each batch, 50 alerts written earlier (half from the last 20 batches,
// half from anywhere) are read. Only the reads are timed; items/s = reads/s.
void BM_GetAlertWhileWriting(benchmark::State& state) {
  ScratchDir dir("store_bench");
  std::unique_ptr<GraphStore> store = Open(dir.store());
  std::vector<std::string> written;
  std::uint64_t next = 0, rng = 88172645463325252ULL;
  auto random = [&rng] {  // xorshift64: the same reads in every run
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  WriteBatch batch;
  for (std::int64_t i = 0; i < 1000; ++i) batch.alerts.push_back(MakeAlert(i));
  std::int64_t reads = 0;
  for (auto _ : state) {
    for (Alert& a : batch.alerts) {
      char id[17];
      snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(random()));
      a.provider_id = id;
      a.key = MakeAlertKey(a.tenant, a.source, a.provider_id);
      written.push_back(a.key);
      ++next;
    }
    if (!store->Apply(batch).ok()) abort();
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < 50; ++r) {
      const std::size_t recent = std::min<std::size_t>(written.size(), 20'000);
      const std::size_t i =
          r % 2 == 0 ? written.size() - 1 - random() % recent : random() % written.size();
      Result<std::optional<Alert>> a = store->GetAlert(written[i]);
      if (!a.ok() || !a->has_value()) abort();
      benchmark::DoNotOptimize(a->value().title.data());
    }
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    reads += 50;
  }
  state.SetItemsProcessed(reads);
  state.counters["alerts_stored"] = static_cast<double>(next);
}
BENCHMARK(BM_GetAlertWhileWriting)
    ->Iterations(1000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Opens (and closes) a store holding state.range(0) alerts.
void BM_Reopen(benchmark::State& state) {
  ScratchDir dir("store_bench");
  {
    std::unique_ptr<GraphStore> store = Open(dir.store());
    Fill(*store, state.range(0));
  }
  for (auto _ : state) {
    std::unique_ptr<GraphStore> store = Open(dir.store());
    benchmark::DoNotOptimize(store.get());
  }
}
BENCHMARK(BM_Reopen)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Scans (and decodes) every alert of a store with state.range(0) alerts; items/s = alerts/s.
void BM_ScanAlerts(benchmark::State& state) {
  ScratchDir dir("store_bench");
  std::unique_ptr<GraphStore> store = Open(dir.store());
  Fill(*store, state.range(0));
  std::int64_t seen = 0;
  for (auto _ : state) {
    const Status s = store->ForEachAlert("", [&seen](const Alert& a) {
      benchmark::DoNotOptimize(a.key.data());
      ++seen;
      return true;
    });
    if (!s.ok()) abort();
  }
  state.SetItemsProcessed(seen);
}
BENCHMARK(BM_ScanAlerts)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// One tenant out of four: the prefix seek skips the other three quarters.
void BM_ScanOneTenant(benchmark::State& state) {
  ScratchDir dir("store_bench");
  std::unique_ptr<GraphStore> store = Open(dir.store());
  Fill(*store, state.range(0));
  std::int64_t seen = 0;
  for (auto _ : state) {
    const Status s = store->ForEachAlert("tenant-2", [&seen](const Alert&) {
      ++seen;
      return true;
    });
    if (!s.ok()) abort();
  }
  state.SetItemsProcessed(seen);
}
BENCHMARK(BM_ScanOneTenant)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GetAlert(benchmark::State& state) {
  ScratchDir dir("store_bench");
  std::unique_ptr<GraphStore> store = Open(dir.store());
  Fill(*store, state.range(0));
  std::int64_t i = 0;
  for (auto _ : state) {
    const Alert probe = MakeAlert((i++ * 7919) % state.range(0));
    Result<std::optional<Alert>> a = store->GetAlert(probe.key);
    if (!a.ok() || !a->has_value()) abort();
    benchmark::DoNotOptimize(a->value().title.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetAlert)->Arg(100000)->Unit(benchmark::kMicrosecond);

// An incident of one to three alerts and four entities, shaped as the engine writes them.
Incident MakeIncident(std::int64_t n) {
  const std::string s = std::to_string(n);
  Incident i;
  i.id = FormatIncidentId(IncidentIdHash(s));
  i.tenant = "tenant-" + std::to_string(n % 4);
  i.severity = Severity::kHigh;
  i.first_activity = 1717695170000 + n * 1000;
  i.last_activity = i.first_activity + 60000;
  for (std::int64_t k = 0; k <= n % 3; ++k)
    i.alert_keys.push_back(i.tenant + "/mde/da63845" + s + "-" + std::to_string(k));
  i.entities = {
      "device:azure-vm-id:/subscriptions/0b2c/resourcegroups/rg-prod/providers/"
      "microsoft.compute/virtualmachines/vm-" +
          s,
      "ip:10.1." + std::to_string(n % 200) + "." + std::to_string(n % 250),
      "process:powershell.exe", "user:upn:alice" + s + "@contoso.com"};
  i.title = "Suspicious PowerShell command line on vm-" + s;
  i.sources = {SourceProduct::kDefenderForEndpoint};
  i.clouds = {Cloud::kAzure};
  return i;
}

// Scans every incident of a store with state.range(0) of them: arg 1 = 0 decodes each whole
// (ForEachIncident), 1 reads its id, tenant, status and alert keys in place
// (ForEachIncidentMembers, what a re-correlation needs); items/s = incidents/s.
void BM_ScanIncidents(benchmark::State& state) {
  ScratchDir dir("store_bench");
  std::unique_ptr<GraphStore> store = Open(dir.store());
  for (std::int64_t i = 0; i < state.range(0); i += 1000) {
    WriteBatch b;
    for (std::int64_t j = i; j < std::min(state.range(0), i + 1000); ++j)
      b.incidents.push_back(MakeIncident(j));
    if (!store->Apply(b).ok()) abort();
  }
  std::int64_t seen = 0;
  for (auto _ : state) {
    const Status s = state.range(1) == 0
                         ? store->ForEachIncident("",
                                                  [&seen](const Incident& i) {
                                                    benchmark::DoNotOptimize(i.alert_keys.data());
                                                    ++seen;
                                                    return true;
                                                  })
                         : store->ForEachIncidentMembers("", [&seen](const IncidentMembers& m) {
                             benchmark::DoNotOptimize(m.alert_keys.data());
                             ++seen;
                             return true;
                           });
    if (!s.ok()) abort();
  }
  state.SetItemsProcessed(seen);
  state.SetLabel(state.range(1) == 0 ? "whole incidents" : "members in place");
}
BENCHMARK(BM_ScanIncidents)
    ->Args({100000, 0})
    ->Args({100000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The WAL checksum of one record fragment (RocksDB's log writer checksums up to 32 KiB at a
// time): arg 0 weft's crc32 instruction, arg 1 the library's own table-driven code (ADR 0011).
void BM_WalChecksum(benchmark::State& state) {
  const auto checksum = state.range(0) == 0 ? rocks::Crc32cExtend : rocks::RocksDbOwnCrc32cExtend;
  std::string fragment(32 * 1024, '\0');
  for (std::size_t i = 0; i < fragment.size(); ++i) fragment[i] = static_cast<char>(i * 131 + 7);
  std::uint32_t crc = 0;
  for (auto _ : state) {
    crc = checksum(crc, fragment.data(), fragment.size());
    benchmark::DoNotOptimize(crc);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(fragment.size()));
  state.SetLabel(state.range(0) == 0 ? (rocks::Crc32cUsesHardware() ? "weft, crc32 instruction"
                                                                    : "weft, the library's code")
                                     : "RocksDB's own");
}
BENCHMARK(BM_WalChecksum)->Arg(0)->Arg(1);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
