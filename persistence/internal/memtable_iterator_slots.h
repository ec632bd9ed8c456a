#pragma once
// Storage for the memtable iterators RocksDB asks a representation to place in its own arena.
// RocksDB then runs only their destructors, and its Arena's interface is not public. Carving
// them from the memtable's allocator instead would grow an immutable memtable's counted size,
// which RocksDB asserts never happens. A slot is reused once its iterator is destroyed, so the
// storage is bounded by the iterators open at once.
//
// An iterator placed here derives first from SlotRelease, so that clearing the slot's flag is
// the last touch of the slot's memory when the iterator is destroyed.

#include <atomic>
#include <deque>
#include <mutex>
#include <new>
#include <utility>

namespace weft::rocks {

// Releases an arena slot when the iterator in it is gone. It is the iterator's first base, so
// it is destroyed last, after RocksDB's Iterator base: the slot may be reused at once.
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

// Iterator: constructible from (args..., std::atomic<bool>* slot_in_use), deriving first from
// SlotRelease. Place is thread-safe.
template <typename Iterator>
class IteratorSlots {
 public:
  template <typename... Args>
  Iterator* Place(Args&&... args) {
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
    return new (slot->bytes) Iterator(std::forward<Args>(args)..., &slot->in_use);
  }

 private:
  struct Slot {
    alignas(Iterator) unsigned char bytes[sizeof(Iterator)];
    std::atomic<bool> in_use{false};
  };
  std::mutex mu_;
  std::deque<Slot> slots_;  // a deque never moves its elements
};

}  // namespace weft::rocks
