#pragma once
// A one-line progress display for long ingests on a terminal: bytes read of the total (when the
// input size is known), alerts and alerts/s, rejects. Redrawn at most ~10 times a second, only
// when enabled (stderr is a tty), and cleared by Clear()/Finish() so that other messages and
// the summary start on a clean line. Not thread-safe: call it from the importing thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace weft::cli {

class ProgressLine {
 public:
  // `total_bytes` 0 = unknown (stdin, gzip input). Draws on `out` only when `enabled`.
  ProgressLine(std::ostream& out, std::uint64_t total_bytes, bool enabled);
  ~ProgressLine() { Clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws if at least 100 ms passed since the last draw.
  void Update(std::uint64_t bytes, std::uint64_t alerts, std::uint64_t rejected);
  // Erases the line if one is drawn (before printing something else on the stream).
  void Clear();
  // Clears the line for good; later Updates still draw.
  void Finish() { Clear(); }

  // The text of the line, without control characters (for tests).
  static std::string Render(std::uint64_t bytes, std::uint64_t total_bytes, std::uint64_t alerts,
                            std::uint64_t rejected, double seconds);

 private:
  std::ostream& out_;
  std::uint64_t total_bytes_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// The uncompressed input size of `paths` for a progress total: the sum of regular file sizes
// (directories summed over their data files), or 0 when unknown (stdin "-", a gzip file).
std::uint64_t InputBytes(const std::vector<std::string>& paths);

}  // namespace weft::cli
