#include "importers/internal/input_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

namespace weft::importers {
namespace {

constexpr std::size_t kReadBytes = 1 << 16;

}  // namespace

// The bytes of a stream as they arrive. Plain bytes pass through; a stream that begins with the
// gzip magic is inflated, member after member (concatenated gzip).
class InputReader::Stream {
 public:
  Stream(int fd, std::string path) : fd_(fd), path_(std::move(path)), raw_(kReadBytes, '\0') {}
  ~Stream() {
    if (inflating_) inflateEnd(&z_);
    ::close(fd_);
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  bool stopped() const { return stopped_; }

  // Reads up to `cap` bytes of content into `out`: how many, 0 at the end of input. A read that
  // waits for the stream follows `wait`.
  Result<std::size_t> Read(char* out, std::size_t cap, const WaitPolicy& wait) {
    if (!decided_) {
      while (end_ - begin_ < 2) {
        WEFT_ASSIGN_OR_RETURN(const bool more, FetchRaw(wait));
        if (!more) break;
      }
      decided_ = true;
      if (end_ - begin_ >= 2 && IsGzipMagic()) {
        if (inflateInit2(&z_, 15 + 16) != Z_OK) return Status::IOError("zlib: cannot inflate");
        inflating_ = true;
      }
    }
    return inflating_ ? Inflate(out, cap, wait) : Copy(out, cap, wait);
  }

 private:
  bool IsGzipMagic() const {
    return static_cast<unsigned char>(raw_[begin_]) == 0x1f &&
           static_cast<unsigned char>(raw_[begin_ + 1]) == 0x8b;
  }

  // Appends what the stream has (waiting for at least a byte, under `wait`) to raw_; false at
  // its end.
  Result<bool> FetchRaw(const WaitPolicy& wait) {
    if (eof_) return false;
    if (begin_ == end_) begin_ = end_ = 0;
    if (end_ == raw_.size()) {  // no room at the end: move the unread bytes to the front
      std::memmove(raw_.data(), raw_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
      if (end_ == raw_.size()) raw_.resize(raw_.size() * 2);
    }
    WEFT_ASSIGN_OR_RETURN(const bool readable, WaitUntilReadable(wait));
    if (!readable) {  // stopped: the input ends here
      eof_ = stopped_ = true;
      return false;
    }
    while (true) {
      const ssize_t n = ::read(fd_, raw_.data() + end_, raw_.size() - end_);
      if (n > 0) {
        end_ += static_cast<std::size_t>(n);
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return false;
      }
      if (errno != EINTR)
        return Status::IOError("reading '" + path_ + "': " + std::strerror(errno));
    }
  }

  // Waits for input until the policy's deadline, runs its handler each time one passes, and
  // returns true once input (or the end, or an error) is there or no deadline is left; false
  // when the policy stops the stream.
  Result<bool> WaitUntilReadable(const WaitPolicy& wait) {
    const bool stoppable = wait.wake_fd >= 0 && wait.stopped;
    while (true) {
      if (stoppable && wait.stopped()) return false;
      const Clock::time_point deadline = wait.deadline ? wait.deadline() : Clock::time_point::max();
      if (deadline == Clock::time_point::max() && !stoppable) return true;
      int timeout_ms = -1;  // no deadline: wait for input or a stop
      if (deadline != Clock::time_point::max()) {
        const Clock::time_point now = Clock::now();
        timeout_ms = deadline <= now
                         ? 0
                         : static_cast<int>(std::min<std::int64_t>(
                               std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count(),
                               INT32_MAX));
      }
      pollfd p[2] = {{fd_, POLLIN, 0}, {wait.wake_fd, POLLIN, 0}};
      const int ready = ::poll(p, stoppable ? 2 : 1, timeout_ms);
      if (ready < 0 && errno != EINTR)
        return Status::IOError("waiting for '" + path_ + "': " + std::strerror(errno));
      if (ready == 0) WEFT_RETURN_IF_ERROR(wait.expired());
      if (ready > 0 && p[0].revents != 0) return true;
      // Interrupted, a deadline passed, or only the wake-up: look again.
    }
  }

  Result<std::size_t> Copy(char* out, std::size_t cap, const WaitPolicy& wait) {
    if (begin_ == end_) {
      WEFT_ASSIGN_OR_RETURN(const bool more, FetchRaw(wait));
      if (!more) return std::size_t{0};
    }
    const std::size_t n = std::min(cap, end_ - begin_);
    std::memcpy(out, raw_.data() + begin_, n);
    begin_ += n;
    return n;
  }

  Result<std::size_t> Inflate(char* out, std::size_t cap, const WaitPolicy& wait) {
    while (true) {
      if (member_done_) {  // another member may follow; anything else after one is ignored
        while (end_ - begin_ < 2) {
          WEFT_ASSIGN_OR_RETURN(const bool more, FetchRaw(wait));
          if (!more) return std::size_t{0};
        }
        if (!IsGzipMagic()) return std::size_t{0};
        inflateReset(&z_);
        member_done_ = false;
      }
      if (begin_ == end_) {
        WEFT_ASSIGN_OR_RETURN(const bool more, FetchRaw(wait));
        if (!more && stopped_) return std::size_t{0};  // a stop ends it mid-member
        if (!more) return Status::IOError("reading '" + path_ + "': unexpected end of gzip data");
      }
      z_.next_in = reinterpret_cast<Bytef*>(raw_.data() + begin_);
      z_.avail_in = static_cast<uInt>(end_ - begin_);
      z_.next_out = reinterpret_cast<Bytef*>(out);
      z_.avail_out = static_cast<uInt>(cap);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      begin_ = end_ - z_.avail_in;
      if (rc == Z_STREAM_END) {
        member_done_ = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::IOError("reading '" + path_ +
                               "': " + (z_.msg != nullptr ? z_.msg : "bad gzip data"));
      }
      const std::size_t produced = cap - z_.avail_out;
      if (produced > 0) return produced;
    }
  }

  int fd_;
  std::string path_;
  std::string raw_;  // bytes read, not yet consumed: [begin_, end_)
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool stopped_ = false;  // the wait policy ended the stream
  bool decided_ = false;  // whether the stream is gzip is known
  bool inflating_ = false;
  bool member_done_ = false;
  z_stream z_{};
};

Result<std::unique_ptr<InputReader>> InputReader::Open(const std::string& path) {
  const int fd = path == "-" ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::IOError("cannot open '" + path + "': " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    return std::unique_ptr<InputReader>(
        new InputReader(nullptr, std::make_unique<Stream>(fd, path), path));
  }
  gzFile f = gzdopen(fd, "rb");  // owns fd from here
  if (f == nullptr) {
    ::close(fd);
    return Status::IOError("cannot open '" + path + "': out of memory");
  }
  gzbuffer(f, 1 << 17);
  return std::unique_ptr<InputReader>(new InputReader(f, nullptr, path));
}

InputReader::InputReader(gzFile file, std::unique_ptr<Stream> stream, std::string path)
    : file_(file), stream_(std::move(stream)), path_(std::move(path)) {}

bool InputReader::stopped() const { return stream_ != nullptr && stream_->stopped(); }

InputReader::~InputReader() {
  if (file_ != nullptr) gzclose(file_);
}

Result<bool> InputReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t old = buffer_.size();
  buffer_.resize(old + kReadBytes);
  std::size_t n = 0;
  if (stream_ != nullptr) {
    Result<std::size_t> got = stream_->Read(buffer_.data() + old, kReadBytes, wait_);
    if (!got.ok()) {
      buffer_.resize(old);
      eof_ = true;
      return got.status();
    }
    n = *got;
  } else {
    const int got = gzread(file_, buffer_.data() + old, kReadBytes);
    if (got <= 0) {  // the end, or an error (a truncated gzip member reads as one)
      int err = 0;
      const char* msg = gzerror(file_, &err);
      if (err != Z_OK && err != Z_STREAM_END) {
        buffer_.resize(old);
        eof_ = true;
        return Status::IOError("reading '" + path_ + "': " + (msg ? msg : "unknown error"));
      }
    }
    n = got > 0 ? static_cast<std::size_t>(got) : 0;
  }
  buffer_.resize(old + n);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  bytes_read_ += n;
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
    WEFT_ASSIGN_OR_RETURN(const bool more, Fill());
    if (!more && stopped()) {  // a stop cut the stream: a line without its end is not a record
      line->clear();
      return false;
    }
    if (!more) {
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
  while (true) {
    WEFT_ASSIGN_OR_RETURN(const bool more, Fill());
    if (!more) break;
    out += buffer_;
    buffer_.clear();
    if (out.size() > max_bytes) {
      *too_long = true;
      while (true) {  // consume the rest unbuffered
        WEFT_ASSIGN_OR_RETURN(const bool again, Fill());
        if (!again) break;
        buffer_.clear();
      }
      break;
    }
  }
  return out;
}

}  // namespace weft::importers
