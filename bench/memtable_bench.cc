// The memtable representation on its own: RocksDB's skip list (as Debian builds it, assertions
// on) against weft's sorted runs (persistence/internal/sorted_runs_rep.h, ADR 0009), in one
// binary. Each iteration writes one batch of state.range(1) records at scattered keys in key order,
// as RocksStore::Apply writes a column family's part of a batch, with the WAL off so the memtable
// insert is most of the cost; items/s = records/s. range(0): 0 = RocksDB's, 1 = weft's.

#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/scratch_dir.h"
#include "persistence/internal/sorted_runs_rep.h"

namespace weft {
namespace {

// A RocksDB opened in a scratch directory with either memtable representation.
class ScratchDb {
 public:
  explicit ScratchDb(bool weft_rep) {
    rocksdb::Options o;
    o.create_if_missing = true;
    o.write_buffer_size = 16 << 20;  // the alerts column family's
    o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
    if (weft_rep) {
      o.allow_concurrent_memtable_write = false;
      o.memtable_factory = std::make_shared<rocks::SortedRunsRepFactory>();
    }
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::Open(o, dir_.store(), &db).ok()) abort();
    db_.reset(db);
  }
  rocksdb::DB* db() { return db_.get(); }

 private:
  bench::ScratchDir dir_{"memtable_bench"};
  std::unique_ptr<rocksdb::DB> db_;  // closed before dir_ is removed (members go in reverse)
};

// An alert key: a tenant and a source, then a scattered provider id.
std::string Key(std::uint64_t n) {
  char buf[48];
  n *= 0x9E3779B97F4A7C15ULL;  // a bijection: distinct inputs, scattered outputs
  std::snprintf(buf, sizeof buf, "tenant-%llu/mdc/%016llx", static_cast<unsigned long long>(n & 3),
                static_cast<unsigned long long>(n ^ (n >> 29)));
  return buf;
}

void BM_MemtableInsert(benchmark::State& state) {
  ScratchDb scratch(state.range(0) == 1);
  const auto n = static_cast<std::size_t>(state.range(1));
  const std::string value(600, 'v');  // about an encoded alert
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  std::uint64_t next = 0;
  std::vector<std::string> keys(n);
  for (auto _ : state) {
    state.PauseTiming();
    for (std::string& k : keys) k = Key(next++);
    std::sort(keys.begin(), keys.end());
    rocksdb::WriteBatch wb;
    for (const std::string& k : keys) {
      if (!wb.Put(k, value).ok()) abort();
    }
    state.ResumeTiming();
    if (!scratch.db()->Write(wo, &wb).ok()) abort();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_MemtableInsert)
    ->ArgNames({"weft", "batch"})
    ->Args({0, 1000})
    ->Args({1, 1000})
    ->Iterations(400)
    ->Unit(benchmark::kMicrosecond);

// Point reads of keys in the mutable memtable (20k records, all still in memory).
void BM_MemtableGet(benchmark::State& state) {
  ScratchDb scratch(state.range(0) == 1);
  constexpr std::uint64_t kRecords = 20000;
  rocksdb::WriteBatch wb;
  for (std::uint64_t i = 0; i < kRecords; ++i) {
    if (!wb.Put(Key(i), std::string(600, 'v')).ok()) abort();
  }
  if (!scratch.db()->Write(rocksdb::WriteOptions(), &wb).ok()) abort();
  std::uint64_t i = 0;
  std::string value;
  for (auto _ : state) {
    const rocksdb::Status s =
        scratch.db()->Get(rocksdb::ReadOptions(), Key(i++ % kRecords), &value);
    if (!s.ok()) abort();
    benchmark::DoNotOptimize(value.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemtableGet)->ArgNames({"weft"})->Arg(0)->Arg(1);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
