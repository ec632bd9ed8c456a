#pragma once
// SortedRunsRepFactory: the memtable representation weft's column families use. A memtable is a
// few sorted arrays of entry pointers ("runs"), merged like a binary counter, instead of a skip
// list (docs/adr/0009-sorted-runs-memtable.md).
//
// Why: RocksStore::Apply writes each column family's keys of a batch in key order, so a batch's
// inserts arrive as one sorted run. A skip list pays a search of cache-missing nodes for every
// insert (the largest cost of a durable commit); here an insert that continues the run is an
// append and one comparison with the previous entry, which is still in the cache. A key smaller
// than its predecessor starts a new run. When a run is sealed, it is merged with the run before
// it while that one is at most twice its size: each entry is copied at most log1.5(entries /
// run) times, in sequential passes, and a memtable holds at most log2(entries) + 2 runs.
//
// Reads binary-search every run (a point read) or merge them (an iterator, in both directions).
//
// Threads: one writer at a time inserts (RocksDB serialises memtable writes when
// `allow_concurrent_memtable_write` is off, which this factory requires), while any number of
// readers search and iterate. Runs and the list of runs ("view") are published with release
// stores; a merge makes new arrays and a new view and leaves the old ones in place, so a reader
// that took the old view keeps a consistent, sorted snapshot. Everything is carved from the
// memtable's allocator: the memtable's memory accounting and lifetime cover it.
//
// Keys are RocksDB's length-prefixed internal keys, ordered by the comparator the memtable hands
// over; no two entries compare equal (their sequence numbers differ).

#include <rocksdb/memtablerep.h>

namespace weft::rocks {

class SortedRunsRepFactory final : public rocksdb::MemTableRepFactory {
 public:
  using rocksdb::MemTableRepFactory::CreateMemTableRep;
  rocksdb::MemTableRep* CreateMemTableRep(const rocksdb::MemTableRep::KeyComparator& compare,
                                          rocksdb::Allocator* allocator,
                                          const rocksdb::SliceTransform* prefix_extractor,
                                          rocksdb::Logger* logger) override;
  const char* Name() const override { return "WeftSortedRunsFactory"; }
  bool IsInsertConcurrentlySupported() const override { return false; }
};

}  // namespace weft::rocks
