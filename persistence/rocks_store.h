#pragma once
// RocksStore: the embedded, persistent GraphStore, on RocksDB. One column family per node or
// edge type (alerts, entities, relations, incidents, meta); keys start with the tenant so that
// a tenant's nodes are one prefix scan. Each Apply is one RocksDB WriteBatch with the WAL on, so
// a batch is wholly in or wholly out after a crash, and an acknowledged batch survives a kill -9.
// The store records a format version; opening a store of another version fails with a message
// that says which. No RocksDB type appears in this header. Thread-safety as GraphStore.

#include <memory>
#include <string>

#include "graph/graph_store.h"

namespace weft {

struct RocksStoreOptions {
  bool create_if_missing = true;  // default true: create an empty store in a new directory
  bool sync = false;              // default false: WAL written but not fsync'ed per batch; this
                                  // survives a process kill (kill -9), not a power loss
  bool read_only = false;         // default false: open for reads only (no lock conflicts)
  // Point reads during ingestion (entity records, re-delivered alerts) and queries; scans bypass
  // it. 64 MiB held 60 MB more at 1M alerts than 16 MiB, for the same ingest rate.
  std::size_t block_cache_mb = 16;
};

// The on-disk format version this build reads and writes.
inline constexpr int kStoreFormatVersion = 1;

// Opens (or creates) the store in directory `dir`. IOError when RocksDB cannot open it (the
// message names the directory and the cause, e.g. a lock held by another weft process);
// Corruption when the stored format version differs from kStoreFormatVersion. Also:
// InvalidArgument when `dir` is a file, or a non-empty directory that is not a weft store (it is
// left untouched); NotFound when there is no store and create_if_missing is off or read_only is
// on. The store's own meta value "format_version" is visible through GetMeta. Apply on the
// returned store additionally rejects (InvalidArgument, nothing written) a batch holding an
// alert whose key does not begin with "<tenant>/" or a tenant containing a NUL byte, and any
// batch when opened read_only. The caller owns the store; destroying it closes the directory.
Result<std::unique_ptr<GraphStore>> OpenRocksStore(const std::string& dir,
                                                   const RocksStoreOptions& options = {});

}  // namespace weft
