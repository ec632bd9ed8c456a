#pragma once
// Reads one input (a file, possibly gzip-compressed, or stdin) as lines or as a whole, with a
// cap on how long a line may grow. Private to importers/. Not thread-safe.
//
// A regular file is read in large blocks through zlib's gzFile. A stream (stdin, a pipe, a FIFO,
// a terminal, a socket) is read as its bytes arrive: a read returns what is there instead of
// waiting for a full block, and a read that would wait for input waits only until the deadline
// of the wait policy, when the policy's handler runs. That is how the importer hands a paused
// stream's alerts to the engine without waiting for a full batch. gzip is detected from the
// content on both.

#include <zlib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "model/status.h"

namespace weft::importers {

class InputReader {
 public:
  // Opens `path` ("-" = stdin).
  static Result<std::unique_ptr<InputReader>> Open(const std::string& path);
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  using Clock = std::chrono::steady_clock;
  // How long a read of a stream may wait for input: until `deadline()` (Clock::time_point::max()
  // = as long as it takes). When the deadline passes with nothing to read, `expired()` runs (a
  // non-OK status stops the read: NextLine and ReadRest return it) and the read goes on under
  // the deadline the policy then gives. Regular files never wait, so they never ask.
  // A stop: when `stopped()` is true, a read of a stream that would wait returns the end of the
  // input instead; `wake_fd` (the read end of a pipe written to on a stop) wakes one that waits.
  struct WaitPolicy {
    std::function<Clock::time_point()> deadline;
    std::function<Status()> expired;
    int wake_fd = -1;
    std::function<bool()> stopped;
  };
  void set_wait_policy(WaitPolicy policy) { wait_ = std::move(policy); }

  // Reads the next line (without '\n' or "\r\n") into *line. Returns false at end of input.
  // A line longer than `max_bytes` is consumed to its end and *too_long is set; *line then holds
  // its first max_bytes bytes.
  Result<bool> NextLine(std::string* line, std::size_t max_bytes, bool* too_long);
  // Reads everything that remains, up to max_bytes (then *too_long is set).
  Result<std::string> ReadRest(std::size_t max_bytes, bool* too_long);
  std::size_t bytes_read() const { return bytes_read_; }
  // Whether the wait policy stopped the stream (its input then ended early, possibly mid-record).
  bool stopped() const;

 private:
  class Stream;  // a stream's bytes as they arrive, inflated when gzip
  InputReader(gzFile file, std::unique_ptr<Stream> stream, std::string path);
  // Appends the next bytes to buffer_; false at the end of input.
  Result<bool> Fill();

  gzFile file_ = nullptr;           // a regular file
  std::unique_ptr<Stream> stream_;  // or a stream
  std::string path_;
  WaitPolicy wait_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::size_t bytes_read_ = 0;
};

}  // namespace weft::importers
