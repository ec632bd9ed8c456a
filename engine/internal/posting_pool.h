#pragma once
// PostingPool: one arena for the Correlator's per-entity posting lists (alert, time). A list of
// n >= 2 postings lives in a block of Capacity(n) slots (a power of two), addressed by its
// offset, so an entity costs no allocation of its own and a block freed by growth is reused by
// the next list of that size. Offsets stay valid across growth of the arena; pointers from
// data() do not survive the next Allocate. Not thread-safe.

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include "model/time.h"

namespace weft::internal {

struct Posting {
  Timestamp time;
  std::uint32_t alert;
  friend bool operator<(const Posting& x, const Posting& y) {
    return x.time != y.time ? x.time < y.time : x.alert < y.alert;
  }
  friend bool operator==(const Posting& x, const Posting& y) { return x.time == y.time && x.alert == y.alert; }
};

class PostingPool {
 public:
  // The block size of a list of `count` postings: the next power of two, at least 2.
  static std::uint32_t Capacity(std::uint32_t count) { return std::bit_ceil(count < 2 ? 2u : count); }

  // A block of Capacity(count) slots; its offset.
  std::uint32_t Allocate(std::uint32_t count) {
    const std::uint32_t cap = Capacity(count);
    std::vector<std::uint32_t>& free = free_[std::countr_zero(cap)];
    if (!free.empty()) {
      const std::uint32_t block = free.back();
      free.pop_back();
      return block;
    }
    const auto block = static_cast<std::uint32_t>(slots_.size());
    slots_.resize(slots_.size() + cap);
    return block;
  }
  // Returns the block of a list of `count` postings to the pool.
  void Free(std::uint32_t block, std::uint32_t count) { free_[std::countr_zero(Capacity(count))].push_back(block); }

  Posting* data(std::uint32_t block) { return slots_.data() + block; }
  const Posting* data(std::uint32_t block) const { return slots_.data() + block; }

 private:
  std::vector<Posting> slots_;
  std::array<std::vector<std::uint32_t>, 32> free_;  // by log2(capacity)
};

}  // namespace weft::internal
