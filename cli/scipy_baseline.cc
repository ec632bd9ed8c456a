#include "cli/scipy_baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/bench_measure.h"

namespace weft::cli::bench_internal {
namespace {

constexpr char kMagic[] = "WEFTIDS1";
constexpr int kMissingScipy = 3;  // the script's exit code when NumPy or SciPy is missing

template <typename T>
void WriteArray(std::ofstream& out, const std::vector<T>& v) {
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(T)));
}

void WriteU64(std::ofstream& out, std::uint64_t v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}

std::string Quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Python() {
  if (const char* env = getenv("WEFT_PYTHON"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  return std::filesystem::exists("/usr/bin/python3", ec) ? "/usr/bin/python3" : "python3";
}

}  // namespace

Status WriteIdStream(const IdStream& ids, Timestamp window, const std::string& path) {
  static_assert(std::endian::native == std::endian::little, "the file is little-endian");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError("cannot write " + path);
  out.write(kMagic, sizeof kMagic - 1);
  WriteU64(out, ids.time.size());
  WriteU64(out, ids.entities.size());
  WriteU64(out, ids.entity_correlating.size());
  WriteU64(out, static_cast<std::uint64_t>(window));
  WriteArray(out, ids.time);
  WriteArray(out, ids.offsets);
  WriteArray(out, ids.entities);
  WriteArray(out, ids.entity_correlating);
  out.close();
  if (!out) return Status::IOError("writing " + path + " failed");
  return Status::Ok();
}

Result<ScipyRun> RunScipyBaseline(const std::string& ids_file) {
  const std::string command =
      Quoted(Python()) + " " + Quoted(WEFT_SCIPY_SCRIPT) + " " + Quoted(ids_file) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return Status::Internal("cannot run " + command);
  std::string output;
  char buf[4096];
  for (std::size_t got; (got = fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, got);
  const int status = pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // The figures are the last line: Python's warnings, if any, come before it.
  std::string_view last = output;
  while (!last.empty() && last.back() == '\n') last.remove_suffix(1);
  if (const std::size_t newline = last.rfind('\n'); newline != std::string_view::npos)
    last.remove_prefix(newline + 1);
  const nlohmann::json j = nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
  const std::string said = j.is_object() && j.contains("error") && j["error"].is_string()
                               ? j["error"].get<std::string>()
                               : output;
  // 127: the shell found no such interpreter.
  if (code == kMissingScipy || code == 127) return Status::NotFound(Python() + ": " + said);
  bool complete = code == 0 && j.is_object();
  for (const char* key :
       {"alerts", "seconds", "components", "window_seconds", "window_components", "peak_rss_mb"})
    complete = complete && j.contains(key) && j[key].is_number();
  if (!complete)
    return Status::Internal(command + " failed (exit " + std::to_string(code) + "): " + said);
  ScipyRun run;
  run.alerts = j["alerts"].get<std::size_t>();
  run.seconds = j["seconds"].get<double>();
  run.components = j["components"].get<std::size_t>();
  run.window_seconds = j["window_seconds"].get<double>();
  run.window_components = j["window_components"].get<std::size_t>();
  run.peak_rss_mb = j["peak_rss_mb"].get<double>();
  return run;
}

Status Runner::ScipyRound(const std::string& ids_file, std::vector<ScipyRun>* runs,
                          bool* with_scipy) {
  if (!*with_scipy) return Status::Ok();
  Result<ScipyRun> run = RunScipyBaseline(ids_file);
  if (run.status().code() == StatusCode::kNotFound) {
    progress_ << "\n  scipy baseline left out: " << run.status().message() << "\n";
    *with_scipy = false;
    runs->clear();
    return Status::Ok();
  }
  WEFT_RETURN_IF_ERROR(run.status());
  runs->push_back(*run);
  return Status::Ok();
}

namespace {

double MedianSeconds(const std::vector<ScipyRun>& runs, double ScipyRun::*seconds) {
  std::vector<double> v;
  for (const ScipyRun& r : runs) v.push_back(r.*seconds);
  return Percentile(v, 0.5);
}

}  // namespace

Result<double> Runner::AddScipyFigures(const std::vector<ScipyRun>& runs,
                                       const std::vector<ScipyRun>& base_runs,
                                       double correlate_alerts_per_s, std::size_t floor_incidents) {
  std::vector<double> peaks;
  for (const ScipyRun& r : runs) {
    peaks.push_back(r.peak_rss_mb);
    if (r.window_components != floor_incidents) {
      return Status::Internal("SciPy's windowed job found " + std::to_string(r.window_components) +
                              " incidents and the union-find floor " +
                              std::to_string(floor_incidents) + ": they do the same job");
    }
  }
  const auto n = static_cast<double>(runs.front().alerts);
  const double rate = n / MedianSeconds(runs, &ScipyRun::seconds);
  const double window_rate = n / MedianSeconds(runs, &ScipyRun::window_seconds);
  Add("scipy_alerts_per_s", rate, "alerts/s");
  Add("scipy_incidents", static_cast<double>(runs.front().components), "");
  Add("scipy_window_alerts_per_s", window_rate, "alerts/s");
  Add("scipy_window_incidents", static_cast<double>(runs.front().window_components), "");
  Add("scipy_peak_rss_mb", *std::max_element(peaks.begin(), peaks.end()), "MB");
  // The "at least 1.5x SciPy's batch job": the correlator (window and hub rules on)
  // against SciPy's plain job, the reference row's, and against its windowed one.
  Add("correlate_scipy_ratio", correlate_alerts_per_s / rate, "x");
  Add("correlate_scipy_window_ratio", correlate_alerts_per_s / window_rate, "x");
  if (!base_runs.empty()) {
    Add("scale_scipy_x",
        MedianSeconds(runs, &ScipyRun::seconds) / MedianSeconds(base_runs, &ScipyRun::seconds),
        "x");
    Add("scale_scipy_window_x",
        MedianSeconds(runs, &ScipyRun::window_seconds) /
            MedianSeconds(base_runs, &ScipyRun::window_seconds),
        "x");
  }
  return rate;
}

}  // namespace weft::cli::bench_internal
