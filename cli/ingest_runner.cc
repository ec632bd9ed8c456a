#include "cli/ingest_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/pipelined_sink.h"
#include "cli/progress.h"
#include "graph/pipelined_store.h"

namespace weft::cli {
namespace {

Timestamp NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The importer's options from the command line's, checked before anything is opened.
Result<ImportOptions> ImportOptionsOf(const IngestSettings& settings) {
  ImportOptions options;
  options.format = settings.format;
  options.default_tenant = settings.tenant;
  options.batch_size = settings.batch_size;
  const std::optional<Timestamp> max_delay = ParseDuration(settings.max_delay);
  if (!max_delay || *max_delay < 0)
    return Status::InvalidArgument("--max-delay: not a duration: '" + settings.max_delay +
                                   "' (e.g. 1s, 250ms)");
  options.max_delay = std::chrono::milliseconds(*max_delay);
  std::optional<Severity> floor = ParseSeverity(settings.min_severity);
  if (!floor)
    return Status::InvalidArgument("--min-severity: unknown severity '" + settings.min_severity +
                                   "'");
  options.min_severity = *floor;
  if (!settings.tenants_file.empty()) {
    WEFT_ASSIGN_OR_RETURN(options.tenants, TenantMap::Load(settings.tenants_file));
  }
  return options;
}

Result<IngestReport> IngestWith(Engine& engine, const IngestSettings& settings,
                                ImportOptions options) {
  // A progress line on stderr when it is a terminal, fed by the importer as it reads.
  ProgressLine progress(std::cerr, isatty(2) ? InputBytes(settings.paths) : 0, isatty(2) != 0);
  options.progress = [&progress](const ImportCounts& c) {
    progress.Update(c.bytes, c.alerts, c.rejected);
  };
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Importer> importer, Importer::Create(options));
  std::unique_ptr<std::ofstream> rejects;
  if (!settings.rejects_file.empty()) {
    rejects = std::make_unique<std::ofstream>(settings.rejects_file, std::ios::app);
    if (!*rejects)
      return Status::IOError("cannot open rejects file '" + settings.rejects_file + "'");
  }
  const bool quiet = settings.quiet_rejects;
  importer->set_reject_handler([&rejects, quiet, &progress](const RejectedRecord& r) {
    if (!quiet) progress.Clear();
    if (!quiet)
      std::cerr << "weft: rejected " << r.file << ": " << r.record << ": " << r.reason << "\n";
    if (rejects) {
      nlohmann::json j = {
          {"file", r.file}, {"record", r.record}, {"reason", r.reason}, {"raw", r.raw}};
      *rejects << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  });
  IngestReport report;
  // The importer reads batch n+1 while the engine ingests batch n on a second thread.
  PipelinedSink sink(engine, NowMillis);
  const auto start = std::chrono::steady_clock::now();
  Status read;
  for (const std::string& path : settings.paths) {
    read = importer->ImportPath(path, sink);
    if (!read.ok()) break;
  }
  if (read.ok()) read = importer->Flush(sink);
  const Status ingested = sink.Finish();
  progress.Finish();
  WEFT_RETURN_IF_ERROR(ingested);  // the engine's error first: it is why reading stopped
  WEFT_RETURN_IF_ERROR(read);
  report.totals = sink.totals();
  report.batches = sink.batches();
  report.counts = importer->counts();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

// The handler's state: what `weft ingest` stops on SIGINT or SIGTERM (async-signal-safe).
StopRequest* g_stop = nullptr;
int g_wake_write = -1;
std::atomic<int> g_stop_signal{0};

extern "C" void OnStopSignal(int signo) {
  if (g_stop->requested.load()) {  // a second signal: stop at once, as without the handler
    ::signal(signo, SIG_DFL);
    ::raise(signo);
    return;
  }
  g_stop_signal.store(signo);
  g_stop->requested.store(true);
  const char byte = 1;
  (void)!::write(g_wake_write, &byte, 1);
}

// While alive, SIGINT and SIGTERM request a graceful stop of the import through `stop` instead
// of killing the process (a second one kills it); the previous handlers come back after.
class StopOnSignals {
 public:
  static Result<std::unique_ptr<StopOnSignals>> Install(StopRequest* stop) {
    int wake[2];
    if (::pipe2(wake, O_CLOEXEC) != 0)
      return Status::IOError(std::string("cannot create a pipe: ") + std::strerror(errno));
    std::unique_ptr<StopOnSignals> guard(new StopOnSignals(wake));
    stop->wake_fd = wake[0];
    g_stop = stop;
    g_wake_write = wake[1];
    g_stop_signal.store(0);
    struct sigaction action {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &guard->old_int_);
    sigaction(SIGTERM, &action, &guard->old_term_);
    return guard;
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    g_stop = nullptr;
    g_wake_write = -1;
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  explicit StopOnSignals(const int wake[2]) : wake_{wake[0], wake[1]} {}
  int wake_[2];
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace

Result<IngestReport> IngestInto(Engine& engine, const IngestSettings& settings) {
  WEFT_ASSIGN_OR_RETURN(ImportOptions options, ImportOptionsOf(settings));
  return IngestWith(engine, settings, std::move(options));
}

Result<IngestReport> RunIngest(const IngestSettings& settings) {
  // Bad options are reported before the store is opened (or created).
  WEFT_ASSIGN_OR_RETURN(ImportOptions options, ImportOptionsOf(settings));
  std::optional<CorrelationConfig> config;
  if (!settings.config_file.empty()) {
    WEFT_ASSIGN_OR_RETURN(config, LoadConfigFile(settings.config_file));
  }
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<GraphStore> store, OpenStore(settings.db, false));
  // Each batch commits on the store's thread while the engine prepares the next one.
  store = std::make_unique<PipelinedStore>(std::move(store));
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(*store, config));
  StopRequest stop;
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<StopOnSignals> on_signals, StopOnSignals::Install(&stop));
  options.stop = &stop;
  WEFT_ASSIGN_OR_RETURN(IngestReport report, IngestWith(*engine, settings, std::move(options)));
  if (stop.requested) report.stop_signal = g_stop_signal.load();
  return report;
}

std::string IngestReportJson(const IngestReport& r) {
  nlohmann::json j = {{"records", r.counts.records},
                      {"accepted", r.totals.new_alerts},
                      {"updated", r.totals.updated_alerts},
                      {"duplicates", r.totals.duplicates},
                      {"filtered_by_severity", r.counts.filtered_severity},
                      {"skipped_non_alerts", r.counts.skipped_non_alerts},
                      {"rejected", r.counts.rejected},
                      {"relations", r.totals.relations},
                      {"incidents_written", r.totals.incidents_written},
                      {"batches", r.batches},
                      {"bytes", r.counts.bytes},
                      {"seconds", r.seconds},
                      {"per_format", r.counts.per_format}};
  return j.dump();
}

void PrintIngestReport(const IngestReport& r, std::ostream& out) {
  out << "records read:          " << r.counts.records << "\n"
      << "alerts accepted (new): " << r.totals.new_alerts << "\n"
      << "alerts updated:        " << r.totals.updated_alerts << "\n"
      << "duplicates:            " << r.totals.duplicates << "\n"
      << "filtered by severity:  " << r.counts.filtered_severity << "\n"
      << "skipped non-alerts:    " << r.counts.skipped_non_alerts << "\n"
      << "rejected:              " << r.counts.rejected << "\n"
      << "relations:             " << r.totals.relations << "\n"
      << "incident records:      " << r.totals.incidents_written << "\n";
  for (const auto& [format, n] : r.counts.per_format)
    out << "  from " << format << ": " << n << " alerts\n";
}

}  // namespace weft::cli
