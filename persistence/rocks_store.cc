#include "persistence/rocks_store.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

#include "graph/in_memory_store.h"
#include "persistence/internal/codec.h"
#include "persistence/internal/rocks_store_impl.h"

namespace weft {

namespace fs = std::filesystem;

namespace rocks {

// Converts a RocksDB status; `context` says what was being done.
Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::Ok();
  const std::string msg = context + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsInvalidArgument() || s.IsNotSupported()) return Status::InvalidArgument(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsIncomplete())
    return Status::Unavailable(msg);
  if (s.IsIOError()) return Status::IOError(msg);
  return Status::Internal(msg);
}

std::string EntityStoreKey(std::string_view tenant, std::string_view key) {
  std::string k;
  k.reserve(tenant.size() + key.size() + 1);
  k.append(tenant).push_back('\0');
  k.append(key);
  return k;
}

namespace {

constexpr std::string_view kFormatVersionName = "format_version";
// Below this estimated key count a column family is counted exactly by a scan in Stats().
constexpr std::uint64_t kExactCountLimit = 200'000;

}  // namespace

Status RocksStore::CheckFormatVersion() {
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> stored, GetRaw(Cf::kMeta, kFormatVersionName));
  const std::string mine = std::to_string(kStoreFormatVersion);
  if (!stored) {
    // A store is created by opening RocksDB and then writing this value; a crash in between
    // leaves empty column families, which are safe to adopt. Anything else is not ours.
    for (int c = 0; c < rocks::kCfCount; ++c) {
      bool empty = true;
      WEFT_RETURN_IF_ERROR(ScanRaw(static_cast<Cf>(c), "", [&](std::string_view, std::string_view) {
        empty = false;
        return false;
      }));
      if (!empty) return Status::Corruption("store at " + dir_ + " has data but no format version");
    }
    if (options_.read_only)
      return Status::Corruption("store at " + dir_ + " has no format version");
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(db_->Put(wo, cf(Cf::kMeta), ToSlice(kFormatVersionName), mine),
                     "writing the format version of " + dir_);
  }
  int version = 0;
  const auto [end, ec] = std::from_chars(stored->data(), stored->data() + stored->size(), version);
  if (ec != std::errc() || end != stored->data() + stored->size()) {
    return Status::Corruption("store at " + dir_ + " has an unreadable format version '" + *stored +
                              "', this build reads " + mine);
  }
  if (version != kStoreFormatVersion) {
    return Status::Corruption("store at " + dir_ + " has format version " + *stored +
                              ", this build reads " + mine);
  }
  return Status::Ok();
}

Status RocksStore::Apply(const WriteBatch& batch) {
  if (options_.read_only) return Status::InvalidArgument("store at " + dir_ + " is open read-only");
  // Key layout invariants the prefix scans rely on; reject the whole batch before writing.
  for (const Alert& a : batch.alerts) {
    if (a.key.size() <= a.tenant.size() || a.key.compare(0, a.tenant.size(), a.tenant) != 0 ||
        a.key[a.tenant.size()] != '/') {
      return Status::InvalidArgument("alert key '" + a.key + "' does not begin with its tenant '" +
                                     a.tenant + "/' (was the alert finalized?)");
    }
  }
  auto check_tenant = [](const std::string& tenant) {
    return tenant.find('\0') == std::string::npos
               ? Status::Ok()
               : Status::InvalidArgument("tenant names may not contain a NUL byte");
  };
  for (const EntityRecord& e : batch.entities) {
    WEFT_RETURN_IF_ERROR(check_tenant(e.tenant));
    if (!KeyHasKind(e.entity.key, e.entity.kind)) {
      return Status::InvalidArgument("entity key '" + e.entity.key +
                                     "' does not begin with its kind '" +
                                     std::string(EntityKindName(e.entity.kind)) + ":'");
    }
  }
  for (const Relation& r : batch.relations) WEFT_RETURN_IF_ERROR(check_tenant(r.tenant));

  // Same order of effects as InMemoryStore::Apply: within a batch, deletes come before upserts
  // of the same kind, and a later upsert of a key replaces an earlier one.
  //
  // Upserts of one kind go in key order: the memtable (sorted_runs_rep.h) then appends the
  // batch's part of each family as one sorted run, one comparison an insert, where a key out of
  // order starts a new run to merge. Order inside a kind only matters for equal keys, which keep
  // their batch order (stable sort), so the later upsert still wins.
  // One buffer reused by every batch: growing a fresh one by doubling copied it again and again
  // (memmove was the largest single cost of a durable commit), and a fresh large buffer each
  // time cost the kernel's page zeroing as much again.
  std::lock_guard<std::mutex> writing(write_mu_);
  rocksdb::WriteBatch& wb = write_buffer_;
  wb.Clear();
  std::string& value = value_buffer_;
  auto put = [&](Cf c, std::string_view key) { return wb.Put(cf(c), ToSlice(key), value); };
  rocksdb::Status s;
  std::vector<std::uint32_t> order;
  auto sorted_by = [&order](std::size_t n, auto key_of) -> const std::vector<std::uint32_t>& {
    order.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return key_of(x) < key_of(y); });
    return order;
  };
  for (std::uint32_t i : sorted_by(batch.alerts.size(), [&](std::uint32_t x) -> std::string_view {
         return batch.alerts[x].key;
       })) {
    value.clear();
    codec::AppendAlert(batch.alerts[i], value);
    if (s.ok()) s = put(Cf::kAlerts, batch.alerts[i].key);
  }
  for (const auto& [tenant, key] : batch.deleted_entities) {
    if (s.ok()) s = wb.Delete(cf(Cf::kEntities), EntityStoreKey(tenant, key));
  }
  std::vector<std::string> entity_keys;
  entity_keys.reserve(batch.entities.size());
  for (const EntityRecord& e : batch.entities)
    entity_keys.push_back(EntityStoreKey(e.tenant, e.entity.key));
  for (std::uint32_t i : sorted_by(entity_keys.size(), [&](std::uint32_t x) -> std::string_view {
         return entity_keys[x];
       })) {
    value.clear();
    codec::AppendEntityRecord(batch.entities[i], value);
    if (s.ok()) s = put(Cf::kEntities, entity_keys[i]);
  }
  for (const Relation& r : batch.relations) {
    value.clear();
    codec::AppendRelation(r, value);
    if (s.ok()) s = put(Cf::kRelations, RelationStoreKey(r));
  }
  for (const std::string& id : batch.deleted_incidents) {
    if (s.ok()) s = wb.Delete(cf(Cf::kIncidents), id);
  }
  for (std::uint32_t i :
       sorted_by(batch.incidents.size(),
                 [&](std::uint32_t x) -> std::string_view { return batch.incidents[x].id; })) {
    value.clear();
    codec::AppendIncident(batch.incidents[i], value);
    if (s.ok()) s = put(Cf::kIncidents, batch.incidents[i].id);
  }
  for (const auto& [name, v] : batch.meta) {
    if (s.ok()) s = wb.Put(cf(Cf::kMeta), name, v);
  }
  WEFT_RETURN_IF_ERROR(FromRocks(s, "building a write batch for " + dir_));

  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  wo.disableWAL = false;  // the WAL is what makes an acknowledged batch survive a kill -9
  const Status written = FromRocks(db_->Write(wo, &wb), "applying a batch to store at " + dir_);
  if (wb.GetDataSize() > kKeptWriteBufferBytes) {
    write_buffer_ = rocksdb::WriteBatch();  // a rare huge batch (re-correlation): give it back
    value_buffer_ = std::string();
  }
  return written;
}

Result<std::optional<std::string>> RocksStore::GetRaw(Cf c, std::string_view key) {
  rocksdb::PinnableSlice value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(c), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  WEFT_RETURN_IF_ERROR(FromRocks(s, "reading " + std::string(rocks::kCfNames[static_cast<int>(c)]) +
                                        " from store at " + dir_));
  return std::optional<std::string>(value.ToString());
}

Result<std::optional<Alert>> RocksStore::GetAlert(std::string_view key) {
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(Cf::kAlerts, key));
  if (!raw) return std::optional<Alert>();
  Result<Alert> a = codec::DecodeAlert(key, *raw);
  if (!a.ok()) return a.status().WithContext("alert '" + std::string(key) + "' in " + dir_);
  return std::optional<Alert>(std::move(a).value());
}

Result<std::optional<EntityRecord>> RocksStore::GetEntity(std::string_view tenant,
                                                          std::string_view key) {
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                        GetRaw(Cf::kEntities, EntityStoreKey(tenant, key)));
  if (!raw) return std::optional<EntityRecord>();
  Result<EntityRecord> e = codec::DecodeEntityRecord(tenant, key, *raw);
  if (!e.ok()) return e.status().WithContext("entity '" + std::string(key) + "' in " + dir_);
  return std::optional<EntityRecord>(std::move(e).value());
}

Result<std::optional<Incident>> RocksStore::GetIncident(std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(Cf::kIncidents, id));
  if (!raw) return std::optional<Incident>();
  Result<Incident> i = codec::DecodeIncident(id, *raw);
  if (!i.ok()) return i.status().WithContext("incident '" + std::string(id) + "' in " + dir_);
  return std::optional<Incident>(std::move(i).value());
}

Result<std::optional<std::string>> RocksStore::GetMeta(std::string_view name) {
  return GetRaw(Cf::kMeta, name);
}

Result<std::uint64_t> RocksStore::CountKeys(Cf c) {
  std::uint64_t estimate = 0;
  if (db_->GetIntProperty(cf(c), "rocksdb.estimate-num-keys", &estimate) &&
      estimate > kExactCountLimit) {
    return estimate;
  }
  std::uint64_t n = 0;
  WEFT_RETURN_IF_ERROR(ScanRaw(c, "", [&n](std::string_view, std::string_view) {
    ++n;
    return true;
  }));
  return n;
}

Result<StoreStats> RocksStore::EstimatedStats() {
  StoreStats stats;
  for (auto [c, count] : {std::pair{Cf::kAlerts, &stats.alerts},
                          {Cf::kEntities, &stats.entities},
                          {Cf::kRelations, &stats.relations},
                          {Cf::kIncidents, &stats.incidents}}) {
    if (!db_->GetIntProperty(cf(c), "rocksdb.estimate-num-keys", count)) *count = 0;
  }
  return stats;
}

Result<StoreStats> RocksStore::Stats() {
  StoreStats stats;
  WEFT_ASSIGN_OR_RETURN(stats.alerts, CountKeys(Cf::kAlerts));
  WEFT_ASSIGN_OR_RETURN(stats.entities, CountKeys(Cf::kEntities));
  WEFT_ASSIGN_OR_RETURN(stats.relations, CountKeys(Cf::kRelations));
  WEFT_ASSIGN_OR_RETURN(stats.incidents, CountKeys(Cf::kIncidents));
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const std::uintmax_t size = it->file_size(size_ec);
      if (!size_ec) stats.disk_bytes += size;
    }
  }
  // Files come and go under compaction while we walk: a vanished file is not an error.
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::IOError("listing store directory " + dir_ + ": " + ec.message());
  }
  return stats;
}

}  // namespace rocks

namespace {

using rocks::Cf;
using rocks::FromRocks;
using rocks::RocksStore;

// Classifies `dir` before RocksDB touches it. Sets *exists_store when it holds a RocksDB.
Status InspectDirectory(const std::string& dir, const RocksStoreOptions& options,
                        bool* exists_store) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::IOError("cannot inspect store directory " + dir + ": " + ec.message());
  }
  const bool exists = fs::exists(st);
  if (exists && !fs::is_directory(st)) return Status::InvalidArgument(dir + " is not a directory");
  *exists_store = exists && fs::exists(fs::path(dir) / "CURRENT", ec);
  if (*exists_store) return Status::Ok();
  if (exists && !fs::is_empty(dir, ec)) {
    return Status::InvalidArgument(dir +
                                   " is not empty and is not a weft store (it has no RocksDB "
                                   "CURRENT file); give a new or empty directory");
  }
  if (options.read_only) return Status::NotFound("no weft store at " + dir + " to open read-only");
  if (!options.create_if_missing) {
    return Status::NotFound("no weft store at " + dir + " (and create_if_missing is off)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<GraphStore>> OpenRocksStore(const std::string& dir,
                                                   const RocksStoreOptions& options) {
  bool exists_store = false;
  WEFT_RETURN_IF_ERROR(InspectDirectory(dir, options, &exists_store));

  bool complete_creation = false;
  if (exists_store) {
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
    WEFT_RETURN_IF_ERROR(FromRocks(s, "listing the column families of " + dir));
    auto has = [&names](std::string_view n) {
      return std::find(names.begin(), names.end(), n) != names.end();
    };
    for (std::string_view n : rocks::kCfNames) {
      if (has(n)) continue;
      // A process killed while creating the store leaves some column families missing; the
      // creation is finished here and CheckFormatVersion adopts the store only if it is empty.
      if (options.read_only) {
        return Status::InvalidArgument(
            dir +
            " is a RocksDB database but not a complete weft store (it lacks "
            "column family '" +
            std::string(n) + "')");
      }
      complete_creation = true;
    }
  }

  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_mb << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int c = 0; c < rocks::kCfCount; ++c) {
    descriptors.emplace_back(std::string(rocks::kCfNames[c]),
                             rocks::MakeCfOptions(static_cast<Cf>(c), cache));
  }
  const rocksdb::DBOptions db_options =
      rocks::MakeDbOptions(options, !exists_store || complete_creation);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s =
      options.read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir, descriptors, &handles, &raw)
                        : rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  if (!s.ok()) {
    const std::string why = s.ToString();
    if (s.IsIOError() &&
        (why.find("lock") != std::string::npos || why.find("LOCK") != std::string::npos)) {
      return Status::IOError(
          "store at " + dir +
          " is already open: its LOCK file is held by another "
          "process (or another handle in this one); stop that weft process or open "
          "read-only (" +
          why + ")");
    }
    return FromRocks(s, "opening store at " + dir);
  }
  auto store = std::make_unique<RocksStore>(dir, options, std::unique_ptr<rocksdb::DB>(raw),
                                            std::move(handles));
  WEFT_RETURN_IF_ERROR(store->CheckFormatVersion());
  return std::unique_ptr<GraphStore>(std::move(store));
}

}  // namespace weft
