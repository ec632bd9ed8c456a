#include "graph/pipelined_store.h"

#include <time.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "graph/string_view_hash.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace weft {
namespace {

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

// A batch handed to the committer, indexed by key. Within a batch a later upsert of a key
// replaces an earlier one, and an upsert wins over a delete of the same key (Apply's order of
// effects), so each index keeps the last upsert and the deletes are consulted only after it.
// Each kind's index is built the first time a reader asks the batch for that kind (by whichever
// thread asks; readers may be several): the ingesting engine reads back alerts and entities,
// never incidents. Indexing every kind up front was 1.19% of a durable stage's samples, the
// alert and entity indexes built on demand are 0.94% (docs/benchmarks.md, round 22).
class PipelinedStore::InFlight {
 public:
  explicit InFlight(WriteBatch batch) : batch_(std::move(batch)) {}

  const WriteBatch& batch() const { return batch_; }

  // nullopt: the batch says nothing of the key; a nullopt inside: the batch deletes it.
  std::optional<std::optional<Alert>> FindAlert(std::string_view key) const {
    const Index<std::string_view, StringViewHash>& index = alerts_.Get([this](auto& i) {
      i.upserts.reserve(batch_.alerts.size());
      for (std::size_t n = 0; n < batch_.alerts.size(); ++n) i.upserts[batch_.alerts[n].key] = n;
    });
    if (auto n = index.Upsert(key)) return std::optional<Alert>(batch_.alerts[*n]);
    return std::nullopt;
  }
  std::optional<std::optional<EntityRecord>> FindEntity(std::string_view tenant,
                                                        std::string_view key) const {
    const Index<EntityKey, StringViewPairHash>& index = entities_.Get([this](auto& i) {
      i.upserts.reserve(batch_.entities.size());
      for (std::size_t n = 0; n < batch_.entities.size(); ++n) {
        const EntityRecord& r = batch_.entities[n];
        i.upserts[EntityKey{r.tenant, r.entity.key}] = n;
      }
      for (const auto& [t, k] : batch_.deleted_entities) i.deletes.insert(EntityKey{t, k});
    });
    const EntityKey k{tenant, key};
    if (auto n = index.Upsert(k)) return std::optional<EntityRecord>(batch_.entities[*n]);
    if (index.deletes.contains(k)) return std::optional<EntityRecord>();
    return std::nullopt;
  }
  std::optional<std::optional<Incident>> FindIncident(std::string_view id) const {
    const Index<std::string_view, StringViewHash>& index = incidents_.Get([this](auto& i) {
      i.upserts.reserve(batch_.incidents.size());
      for (std::size_t n = 0; n < batch_.incidents.size(); ++n)
        i.upserts[batch_.incidents[n].id] = n;
      for (const std::string& d : batch_.deleted_incidents) i.deletes.insert(d);
    });
    if (auto n = index.Upsert(id)) return std::optional<Incident>(batch_.incidents[*n]);
    if (index.deletes.contains(id)) return std::optional<Incident>();
    return std::nullopt;
  }
  std::optional<std::optional<std::string>> FindMeta(std::string_view name) const {
    const Index<std::string_view, StringViewHash>& index = meta_.Get([this](auto& i) {
      for (std::size_t n = 0; n < batch_.meta.size(); ++n) i.upserts[batch_.meta[n].first] = n;
    });
    if (auto n = index.Upsert(name)) return std::optional<std::string>(batch_.meta[*n].second);
    return std::nullopt;
  }

 private:
  using EntityKey = std::pair<std::string_view, std::string_view>;  // (tenant, entity key)

  // One kind's records by key: the position of its last upsert, and its deleted keys. Views
  // into batch_, which never moves or changes. Flat tables of views: node-based maps of copied
  // keys cost an allocation per record on the indexing thread and on the freeing one.
  template <typename Key, typename Hash>
  struct Index {
    absl::flat_hash_map<Key, std::size_t, Hash> upserts;
    absl::flat_hash_set<Key, Hash> deletes;
    std::optional<std::size_t> Upsert(const Key& k) const {
      auto it = upserts.find(k);
      return it == upserts.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }
  };
  // An index built once, by the first reader that needs it.
  template <typename I>
  class Lazy {
   public:
    template <typename Build>
    const I& Get(Build build) const {
      std::call_once(once_, [&] { build(index_); });
      return index_;
    }

   private:
    mutable std::once_flag once_;
    mutable I index_;
  };

  const WriteBatch batch_;
  Lazy<Index<std::string_view, StringViewHash>> alerts_;
  Lazy<Index<EntityKey, StringViewPairHash>> entities_;
  Lazy<Index<std::string_view, StringViewHash>> incidents_;
  Lazy<Index<std::string_view, StringViewHash>> meta_;
};

PipelinedStore::PipelinedStore(GraphStore& inner, std::size_t depth, CommitListener on_commit)
    : inner_(inner),
      depth_(std::max<std::size_t>(depth, 1)),
      on_commit_(std::move(on_commit)),
      committer_([this] { CommitLoop(); }) {}

PipelinedStore::PipelinedStore(std::unique_ptr<GraphStore> inner, std::size_t depth)
    : owned_(std::move(inner)),
      inner_(*owned_),
      depth_(std::max<std::size_t>(depth, 1)),
      committer_([this] { CommitLoop(); }) {}

PipelinedStore::~PipelinedStore() {
  {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return queue_.empty(); });
    stopping_ = true;
  }
  changed_.notify_all();
  committer_.join();
}

void PipelinedStore::CommitLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping with nothing left to write
    // The oldest batch stays queued (readers answer from it) until it is written.
    std::shared_ptr<const InFlight> batch = queue_.front();
    const bool write = failed_.ok();  // after a failure, queued batches are dropped unwritten
    lock.unlock();
    const double cpu_start = ThreadCpuSeconds();
    Status s = write ? inner_.Apply(batch->batch()) : Status::Ok();
    if (write && s.ok() && on_commit_) on_commit_(batch->batch());
    lock.lock();
    if (!s.ok() && failed_.ok()) failed_ = std::move(s);
    queue_.pop_front();  // readers holding `batch` still answer from it: the same values
    changed_.notify_all();
    // Free the batch (a thousand alerts) here, outside the lock and off the caller's thread.
    lock.unlock();
    batch.reset();
    const double cpu = ThreadCpuSeconds() - cpu_start;
    lock.lock();
    commit_cpu_s_ += cpu;
  }
}

double PipelinedStore::CommitCpuSeconds() const {
  std::lock_guard lock(mu_);
  return commit_cpu_s_;
}

Status PipelinedStore::ApplyAsync(WriteBatch batch) {
  auto next = std::make_shared<const InFlight>(std::move(batch));
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return queue_.size() < depth_; });
  if (!failed_.ok()) return failed_;
  if (next->batch().empty()) return Status::Ok();
  queue_.push_back(std::move(next));
  changed_.notify_all();
  return Status::Ok();
}

void PipelinedStore::WaitIdle() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return queue_.empty(); });
}

Status PipelinedStore::Sync() {
  WaitIdle();
  std::lock_guard lock(mu_);
  return failed_;  // one writer: nothing can be submitted between the wait and here
}

Status PipelinedStore::Apply(const WriteBatch& batch) {
  WEFT_RETURN_IF_ERROR(Sync());
  return inner_.Apply(batch);
}

std::vector<std::shared_ptr<const PipelinedStore::InFlight>> PipelinedStore::Queued() const {
  std::lock_guard lock(mu_);
  return {queue_.rbegin(), queue_.rend()};  // newest first: a later batch's upsert wins
}

template <typename Find>
auto PipelinedStore::FindQueued(Find find) const
    -> decltype(find(std::declval<const InFlight&>())) {
  for (const std::shared_ptr<const InFlight>& batch : Queued()) {
    if (auto found = find(*batch)) return found;
  }
  return std::nullopt;
}

Result<std::optional<Alert>> PipelinedStore::GetAlert(std::string_view key) {
  if (auto found = FindQueued([&](const InFlight& b) { return b.FindAlert(key); }))
    return std::move(*found);
  return inner_.GetAlert(key);
}

Result<std::optional<EntityRecord>> PipelinedStore::GetEntity(std::string_view tenant,
                                                              std::string_view key) {
  if (auto found = FindQueued([&](const InFlight& b) { return b.FindEntity(tenant, key); }))
    return std::move(*found);
  return inner_.GetEntity(tenant, key);
}

Result<std::optional<Incident>> PipelinedStore::GetIncident(std::string_view id) {
  if (auto found = FindQueued([&](const InFlight& b) { return b.FindIncident(id); }))
    return std::move(*found);
  return inner_.GetIncident(id);
}

Result<std::optional<std::string>> PipelinedStore::GetMeta(std::string_view name) {
  if (auto found = FindQueued([&](const InFlight& b) { return b.FindMeta(name); }))
    return std::move(*found);
  return inner_.GetMeta(name);
}

Status PipelinedStore::ForEachAlert(std::string_view tenant,
                                    const std::function<bool(const Alert&)>& visit) {
  WaitIdle();
  return inner_.ForEachAlert(tenant, visit);
}

Status PipelinedStore::ForEachAlertSummary(std::string_view tenant,
                                           const std::function<bool(const AlertSummary&)>& visit) {
  WaitIdle();
  return inner_.ForEachAlertSummary(tenant, visit);
}

Status PipelinedStore::ForEachEntity(std::string_view tenant,
                                     const std::function<bool(const EntityRecord&)>& visit) {
  WaitIdle();
  return inner_.ForEachEntity(tenant, visit);
}

Status PipelinedStore::ForEachAlertSummaryNaming(
    std::string_view tenant, std::span<const std::string> entity_keys,
    const std::function<bool(const AlertSummary&)>& visit) {
  WaitIdle();
  return inner_.ForEachAlertSummaryNaming(tenant, entity_keys, visit);
}

Status PipelinedStore::ForEachIncidentMembers(
    std::string_view tenant, const std::function<bool(const IncidentMembers&)>& visit) {
  WaitIdle();
  return inner_.ForEachIncidentMembers(tenant, visit);
}

Status PipelinedStore::ForEachIncidentHolding(std::string_view tenant,
                                              std::span<const std::string> alert_keys,
                                              const std::function<bool(const Incident&)>& visit) {
  WaitIdle();
  return inner_.ForEachIncidentHolding(tenant, alert_keys, visit);
}

Status PipelinedStore::ForEachEntityOfKind(std::string_view tenant, EntityKind kind,
                                           const std::function<bool(const EntityRecord&)>& visit) {
  WaitIdle();
  return inner_.ForEachEntityOfKind(tenant, kind, visit);
}

Status PipelinedStore::ForEachEntityRun(
    std::string_view tenant, const std::function<bool(std::span<const EntityRecord>)>& visit) {
  WaitIdle();
  return inner_.ForEachEntityRun(tenant, visit);
}

Status PipelinedStore::ForEachAlertSummaryRun(
    std::string_view tenant, const std::function<bool(std::span<const AlertSummary>)>& visit) {
  WaitIdle();
  return inner_.ForEachAlertSummaryRun(tenant, visit);
}

Status PipelinedStore::ForEachRelation(std::string_view tenant,
                                       const std::function<bool(const Relation&)>& visit) {
  WaitIdle();
  return inner_.ForEachRelation(tenant, visit);
}

Status PipelinedStore::ForEachRelationFrom(std::string_view tenant, std::string_view from,
                                           const std::function<bool(const Relation&)>& visit) {
  WaitIdle();
  return inner_.ForEachRelationFrom(tenant, from, visit);
}

Status PipelinedStore::ForEachIncident(std::string_view tenant,
                                       const std::function<bool(const Incident&)>& visit) {
  WaitIdle();
  return inner_.ForEachIncident(tenant, visit);
}

Result<StoreStats> PipelinedStore::Stats() {
  WaitIdle();
  return inner_.Stats();
}

Result<StoreStats> PipelinedStore::EstimatedStats() {
  WaitIdle();
  return inner_.EstimatedStats();
}

}  // namespace weft
