#include "cli/progress.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <ostream>

namespace weft::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string Megabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / 1e6);
  return buf;
}

std::string Rate(double per_second) {
  char buf[32];
  if (per_second >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM", per_second / 1e6);
  } else if (per_second >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fk", per_second / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", per_second);
  }
  return buf;
}

bool EndsWith(std::string s, std::string_view suffix) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The same data-file rule as the importer's directory walk (*.json, *.jsonl, *.ndjson, *.csv,
// *.log, *.txt, not hidden); `gz` says whether the name ends in .gz.
bool IsDataFile(const std::string& name, bool* gz) {
  if (name.empty() || name.front() == '.') return false;
  *gz = EndsWith(name, ".gz");
  const std::string base = *gz ? name.substr(0, name.size() - 3) : name;
  for (std::string_view ext : {".json", ".jsonl", ".ndjson", ".csv", ".log", ".txt"}) {
    if (EndsWith(base, ext) && base.size() > ext.size()) return true;
  }
  return false;
}

}  // namespace

ProgressLine::ProgressLine(std::ostream& out, std::uint64_t total_bytes, bool enabled)
    : out_(out),
      total_bytes_(total_bytes),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()) {}

void ProgressLine::Update(std::uint64_t bytes, std::uint64_t alerts, std::uint64_t rejected) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawEvery) return;
  if (!drawn_ && now - start_ < kRedrawEvery) return;  // short inputs never show a bar
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  out_ << "\r\033[K" << Render(bytes, total_bytes_, alerts, rejected, seconds) << std::flush;
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

std::string ProgressLine::Render(std::uint64_t bytes, std::uint64_t total_bytes,
                                 std::uint64_t alerts, std::uint64_t rejected, double seconds) {
  std::string line = "weft: ";
  if (total_bytes > 0) {
    constexpr int kWidth = 24;
    const double done =
        std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes));
    const int filled = static_cast<int>(done * kWidth);
    line += "[" + std::string(static_cast<std::size_t>(filled), '=') +
            std::string(static_cast<std::size_t>(kWidth - filled), ' ') + "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3d%% ", static_cast<int>(done * 100));
    line += pct;
    line += Megabytes(bytes) + "/" + Megabytes(total_bytes) + " MB";
  } else {
    line += Megabytes(bytes) + " MB read";
  }
  const double rate = seconds > 0 ? static_cast<double>(alerts) / seconds : 0;
  line += "  " + std::to_string(alerts) + " alerts (" + Rate(rate) + "/s)";
  line += "  " + std::to_string(rejected) + " rejected";
  return line;
}

std::uint64_t InputBytes(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::uint64_t total = 0;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path == "-") return 0;
    if (fs::is_directory(path, ec)) {
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        bool gz = false;
        if (!it->is_regular_file(ec) || !IsDataFile(it->path().filename().string(), &gz)) continue;
        if (gz) return 0;
        total += it->file_size(ec);
      }
    } else if (fs::is_regular_file(path, ec)) {
      if (EndsWith(path, ".gz")) return 0;
      total += fs::file_size(path, ec);
    } else {
      return 0;  // a pipe or device
    }
    if (ec) return 0;
  }
  return total;
}

}  // namespace weft::cli
