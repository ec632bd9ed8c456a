#include "persistence/internal/sorted_runs_rep.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "persistence/internal/memtable_iterator_slots.h"

namespace weft::rocks {
namespace {

using rocksdb::Slice;
using KeyComparator = rocksdb::MemTableRep::KeyComparator;

// Runs merge while the one before is at most twice as large, so each sealed run is more than
// twice the next: with 32-bit sizes there are at most 32 sealed runs, plus the open one.
constexpr int kMaxRuns = 33;
constexpr std::uint32_t kFirstCapacity = 64;
// How far ahead in each run a merge prefetches the entries it will compare.
constexpr std::uint32_t kMergeAhead = 8;

// Entries in key order. The open run grows by appends (its size is the publication); a sealed
// run never changes.
struct Run {
  const char** entries = nullptr;
  std::uint32_t capacity = 0;
  std::atomic<std::uint32_t> size{0};
};

// The runs a reader searches; immutable once published.
struct View {
  int count = 0;
  const Run* runs[kMaxRuns];
};

// A merge of the runs of one view: a reader's position in each run and the run holding the
// current entry. Going forward, each run's position is its first entry at or after the current
// one; going backward, its last entry at or before it. The current entry is the smallest
// (forward) or largest (backward) of the positioned entries.
class RunsIterator final : private SlotRelease, public rocksdb::MemTableRep::Iterator {
 public:
  RunsIterator(const KeyComparator* compare, const std::atomic<const View*>* view,
               std::atomic<bool>* slot_in_use)
      : SlotRelease(slot_in_use), compare_(*compare), view_(view) {}

  bool Valid() const override { return current_ >= 0; }
  const char* key() const override { return entries_[current_][pos_[current_]]; }

  void Next() override {
    if (forward_) {
      ++pos_[current_];
    } else {
      // Backward, every other run sits on its last entry before the current one.
      for (int r = 0; r < count_; ++r) ++pos_[r];
      forward_ = true;
    }
    PickSmallest();
  }
  void Prev() override {
    if (!forward_) {
      --pos_[current_];
    } else {
      // Forward, every other run sits on its first entry after the current one.
      for (int r = 0; r < count_; ++r) --pos_[r];
      forward_ = false;
    }
    PickLargest();
  }

  // `memtable_key`, when given, is `internal_key` length-prefixed; either names the target.
  void Seek(const Slice& internal_key, const char* memtable_key) override {
    const Slice target = Target(internal_key, memtable_key);
    Load();
    for (int r = 0; r < count_; ++r) pos_[r] = FirstNotBefore(r, target);
    forward_ = true;
    PickSmallest();
  }
  void SeekForPrev(const Slice& internal_key, const char* memtable_key) override {
    const Slice target = Target(internal_key, memtable_key);
    Load();
    for (int r = 0; r < count_; ++r) pos_[r] = FirstAfter(r, target) - 1;
    forward_ = false;
    PickLargest();
  }
  void SeekToFirst() override {
    Load();
    for (int r = 0; r < count_; ++r) pos_[r] = 0;
    forward_ = true;
    PickSmallest();
  }
  void SeekToLast() override {
    Load();
    for (int r = 0; r < count_; ++r) pos_[r] = size_[r] - 1;
    forward_ = false;
    PickLargest();
  }

 private:
  Slice Target(const Slice& internal_key, const char* memtable_key) const {
    return memtable_key != nullptr ? compare_.decode_key(memtable_key) : internal_key;
  }

  // Each seek reads the newest view, so that it sees every entry inserted before it.
  void Load() {
    const View* v = view_->load(std::memory_order_acquire);
    count_ = v->count;
    for (int r = 0; r < count_; ++r) {
      size_[r] = v->runs[r]->size.load(std::memory_order_acquire);
      entries_[r] = v->runs[r]->entries;
    }
  }

  std::int64_t FirstNotBefore(int r, const Slice& target) const {
    const char* const* begin = entries_[r];
    return std::partition_point(begin, begin + size_[r],
                                [&](const char* e) { return compare_(e, target) < 0; }) -
           begin;
  }
  std::int64_t FirstAfter(int r, const Slice& target) const {
    const char* const* begin = entries_[r];
    return std::partition_point(begin, begin + size_[r],
                                [&](const char* e) { return compare_(e, target) <= 0; }) -
           begin;
  }

  void PickSmallest() {
    current_ = -1;
    for (int r = 0; r < count_; ++r) {
      if (pos_[r] >= size_[r]) continue;
      if (current_ < 0 || compare_(entries_[r][pos_[r]], key()) < 0) current_ = r;
    }
  }
  void PickLargest() {
    current_ = -1;
    for (int r = 0; r < count_; ++r) {
      if (pos_[r] < 0) continue;
      if (current_ < 0 || compare_(entries_[r][pos_[r]], key()) > 0) current_ = r;
    }
  }

  const KeyComparator& compare_;
  const std::atomic<const View*>* view_;
  int count_ = 0;
  int current_ = -1;
  bool forward_ = true;
  const char* const* entries_[kMaxRuns];
  std::int64_t size_[kMaxRuns];
  std::int64_t pos_[kMaxRuns];
};

class SortedRunsRep final : public rocksdb::MemTableRep {
 public:
  SortedRunsRep(const KeyComparator& compare, rocksdb::Allocator* allocator)
      : rocksdb::MemTableRep(allocator), compare_(compare) {
    Publish();
  }

  // Allocate is MemTableRep's: the entry alone, from the memtable's allocator; its handle is
  // the entry.
  void Insert(rocksdb::KeyHandle handle) override { Add(static_cast<const char*>(handle)); }

  bool Contains(const char* key) const override {
    RunsIterator it(&compare_, &view_, nullptr);
    it.Seek(Slice(), key);
    return it.Valid() && compare_(it.key(), key) == 0;
  }

  // RocksDB's default Get asks for an iterator and never deletes it (7.8.3 leaks one per point
  // read), so point reads are answered here. Their target is the lookup key's memtable key:
  // LookupKey is not a public class, but it is standard-layout and its first member has been,
  // since LevelDB, `start_`, the length-prefixed internal key. Every store test reads through
  // this, so a RocksDB that changed the layout would fail them all.
  void Get(const rocksdb::LookupKey& k, void* arg,
           bool (*callback)(void* arg, const char* entry)) override {
    const char* memtable_key = *reinterpret_cast<const char* const*>(&k);
    RunsIterator it(&compare_, &view_, nullptr);
    for (it.Seek(Slice(), memtable_key); it.Valid() && callback(arg, it.key()); it.Next()) {
    }
  }

  // Entries and runs live in the memtable's allocator, which RocksDB already counts.
  std::size_t ApproximateMemoryUsage() override { return 0; }

  rocksdb::MemTableRep::Iterator* GetIterator(rocksdb::Arena* arena) override {
    if (arena == nullptr) return new RunsIterator(&compare_, &view_, nullptr);
    return arena_iterators_.Place(&compare_, &view_);
  }

 private:
  void Add(const char* entry) {
    if (open_ != nullptr) {
      const std::uint32_t n = open_->size.load(std::memory_order_relaxed);
      if (compare_(open_->entries[n - 1], entry) < 0) {  // continues the run
        if (n == open_->capacity) Grow();
        open_->entries[n] = entry;
        open_->size.store(n + 1, std::memory_order_release);
        return;
      }
      Seal();
    }
    open_ = NewRun(next_capacity_);
    open_->entries[0] = entry;
    open_->size.store(1, std::memory_order_relaxed);  // published with the view
    Publish();
  }

  // The open run moves to an array twice the size; readers of the old one keep it.
  void Grow() {
    Run* bigger = NewRun(open_->capacity * 2);
    const std::uint32_t n = open_->size.load(std::memory_order_relaxed);
    std::copy(open_->entries, open_->entries + n, bigger->entries);
    bigger->size.store(n, std::memory_order_relaxed);
    open_ = bigger;
    Publish();
  }

  // The open run joins the sealed ones, merged into its elders while they are at most twice
  // its size. Merging only elders no larger would keep sizes merely decreasing: batches of 39,
  // 38, ..., 1 keys would stay 39 runs for 780 entries, each searched by every read. With the
  // factor 2 a merge grows every entry's run by half at least, so an entry is copied at most
  // log1.5(entries / run) times.
  void Seal() {
    const std::uint32_t n = open_->size.load(std::memory_order_relaxed);
    next_capacity_ = std::bit_ceil(std::max(n, kFirstCapacity));
    sealed_.push_back(open_);
    open_ = nullptr;
    while (sealed_.size() >= 2 &&
           Size(sealed_[sealed_.size() - 2]) <= 2 * std::uint64_t{Size(sealed_.back())}) {
      Run* merged = Merge(*sealed_[sealed_.size() - 2], *sealed_.back());
      sealed_.pop_back();
      sealed_.back() = merged;
    }
  }

  Run* Merge(const Run& a, const Run& b) {
    const std::uint32_t na = Size(&a), nb = Size(&b);
    Run* out = NewRun(na + nb);
    const char** o = out->entries;
    std::uint32_t i = 0, j = 0;
    while (i < na && j < nb) {
      __builtin_prefetch(a.entries[std::min(i + kMergeAhead, na - 1)]);
      __builtin_prefetch(b.entries[std::min(j + kMergeAhead, nb - 1)]);
      *o++ = compare_(a.entries[i], b.entries[j]) < 0 ? a.entries[i++] : b.entries[j++];
    }
    o = std::copy(a.entries + i, a.entries + na, o);
    std::copy(b.entries + j, b.entries + nb, o);
    out->size.store(na + nb, std::memory_order_relaxed);  // published with the view
    return out;
  }

  static std::uint32_t Size(const Run* r) { return r->size.load(std::memory_order_relaxed); }

  void Publish() {
    assert(sealed_.size() < kMaxRuns && "each sealed run is more than twice the next");
    auto* v = new (Carve(sizeof(View), alignof(View))) View();
    for (const Run* r : sealed_) v->runs[v->count++] = r;
    if (open_ != nullptr) v->runs[v->count++] = open_;
    view_.store(v, std::memory_order_release);
  }

  Run* NewRun(std::uint32_t capacity) {
    auto* run = new (Carve(sizeof(Run), alignof(Run))) Run();
    run->entries =
        reinterpret_cast<const char**>(Carve(sizeof(const char*) * capacity, alignof(const char*)));
    run->capacity = capacity;
    return run;
  }

  // `bytes` from the memtable's allocator, aligned to `align` (the allocator does not align).
  // Writer only: RocksDB counts what a memtable allocates while it is still mutable.
  char* Carve(std::size_t bytes, std::size_t align) {
    char* raw = nullptr;
    rocksdb::MemTableRep::Allocate(bytes + align - 1, &raw);
    const std::uintptr_t at = (reinterpret_cast<std::uintptr_t>(raw) + align - 1) & ~(align - 1);
    return reinterpret_cast<char*>(at);
  }

  const KeyComparator& compare_;
  std::atomic<const View*> view_{nullptr};
  // The writer's: sealed runs, oldest (and largest) first, and the run being appended to.
  std::vector<Run*> sealed_;
  Run* open_ = nullptr;
  std::uint32_t next_capacity_ = kFirstCapacity;
  IteratorSlots<RunsIterator> arena_iterators_;
};

}  // namespace

rocksdb::MemTableRep* SortedRunsRepFactory::CreateMemTableRep(
    const rocksdb::MemTableRep::KeyComparator& compare, rocksdb::Allocator* allocator,
    const rocksdb::SliceTransform* /*prefix_extractor*/, rocksdb::Logger* /*logger*/) {
  return new SortedRunsRep(compare, allocator);
}

}  // namespace weft::rocks
