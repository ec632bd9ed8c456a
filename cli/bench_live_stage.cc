// The live stage of `weft bench`: the per-alert latency of a real-time pipeline. A writer thread
// sends weft-format records through a pipe at a steady rate; they are read and ingested exactly
// as `weft ingest --max-delay D -` does (cli::IngestInto: the streaming reader, the importer's
// batching, the engine on its own thread, commits pipelined on a fresh RocksDB store, WAL on).
// Each record is timed from its scheduled arrival, not from when its write got through, so a
// pipeline that falls behind shows as latency (no coordinated omission), until the commit of the
// batch that holds it returns (PipelinedStore's commit listener): arrival to durable.

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/generator/generator.h"
#include "cli/bench_measure.h"
#include "cli/bench_stages.h"
#include "cli/ingest_runner.h"
#include "engine/engine.h"
#include "graph/pipelined_store.h"
#include "persistence/rocks_store.h"

namespace weft::cli::bench_internal {
namespace {

// The 1-based line of `record` ("line 12"), or 0.
std::size_t LineOf(const std::string& record) {
  constexpr std::string_view kLine = "line ";
  if (record.rfind(kLine, 0) != 0) return 0;
  return static_cast<std::size_t>(std::strtoull(record.c_str() + kLine.size(), nullptr, 10));
}

}  // namespace

Status Runner::Live() {
  const std::uint64_t records = std::min(o_.alerts, o_.live_alerts);
  if (records == 0) return Status::Ok();
  const std::string dir = scratch_->path() + "/live";
  Progress bar(progress_, "live", records);
  WEFT_RETURN_IF_ERROR(generator::GenerateToDirectory(Gen(records, "weft"), dir).status());
  std::vector<std::string> lines;
  {
    std::ifstream in(dir + "/alerts/weft.jsonl");
    for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
  }
  if (lines.empty()) return Status::Internal("the generator wrote no weft records in " + dir);

  // Arrival of line i (0-based): start + i / rate. Latencies are filled on the committing thread
  // and read after the ingest's Sync.
  const auto gap = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / o_.live_rate));
  Clock::time_point start;
  std::string pipe_path;  // the records' file in their provenance, once the pipe exists
  std::vector<double> latency_ms(lines.size(), -1);
  auto on_commit = [&](const WriteBatch& batch) {
    const Clock::time_point now = Clock::now();
    for (const Alert& a : batch.alerts) {
      for (const Provenance& p : a.provenances) {
        const std::size_t line = p.file == pipe_path ? LineOf(p.record) : 0;
        if (line == 0 || line > lines.size() || latency_ms[line - 1] >= 0) continue;
        const Clock::time_point arrival = start + gap * static_cast<long>(line - 1);
        latency_ms[line - 1] = std::chrono::duration<double, std::milli>(now - arrival).count();
      }
    }
  };
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<GraphStore> rocks, OpenRocksStore(dir + "/store"));
  auto store = std::make_unique<PipelinedStore>(*rocks, PipelinedStore::kDefaultDepth, on_commit);
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(*store, CorrelationConfig{}));

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IOError("cannot create a pipe");
  pipe_path = "/dev/fd/" + std::to_string(fds[0]);
  start = Clock::now();
  std::atomic<std::uint64_t> sent{0};
  std::thread writer([&, fd = fds[1]] {
    // A failed ingest closes the pipe: the writer's next write then fails with EPIPE and it stops.
    // SIGPIPE is blocked on this thread only, so the process keeps its own handling of it.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::this_thread::sleep_until(start + gap * static_cast<long>(i));
      std::string_view rest = lines[i];
      while (!rest.empty()) {
        const ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n <= 0 && errno == EINTR) continue;
        if (n <= 0) {
          ::close(fd);
          return;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
      }
      sent.store(i + 1, std::memory_order_relaxed);
    }
    ::close(fd);
  });
  IngestSettings settings;
  settings.paths = {pipe_path};
  settings.tenants_file = dir + "/tenants.json";
  settings.max_delay = o_.live_max_delay;
  settings.quiet_rejects = true;
  Result<IngestReport> report = IngestInto(*engine, settings);
  ::close(fds[0]);
  writer.join();
  engine.reset();
  store.reset();
  WEFT_RETURN_IF_ERROR(report.status());
  bar.Update(sent.load());

  std::vector<double> measured;
  for (double ms : latency_ms) {
    if (ms >= 0) measured.push_back(ms);
  }
  if (measured.empty()) return Status::Internal("the live stage timed no record");
  const std::optional<Timestamp> max_delay = ParseDuration(o_.live_max_delay);
  Add("live_offered_alerts_per_s", o_.live_rate, "alerts/s");
  Add("live_max_delay_ms", max_delay ? static_cast<double>(*max_delay) : -1, "ms");
  Add("live_alert_p50_ms", Percentile(measured, 0.50), "ms");
  Add("live_alert_p99_ms", Percentile(measured, 0.99), "ms");
  Add("live_alert_max_ms", *std::max_element(measured.begin(), measured.end()), "ms");
  Add("live_alerts", static_cast<double>(measured.size()), "");
  Add("live_batches", static_cast<double>(report->batches), "");
  bar.Done("p50 " + std::to_string(Percentile(measured, 0.50)) + " ms, p99 " +
           std::to_string(Percentile(measured, 0.99)) + " ms from arrival to durable, " +
           std::to_string(report->batches) + " batches");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return Status::Ok();
}

}  // namespace weft::cli::bench_internal
