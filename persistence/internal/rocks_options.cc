#include "persistence/internal/rocks_options.h"

#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>

namespace weft::rocks {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

bool Supported(rocksdb::CompressionType type) {
  const std::vector<rocksdb::CompressionType> all = rocksdb::GetSupportedCompressions();
  return std::find(all.begin(), all.end(), type) != all.end();
}

}  // namespace

rocksdb::CompressionType ChosenCompression() {
  static const rocksdb::CompressionType kChosen = [] {
    if (Supported(rocksdb::kLZ4Compression)) return rocksdb::kLZ4Compression;
    if (Supported(rocksdb::kSnappyCompression)) return rocksdb::kSnappyCompression;
    return rocksdb::kNoCompression;
  }();
  return kChosen;
}

rocksdb::DBOptions MakeDbOptions(const RocksStoreOptions& options, bool create) {
  rocksdb::DBOptions db;
  db.create_if_missing = create;
  db.create_missing_column_families = create;
  db.error_if_exists = false;
  // Two cores are the norm for weft hosts: one flush and one compaction in the background.
  db.max_background_jobs = 2;
  // All memtables together may hold this much before RocksDB forces a flush.
  db.db_write_buffer_size = 64 * kMiB;
  // Smooth out page-cache write-back of SST files instead of one large burst at file close.
  db.bytes_per_sync = 1 * kMiB;
  // The WAL may grow to this much before the oldest memtables are flushed to release it.
  db.max_total_wal_size = 1024 * kMiB;
  // Keep the info LOG small: a store is a data directory, not a log directory.
  db.keep_log_file_num = 3;
  db.max_log_file_size = 4 * kMiB;
  db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db.paranoid_checks = true;
  return db;
}

rocksdb::ColumnFamilyOptions MakeCfOptions(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  // Small memtables: a batch's inserts land in a skip list whose nodes stay in the CPU caches.
  // With 128 MiB alert memtables (~140k alerts each) every insert walked cache-missing levels
  // and the skip list was the largest cost of a durable batch; 32 MiB took 1M-alert durable
  // ingest from 31k to 49k alerts/s (docs/benchmarks.md) and bounds the memory they hold.
  // Entities and incidents are rewritten often and smaller still; meta is tiny.
  switch (cf) {
    case Cf::kAlerts:
      o.write_buffer_size = 16 * kMiB;
      o.max_write_buffer_number = 3;
      break;
    case Cf::kEntities:
    case Cf::kRelations:
    case Cf::kIncidents:
      o.write_buffer_size = 8 * kMiB;
      o.max_write_buffer_number = 2;
      break;
    case Cf::kDefault:
    case Cf::kMeta:
      o.write_buffer_size = 4 * kMiB;
      o.max_write_buffer_number = 2;
      break;
  }
  // Level compaction with RocksDB's defaults; L1 sized like a few flushes.
  o.compaction_style = rocksdb::kCompactionStyleLevel;
  o.level0_file_num_compaction_trigger = 4;
  o.target_file_size_base = 64 * kMiB;
  o.max_bytes_for_level_base = 512 * kMiB;
  // Level targets sized from the last level up (RocksDB's recommended shape; the default only
  // from RocksDB 8.4): less rewriting of random alert keys as the store grows. At 6M generated
  // records durable ingest went from 33.8k to 41.2k alerts/s, batch p99 from 313 to 136 ms, and
  // disk from 583 to 488 bytes per alert (docs/benchmarks.md).
  o.level_compaction_dynamic_level_bytes = true;
  o.compression = ChosenCompression();

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = 16 * 1024;
  // 10 bits/key: ~1% false positives, so GetAlert/GetEntity of an absent key rarely reads a block.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  table.format_version = 5;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return o;
}

}  // namespace weft::rocks
