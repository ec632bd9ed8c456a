#include "cli/bench_runner.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "bench/generator/generator.h"
#include "bench/union_find_floor.h"
#include "cli/bench_measure.h"
#include "cli/bench_stages.h"
#include "cli/ingest_runner.h"
#include "cli/scipy_baseline.h"
#include "engine/correlator.h"
#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "graph/pipelined_store.h"
#include "importers/importer.h"
#include "model/canonical.h"
#include "persistence/interpose/crc32c.h"
#include "persistence/naive_layout_probe.h"
#include "persistence/rocks_store.h"

namespace weft::cli {
namespace bench_internal {
Status Runner::ForEachBatch(
    std::uint64_t records, Progress& bar,
    const std::function<Status(std::vector<generator::GeneratedAlert>&)>& visit) {
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<generator::AlertStream> stream,
                        generator::AlertStream::Create(Gen(records, "mixed")));
  std::vector<generator::GeneratedAlert> chunk, batch;
  std::uint64_t seen = 0;
  while (stream->Next(chunk, kBatch)) {
    for (generator::GeneratedAlert& g : chunk) {
      ++seen;
      if (g.informational) continue;  // below the importer's default floor: never ingested
      batch.push_back(std::move(g));
      if (batch.size() == kBatch) {
        WEFT_RETURN_IF_ERROR(visit(batch));
        batch.clear();
      }
    }
    bar.Update(seen);
  }
  if (!batch.empty()) WEFT_RETURN_IF_ERROR(visit(batch));
  return Status::Ok();
}

Status Runner::ParseFormat(const std::string& format, const std::string& key) {
  const std::uint64_t records = std::min(o_.alerts, o_.parse_cap);
  const std::string dir = scratch_->path() + "/parse-" + format;
  Progress bar(progress_, "parse " + format, 2);
  WEFT_RETURN_IF_ERROR(generator::GenerateToDirectory(Gen(records, format), dir).status());
  bar.Update(1);
  ImportOptions options;
  WEFT_ASSIGN_OR_RETURN(options.tenants, TenantMap::Load(dir + "/tenants.json"));
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/alerts")) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Importer> importer, Importer::Create(options));
  CountingSink sink;
  const Clock::time_point start = Clock::now();
  for (const std::string& f : files) WEFT_RETURN_IF_ERROR(importer->ImportPath(f, sink));
  WEFT_RETURN_IF_ERROR(importer->Flush(sink));
  const double s = Since(start);
  const ImportCounts& c = importer->counts();
  Add(key + "_alerts_per_s", static_cast<double>(c.records) / s, "alerts/s");
  Add(key + "_mb_per_s", static_cast<double>(c.bytes) / 1e6 / s, "MB/s");
  Add(key + "_records", static_cast<double>(c.records), "");
  Add(key + "_rejected", static_cast<double>(c.rejected), "");
  bar.Done(std::to_string(c.records) + " records, " + std::to_string(c.rejected) + " rejected, " +
           std::to_string(static_cast<long long>(c.records / s)) + " alerts/s");
  if (!Skipped("e2e")) WEFT_RETURN_IF_ERROR(EndToEnd(format, dir));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return Status::Ok();
}

// The files just parsed, ingested as `weft ingest` does (reading pipelined with the engine, a
// fresh RocksDB store, WAL on, batches of 1,000): files in, incidents maintained and durable.
Status Runner::EndToEnd(const std::string& format, const std::string& dir) {
  const std::string key = format == "weft" ? "e2e_ingest" : "e2e_ingest_json";
  Progress bar(progress_, "e2e " + format, 1);
  const std::string store_dir = scratch_->path() + "/e2e-" + format;
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<GraphStore> rocks, OpenRocksStore(store_dir));
  auto store = std::make_unique<PipelinedStore>(std::move(rocks));  // as `weft ingest` does
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(*store, CorrelationConfig{}));
  cli::IngestSettings settings;
  settings.paths = {dir + "/alerts"};
  settings.tenants_file = dir + "/tenants.json";
  settings.quiet_rejects = true;
  const Clock::time_point start = Clock::now();
  WEFT_ASSIGN_OR_RETURN(cli::IngestReport report, cli::IngestInto(*engine, settings));
  engine.reset();
  store.reset();  // closing flushes: part of making the run durable
  const double s = Since(start);
  Add(key + "_alerts_per_s", static_cast<double>(report.counts.alerts) / s, "alerts/s");
  Add(key + "_records", static_cast<double>(report.counts.records), "");
  bar.Done(std::to_string(report.counts.alerts) + " alerts, " +
           std::to_string(static_cast<long long>(report.counts.alerts / s)) + " alerts/s");
  std::error_code ec;
  std::filesystem::remove_all(store_dir, ec);
  return Status::Ok();
}

Status Runner::Parse() {
  WEFT_RETURN_IF_ERROR(ParseFormat("mixed", "parse"));  // the six JSON source formats
  return ParseFormat("weft", "parse_weft");             // the compact JSON-lines form
}

Status Runner::CollectIds(std::uint64_t records, IdStream& ids) {
  const CorrelationConfig config;
  std::unordered_map<std::string, Correlator::TenantId> tenants;
  std::unordered_map<std::uint64_t, Correlator::EntityId> entities;
  std::unordered_set<std::uint64_t> seen;
  Progress bar(progress_, "ids", records);
  WEFT_RETURN_IF_ERROR(
      ForEachBatch(records, bar, [&](std::vector<generator::GeneratedAlert>& batch) {
        for (const generator::GeneratedAlert& g : batch) {
          const Alert& a = g.alert;
          const std::uint64_t key_hash = StableHash(a.key);
          if (!seen.insert(key_hash).second) continue;  // a second delivery: the engine merges it
          const auto [tit, tnew] =
              tenants.emplace(a.tenant, static_cast<Correlator::TenantId>(tenants.size()));
          if (tnew) ids.tenant_names.push_back(a.tenant);
          ids.tenant.push_back(tit->second);
          ids.time.push_back(a.activity_time());
          for (const Evidence& ev : a.evidence) {
            const std::uint64_t h = StableHash(a.tenant + '\0' + ev.entity.key);
            const auto [eit, enew] =
                entities.emplace(h, static_cast<Correlator::EntityId>(entities.size()));
            if (enew) {
              const Entity& e = ev.entity;
              const bool private_ip = e.kind == EntityKind::kIp && e.properties.count("scope") != 0;
              ids.entity_tenant.push_back(tit->second);
              ids.entity_correlating.push_back(config.Correlates(e.kind, e.key, private_ip) ? 1
                                                                                            : 0);
            }
            ids.entities.push_back(eit->second);
          }
          ids.offsets.push_back(static_cast<std::uint32_t>(ids.entities.size()));
        }
        return Status::Ok();
      }));
  bar.Done(std::to_string(ids.tenant.size()) + " distinct alerts, " +
           std::to_string(entities.size()) + " entities");
  return Status::Ok();
}

Runner::CorrelateRun Runner::CorrelateOnce(const IdStream& ids) {
  CorrelateRun run;
  Correlator c{CorrelationConfig{}};
  std::vector<Correlator::EntityId> scratch;
  std::size_t next_entity = 0;
  const std::size_t n = ids.tenant.size();
  const Clock::time_point start = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    scratch.assign(ids.entities.begin() + ids.offsets[i],
                   ids.entities.begin() + ids.offsets[i + 1]);
    for (Correlator::EntityId e : scratch) {
      while (next_entity <= e) {  // ids were assigned in order of first appearance
        c.AddEntity(ids.entity_tenant[next_entity], ids.entity_correlating[next_entity] != 0);
        ++next_entity;
      }
    }
    c.AddAlert(ids.tenant[i], ids.time[i], scratch);
    if ((i + 1) % kBatch == 0 || i + 1 == n) {
      c.SettleTenants();
      run.dirty_roots += c.TakeDirtyRoots().size();
    }
  }
  run.seconds = Since(start);
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<Correlator::AlertId>(i);
    if (c.Component(a) == a) {
      ++run.incidents;
      if (c.ComponentSize(a) > 1) ++run.multi_alert_incidents;
    }
  }
  return run;
}

Runner::CorrelateRun Runner::FloorOnce(const IdStream& ids) {
  CorrelateRun run;
  const std::size_t n = ids.tenant.size();
  const Clock::time_point start = Clock::now();
  weft::bench::UnionFindFloor floor(ids.entity_correlating, n, *CorrelationConfig{}.window);
  for (std::size_t i = 0; i < n; ++i) {
    floor.Add(ids.time[i],
              std::span<const Correlator::EntityId>(ids.entities.data() + ids.offsets[i],
                                                    ids.offsets[i + 1] - ids.offsets[i]));
  }
  run.seconds = Since(start);
  run.incidents = floor.Components();
  return run;
}

Status Runner::Correlate(const IdStream& ids, const IdStream* base) {
  // One run is 0.2 s at 1M, and on this kind of VM its page faults alone moved it between 2.8
  // and 5.0 M alerts/s from one process to the next: the figure is the median of several runs,
  // each starting from memory returned to the system. Runs of the union-find floor alternate
  // with them, so that both see the same hour of the host, and so do the runs on `base`.
  constexpr int kCorrelateRuns = 5;
  Progress bar(progress_, "correlate", kCorrelateRuns);
  std::vector<double> seconds, floor_seconds, base_seconds, base_floor_seconds;
  CorrelateRun run, floor;
  // SciPy's batch job on the same ids (and the base's), in its own process, one run a round
  // (scipy_baseline.h).
  std::vector<ScipyRun> scipy, base_scipy;
  const std::string ids_file = scratch_->path() + "/ids.bin";
  const std::string base_ids_file = scratch_->path() + "/ids-base.bin";
  bool with_scipy = !Skipped("scipy");
  if (with_scipy) {
    WEFT_RETURN_IF_ERROR(WriteIdStream(ids, *CorrelationConfig{}.window, ids_file));
    if (base != nullptr)
      WEFT_RETURN_IF_ERROR(WriteIdStream(*base, *CorrelationConfig{}.window, base_ids_file));
  }
  for (int r = 0; r < kCorrelateRuns; ++r) {
    ResetPeak();  // returns the previous run's memory
    floor = FloorOnce(ids);
    floor_seconds.push_back(floor.seconds);
    ResetPeak();
    run = CorrelateOnce(ids);
    seconds.push_back(run.seconds);
    if (base != nullptr) {
      ResetPeak();
      base_floor_seconds.push_back(FloorOnce(*base).seconds);
      ResetPeak();
      base_seconds.push_back(CorrelateOnce(*base).seconds);
    }
    WEFT_RETURN_IF_ERROR(ScipyRound(ids_file, &scipy, &with_scipy));
    if (base != nullptr) WEFT_RETURN_IF_ERROR(ScipyRound(base_ids_file, &base_scipy, &with_scipy));
    bar.Update(static_cast<std::uint64_t>(r + 1));
  }
  const auto n = static_cast<double>(ids.tenant.size());
  const double median = n / Percentile(seconds, 0.5);
  const double floor_median = n / Percentile(floor_seconds, 0.5);
  Add("correlate_alerts_per_s", median, "alerts/s");
  Add("correlate_min_alerts_per_s", n / *std::max_element(seconds.begin(), seconds.end()),
      "alerts/s");
  Add("correlate_max_alerts_per_s", n / *std::min_element(seconds.begin(), seconds.end()),
      "alerts/s");
  Add("correlate_s", n / median, "s");
  Add("correlate_incidents", static_cast<double>(run.incidents), "");
  Add("correlate_multi_alert_incidents", static_cast<double>(run.multi_alert_incidents), "");
  Add("correlate_dirty_roots", static_cast<double>(run.dirty_roots), "");
  Add("correlate_floor_alerts_per_s", floor_median, "alerts/s");
  Add("correlate_floor_incidents", static_cast<double>(floor.incidents), "");
  Add("correlate_floor_ratio", floor_median / median, "x");
  if (base != nullptr) {
    Add("scale_base_correlate_alerts_per_s",
        static_cast<double>(base->tenant.size()) / Percentile(base_seconds, 0.5), "alerts/s");
    Add("scale_correlate_x", Percentile(seconds, 0.5) / Percentile(base_seconds, 0.5), "x");
    Add("scale_floor_x", Percentile(floor_seconds, 0.5) / Percentile(base_floor_seconds, 0.5), "x");
  }
  std::string note = std::to_string(static_cast<long long>(median)) + " alerts/s (median of " +
                     std::to_string(kCorrelateRuns) + "), " + std::to_string(run.incidents) +
                     " incidents; union-find floor " +
                     std::to_string(static_cast<long long>(floor_median)) + " alerts/s";
  if (!scipy.empty()) {
    WEFT_ASSIGN_OR_RETURN(const double scipy_rate,
                          AddScipyFigures(scipy, base_scipy, median, floor.incidents));
    note += "; SciPy " + std::to_string(static_cast<long long>(scipy_rate)) + " alerts/s";
  }
  std::error_code ec;  // the id files can be hundreds of MB: not kept for the later stages
  std::filesystem::remove(ids_file, ec);
  std::filesystem::remove(base_ids_file, ec);
  bar.Done(note);
  return Status::Ok();
}

Status Runner::Naive() {
  const std::uint64_t records = std::min(o_.alerts, o_.naive_cap);
  const std::string dir = scratch_->path() + "/naive";
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<NaiveLayoutProbe> probe, NaiveLayoutProbe::Create(dir));
  Progress bar(progress_, "naive", records);
  std::vector<Alert> input;
  std::uint64_t alerts = 0;
  double total = 0;
  WEFT_RETURN_IF_ERROR(
      ForEachBatch(records, bar, [&](std::vector<generator::GeneratedAlert>& batch) {
        input.clear();
        for (generator::GeneratedAlert& g : batch) input.push_back(std::move(g.alert));
        const Clock::time_point start = Clock::now();
        Status s = probe->Write(input);
        total += Since(start);
        alerts += input.size();
        return s;
      }));
  const double rate = static_cast<double>(alerts) / total;
  Add("naive_layout_alerts_per_s", rate, "alerts/s");
  Add("naive_layout_alerts", static_cast<double>(alerts), "");
  Add("naive_layout_puts_per_alert",
      static_cast<double>(probe->puts()) / static_cast<double>(alerts), "");
  Add("naive_layout_disk_bytes_per_alert",
      static_cast<double>(probe->DiskBytes()) / static_cast<double>(alerts), "bytes");
  if (durable_s_ > 0) {
    const double durable_rate = static_cast<double>(durable_alerts_) / durable_s_;
    Add("durable_vs_naive_ratio", durable_rate / rate, "");
  }
  bar.Done(std::to_string(static_cast<long long>(rate)) + " alerts/s");
  probe.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return Status::Ok();
}

Status Runner::EngineInMemory() {
  const std::uint64_t records = std::min(o_.alerts, o_.engine_cap);
  InMemoryStore store;
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(store, CorrelationConfig{}));
  const Timestamp now = generator::GeneratorOptions{}.start + generator::GeneratorOptions{}.span;
  Progress bar(progress_, "engine", records);
  std::uint64_t alerts = 0;
  double total = 0;
  WEFT_RETURN_IF_ERROR(
      ForEachBatch(records, bar, [&](std::vector<generator::GeneratedAlert>& batch) {
        std::vector<Alert> input;
        input.reserve(batch.size());
        for (generator::GeneratedAlert& g : batch) input.push_back(std::move(g.alert));
        alerts += input.size();
        const Clock::time_point start = Clock::now();
        Result<IngestResult> r = engine->Ingest(std::move(input), {}, now);
        total += Since(start);
        return r.status();
      }));
  const double rate = static_cast<double>(alerts) / total;
  Add("engine_inmemory_alerts_per_s", rate, "alerts/s");
  Add("engine_inmemory_alerts", static_cast<double>(alerts), "");
  bar.Done(std::to_string(static_cast<long long>(rate)) + " alerts/s");
  return Status::Ok();
}

Result<BenchReport> Runner::Run() {
  if (o_.alerts == 0) return Status::InvalidArgument("--alerts must be at least 1");
  if (o_.scale_base >= o_.alerts) {
    return Status::InvalidArgument("--scale-base " + std::to_string(o_.scale_base) +
                                   " must be below --alerts " + std::to_string(o_.alerts));
  }
  static const std::set<std::string> kStages = {"parse",  "e2e",     "correlate", "scipy",
                                                "engine", "durable", "naive",     "recorrelate",
                                                "reopen", "paths",   "quality",   "live"};
  for (const std::string& s : o_.skip) {
    if (kStages.count(s) == 0) return Status::InvalidArgument("--skip: unknown stage '" + s + "'");
  }
  WEFT_ASSIGN_OR_RETURN(scratch_, weft::bench::ScratchDir::Create("bench"));
  auto& info = report_.info;
  info.emplace_back("machine.cores", std::to_string(std::thread::hardware_concurrency()));
  info.emplace_back("machine.cpu_model", CpuModel());
  info.emplace_back(
      "machine.memory_gib",
      std::to_string(static_cast<double>(sysconf(_SC_PHYS_PAGES)) *
                     static_cast<double>(sysconf(_SC_PAGE_SIZE)) / (1024.0 * 1024.0 * 1024.0)));
  info.emplace_back("machine.build_type", BuildType());
  // How RocksDB's WAL checksums were computed in this run (persistence/interpose/crc32c.h).
  info.emplace_back("machine.wal_checksum",
                    rocks::Crc32cUsesHardware() ? "crc32 instruction" : "RocksDB's own code");
  info.emplace_back("options.alerts", std::to_string(o_.alerts));
  info.emplace_back("options.tenants", std::to_string(o_.tenants));
  info.emplace_back("options.seed", std::to_string(o_.seed));
  info.emplace_back("options.batch", std::to_string(kBatch));
  if (o_.scale_base > 0) info.emplace_back("options.scale_base", std::to_string(o_.scale_base));
  info.emplace_back("options.correlation", CorrelationConfig{}.Describe());
  const Clock::time_point start = Clock::now();

  if (!Skipped("parse")) WEFT_RETURN_IF_ERROR(Parse());
  if (!Skipped("correlate") || !Skipped("paths")) {
    IdStream ids;
    WEFT_RETURN_IF_ERROR(CollectIds(o_.alerts, ids));
    Add("distinct_alerts", static_cast<double>(ids.tenant.size()), "");
    Add("entities", static_cast<double>(ids.entity_tenant.size()), "");
    Add("evidence_edges", static_cast<double>(ids.entities.size()), "");
    for (Correlator::TenantId t : ids.tenant) ++tenant_alerts_[ids.tenant_names[t]];
    if (!Skipped("correlate")) {
      IdStream base;
      if (o_.scale_base > 0) WEFT_RETURN_IF_ERROR(CollectIds(o_.scale_base, base));
      WEFT_RETURN_IF_ERROR(Correlate(ids, o_.scale_base > 0 ? &base : nullptr));
    }
  }
  if (!Skipped("durable")) {
    if (o_.scale_base > 0) WEFT_RETURN_IF_ERROR(ScaleBase());
    WEFT_RETURN_IF_ERROR(Durable());
    if (!Skipped("recorrelate")) WEFT_RETURN_IF_ERROR(Recorrelate());
    if (o_.scale_base > 0) AddScaleRatios();
    if (!Skipped("reopen")) WEFT_RETURN_IF_ERROR(Reopen());
    if (!Skipped("paths")) WEFT_RETURN_IF_ERROR(Paths());
    store_.reset();
    if (!peaks_.empty()) Add("peak_rss_mb", *std::max_element(peaks_.begin(), peaks_.end()), "MB");
  }
  if (!Skipped("naive")) WEFT_RETURN_IF_ERROR(Naive());
  if (!Skipped("engine")) WEFT_RETURN_IF_ERROR(EngineInMemory());
  if (!Skipped("live")) WEFT_RETURN_IF_ERROR(Live());
  Add("process_max_rss_mb", MaxRssMb(), "MB");
  Add("bench_wall_s", Since(start), "s");
  return std::move(report_);
}

}  // namespace bench_internal

Result<BenchReport> RunBench(const BenchOptions& options, std::ostream& progress) {
  bench_internal::Runner runner(options, progress);
  return runner.Run();
}

std::string BenchReportJson(const BenchReport& report) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : report.info) {
    const std::size_t dot = k.find('.');
    nlohmann::ordered_json& section = j[k.substr(0, dot)];
    const std::string name = k.substr(dot + 1);
    char* end = nullptr;
    const double number = std::strtod(v.c_str(), &end);
    if (!v.empty() && end != nullptr && *end == '\0') {
      section[name] = number;
    } else {
      section[name] = v;
    }
  }
  for (const BenchFigure& f : report.figures) j[f.key] = f.value;
  return j.dump(2);
}

void PrintBenchTable(const BenchReport& report, std::ostream& out) {
  for (const auto& [k, v] : report.info) out << "  " << k << ": " << v << "\n";
  for (const BenchFigure& f : report.figures) {
    std::string key = f.key;
    key.resize(std::max<std::size_t>(key.size(), 38), ' ');
    char value[64];
    if (f.value >= 1000 || f.value == static_cast<double>(static_cast<long long>(f.value))) {
      std::snprintf(value, sizeof value, "%14.0f", f.value);
    } else {
      std::snprintf(value, sizeof value, "%14.4f", f.value);
    }
    out << "  " << key << value << "  " << f.unit << "\n";
  }
}

}  // namespace weft::cli
