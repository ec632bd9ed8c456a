// The memtable representation weft's column families use, driven through a real RocksDB: what
// it stores must be what a std::map stores, in order both ways and across changes of direction,
// whatever the runs its batches make, while readers run beside the writer and while memtables
// are flushed.

#include "persistence/internal/sorted_runs_rep.h"

#include <gtest/gtest.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "persistence/internal/rocks_options.h"
#include "tests/persistence/store_test_util.h"

namespace weft::rocks {
namespace {

using weft::testing::TempDir;

// Keys shaped like weft's: a shared tenant prefix, then a scattered part.
std::string Key(std::uint64_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "org1/mde/%016llx",
                static_cast<unsigned long long>(n * 0x9E3779B97F4A7C15ULL));
  return buf;
}

rocksdb::Options RepOptions(std::size_t write_buffer_size) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.allow_concurrent_memtable_write = false;
  o.memtable_factory = std::make_shared<SortedRunsRepFactory>();
  o.write_buffer_size = write_buffer_size;
  return o;
}

std::unique_ptr<rocksdb::DB> OpenDb(const std::string& path, std::size_t write_buffer_size) {
  rocksdb::DB* db = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(RepOptions(write_buffer_size), path, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return std::unique_ptr<rocksdb::DB>(db);
}

// Random batches of puts (new keys and overwrites) and deletes, mirrored into `model`. A batch's
// keys come in key order (as RocksStore::Apply writes them: one run), in arrival order (runs of
// a few keys) or alone (a run of one), so merges of runs of every size happen.
void WriteRandomBatches(rocksdb::DB* db, std::map<std::string, std::string>* model, int batches,
                        std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int b = 0; b < batches; ++b) {
    std::vector<std::string> keys;
    const int size = b % 3 == 2 ? 1 : 200;
    for (int i = 0; i < size; ++i) keys.push_back(Key(rng() % 5000));
    if (b % 3 == 0) std::sort(keys.begin(), keys.end());
    rocksdb::WriteBatch wb;
    for (const std::string& k : keys) {
      if (rng() % 7 == 0) {
        ASSERT_TRUE(wb.Delete(k).ok());
        model->erase(k);
      } else {
        const std::string v = "v" + std::to_string(rng() % 1000) + std::string(rng() % 300, 'x');
        ASSERT_TRUE(wb.Put(k, v).ok());
        (*model)[k] = v;
      }
    }
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &wb).ok());
  }
}

void ExpectSameAsModel(rocksdb::DB* db, const std::map<std::string, std::string>& model) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  auto m = model.begin();
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++m) {
    ASSERT_NE(m, model.end()) << "extra key " << it->key().ToString();
    ASSERT_EQ(it->key().ToString(), m->first);
    ASSERT_EQ(it->value().ToString(), m->second);
  }
  ASSERT_TRUE(it->status().ok());
  EXPECT_EQ(m, model.end());

  auto r = model.rbegin();
  for (it->SeekToLast(); it->Valid(); it->Prev(), ++r) {
    ASSERT_NE(r, model.rend());
    ASSERT_EQ(it->key().ToString(), r->first);
  }
  EXPECT_EQ(r, model.rend());

  for (std::uint64_t n = 0; n < 5000; n += 37) {
    const std::string target = Key(n) + (n % 2 == 0 ? "" : "~");  // present and absent targets
    it->Seek(target);
    const auto ge = model.lower_bound(target);
    ASSERT_EQ(it->Valid(), ge != model.end()) << target;
    if (it->Valid()) {
      ASSERT_EQ(it->key().ToString(), ge->first);
    }

    it->SeekForPrev(target);
    auto le = model.upper_bound(target);
    const bool has_le = le != model.begin();
    ASSERT_EQ(it->Valid(), has_le) << target;
    if (has_le) {
      ASSERT_EQ(it->key().ToString(), std::prev(le)->first);
    }

    // Steps both ways from the target, changing direction at random, against the map.
    std::mt19937_64 rng(n);
    it->Seek(target);
    auto at = model.lower_bound(target);
    for (int step = 0; step < 12 && it->Valid(); ++step) {
      if (rng() % 2 == 0) {
        it->Next();
        ++at;
        ASSERT_EQ(it->Valid(), at != model.end()) << target << " step " << step;
      } else {
        it->Prev();
        const bool before = at != model.begin();
        if (before) --at;
        ASSERT_EQ(it->Valid(), before) << target << " step " << step;
        if (!before) break;
      }
      if (it->Valid()) {
        ASSERT_EQ(it->key().ToString(), at->first) << target << " step " << step;
      }
    }

    std::string value;
    const rocksdb::Status s = db->Get(rocksdb::ReadOptions(), Key(n), &value);
    const auto found = model.find(Key(n));
    if (found == model.end()) {
      ASSERT_TRUE(s.IsNotFound()) << s.ToString();
    } else {
      ASSERT_TRUE(s.ok()) << s.ToString();
      ASSERT_EQ(value, found->second);
    }
  }
}

TEST(SortedRunsRepTest, EveryColumnFamilyOfAStoreUsesIt) {
  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(1 << 20);
  for (int cf = 0; cf < kCfCount; ++cf) {
    const rocksdb::ColumnFamilyOptions o = MakeCfOptions(static_cast<Cf>(cf), cache);
    EXPECT_STREQ(o.memtable_factory->Name(), SortedRunsRepFactory().Name()) << kCfNames[cf];
  }
  EXPECT_FALSE(MakeDbOptions(RocksStoreOptions(), true).allow_concurrent_memtable_write);
}

TEST(SortedRunsRepTest, AMemtableHoldsWhatAMapHoldsInOrderBothWays) {
  TempDir dir;
  std::unique_ptr<rocksdb::DB> db = OpenDb(dir.Sub("db"), 64 << 20);  // never flushes
  std::map<std::string, std::string> model;
  WriteRandomBatches(db.get(), &model, 60, 1);
  ExpectSameAsModel(db.get(), model);
}

// Sorted batches of 60, 59, ..., 1 keys: runs of ever smaller sizes, which merge into their
// elders long before they could pile up.
TEST(SortedRunsRepTest, BatchesOfShrinkingSizeMergeAndReadBack) {
  TempDir dir;
  std::unique_ptr<rocksdb::DB> db = OpenDb(dir.Sub("db"), 64 << 20);  // never flushes
  std::map<std::string, std::string> model;
  std::uint64_t next = 0;
  for (int size = 60; size >= 1; --size) {
    std::vector<std::string> keys;
    for (int i = 0; i < size; ++i) keys.push_back(Key(next++ * 7 % 5000));
    std::sort(keys.begin(), keys.end());
    rocksdb::WriteBatch wb;
    for (const std::string& k : keys) {
      const std::string v = "v" + std::to_string(size);
      ASSERT_TRUE(wb.Put(k, v).ok());
      model[k] = v;
    }
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &wb).ok());
  }
  ExpectSameAsModel(db.get(), model);
}

TEST(SortedRunsRepTest, FlushedMemtablesAndAReopenKeepEveryRecord) {
  TempDir dir;
  std::map<std::string, std::string> model;
  {
    std::unique_ptr<rocksdb::DB> db = OpenDb(dir.Sub("db"), 64 << 10);  // flushes every few batches
    WriteRandomBatches(db.get(), &model, 150, 2);
    ExpectSameAsModel(db.get(), model);  // memtables and tables together
  }
  std::unique_ptr<rocksdb::DB> db = OpenDb(dir.Sub("db"), 64 << 10);
  ExpectSameAsModel(db.get(), model);
}

TEST(SortedRunsRepTest, AnOpenIteratorStaysSortedWhileInsertsContinue) {
  TempDir dir;
  std::unique_ptr<rocksdb::DB> db = OpenDb(dir.Sub("db"), 64 << 20);
  std::map<std::string, std::string> model;
  WriteRandomBatches(db.get(), &model, 10, 3);
  const std::map<std::string, std::string> before = model;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  WriteRandomBatches(db.get(), &model, 10, 4);  // the iterator's snapshot excludes these
  auto m = before.begin();
  for (; it->Valid(); it->Next(), ++m) {
    ASSERT_NE(m, before.end());
    ASSERT_EQ(it->key().ToString(), m->first);
    ASSERT_EQ(it->value().ToString(), m->second);
  }
  EXPECT_EQ(m, before.end());
}

// A reader scanning and reading point keys while the writer inserts: every key the writer has
// finished writing is visible, and every scan is in strictly increasing key order.
TEST(SortedRunsRepTest, ReadersSeeEveryFinishedWriteAndSortedScansWhileTheWriterInserts) {
  TempDir dir;
  std::unique_ptr<rocksdb::DB> db = OpenDb(dir.Sub("db"), 256 << 10);
  constexpr std::uint64_t kKeys = 40000;
  std::atomic<std::uint64_t> written{0};
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    struct Done {
      std::atomic<bool>* writing;
      ~Done() { writing->store(false, std::memory_order_release); }
    } done{&writing};  // also when an assertion returns early
    for (std::uint64_t n = 0; n < kKeys; n += 100) {
      std::vector<std::string> keys;
      for (std::uint64_t i = n; i < n + 100; ++i) keys.push_back(Key(i));
      std::sort(keys.begin(), keys.end());
      rocksdb::WriteBatch wb;
      for (const std::string& k : keys) ASSERT_TRUE(wb.Put(k, k).ok());
      ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &wb).ok());
      written.store(n + 100, std::memory_order_release);
    }
  });
  std::mt19937_64 rng(5);
  int scans = 0;
  auto read_while_writing = [&] {  // an assertion returns from here, and the writer is joined
    for (std::uint64_t round = 0; round == 0 || writing.load(std::memory_order_acquire); ++round) {
      const std::uint64_t done = written.load(std::memory_order_acquire);
      if (done > 0) {
        const std::string k = Key(rng() % done);
        std::string value;
        const rocksdb::Status s = db->Get(rocksdb::ReadOptions(), k, &value);
        ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
        ASSERT_EQ(value, k);
      }
      if (round % 64 == 0) {
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
        std::string last;
        std::uint64_t seen = 0;
        for (it->SeekToFirst(); it->Valid(); it->Next(), ++seen) {
          ASSERT_LT(last, it->key().ToString());
          last = it->key().ToString();
        }
        ASSERT_GE(seen, done);
        ++scans;
      }
    }
  };
  read_while_writing();
  writer.join();
  EXPECT_GT(scans, 0);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  std::uint64_t total = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++total;
  EXPECT_EQ(total, kKeys);
}

}  // namespace
}  // namespace weft::rocks
