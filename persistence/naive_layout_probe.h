#pragma once
// NaiveLayoutProbe: the comparison layout of the benchmark (issue 6) — the straightforward way to
// keep weft's graph in RocksDB: one rocksdb Put per graph record (the alert, each evidence entity,
// and both adjacency directions alert->entity and entity->alert), WAL on, no WriteBatch, no
// incidents. `weft bench` times Write() against the real store in the same run; nothing else
// reads this layout. No RocksDB type appears in this header.
// Not thread-safe: one writer.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/alert.h"
#include "model/status.h"

namespace weft {

class NaiveLayoutProbe {
 public:
  // Creates a fresh RocksDB database in `dir` (which must not hold one). IOError when RocksDB
  // cannot create it. The caller owns the probe; destroying it closes the database.
  static Result<std::unique_ptr<NaiveLayoutProbe>> Create(const std::string& dir);
  ~NaiveLayoutProbe();
  NaiveLayoutProbe(const NaiveLayoutProbe&) = delete;
  NaiveLayoutProbe& operator=(const NaiveLayoutProbe&) = delete;

  // Writes every alert of the batch record by record: Put(alert), then per evidence entity
  // Put(entity), Put(alert->entity), Put(entity->alert); each Put its own WAL-logged write
  // (not fsync'ed, as the real store). IOError on the first failed Put.
  Status Write(const std::vector<Alert>& alerts);

  // Puts issued so far.
  std::uint64_t puts() const { return puts_; }
  // Bytes of the database files on disk now.
  std::uint64_t DiskBytes() const;

 private:
  struct Db;
  explicit NaiveLayoutProbe(std::unique_ptr<Db> db, std::string dir);
  std::unique_ptr<Db> db_;
  std::string dir_;
  std::uint64_t puts_ = 0;
  std::string scratch_;
};

}  // namespace weft
