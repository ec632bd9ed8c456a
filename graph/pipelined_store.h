#pragma once
// PipelinedStore: a GraphStore decorator that commits batches on its own thread, so the caller
// prepares batch n+1 (identity resolution, correlation, incident records) while batch n is
// encoded and written to the underlying store. At most `depth` batches are in flight (queued or
// being written); ApplyAsync waits for room.
//
// Reads see every submitted batch: point reads answer from the newest batch in flight that holds
// the key (upserts and deletes, with Apply's order of effects), else from the underlying store;
// scans and Stats first wait for every batch in flight (and then show what the store holds, so
// a batch whose commit failed is not seen). Apply is synchronous as the interface says;
// ApplyAsync returns once the batch is queued, and the batch is durable when Sync, or the
// `depth`-th ApplyAsync after it, returns OK. A failed commit is sticky: every later ApplyAsync,
// Apply and Sync returns its error, and batches queued behind it are dropped unwritten, so
// nothing submitted after it is acknowledged.
//
// Thread-safe for one writer and concurrent readers, like the store it wraps (which must itself
// allow a writer and readers at once). The destructor waits for the batches in flight.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "graph/graph_store.h"

namespace weft {

class PipelinedStore final : public GraphStore {
 public:
  // What `weft ingest` and the benchmark use. Two batches in flight keep both cores busy when
  // one commit or one engine batch runs long (a flush or compaction takes a core for a while):
  // the durable stage at 1M gained 4-26% over depth 1 in five alternating pairs, depth 3 no
  // more (docs/adr/0005-pipelined-commits.md). The price is one batch more of latency and
  // memory.
  static constexpr std::size_t kDefaultDepth = 2;

  // Called on the committing thread with each batch once the inner store has applied it (it is
  // durable then), in submission order, before Sync or a later ApplyAsync can report it: what a
  // server acknowledging its sources per batch, or a benchmark timing each alert, needs. It must
  // not call this store.
  using CommitListener = std::function<void(const WriteBatch&)>;

  // `inner` must outlive this store. At most `depth` (at least 1) batches are in flight.
  explicit PipelinedStore(GraphStore& inner, std::size_t depth = kDefaultDepth,
                          CommitListener on_commit = {});
  explicit PipelinedStore(std::unique_ptr<GraphStore> inner,
                          std::size_t depth = kDefaultDepth);  // owns it
  std::size_t depth() const { return depth_; }
  ~PipelinedStore() override;
  PipelinedStore(const PipelinedStore&) = delete;
  PipelinedStore& operator=(const PipelinedStore&) = delete;

  Status Apply(const WriteBatch& batch) override;
  Status ApplyAsync(WriteBatch batch) override;
  Status Sync() override;

  Result<std::optional<Alert>> GetAlert(std::string_view key) override;
  Result<std::optional<EntityRecord>> GetEntity(std::string_view tenant,
                                                std::string_view key) override;
  Result<std::optional<Incident>> GetIncident(std::string_view id) override;
  Result<std::optional<std::string>> GetMeta(std::string_view name) override;
  Status ForEachAlert(std::string_view tenant,
                      const std::function<bool(const Alert&)>& visit) override;
  Status ForEachAlertSummary(std::string_view tenant,
                             const std::function<bool(const AlertSummary&)>& visit) override;
  Status ForEachEntity(std::string_view tenant,
                       const std::function<bool(const EntityRecord&)>& visit) override;
  Status ForEachAlertSummaryNaming(std::string_view tenant,
                                   std::span<const std::string> entity_keys,
                                   const std::function<bool(const AlertSummary&)>& visit) override;
  Status ForEachIncidentMembers(std::string_view tenant,
                                const std::function<bool(const IncidentMembers&)>& visit) override;
  Status ForEachIncidentHolding(std::string_view tenant, std::span<const std::string> alert_keys,
                                const std::function<bool(const Incident&)>& visit) override;
  Status ForEachEntityOfKind(std::string_view tenant, EntityKind kind,
                             const std::function<bool(const EntityRecord&)>& visit) override;
  Status ForEachEntityRun(std::string_view tenant,
                          const std::function<bool(std::span<const EntityRecord>)>& visit) override;
  Status ForEachAlertSummaryRun(
      std::string_view tenant,
      const std::function<bool(std::span<const AlertSummary>)>& visit) override;
  Status ForEachRelation(std::string_view tenant,
                         const std::function<bool(const Relation&)>& visit) override;
  Status ForEachRelationFrom(std::string_view tenant, std::string_view from,
                             const std::function<bool(const Relation&)>& visit) override;
  Status ForEachIncident(std::string_view tenant,
                         const std::function<bool(const Incident&)>& visit) override;
  Result<StoreStats> Stats() override;
  Result<StoreStats> EstimatedStats() override;

  // CPU time the committer thread has spent applying batches and freeing them, in seconds: what
  // a benchmark reads to split a durable ingest's cost between the caller and the commits.
  double CommitCpuSeconds() const;

 private:
  class InFlight;  // a submitted batch and the indexes point reads consult

  // The batches in flight, newest first.
  std::vector<std::shared_ptr<const InFlight>> Queued() const;
  // The first answer `find` gives from a batch in flight, newest first; nullopt if none has one.
  template <typename Find>
  auto FindQueued(Find find) const -> decltype(find(std::declval<const InFlight&>()));
  void WaitIdle();  // until no batch is in flight
  void CommitLoop();

  std::unique_ptr<GraphStore> owned_;  // null when the caller owns the inner store
  GraphStore& inner_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  const std::size_t depth_;
  const CommitListener on_commit_;
  std::deque<std::shared_ptr<const InFlight>> queue_;  // guarded by mu_; oldest first
  bool stopping_ = false;                              // guarded by mu_
  Status failed_;                                      // guarded by mu_; the first failed commit
  double commit_cpu_s_ = 0;                            // guarded by mu_
  std::thread committer_;
};

}  // namespace weft
