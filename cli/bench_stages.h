#pragma once
// The pieces of `weft bench` shared by its stage files (cli/bench_runner.cc: parsing, ingest end
// to end, correlation from ids, the naive layout, the in-memory engine, the report;
// cli/bench_store_stages.cc: durable ingest, quality, re-correlation, reopen, paths): the Runner
// that measures one run, its progress bar, scratch directory and id stream. Private to cli/.
// Single-threaded.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/generator/generator.h"
#include "bench/scratch_dir.h"
#include "cli/bench_runner.h"
#include "engine/correlator.h"
#include "engine/engine.h"
#include "graph/graph_store.h"
#include "importers/importer.h"

namespace weft::cli::bench_internal {

struct ScipyRun;  // scipy_baseline.h

using Clock = std::chrono::steady_clock;
inline constexpr std::size_t kBatch =
    1000;  // alerts per acknowledged batch, as the reference rows
// Batches generated ahead of the durable stage's clock (about 40 MB of alerts).
inline constexpr std::size_t kWindowBatches = 16;

inline double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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
  std::vector<std::string> tenant_names;  // by TenantId
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
  // A stream of `records` records as ids (the generator spreads any size over the same span).
  Status CollectIds(std::uint64_t records, IdStream& ids);
  // The correlate stage: kCorrelateRuns timed runs of CorrelateOnce, each on memory returned to
  // the system, so every run pays its page faults as the first one does; each after a run of
  // the union-find floor (FloorOnce) on the same ids, whose rate is the yardstick. With `base`
  // (--scale-base), each round also runs both on it, for the scale_*_x ratios. Unless skipped,
  // each round also runs SciPy's batch job on `ids` (scipy_baseline.h); left out, with a note,
  // when no Python with SciPy is there.
  Status Correlate(const IdStream& ids, const IdStream* base);
  // While *with_scipy: one SciPy run on the id stream in `ids_file`, appended to *runs. When no
  // Python with SciPy is there, says so on the progress stream and clears *with_scipy.
  Status ScipyRound(const std::string& ids_file, std::vector<ScipyRun>* runs, bool* with_scipy);
  // Adds the SciPy figures of the correlate stage's rounds (and the scale ratios to the base's
  // runs, when there are any), given the correlator's median rate and the floor's incidents;
  // returns SciPy's rate. Internal when SciPy's windowed job disagrees with the floor.
  Result<double> AddScipyFigures(const std::vector<ScipyRun>& runs,
                                 const std::vector<ScipyRun>& base_runs,
                                 double correlate_alerts_per_s, std::size_t floor_incidents);
  struct CorrelateRun {
    double seconds = 0;
    std::size_t incidents = 0, multi_alert_incidents = 0, dirty_roots = 0;
  };
  static CorrelateRun CorrelateOnce(const IdStream& ids);
  static CorrelateRun FloorOnce(const IdStream& ids);
  // --scale-base: the durable and re-correlation stages on a stream of o_.scale_base records
  // (a Runner of their own, just before this run's durable stage), and the ratios of this run's
  // times to theirs.
  Status ScaleBase();
  void AddScaleRatios();
  Status Durable();
  Status Quality(Engine& engine);
  Status Recorrelate();
  Status Reopen();
  Status Paths();
  Status Naive();
  // The live stage (bench_live_stage.cc).
  Status Live();
  Status EngineInMemory();

  const BenchOptions& o_;
  std::ostream& progress_;
  BenchReport report_;
  std::unique_ptr<weft::bench::ScratchDir> scratch_;
  std::string store_dir_;
  std::unique_ptr<GraphStore> store_;
  std::unordered_map<std::string, std::uint64_t> tenant_alerts_;
  std::string first_key_;
  std::string first_incident_;  // the incident of first_key_ when the durable stage ended
  std::uint64_t durable_alerts_ = 0;
  double durable_s_ = 0, recorrelate_s_ = 0;  // timed seconds of the two stages
  double scale_base_durable_s_ = 0, scale_base_recorrelate_s_ = 0;
  std::vector<double> peaks_;
};

}  // namespace weft::cli::bench_internal
