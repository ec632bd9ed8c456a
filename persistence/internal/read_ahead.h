#pragma once
// ReadAhead: a scan whose block reads and record decoding run on a second thread, a few chunks
// ahead of the caller that visits the records. A replay spends about as long reading and decoding
// records as using them; on two cores the two halves overlap. Records are visited in scan order on
// the caller's thread, so a visitor may read the store (point reads run beside the iterator).
//
// The producer fills chunks through a ReadAheadSink: Slot() is the record to decode into (slots
// are reused, so strings keep their capacity), Keep() copies bytes the record must point into
// (chunk-owned, valid until the record has been visited), Commit() hands the slot on and says
// whether the caller still wants records. Three chunks circulate, so memory stays bounded.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "model/status.h"

namespace weft::rocks {

template <typename T>
class ReadAheadSink;

namespace read_ahead_internal {

inline constexpr std::size_t kChunkRecords = 512;
inline constexpr std::size_t kChunkBytes = 1 << 20;
inline constexpr int kChunks = 3;

template <typename T>
struct Chunk {
  std::vector<T> items;  // items[0, used) are this chunk's records; the rest are spare slots
  std::size_t used = 0;
  std::vector<std::string> blocks;  // Keep()'s copies; a block never reallocates once used
  std::size_t block = 0;            // the block being filled
  std::size_t kept = 0;             // bytes kept in this chunk

  void Reset() {
    used = 0;
    block = 0;
    kept = 0;
    for (std::string& b : blocks) b.clear();
  }
  bool Full() const { return used == kChunkRecords || kept >= kChunkBytes; }
  std::string_view Keep(std::string_view bytes) {
    while (block < blocks.size() && blocks[block].capacity() - blocks[block].size() < bytes.size())
      ++block;
    if (block == blocks.size()) blocks.emplace_back().reserve(std::max(kChunkBytes, bytes.size()));
    std::string& b = blocks[block];
    const std::size_t at = b.size();
    b.append(bytes);
    kept += bytes.size();
    return std::string_view(b).substr(at, bytes.size());
  }
};

// The hand-over between the producer thread and the visiting caller.
template <typename T>
class Exchange {
 public:
  Exchange() {
    for (int i = 0; i < kChunks; ++i) free_.push_back(std::make_unique<Chunk<T>>());
  }

  // Producer side. Nullptr once the caller has stopped.
  std::unique_ptr<Chunk<T>> TakeFree() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || !free_.empty(); });
    if (stopped_) return nullptr;
    std::unique_ptr<Chunk<T>> c = std::move(free_.front());
    free_.pop_front();
    return c;
  }
  void PutReady(std::unique_ptr<Chunk<T>> chunk) {
    std::lock_guard lock(mu_);
    ready_.push_back(std::move(chunk));
    cv_.notify_all();
  }
  void Finish(Status status) {
    std::lock_guard lock(mu_);
    status_ = std::move(status);
    done_ = true;
    cv_.notify_all();
  }
  bool stopped() {
    std::lock_guard lock(mu_);
    return stopped_;
  }

  // Caller side. Nullptr when the producer is done and every chunk was taken.
  std::unique_ptr<Chunk<T>> TakeReady() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return done_ || !ready_.empty(); });
    if (ready_.empty()) return nullptr;
    std::unique_ptr<Chunk<T>> c = std::move(ready_.front());
    ready_.pop_front();
    return c;
  }
  void PutFree(std::unique_ptr<Chunk<T>> chunk) {
    chunk->Reset();
    std::lock_guard lock(mu_);
    free_.push_back(std::move(chunk));
    cv_.notify_all();
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }
  Status status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Chunk<T>>> free_, ready_;
  bool stopped_ = false, done_ = false;
  Status status_;
};

}  // namespace read_ahead_internal

template <typename T>
class ReadAheadSink {
 public:
  explicit ReadAheadSink(read_ahead_internal::Exchange<T>& exchange) : exchange_(exchange) {}

  // The record to decode into next (possibly holding a previous record's values).
  T& Slot() {
    if (chunk_ == nullptr) chunk_ = exchange_.TakeFree();
    if (chunk_ == nullptr) return scratch_;  // the caller stopped; Commit() will say so
    if (chunk_->used == chunk_->items.size()) chunk_->items.emplace_back();
    return chunk_->items[chunk_->used];
  }
  // A copy of `bytes` that lives until the slot's record has been visited.
  std::string_view Keep(std::string_view bytes) {
    if (chunk_ == nullptr) return bytes;
    return chunk_->Keep(bytes);
  }
  // Hands the slot's record on; false when the caller wants no more records.
  bool Commit() {
    if (chunk_ == nullptr) return false;
    ++chunk_->used;
    if (!chunk_->Full()) return true;
    exchange_.PutReady(std::move(chunk_));
    return !exchange_.stopped();
  }
  // Hands on the last, partly filled chunk.
  void Flush() {
    if (chunk_ != nullptr && chunk_->used > 0) exchange_.PutReady(std::move(chunk_));
  }

 private:
  read_ahead_internal::Exchange<T>& exchange_;
  std::unique_ptr<read_ahead_internal::Chunk<T>> chunk_;
  T scratch_;
};

// Runs `produce` on a second thread and passes the committed records to `visit` in order, a
// chunk at a time (a span valid during the call), until `visit` returns false. Returns the
// producer's status; records committed before a failure are visited first.
template <typename T>
Status ReadAheadRuns(const std::function<Status(ReadAheadSink<T>&)>& produce,
                     const std::function<bool(std::span<const T>)>& visit) {
  read_ahead_internal::Exchange<T> exchange;
  std::jthread producer([&] {
    ReadAheadSink<T> sink(exchange);
    Status status = produce(sink);
    sink.Flush();
    exchange.Finish(std::move(status));
  });
  // However this function is left (a visitor may throw), the producer is stopped before the
  // jthread joins it: destroyed first, this guard releases a producer waiting for a free chunk.
  struct StopOnExit {
    read_ahead_internal::Exchange<T>& exchange;
    ~StopOnExit() { exchange.Stop(); }
  } stop_on_exit{exchange};
  while (std::unique_ptr<read_ahead_internal::Chunk<T>> chunk = exchange.TakeReady()) {
    // The caller stopped the scan (the guard stops the producer); a later failure is not its
    // concern.
    if (!visit(std::span<const T>(chunk->items.data(), chunk->used))) return Status::Ok();
    exchange.PutFree(std::move(chunk));
  }
  producer.join();
  return exchange.status();
}

// A run visitor that passes each record of a run to `visit` until it returns false. It refers to
// `visit`, which must outlive it.
template <typename T>
std::function<bool(std::span<const T>)> EachOf(const std::function<bool(const T&)>& visit) {
  return [&visit](std::span<const T> run) {
    for (const T& record : run) {
      if (!visit(record)) return false;
    }
    return true;
  };
}

// The same, one record at a time.
template <typename T>
Status ReadAhead(const std::function<Status(ReadAheadSink<T>&)>& produce,
                 const std::function<bool(const T&)>& visit) {
  return ReadAheadRuns<T>(produce, EachOf(visit));
}

}  // namespace weft::rocks
