#pragma once
// SkipListRepFactory: the memtable representation weft's column families use, a skip list built
// with this project's flags. RocksDB's own (InlineSkipList) is the same structure, but
// Debian's RocksDB 7.8.3 is built without NDEBUG: its skip list checks the order of both
// neighbours with the comparator on every step of every search and again at every level of every
// insert, so most of the key comparisons a commit makes are assertions
// (docs/adr/0008-own-memtable-rep.md).
//
// Threads: one writer at a time inserts (RocksDB serialises memtable writes when
// `allow_concurrent_memtable_write` is off, which this factory requires), while any number of
// readers search and iterate. A node is published with a release store once its own links are
// set, and never moves or goes away before the memtable does, so an iterator stays valid while
// inserts continue.
//
// Keys are RocksDB's length-prefixed internal keys, ordered by the comparator the memtable hands
// over. Nodes, insert hints and arena-placed iterators are carved from the memtable's allocator,
// so the memtable's memory accounting and lifetime cover them.

#include <rocksdb/memtablerep.h>

namespace weft::rocks {

class SkipListRepFactory final : public rocksdb::MemTableRepFactory {
 public:
  using rocksdb::MemTableRepFactory::CreateMemTableRep;
  rocksdb::MemTableRep* CreateMemTableRep(const rocksdb::MemTableRep::KeyComparator& compare,
                                          rocksdb::Allocator* allocator,
                                          const rocksdb::SliceTransform* prefix_extractor,
                                          rocksdb::Logger* logger) override;
  const char* Name() const override { return "WeftSkipListFactory"; }
  bool IsInsertConcurrentlySupported() const override { return false; }
};

}  // namespace weft::rocks
