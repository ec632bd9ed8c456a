#include "persistence/internal/skip_list_rep.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <new>

namespace weft::rocks {
namespace {

using rocksdb::Slice;
using KeyComparator = rocksdb::MemTableRep::KeyComparator;

// As RocksDB's skip list: up to 12 levels, each holding a quarter of the level below.
constexpr int kMaxHeight = 12;
constexpr std::uint64_t kBranching = 4;

// A node is its level-0 link, with the links of levels 1.. height-1 just before it in memory and
// the entry (length-prefixed key, then value) just after it. Until it is inserted, the level-0
// link holds the node's height instead.
struct Node {
  std::atomic<Node*> link0;

  std::atomic<Node*>* Link(int level) { return &link0 - level; }
  const std::atomic<Node*>* Link(int level) const { return &link0 - level; }
  Node* Next(int level) const { return Link(level)->load(std::memory_order_acquire); }
  Node* NextRelaxed(int level) const { return Link(level)->load(std::memory_order_relaxed); }
  void SetNext(int level, Node* node) { Link(level)->store(node, std::memory_order_release); }
  void SetNextRelaxed(int level, Node* node) {
    Link(level)->store(node, std::memory_order_relaxed);
  }

  const char* Entry() const { return reinterpret_cast<const char*>(this + 1); }
  char* Entry() { return reinterpret_cast<char*>(this + 1); }

  void StashHeight(int height) {
    link0.store(reinterpret_cast<Node*>(static_cast<std::uintptr_t>(height)),
                std::memory_order_relaxed);
  }
  int StashedHeight() const {
    return static_cast<int>(
        reinterpret_cast<std::uintptr_t>(link0.load(std::memory_order_relaxed)));
  }
};

// Where the previous insert went, per level: prev[i] < key <= next[i] for the key it held. The
// next insert of a nearby larger key re-searches only the levels that no longer bracket it.
struct Splice {
  int height = 0;  // levels [0, height] are set; 0 means "search from the top"
  Node* prev[kMaxHeight + 1];
  Node* next[kMaxHeight + 1];
};

// The list itself: ordering, searches and insertion. Nodes come from the rep that owns it.
class SkipList {
 public:
  SkipList(const KeyComparator& compare, Node* head) : compare_(compare), head_(head) {
    for (int i = 0; i < kMaxHeight; ++i) head_->SetNextRelaxed(i, nullptr);
  }

  // Links `node` (its height stashed) in; `splice` says where the previous insert went and is
  // updated to this one. Writer only.
  void Insert(Node* node, Splice* splice);

  const Node* First() const { return head_->Next(0); }
  const Node* FindGreaterOrEqual(const Slice& key) const;
  const Node* FindLessThan(const Slice& key) const;  // nullptr if none
  const Node* FindLast() const;                      // nullptr if empty
  int Compare(const char* entry, const Slice& key) const { return compare_(entry, key); }
  int Compare(const char* entry, const char* other) const { return compare_(entry, other); }
  Slice Decode(const char* entry) const { return compare_.decode_key(entry); }

 private:
  // Whether `key` sorts after `node`'s entry (a missing node is the end: nothing is after it).
  bool KeyIsAfter(const Slice& key, const Node* node) const {
    return node != nullptr && compare_(node->Entry(), key) < 0;
  }

  // From `before` (< key) along `level`, stopping at `after` (>= key): the bracket of `key`.
  void FindSpliceForLevel(const Slice& key, Node* before, Node* after, int level, Node** out_prev,
                          Node** out_next) const {
    while (true) {
      Node* next = before->Next(level);
      if (next == after || !KeyIsAfter(key, next)) {
        *out_prev = before;
        *out_next = next;
        return;
      }
      before = next;
    }
  }

  const KeyComparator& compare_;
  Node* head_;
  std::atomic<int> max_height_{1};
};

void SkipList::Insert(Node* node, Splice* splice) {
  const int height = node->StashedHeight();
  const Slice key = compare_.decode_key(node->Entry());
  int max_height = max_height_.load(std::memory_order_relaxed);
  if (height > max_height) {
    // Readers that still see the old height search from a lower level, which is correct: the
    // head's links above it are null until this insert sets them.
    max_height_.store(height, std::memory_order_relaxed);
    max_height = height;
  }

  // The lowest level at which the splice still brackets the key; every level below it is
  // searched again, starting from that level's bracket.
  int bracketed = 0;
  if (splice->height < max_height) {
    splice->prev[max_height] = head_;
    splice->next[max_height] = nullptr;
    splice->height = max_height;
    bracketed = max_height;
  } else {
    while (bracketed < max_height) {
      Node* prev = splice->prev[bracketed];
      Node* next = splice->next[bracketed];
      if (prev->NextRelaxed(bracketed) != next) {
        ++bracketed;  // another insert went between them
      } else if (prev != head_ && !KeyIsAfter(key, prev)) {
        ++bracketed;  // the key is before the splice
      } else if (KeyIsAfter(key, next)) {
        ++bracketed;  // the key is after the splice
      } else {
        break;
      }
    }
  }
  for (int level = bracketed - 1; level >= 0; --level) {
    FindSpliceForLevel(key, splice->prev[level + 1], splice->next[level + 1], level,
                       &splice->prev[level], &splice->next[level]);
  }

  for (int level = 0; level < height; ++level) {
    node->SetNextRelaxed(level, splice->next[level]);
    splice->prev[level]->SetNext(level, node);  // publishes the node at this level
  }
  // The next key of a sorted run goes right after this one.
  for (int level = 0; level < height; ++level) splice->prev[level] = node;
}

const Node* SkipList::FindGreaterOrEqual(const Slice& key) const {
  const Node* at = head_;
  int level = max_height_.load(std::memory_order_relaxed) - 1;
  const Node* known_bigger = nullptr;  // saves comparing the same node again one level down
  while (true) {
    const Node* next = at->Next(level);
    const int order = (next == nullptr || next == known_bigger) ? 1 : compare_(next->Entry(), key);
    if (order == 0 || (order > 0 && level == 0)) return next;
    if (order < 0) {
      at = next;
    } else {
      known_bigger = next;
      --level;
    }
  }
}

const Node* SkipList::FindLessThan(const Slice& key) const {
  const Node* at = head_;
  int level = max_height_.load(std::memory_order_relaxed) - 1;
  const Node* known_not_less = nullptr;
  while (true) {
    const Node* next = at->Next(level);
    if (next != nullptr && next != known_not_less && compare_(next->Entry(), key) < 0) {
      at = next;
    } else {
      if (level == 0) return at == head_ ? nullptr : at;
      known_not_less = next;
      --level;
    }
  }
}

const Node* SkipList::FindLast() const {
  const Node* at = head_;
  int level = max_height_.load(std::memory_order_relaxed) - 1;
  while (true) {
    const Node* next = at->Next(level);
    if (next != nullptr) {
      at = next;
    } else {
      if (level == 0) return at == head_ ? nullptr : at;
      --level;
    }
  }
}

// Releases an arena slot (below) when the iterator in it is gone. It is the iterator's first
// base, so it is destroyed last, after RocksDB's Iterator base: clearing the flag is the final
// touch of the slot's memory, and the slot may be reused at once.
class SlotRelease {
 public:
  explicit SlotRelease(std::atomic<bool>* in_use) : in_use_(in_use) {}
  ~SlotRelease() {
    if (in_use_ != nullptr) in_use_->store(false, std::memory_order_release);
  }
  SlotRelease(const SlotRelease&) = delete;
  SlotRelease& operator=(const SlotRelease&) = delete;

 private:
  std::atomic<bool>* in_use_;
};

class ListIterator final : private SlotRelease, public rocksdb::MemTableRep::Iterator {
 public:
  ListIterator(const SkipList* list, std::atomic<bool>* slot_in_use)
      : SlotRelease(slot_in_use), list_(list) {}

  bool Valid() const override { return node_ != nullptr; }
  const char* key() const override { return node_->Entry(); }
  void Next() override { node_ = node_->Next(0); }
  void Prev() override { node_ = list_->FindLessThan(list_->Decode(node_->Entry())); }

  // `memtable_key`, when given, is `internal_key` length-prefixed; either names the target.
  void Seek(const Slice& internal_key, const char* memtable_key) override {
    node_ = list_->FindGreaterOrEqual(Target(internal_key, memtable_key));
  }
  void SeekForPrev(const Slice& internal_key, const char* memtable_key) override {
    const Slice target = Target(internal_key, memtable_key);
    const Node* at_or_after = list_->FindGreaterOrEqual(target);
    const bool at = at_or_after != nullptr && list_->Compare(at_or_after->Entry(), target) == 0;
    node_ = at ? at_or_after : list_->FindLessThan(target);
  }
  void SeekToFirst() override { node_ = list_->First(); }
  void SeekToLast() override { node_ = list_->FindLast(); }

 private:
  Slice Target(const Slice& internal_key, const char* memtable_key) const {
    return memtable_key != nullptr ? list_->Decode(memtable_key) : internal_key;
  }

  const SkipList* list_;
  const Node* node_ = nullptr;
};

// Storage for the iterators RocksDB asks to place in its own arena: it then runs only their
// destructors, and its Arena's interface is not public. Carving them from the memtable's
// allocator instead would grow an immutable memtable's counted size, which RocksDB asserts
// never happens. A slot is reused once its iterator is destroyed, so the storage is bounded by
// the iterators open at once.
class IteratorSlots {
 public:
  rocksdb::MemTableRep::Iterator* Place(const SkipList* list) {
    Slot* slot = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (Slot& s : slots_) {
        if (!s.in_use.load(std::memory_order_acquire)) {
          slot = &s;
          break;
        }
      }
      if (slot == nullptr) slot = &slots_.emplace_back();
      slot->in_use.store(true, std::memory_order_relaxed);
    }
    return new (slot->bytes) ListIterator(list, &slot->in_use);
  }

 private:
  struct Slot {
    alignas(ListIterator) unsigned char bytes[sizeof(ListIterator)];
    std::atomic<bool> in_use{false};
  };
  std::mutex mu_;
  std::deque<Slot> slots_;  // a deque never moves its elements
};

class SkipListRep final : public rocksdb::MemTableRep {
 public:
  SkipListRep(const KeyComparator& compare, rocksdb::Allocator* allocator)
      : rocksdb::MemTableRep(allocator),
        random_(reinterpret_cast<std::uintptr_t>(this) | 1),
        list_(compare, NewNode(kMaxHeight, 0, nullptr)) {}

  rocksdb::KeyHandle Allocate(std::size_t len, char** buf) override {
    return NewNode(RandomHeight(), len, buf);
  }

  void Insert(rocksdb::KeyHandle handle) override {
    Splice splice;
    list_.Insert(static_cast<Node*>(handle), &splice);
  }

  void InsertWithHint(rocksdb::KeyHandle handle, void** hint) override {
    auto* splice = static_cast<Splice*>(*hint);
    if (splice == nullptr) {
      splice = new (Carve(sizeof(Splice), alignof(Splice))) Splice();
      *hint = splice;
    }
    list_.Insert(static_cast<Node*>(handle), splice);
  }

  bool Contains(const char* key) const override {
    const Node* node = list_.FindGreaterOrEqual(list_.Decode(key));
    return node != nullptr && list_.Compare(node->Entry(), key) == 0;
  }

  // RocksDB's default Get asks for an iterator and never deletes it (7.8.3 leaks one per point
  // read), so point reads are answered here. Their target is the lookup key's memtable key:
  // LookupKey is not a public class, but it is standard-layout and its first member has been,
  // since LevelDB, `start_`, the length-prefixed internal key. Every store test reads through
  // this, so a RocksDB that changed the layout would fail them all.
  void Get(const rocksdb::LookupKey& k, void* arg,
           bool (*callback)(void* arg, const char* entry)) override {
    const char* memtable_key = *reinterpret_cast<const char* const*>(&k);
    for (const Node* node = list_.FindGreaterOrEqual(list_.Decode(memtable_key));
         node != nullptr && callback(arg, node->Entry()); node = node->Next(0)) {
    }
  }

  // The nodes live in the memtable's allocator, which RocksDB already counts.
  std::size_t ApproximateMemoryUsage() override { return 0; }

  rocksdb::MemTableRep::Iterator* GetIterator(rocksdb::Arena* arena) override {
    if (arena == nullptr) return new ListIterator(&list_, nullptr);
    return arena_iterators_.Place(&list_);
  }

 private:
  // `bytes` from the memtable's allocator, aligned to `align` (the allocator does not align).
  // Writer only: RocksDB counts what a memtable allocates while it is still mutable.
  char* Carve(std::size_t bytes, std::size_t align) {
    char* raw = nullptr;
    rocksdb::MemTableRep::Allocate(bytes + align - 1, &raw);
    const std::uintptr_t at = (reinterpret_cast<std::uintptr_t>(raw) + align - 1) & ~(align - 1);
    return reinterpret_cast<char*>(at);
  }

  Node* NewNode(int height, std::size_t entry_len, char** entry) {
    const std::size_t links = sizeof(std::atomic<Node*>) * static_cast<std::size_t>(height - 1);
    char* base = Carve(links + sizeof(Node) + entry_len, alignof(Node));
    for (int i = 0; i < height; ++i) {
      new (base + i * sizeof(std::atomic<Node*>)) std::atomic<Node*>();
    }
    auto* node = reinterpret_cast<Node*>(base + links);
    node->StashHeight(height);
    if (entry != nullptr) *entry = node->Entry();
    return node;
  }

  int RandomHeight() {
    int height = 1;
    while (height < kMaxHeight && NextRandom() % kBranching == 0) ++height;
    return height;
  }
  std::uint64_t NextRandom() {  // xorshift64*; only the writer draws
    random_ ^= random_ >> 12;
    random_ ^= random_ << 25;
    random_ ^= random_ >> 27;
    return (random_ * 0x2545F4914F6CDD1DULL) >> 32;
  }

  std::uint64_t random_;
  SkipList list_;
  IteratorSlots arena_iterators_;
};

}  // namespace

rocksdb::MemTableRep* SkipListRepFactory::CreateMemTableRep(
    const rocksdb::MemTableRep::KeyComparator& compare, rocksdb::Allocator* allocator,
    const rocksdb::SliceTransform* /*prefix_extractor*/, rocksdb::Logger* /*logger*/) {
  return new SkipListRep(compare, allocator);
}

}  // namespace weft::rocks
