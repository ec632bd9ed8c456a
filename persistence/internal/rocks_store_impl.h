#pragma once
// The RocksDB GraphStore, shared by its two source files: persistence/rocks_store.cc (opening,
// writes, point reads, statistics) and persistence/rocks_scans.cc (the scans). ADR 0002 has the
// layout. Private to persistence/.

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_store.h"
#include "persistence/internal/read_ahead.h"
#include "persistence/internal/rocks_options.h"
#include "persistence/rocks_store.h"

namespace weft::rocks {

inline rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline std::string_view ToView(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// Converts a RocksDB status; `context` says what was being done.
Status FromRocks(const rocksdb::Status& s, const std::string& context);

// The entities column family's key of an entity: "tenant \0 key".
std::string EntityStoreKey(std::string_view tenant, std::string_view key);

// The GraphStore over one RocksDB directory (layout: ADR 0002). Apply is serialised; reads and
// scans may run beside it and each other.
class RocksStore final : public GraphStore {
 public:
  RocksStore(std::string dir, const RocksStoreOptions& options, std::unique_ptr<rocksdb::DB> db,
             std::vector<rocksdb::ColumnFamilyHandle*> cfs)
      : dir_(std::move(dir)), options_(options), db_(std::move(db)), cfs_(std::move(cfs)) {}
  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  ~RocksStore() override {
    // A clean close flushes the memtables, so the next open reads sorted files instead of
    // replaying the write-ahead log into memory (a 1M-alert store: seconds saved at reopen).
    if (!options_.read_only) db_->Flush(rocksdb::FlushOptions(), cfs_).PermitUncheckedError();
    for (rocksdb::ColumnFamilyHandle* h : cfs_)
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();  // nothing to report to from a destructor
  }

  // Checks (or on a fresh store writes) the format version. Called once by OpenRocksStore.
  Status CheckFormatVersion();

  Status Apply(const WriteBatch& batch) override;
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
  Status ForEachEntityRun(std::string_view tenant,
                          const std::function<bool(std::span<const EntityRecord>)>& visit) override;
  Status ForEachEntityOfKind(std::string_view tenant, EntityKind kind,
                             const std::function<bool(const EntityRecord&)>& visit) override;
  Status ForEachIncidentMembers(std::string_view tenant,
                                const std::function<bool(const IncidentMembers&)>& visit) override;
  Status ForEachIncidentHolding(std::string_view tenant, std::span<const std::string> alert_keys,
                                const std::function<bool(const Incident&)>& visit) override;
  Status ForEachAlertSummaryRun(
      std::string_view tenant,
      const std::function<bool(std::span<const AlertSummary>)>& visit) override;
  Status ForEachAlertSummaryNaming(std::string_view tenant,
                                   std::span<const std::string> entity_keys,
                                   const std::function<bool(const AlertSummary&)>& visit) override;
  Status ForEachRelation(std::string_view tenant,
                         const std::function<bool(const Relation&)>& visit) override;
  Status ForEachRelationFrom(std::string_view tenant, std::string_view from,
                             const std::function<bool(const Relation&)>& visit) override;
  Status ForEachIncident(std::string_view tenant,
                         const std::function<bool(const Incident&)>& visit) override;
  Result<StoreStats> Stats() override;
  // RocksDB's estimates of the key counts, without a scan or a walk of the directory.
  Result<StoreStats> EstimatedStats() override;

 private:
  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return cfs_[static_cast<int>(c)]; }

  Result<std::optional<std::string>> GetRaw(Cf c, std::string_view key);

  // Visits the raw records whose key starts with `prefix` ("" = all) in key order until `each`
  // returns false; then returns the iterator's status.
  using RawVisitor = std::function<bool(std::string_view key, std::string_view value)>;
  Status ScanRaw(Cf c, const std::string& prefix, const RawVisitor& each);
  // ScanRaw over the entity keys "tenant \0 <kind_prefix>...": a prefix for one tenant; for every
  // tenant ("") a seek to each tenant's run of them, leaving the other kinds' records unread.
  Status ScanEntityKindRaw(std::string_view tenant, const std::string& kind_prefix,
                           const RawVisitor& each);

  // Decodes each record of a scan with `decode` on a second thread, passes those `keep`
  // accepts to `visit` a chunk at a time (ScanRuns) or one at a time (Scan). The records are
  // those of `raw(each)`, or of ScanRaw(c, prefix).
  template <typename T, typename Raw, typename Decode, typename Keep>
  Status ScanRunsOf(Raw raw, std::string_view what, Decode decode, Keep keep,
                    const std::function<bool(std::span<const T>)>& visit);
  template <typename T, typename Decode, typename Keep>
  Status ScanRuns(Cf c, const std::string& prefix, std::string_view what, Decode decode, Keep keep,
                  const std::function<bool(std::span<const T>)>& visit);
  template <typename T, typename Decode, typename Keep>
  Status Scan(Cf c, const std::string& prefix, std::string_view what, Decode decode, Keep keep,
              const std::function<bool(const T&)>& visit);
  // The decoding of ForEachEntity and ForEachAlertSummary.
  Status ScanEntities(std::string_view tenant,
                      const std::function<bool(std::span<const EntityRecord>)>& visit);
  // `entity_keys` non-empty: only the records whose bytes hold one of them
  // (ForEachAlertSummaryNaming).
  Status ScanAlertSummaries(std::string_view tenant,
                            const std::function<bool(std::span<const AlertSummary>)>& visit,
                            std::span<const std::string> entity_keys = {});

  Result<std::uint64_t> CountKeys(Cf c);

  std::string dir_;
  RocksStoreOptions options_;
  // Apply keeps its write buffer up to this size between batches (a 1,000-alert batch: ~1.5 MB).
  static constexpr std::size_t kKeptWriteBufferBytes = 16 << 20;
  std::mutex write_mu_;               // serialises Apply (one writer at a time)
  rocksdb::WriteBatch write_buffer_;  // guarded by write_mu_; reused by every Apply
  std::string value_buffer_;          // guarded by write_mu_
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;  // index = Cf; destroyed before db_ closes
};

}  // namespace weft::rocks
