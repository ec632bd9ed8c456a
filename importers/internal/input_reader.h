#pragma once
// Reads one input (a file, possibly gzip-compressed, or stdin) as lines or as a whole, with a
// cap on how long a line may grow. Private to importers/. Not thread-safe.

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <string>

#include "model/status.h"

namespace weft::importers {

class InputReader {
 public:
  // Opens `path` ("-" = stdin). gzip is detected from the content, not the name.
  static Result<std::unique_ptr<InputReader>> Open(const std::string& path);
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // Reads the next line (without '\n' or "\r\n") into *line. Returns false at end of input.
  // A line longer than `max_bytes` is consumed to its end and *too_long is set; *line then holds
  // its first max_bytes bytes.
  Result<bool> NextLine(std::string* line, std::size_t max_bytes, bool* too_long);
  // Reads everything that remains, up to max_bytes (then *too_long is set).
  Result<std::string> ReadRest(std::size_t max_bytes, bool* too_long);
  std::size_t bytes_read() const { return bytes_read_; }

 private:
  InputReader(gzFile file, std::string path) : file_(file), path_(std::move(path)) {}
  bool Fill();

  gzFile file_;
  std::string path_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::size_t bytes_read_ = 0;
};

}  // namespace weft::importers
