#pragma once
// rocks_options: how weft tunes RocksDB (see docs/adr/0002-storage-layout.md). Kept apart from
// rocks_store.cc so the choices are in one place and the benchmark numbers in the ADR can be
// traced to them. Pure functions; thread-safe.

#include <rocksdb/cache.h>
#include <rocksdb/options.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/rocks_store.h"

namespace weft::rocks {

// Column families, in the order their handles are kept. "default" is required by RocksDB and
// holds nothing.
enum class Cf { kDefault = 0, kAlerts, kEntities, kRelations, kIncidents, kMeta };
inline constexpr int kCfCount = 6;
inline constexpr std::string_view kCfNames[kCfCount] = {"default",   "alerts",    "entities",
                                                        "relations", "incidents", "meta"};

// Database-wide options (background jobs, total memtable budget, info log size).
rocksdb::DBOptions MakeDbOptions(const RocksStoreOptions& options, bool create);

// Per-column-family options: memtable size, compression, bloom filter, sharing `cache`.
rocksdb::ColumnFamilyOptions MakeCfOptions(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache);

// The compression the column families use: LZ4 when this RocksDB build has it, else Snappy,
// else none.
rocksdb::CompressionType ChosenCompression();

}  // namespace weft::rocks
