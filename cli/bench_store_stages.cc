#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <unordered_map>

#include "bench/generator/generator.h"
#include "cli/bench_measure.h"
#include "cli/bench_stages.h"
#include "engine/correlator.h"
#include "engine/engine.h"
#include "engine/evaluation.h"
#include "engine/path_query.h"
#include "graph/pipelined_store.h"
#include "importers/importer.h"
#include "model/canonical.h"
#include "persistence/rocks_store.h"

#include "absl/container/flat_hash_map.h"

namespace weft::cli::bench_internal {

Status Runner::Durable() {
  store_dir_ = o_.db.empty() ? scratch_->path() + "/store" : o_.db;
  if (std::filesystem::exists(store_dir_) && !std::filesystem::is_empty(store_dir_)) {
    return Status::InvalidArgument("--db " + store_dir_ +
                                   ": the durable run needs a new or empty directory");
  }
  ResetPeak();
  WEFT_ASSIGN_OR_RETURN(store_, OpenRocksStore(store_dir_));
  // Batches commit on the pipelined store's thread while the engine prepares the next ones.
  PipelinedStore pipelined(*store_);
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine,
                        Engine::Open(pipelined, CorrelationConfig{}));
  const Timestamp now = generator::GeneratorOptions{}.start + generator::GeneratorOptions{}.span;
  std::vector<double> batch_ms, alert_ms;
  std::uint64_t alerts = 0;
  double total = 0;
  // CPU over the timed windows: the whole process, this thread (the engine) and the committer.
  double process_cpu = 0, engine_cpu = 0;
  Progress bar(progress_, "durable", o_.alerts);
  // Generated a window of batches at a time, outside the clock; each window is timed from its
  // first Ingest until Sync says all of it is durable, so no commit work hides in generation.
  // A batch's latency runs from its Ingest call until it is known durable: when the Ingest
  // `depth` batches later (or the window's Sync) returns.
  std::vector<std::vector<Alert>> window;
  auto ingest_window = [&]() -> Status {
    const Clock::time_point start = Clock::now();
    const double process_cpu_start = ProcessCpuSeconds(), engine_cpu_start = ThreadCpuSeconds();
    // Batches not yet known durable: when and how big. With `depth` batches in flight, a batch
    // is durable once the depth-th Ingest after it returns.
    std::deque<std::pair<Clock::time_point, std::size_t>> pending;
    auto acknowledge_all_but = [&](std::size_t keep, Clock::time_point at) {
      while (pending.size() > keep) {
        const double s = std::chrono::duration<double>(at - pending.front().first).count();
        batch_ms.push_back(s * 1e3);
        alert_ms.push_back(s * 1e3 / static_cast<double>(pending.front().second));
        pending.pop_front();
      }
    };
    for (std::vector<Alert>& input : window) {
      const std::size_t size = input.size();
      const Clock::time_point called = Clock::now();
      Result<IngestResult> r = engine->Ingest(std::move(input), {}, now);
      if (!r.ok()) return r.status();
      acknowledge_all_but(pipelined.depth() - 1, Clock::now());
      pending.emplace_back(called, size);
      alerts += size;
    }
    WEFT_RETURN_IF_ERROR(engine->Sync());
    acknowledge_all_but(0, Clock::now());
    total += Since(start);
    process_cpu += ProcessCpuSeconds() - process_cpu_start;
    engine_cpu += ThreadCpuSeconds() - engine_cpu_start;
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
  durable_s_ = total;
  const double rate = static_cast<double>(alerts) / total;
  Add("durable_ingest_alerts_per_s", rate, "alerts/s");
  Add("durable_ingest_s", total, "s");
  Add("durable_alerts", static_cast<double>(alerts), "");
  Add("ingest_batch_p50_ms", Percentile(batch_ms, 0.50), "ms");
  Add("ingest_batch_p99_ms", Percentile(batch_ms, 0.99), "ms");
  Add("ingest_alert_p50_ms", Percentile(alert_ms, 0.50), "ms");
  Add("ingest_alert_p99_ms", Percentile(alert_ms, 0.99), "ms");
  Add("peak_rss_durable_mb", peak, "MB");
  // Where the CPU of the durable stage goes, per alert: on two cores the sum bounds the rate.
  const double per_alert_us = 1e6 / static_cast<double>(std::max<std::uint64_t>(alerts, 1));
  const double commit_cpu = pipelined.CommitCpuSeconds();
  Add("durable_cpu_us_per_alert", process_cpu * per_alert_us, "us");
  Add("durable_engine_cpu_us_per_alert", engine_cpu * per_alert_us, "us");
  Add("durable_commit_cpu_us_per_alert", commit_cpu * per_alert_us, "us");
  Add("durable_background_cpu_us_per_alert",
      std::max(0.0, process_cpu - engine_cpu - commit_cpu) * per_alert_us, "us");
  WEFT_ASSIGN_OR_RETURN(StoreStats stats, store_->Stats());
  Add("store_incidents", static_cast<double>(stats.incidents), "");
  Add("store_entities", static_cast<double>(stats.entities), "");
  Add("disk_bytes_per_alert",
      static_cast<double>(stats.disk_bytes) /
          static_cast<double>(std::max<std::uint64_t>(alerts, 1)),
      "bytes");
  bar.Done(std::to_string(static_cast<long long>(rate)) + " alerts/s, batch p99 " +
           std::to_string(Percentile(batch_ms, 0.99)) + " ms");
  if (!Skipped("quality")) WEFT_RETURN_IF_ERROR(Quality(*engine));
  return Status::Ok();
}

Status Runner::Quality(Engine& engine) {
  if (o_.alerts > o_.quality_cap) {
    progress_ << "  quality      skipped above " << o_.quality_cap << " records\n";
    return Status::Ok();
  }
  // The planted labels come from a second, untimed pass of the generator (it is deterministic),
  // so the durable stage's memory is not charged with them (~35 MB at 1M).
  Progress bar(progress_, "quality", o_.alerts);
  absl::flat_hash_map<std::uint64_t, std::uint64_t> label_of;  // StableHash of key -> of label
  WEFT_RETURN_IF_ERROR(
      ForEachBatch(o_.alerts, bar, [&](std::vector<generator::GeneratedAlert>& batch) {
        for (const generator::GeneratedAlert& g : batch)
          label_of.emplace(StableHash(g.alert.key), StableHash(g.incident));
        return Status::Ok();
      }));
  AlertGrouping grouping = engine.Grouping();
  TruthLabels truth;
  for (const auto& [incident, keys] : grouping) {
    for (const std::string& k : keys) {
      auto it = label_of.find(StableHash(k));
      if (it != label_of.end()) truth[k].push_back(Hex64(it->second));
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
  // The batch job as `weft recorrelate` runs it: the store opened on its own, then rebuilt.
  store_.reset();  // closes the ingesting store (its flush is not part of the job)
  ResetPeak();
  Progress bar(progress_, "recorrelate", 1);
  RecorrelateOptions ro;
  ro.dry_run = true;
  const Clock::time_point start = Clock::now();
  RocksStoreOptions read_only;  // as `weft recorrelate --dry-run` opens it
  read_only.read_only = true;
  read_only.create_if_missing = false;
  WEFT_ASSIGN_OR_RETURN(store_, OpenRocksStore(store_dir_, read_only));
  WEFT_ASSIGN_OR_RETURN(IncidentDiff diff, Engine::Recorrelate(*store_, ro));
  const double s = Since(start);
  peaks_.push_back(PeakRssMb());
  recorrelate_s_ = s;
  Add("recorrelate_s", s, "s");
  Add("recorrelate_alerts_per_s", static_cast<double>(diff.alerts) / s, "alerts/s");
  Add("recorrelate_changed", diff.no_change() ? 0 : 1, "");
  Add("peak_rss_recorrelate_mb", peaks_.back(), "MB");
  bar.Done(std::to_string(s) + " s for " + std::to_string(diff.alerts) + " alerts" +
           (diff.no_change() ? ", no change" : ", CHANGED"));
  return Status::Ok();
}

Status Runner::ScaleBase() {
  BenchOptions base = o_;
  base.alerts = o_.scale_base;
  base.scale_base = 0;
  base.db.clear();  // a temporary store of its own
  base.skip = {"parse",  "e2e",   "correlate", "engine", "naive",
               "reopen", "paths", "quality",   "live"};
  if (Skipped("recorrelate")) base.skip.insert("recorrelate");
  progress_ << "  scale base: the durable and re-correlation stages on " << base.alerts
            << " records\n";
  Runner runner(base, progress_);
  WEFT_ASSIGN_OR_RETURN(const BenchReport report, runner.Run());
  for (const BenchFigure& f : report.figures) {
    if (f.key == "durable_ingest_s") scale_base_durable_s_ = f.value;
    if (f.key == "recorrelate_s") scale_base_recorrelate_s_ = f.value;
  }
  Add("scale_base_durable_ingest_s", scale_base_durable_s_, "s");
  if (scale_base_recorrelate_s_ > 0)
    Add("scale_base_recorrelate_s", scale_base_recorrelate_s_, "s");
  progress_ << "  this run's stages on " << o_.alerts << " records\n";
  return Status::Ok();
}

void Runner::AddScaleRatios() {
  if (scale_base_durable_s_ > 0) Add("scale_durable_x", durable_s_ / scale_base_durable_s_, "x");
  if (scale_base_recorrelate_s_ > 0 && recorrelate_s_ > 0)
    Add("scale_recorrelate_x", recorrelate_s_ / scale_base_recorrelate_s_, "x");
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
    std::vector<double> ms, steps;
    int found = 0;
    const Clock::time_point all = Clock::now();
    for (int q = 0; q < queries && Since(all) < kBudgetSeconds; ++q) {
      const std::string a(graph.Key(entities[pick(rng)]));
      const std::string b(graph.Key(entities[pick(rng)]));
      PathQueryStats stats;
      const Clock::time_point start = Clock::now();
      Result<std::vector<AttackPath>> r = graph.KShortestPaths({a}, {b}, k, to, &stats);
      ms.push_back(Since(start) * 1e3);
      steps.push_back(static_cast<double>(stats.steps_scanned));
      if (!r.ok()) return r.status();
      if (!r->empty()) ++found;
      bar.Update(
          static_cast<std::uint64_t>(progress_base + q * o_.path_queries / std::max(queries, 1)));
    }
    Add(key + "_p50_ms", Percentile(ms, 0.50), "ms");
    Add(key + "_p99_ms", Percentile(ms, 0.99), "ms");
    // The work behind those times, which does not drift with the host: steps scanned per query.
    Add(key + "_steps_mean", Mean(steps), "");
    Add(key + "_steps_p99", Percentile(steps, 0.99), "");
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

}  // namespace weft::cli::bench_internal
