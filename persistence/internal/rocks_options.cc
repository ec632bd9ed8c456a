#include "persistence/internal/rocks_options.h"

#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>

#include "persistence/internal/sorted_runs_rep.h"

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
  // The WAL may grow to this much before the oldest memtables are flushed to release it. A log
  // file lives until every column family's data in it is flushed, and the meta family is written
  // once per store: the bound is what releases the log. At 1 GiB a 1M-alert ingest held 1.1 GB
  // of log beside 0.35 GB of tables; 256 MiB holds less, costs no measurable speed (64-1024 MiB
  // within noise) and bounds what a reopen after a crash replays.
  db.max_total_wal_size = 256 * kMiB;
  // Keep the info LOG small: a store is a data directory, not a log directory.
  db.keep_log_file_num = 3;
  db.max_log_file_size = 4 * kMiB;
  db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db.paranoid_checks = true;
  // weft's memtable representation (sorted_runs_rep.h) takes one writer at a time; weft writes
  // from one thread anyway (the committer), so RocksDB's concurrent memtable inserts buy nothing.
  db.allow_concurrent_memtable_write = false;
  return db;
}

rocksdb::ColumnFamilyOptions MakeCfOptions(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  // Small memtables bound the memory they hold. Until round 15 they also kept the skip list a
  // batch inserted into in the CPU caches (128 -> 32 MiB took 1M-alert durable ingest from 31k
  // to 49k alerts/s); with sorted runs, 32 MiB alert memtables measured no faster than 16
  // (docs/benchmarks.md). Entities and incidents are rewritten often and smaller still; meta is
  // tiny.
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
  // Universal (tiered) compaction: flushed runs are merged a few at a time into larger sorted
  // runs, so each byte is rewritten a handful of times instead of once per level. Alert, entity
  // and incident keys arrive in random order, and level compaction rewrote the whole base level
  // for every few flushes; its cost grew with the store. Measured with the same 3M stream,
  // alternating: durable ingest 42.8-47.2k -> 52.0-55.7k alerts/s, batch p99 180 -> 63-76 ms;
  // at 10M: 27.2k -> 40.4k alerts/s, p99 308 -> 94 ms, 500 -> 432 bytes per alert on disk,
  // re-correlation 58.4 -> 46.1 s (docs/benchmarks.md). The price is space: a compaction that
  // merges the largest run needs room for a second copy of it while it runs.
  // A store written with level compaction opens as it is: each level is one sorted run.
  o.compaction_style = rocksdb::kCompactionStyleUniversal;
  // Eight sorted runs before a merge (was four): fewer, larger merges rewrite each byte fewer
  // times while ingest competes with them for two cores. Durable ingest, alternating runs:
  // 1M 88-91k -> 97-100k alerts/s, 3M 77k -> 86k; re-correlation, replay and reopen of the 1M
  // store unchanged within noise (the Bloom filters keep point reads to one run).
  o.level0_file_num_compaction_trigger = 8;
  o.compression = ChosenCompression();
  // A memtable of sorted runs (ADR 0009): Apply writes each family's keys of a batch in key
  // order, so a batch's inserts are appends to one run, merged with the others in sequential
  // passes, where a skip list searched cache-missing nodes for every insert.
  static const auto kMemtableFactory = std::make_shared<SortedRunsRepFactory>();
  o.memtable_factory = kMemtableFactory;

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
