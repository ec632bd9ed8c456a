#include "cli/bench_runner.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "bench/generator/generator.h"
#include "cli/bench_measure.h"
#include "cli/ingest_runner.h"
#include "engine/correlator.h"
#include "engine/engine.h"
#include "engine/evaluation.h"
#include "engine/path_query.h"
#include "graph/in_memory_store.h"
#include "graph/pipelined_store.h"
#include "importers/importer.h"
#include "model/canonical.h"
#include "persistence/naive_layout_probe.h"
#include "persistence/rocks_store.h"

namespace weft::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kBatch =
    1000;  // alerts per acknowledged batch, as the reference rows
// Batches generated ahead of the durable stage's clock (about 40 MB of alerts).
constexpr std::size_t kWindowBatches = 16;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A fresh temporary directory, removed with its contents on destruction.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Create() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "weft_bench_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr)
      return Status::IOError("cannot create a temporary directory in " + tmpl);
    return std::make_unique<ScratchDir>(tmpl);
  }
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Counts what the importer hands over; keeps nothing.
class CountingSink final : public ImportSink {
 public:
  Status Consume(ImportBatch batch) override {
    alerts_ += batch.alerts.size();
    return Status::Ok();
  }
  std::size_t alerts() const { return alerts_; }

 private:
  std::size_t alerts_ = 0;
};

// A one-line progress bar per stage on stderr: "  durable     [#######.............]  35%".
class Progress {
 public:
  Progress(std::ostream& out, std::string stage, std::uint64_t total)
      : out_(out), stage_(std::move(stage)), total_(std::max<std::uint64_t>(total, 1)) {
    Draw(0);
  }
  void Update(std::uint64_t done) {
    const int pct = static_cast<int>(std::min<std::uint64_t>(100, done * 100 / total_));
    if (pct / 5 != last_ / 5) Draw(pct);  // a redraw per 5%: stderr may be a log file
  }
  void Done(const std::string& note) {
    Draw(100);
    out_ << "  " << note << "\n" << std::flush;
  }

 private:
  void Draw(int pct) {
    last_ = pct;
    std::string name = stage_;
    name.resize(12, ' ');
    out_ << "\r  " << name << " [" << std::string(pct / 5, '#') << std::string(20 - pct / 5, '.')
         << "] ";
    char buf[8];
    std::snprintf(buf, sizeof buf, "%3d%%", pct);
    out_ << buf << std::flush;
  }
  std::ostream& out_;
  std::string stage_;
  std::uint64_t total_;
  int last_ = -1;
};

// The correlator's input: the stream's distinct, ingestible alerts as integer ids.
struct IdStream {
  std::vector<Correlator::TenantId> tenant;
  std::vector<Timestamp> time;
  std::vector<std::uint32_t> offsets{0};
  std::vector<Correlator::EntityId> entities;  // flat, alert i: [offsets[i], offsets[i+1])
  std::vector<Correlator::TenantId> entity_tenant;
  std::vector<std::uint8_t> entity_correlating;
};

class Runner {
 public:
  Runner(const BenchOptions& o, std::ostream& progress) : o_(o), progress_(progress) {}

  Result<BenchReport> Run();

 private:
  bool Skipped(const std::string& stage) const { return o_.skip.count(stage) != 0; }
  void Add(std::string key, double value, std::string unit) {
    report_.figures.push_back({std::move(key), value, std::move(unit)});
  }
  generator::GeneratorOptions Gen(std::uint64_t alerts, const std::string& format) const {
    generator::GeneratorOptions g;
    g.alerts = alerts;
    g.tenants = o_.tenants;
    g.seed = o_.seed;
    g.format = format;
    return g;
  }
  // Streams up to `records` generated records as batches of kBatch ingestible (not
  // informational) alerts; generation time is outside every timer of the callers.
  Status ForEachBatch(std::uint64_t records, Progress& bar,
                      const std::function<Status(std::vector<generator::GeneratedAlert>&)>& visit);

  Status Parse();
  Status ParseFormat(const std::string& format, const std::string& key);
  Status EndToEnd(const std::string& format, const std::string& dir);
  Status CollectIds(IdStream& ids);
  void Correlate(const IdStream& ids);
  Status Durable();
  Status Quality(Engine& engine);
  Status Recorrelate();
  Status Reopen();
  Status Paths();
  Status Naive();
  Status EngineInMemory();

  const BenchOptions& o_;
  std::ostream& progress_;
  BenchReport report_;
  std::unique_ptr<ScratchDir> scratch_;
  std::string store_dir_;
  std::unique_ptr<GraphStore> store_;
  // Ground truth, compact: StableHash(alert key) -> StableHash(true incident).
  std::unordered_map<std::uint64_t, std::uint64_t> truth_;
  std::unordered_map<std::string, std::uint64_t> tenant_alerts_;
  std::string first_key_;
  std::string first_incident_;  // the incident of first_key_ when the durable stage ended
  std::uint64_t durable_alerts_ = 0;
  double durable_rate_ = 0;
  std::vector<double> peaks_;
};

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

Status Runner::CollectIds(IdStream& ids) {
  const CorrelationConfig config;
  std::unordered_map<std::string, Correlator::TenantId> tenants;
  std::unordered_map<std::uint64_t, Correlator::EntityId> entities;
  std::unordered_set<std::uint64_t> seen;
  Progress bar(progress_, "ids", o_.alerts);
  WEFT_RETURN_IF_ERROR(
      ForEachBatch(o_.alerts, bar, [&](std::vector<generator::GeneratedAlert>& batch) {
        for (const generator::GeneratedAlert& g : batch) {
          const Alert& a = g.alert;
          const std::uint64_t key_hash = StableHash(a.key);
          if (!seen.insert(key_hash).second) continue;  // a second delivery: the engine merges it
          truth_.emplace(key_hash, StableHash(g.incident));
          ++tenant_alerts_[a.tenant];
          const auto [tit, tnew] =
              tenants.emplace(a.tenant, static_cast<Correlator::TenantId>(tenants.size()));
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
  Add("distinct_alerts", static_cast<double>(ids.tenant.size()), "");
  Add("entities", static_cast<double>(entities.size()), "");
  Add("evidence_edges", static_cast<double>(ids.entities.size()), "");
  return Status::Ok();
}

void Runner::Correlate(const IdStream& ids) {
  Progress bar(progress_, "correlate", ids.tenant.size());
  Correlator c{CorrelationConfig{}};
  std::vector<Correlator::EntityId> scratch;
  std::size_t next_entity = 0, assignments = 0;
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
      assignments += c.TakeDirtyRoots().size();
    }
  }
  const double s = Since(start);
  std::size_t incidents = 0, multi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<Correlator::AlertId>(i);
    if (c.Component(a) == a) {
      ++incidents;
      if (c.ComponentSize(a) > 1) ++multi;
    }
  }
  Add("correlate_alerts_per_s", static_cast<double>(n) / s, "alerts/s");
  Add("correlate_s", s, "s");
  Add("correlate_incidents", static_cast<double>(incidents), "");
  Add("correlate_multi_alert_incidents", static_cast<double>(multi), "");
  Add("correlate_dirty_roots", static_cast<double>(assignments), "");
  bar.Done(std::to_string(static_cast<long long>(n / s)) + " alerts/s, " +
           std::to_string(incidents) + " incidents");
}

Status Runner::Durable() {
  store_dir_ = o_.db.empty() ? scratch_->path() + "/store" : o_.db;
  if (std::filesystem::exists(store_dir_) && !std::filesystem::is_empty(store_dir_)) {
    return Status::InvalidArgument("--db " + store_dir_ +
                                   ": the durable run needs a new or empty directory");
  }
  ResetPeak();
  WEFT_ASSIGN_OR_RETURN(store_, OpenRocksStore(store_dir_));
  // Batches commit on the pipelined store's thread while the engine prepares the next one.
  PipelinedStore pipelined(*store_);
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine,
                        Engine::Open(pipelined, CorrelationConfig{}));
  const Timestamp now = generator::GeneratorOptions{}.start + generator::GeneratorOptions{}.span;
  std::vector<double> batch_ms, alert_ms;
  std::uint64_t alerts = 0;
  double total = 0;
  Progress bar(progress_, "durable", o_.alerts);
  // Generated a window of batches at a time, outside the clock; each window is timed from its
  // first Ingest until Sync says all of it is durable, so no commit work hides in generation.
  // A batch's latency runs from its Ingest call until it is known durable: when the next
  // Ingest (or the window's Sync) returns.
  std::vector<std::vector<Alert>> window;
  auto ingest_window = [&]() -> Status {
    const Clock::time_point start = Clock::now();
    Clock::time_point pending_start;
    std::size_t pending_size = 0;
    auto acknowledge = [&](Clock::time_point at) {
      if (pending_size == 0) return;
      const double s = std::chrono::duration<double>(at - pending_start).count();
      batch_ms.push_back(s * 1e3);
      alert_ms.push_back(s * 1e3 / static_cast<double>(pending_size));
    };
    for (std::vector<Alert>& input : window) {
      const std::size_t size = input.size();
      const Clock::time_point called = Clock::now();
      Result<IngestResult> r = engine->Ingest(std::move(input), {}, now);
      if (!r.ok()) return r.status();
      acknowledge(Clock::now());
      pending_start = called;
      pending_size = size;
      alerts += size;
    }
    WEFT_RETURN_IF_ERROR(engine->Sync());
    acknowledge(Clock::now());
    total += Since(start);
    window.clear();
    return Status::Ok();
  };
  WEFT_RETURN_IF_ERROR(
      ForEachBatch(o_.alerts, bar, [&](std::vector<generator::GeneratedAlert>& batch) {
        std::vector<Alert>& input = window.emplace_back();
        for (generator::GeneratedAlert& g : batch) input.push_back(std::move(g.alert));
        if (first_key_.empty()) first_key_ = input.front().key;
        return window.size() == kWindowBatches ? ingest_window() : Status::Ok();
      }));
  if (!window.empty()) WEFT_RETURN_IF_ERROR(ingest_window());
  const double peak = PeakRssMb();
  peaks_.push_back(peak);
  if (!first_key_.empty()) {
    WEFT_ASSIGN_OR_RETURN(first_incident_, engine->IncidentOf(first_key_));
  }
  durable_alerts_ = alerts;
  durable_rate_ = static_cast<double>(alerts) / total;
  Add("durable_ingest_alerts_per_s", durable_rate_, "alerts/s");
  Add("durable_ingest_s", total, "s");
  Add("durable_alerts", static_cast<double>(alerts), "");
  Add("ingest_batch_p50_ms", Percentile(batch_ms, 0.50), "ms");
  Add("ingest_batch_p99_ms", Percentile(batch_ms, 0.99), "ms");
  Add("ingest_alert_p50_ms", Percentile(alert_ms, 0.50), "ms");
  Add("ingest_alert_p99_ms", Percentile(alert_ms, 0.99), "ms");
  Add("peak_rss_durable_mb", peak, "MB");
  WEFT_ASSIGN_OR_RETURN(StoreStats stats, store_->Stats());
  Add("store_incidents", static_cast<double>(stats.incidents), "");
  Add("store_entities", static_cast<double>(stats.entities), "");
  Add("disk_bytes_per_alert",
      static_cast<double>(stats.disk_bytes) /
          static_cast<double>(std::max<std::uint64_t>(alerts, 1)),
      "bytes");
  bar.Done(std::to_string(static_cast<long long>(durable_rate_)) + " alerts/s, batch p99 " +
           std::to_string(Percentile(batch_ms, 0.99)) + " ms");
  if (!Skipped("quality")) WEFT_RETURN_IF_ERROR(Quality(*engine));
  return Status::Ok();
}

Status Runner::Quality(Engine& engine) {
  if (o_.alerts > o_.quality_cap) {
    progress_ << "  quality      skipped above " << o_.quality_cap << " records\n";
    return Status::Ok();
  }
  Progress bar(progress_, "quality", 1);
  AlertGrouping grouping = engine.Grouping();
  TruthLabels truth;
  for (const auto& [incident, keys] : grouping) {
    for (const std::string& k : keys) {
      auto it = truth_.find(StableHash(k));
      if (it != truth_.end()) truth[k].push_back(Hex64(it->second));
    }
  }
  const QualityScores q = Evaluate(grouping, truth);
  Add("quality_pairwise_precision", q.pairwise.precision, "");
  Add("quality_pairwise_recall", q.pairwise.recall, "");
  Add("quality_pairwise_f1", q.pairwise.f1, "");
  Add("quality_bcubed_precision", q.bcubed.precision, "");
  Add("quality_bcubed_recall", q.bcubed.recall, "");
  Add("quality_bcubed_f1", q.bcubed.f1, "");
  Add("quality_scored_alerts", static_cast<double>(q.alerts), "");
  Add("quality_predicted_incidents", static_cast<double>(q.predicted_incidents), "");
  Add("quality_true_incidents", static_cast<double>(q.true_incidents), "");
  bar.Done("pairwise P " + std::to_string(q.pairwise.precision) + " R " +
           std::to_string(q.pairwise.recall) + ", B-cubed F1 " + std::to_string(q.bcubed.f1));
  return Status::Ok();
}

Status Runner::Recorrelate() {
  ResetPeak();
  Progress bar(progress_, "recorrelate", 1);
  RecorrelateOptions ro;
  ro.dry_run = true;
  const Clock::time_point start = Clock::now();
  WEFT_ASSIGN_OR_RETURN(IncidentDiff diff, Engine::Recorrelate(*store_, ro));
  const double s = Since(start);
  peaks_.push_back(PeakRssMb());
  Add("recorrelate_s", s, "s");
  Add("recorrelate_alerts_per_s", static_cast<double>(diff.alerts) / s, "alerts/s");
  Add("recorrelate_changed", diff.no_change() ? 0 : 1, "");
  Add("peak_rss_recorrelate_mb", peaks_.back(), "MB");
  bar.Done(std::to_string(s) + " s for " + std::to_string(diff.alerts) + " alerts" +
           (diff.no_change() ? ", no change" : ", CHANGED"));
  return Status::Ok();
}

// Two figures: reopen_s, the store opened to the first answered query (the incident page of an
// alert: GetIncident and GetAlert, what `weft show` needs), and engine_reopen_s, the store opened
// and replayed into a correlation engine that can take the next batch (Engine::Open).
Status Runner::Reopen() {
  store_.reset();  // closes the store
  ResetPeak();
  Progress bar(progress_, "reopen", 1);
  Clock::time_point start = Clock::now();
  WEFT_ASSIGN_OR_RETURN(store_, OpenRocksStore(store_dir_));
  WEFT_ASSIGN_OR_RETURN(std::optional<Incident> incident, store_->GetIncident(first_incident_));
  if (!incident || std::find(incident->alert_keys.begin(), incident->alert_keys.end(),
                             first_key_) == incident->alert_keys.end()) {
    return Status::Internal("reopened store lost incident " + first_incident_ + " of " +
                            first_key_);
  }
  WEFT_ASSIGN_OR_RETURN(std::optional<Alert> alert, store_->GetAlert(first_key_));
  if (!alert) return Status::Internal("reopened store lost alert " + first_key_);
  const double query_s = Since(start);
  start = Clock::now();
  store_.reset();
  WEFT_ASSIGN_OR_RETURN(store_, OpenRocksStore(store_dir_));
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(*store_, std::nullopt));
  WEFT_ASSIGN_OR_RETURN(std::string replayed, engine->IncidentOf(first_key_));
  const double s = Since(start);
  if (replayed != first_incident_) {
    return Status::Internal("replayed engine puts " + first_key_ + " in " + replayed +
                            ", the store in " + first_incident_);
  }
  peaks_.push_back(PeakRssMb());
  Add("reopen_s", query_s, "s");
  Add("engine_reopen_s", s, "s");
  Add("peak_rss_reopen_mb", peaks_.back(), "MB");
  bar.Done(std::to_string(query_s) + " s to the first incident page; " + std::to_string(s) +
           " s to a replayed engine");
  return Status::Ok();
}

Status Runner::Paths() {
  if (!store_) {
    WEFT_ASSIGN_OR_RETURN(store_, OpenRocksStore(store_dir_));
  }
  ResetPeak();
  std::string tenant;
  std::uint64_t most = 0;
  for (const auto& [t, n] : tenant_alerts_) {
    if (n > most || (n == most && t < tenant)) tenant = t, most = n;
  }
  Progress bar(progress_, "paths", static_cast<std::uint64_t>(o_.path_queries) * 2);
  const Clock::time_point load_start = Clock::now();
  PathGraphOptions po;
  po.include_evidence = true;  // alert nodes join the entities into one big graph
  WEFT_ASSIGN_OR_RETURN(PathGraph graph, PathGraph::Load(*store_, tenant, po));
  Add("path_graph_load_s", Since(load_start), "s");
  Add("path_graph_nodes", static_cast<double>(graph.node_count()), "");
  Add("path_graph_edges", static_cast<double>(graph.edge_count()), "");
  std::vector<PathGraph::NodeId> entities;
  for (PathGraph::NodeId id = 0; id < graph.node_count(); ++id) {
    if (graph.Key(id).rfind("alert:", 0) != 0) entities.push_back(id);
  }
  if (entities.size() < 2)
    return Status::Internal("path graph of tenant " + tenant + " has fewer than 2 entities");
  std::mt19937_64 rng(o_.seed);
  std::uniform_int_distribution<std::size_t> pick(0, entities.size() - 1);
  TraversalOptions to;
  to.undirected = true;  // evidence edges point alert -> entity; paths may cross them either way
  to.max_hops = 6;
  constexpr double kBudgetSeconds = 30;  // per query kind; the count actually run is reported
  auto run = [&](std::size_t k, int queries, const std::string& key, int progress_base) -> Status {
    std::vector<double> ms;
    int found = 0;
    const Clock::time_point all = Clock::now();
    for (int q = 0; q < queries && Since(all) < kBudgetSeconds; ++q) {
      const std::string& a = graph.Key(entities[pick(rng)]);
      const std::string& b = graph.Key(entities[pick(rng)]);
      const Clock::time_point start = Clock::now();
      Result<std::vector<AttackPath>> r = graph.KShortestPaths({a}, {b}, k, to);
      ms.push_back(Since(start) * 1e3);
      if (!r.ok()) return r.status();
      if (!r->empty()) ++found;
      bar.Update(
          static_cast<std::uint64_t>(progress_base + q * o_.path_queries / std::max(queries, 1)));
    }
    Add(key + "_p50_ms", Percentile(ms, 0.50), "ms");
    Add(key + "_p99_ms", Percentile(ms, 0.99), "ms");
    Add(key + "_queries", static_cast<double>(ms.size()), "");
    Add(key + "_found_share",
        ms.empty() ? 0 : static_cast<double>(found) / static_cast<double>(ms.size()), "");
    return Status::Ok();
  };
  WEFT_RETURN_IF_ERROR(run(1, o_.path_queries, "path", 0));
  WEFT_RETURN_IF_ERROR(run(5, std::max(1, o_.path_queries / 5), "kpath", o_.path_queries));
  Add("peak_rss_paths_mb", PeakRssMb(), "MB");
  bar.Done("tenant " + tenant + ": " + std::to_string(graph.node_count()) + " nodes, " +
           std::to_string(graph.edge_count()) + " edges");
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
  if (durable_rate_ > 0) Add("durable_vs_naive_ratio", durable_rate_ / rate, "");
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
  static const std::set<std::string> kStages = {"parse",   "e2e",    "correlate",   "engine",
                                                "durable", "naive",  "recorrelate", "reopen",
                                                "paths",   "quality"};
  for (const std::string& s : o_.skip) {
    if (kStages.count(s) == 0) return Status::InvalidArgument("--skip: unknown stage '" + s + "'");
  }
  WEFT_ASSIGN_OR_RETURN(scratch_, ScratchDir::Create());
  auto& info = report_.info;
  info.emplace_back("machine.cores", std::to_string(std::thread::hardware_concurrency()));
  info.emplace_back("machine.cpu_model", CpuModel());
  info.emplace_back(
      "machine.memory_gib",
      std::to_string(static_cast<double>(sysconf(_SC_PHYS_PAGES)) *
                     static_cast<double>(sysconf(_SC_PAGE_SIZE)) / (1024.0 * 1024.0 * 1024.0)));
  info.emplace_back("machine.build_type", BuildType());
  info.emplace_back("options.alerts", std::to_string(o_.alerts));
  info.emplace_back("options.tenants", std::to_string(o_.tenants));
  info.emplace_back("options.seed", std::to_string(o_.seed));
  info.emplace_back("options.batch", std::to_string(kBatch));
  info.emplace_back("options.correlation", CorrelationConfig{}.Describe());
  const Clock::time_point start = Clock::now();

  if (!Skipped("parse")) WEFT_RETURN_IF_ERROR(Parse());
  if (!Skipped("correlate") || !Skipped("quality") || !Skipped("paths")) {
    IdStream ids;
    WEFT_RETURN_IF_ERROR(CollectIds(ids));
    if (!Skipped("correlate")) Correlate(ids);
  }
  if (!Skipped("durable")) {
    WEFT_RETURN_IF_ERROR(Durable());
    if (!Skipped("recorrelate")) WEFT_RETURN_IF_ERROR(Recorrelate());
    if (!Skipped("reopen")) WEFT_RETURN_IF_ERROR(Reopen());
    if (!Skipped("paths")) WEFT_RETURN_IF_ERROR(Paths());
    store_.reset();
    if (!peaks_.empty()) Add("peak_rss_mb", *std::max_element(peaks_.begin(), peaks_.end()), "MB");
  }
  if (!Skipped("naive")) WEFT_RETURN_IF_ERROR(Naive());
  if (!Skipped("engine")) WEFT_RETURN_IF_ERROR(EngineInMemory());
  Add("process_max_rss_mb", MaxRssMb(), "MB");
  Add("bench_wall_s", Since(start), "s");
  return std::move(report_);
}

}  // namespace

Result<BenchReport> RunBench(const BenchOptions& options, std::ostream& progress) {
  Runner runner(options, progress);
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
