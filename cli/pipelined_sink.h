#pragma once
// PipelinedSink: an ImportSink that ingests batches into an Engine on a worker thread, so the
// importer reads and normalizes batch n+1 while the engine correlates and commits batch n. On
// two cores parsing and ingesting overlap instead of adding up.
//
// Consume() queues a batch (blocking while two are already waiting) and returns the worker's
// first error, if any, so the importer stops reading. Finish() drains the queue, waits until the
// engine's batches are durable (Engine::Sync), joins the worker and returns the first error;
// batches committed before an error stay committed. The Engine must
// not be used by anyone else until Finish() returns. Consume and Finish are called from one thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/engine.h"
#include "importers/importer.h"

namespace weft::cli {

class PipelinedSink final : public ImportSink {
 public:
  // `now` stamps each batch's ingestion time (milliseconds since the epoch).
  PipelinedSink(Engine& engine, std::function<Timestamp()> now);
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;
  ~PipelinedSink() override;  // finishes if Finish() was not called

  Status Consume(ImportBatch batch) override;
  Status Finish();

  // Valid after Finish().
  const IngestResult& totals() const { return totals_; }
  std::size_t batches() const { return batches_; }

 private:
  static constexpr std::size_t kMaxQueued = 2;
  void Run();

  Engine& engine_;
  std::function<Timestamp()> now_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<ImportBatch> queue_;
  bool closed_ = false;
  Status error_;  // the worker's first error
  IngestResult totals_;
  std::size_t batches_ = 0;
  std::thread worker_;
};

}  // namespace weft::cli
