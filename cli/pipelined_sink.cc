#include "cli/pipelined_sink.h"

#include <utility>

namespace weft::cli {

PipelinedSink::PipelinedSink(Engine& engine, std::function<Timestamp()> now)
    : engine_(engine), now_(std::move(now)), worker_([this] { Run(); }) {}

PipelinedSink::~PipelinedSink() { (void)Finish(); }

Status PipelinedSink::Consume(ImportBatch batch) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueued || !error_.ok(); });
  if (!error_.ok()) return error_;
  queue_.push_back(std::move(batch));
  changed_.notify_all();
  return Status::Ok();
}

Status PipelinedSink::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  return error_;
}

void PipelinedSink::Run() {
  for (;;) {
    ImportBatch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return !queue_.empty() || closed_; });
      if (queue_.empty()) {
        // Closed and drained: wait until the last batches are durable (a PipelinedStore may
        // still be committing them).
        lock.unlock();
        Status synced = engine_.Sync();
        lock.lock();
        if (!synced.ok()) error_ = std::move(synced);
        return;
      }
      batch = std::move(queue_.front());
      queue_.pop_front();
      changed_.notify_all();  // room for the reader
    }
    Result<IngestResult> r =
        engine_.Ingest(std::move(batch.alerts), std::move(batch.relations), now_());
    std::lock_guard<std::mutex> lock(mu_);
    if (!r.ok()) {
      // Stop here: later batches are dropped and the reader is told at its next Consume.
      error_ = r.status();
      queue_.clear();
      changed_.notify_all();
      return;
    }
    totals_.new_alerts += r->new_alerts;
    totals_.updated_alerts += r->updated_alerts;
    totals_.duplicates += r->duplicates;
    totals_.relations += r->relations;
    totals_.incidents_written += r->incidents_written;
    ++batches_;
  }
}

}  // namespace weft::cli
