#include "importers/internal/input_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace weft::importers {

Result<std::unique_ptr<InputReader>> InputReader::Open(const std::string& path) {
  gzFile f = path == "-" ? gzdopen(dup(STDIN_FILENO), "rb") : gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
  }
  gzbuffer(f, 1 << 17);
  return std::unique_ptr<InputReader>(new InputReader(f, path));
}

InputReader::~InputReader() { gzclose(file_); }

bool InputReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t old = buffer_.size();
  buffer_.resize(old + (1 << 16));
  const int n = gzread(file_, buffer_.data() + old, 1 << 16);
  if (n <= 0) {
    buffer_.resize(old);
    eof_ = true;
    return false;
  }
  buffer_.resize(old + static_cast<size_t>(n));
  bytes_read_ += static_cast<size_t>(n);
  return true;
}

Result<bool> InputReader::NextLine(std::string* line, std::size_t max_bytes, bool* too_long) {
  line->clear();
  *too_long = false;
  while (true) {
    const size_t nl = buffer_.find('\n', pos_);
    const size_t end = nl == std::string::npos ? buffer_.size() : nl;
    const size_t room = max_bytes > line->size() ? max_bytes - line->size() : 0;
    const size_t take = std::min(end - pos_, room);
    line->append(buffer_, pos_, take);
    if (end - pos_ > take) *too_long = true;
    if (nl != std::string::npos) {
      pos_ = nl + 1;
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
    pos_ = buffer_.size();
    if (!Fill()) {
      int err = 0;
      const char* msg = gzerror(file_, &err);
      if (err != Z_OK && err != Z_STREAM_END) {
        return Status::IOError("reading '" + path_ + "': " + (msg ? msg : "unknown error"));
      }
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return !line->empty() || *too_long;
    }
  }
}

Result<std::string> InputReader::ReadRest(std::size_t max_bytes, bool* too_long) {
  *too_long = false;
  std::string out = buffer_.substr(pos_);
  buffer_.clear();
  pos_ = 0;
  while (Fill()) {
    out += buffer_;
    buffer_.clear();
    if (out.size() > max_bytes) {
      *too_long = true;
      while (Fill()) buffer_.clear();
      break;
    }
  }
  int err = 0;
  const char* msg = gzerror(file_, &err);
  if (err != Z_OK && err != Z_STREAM_END) {
    return Status::IOError("reading '" + path_ + "': " + (msg ? msg : "unknown error"));
  }
  return out;
}

}  // namespace weft::importers
