#pragma once
// PostingPool: one arena for the Correlator's per-entity posting lists. A posting is an alert
// id (4 bytes; the Correlator looks its time up when it needs the order). A list of n >= 2 lives in
// a block of Capacity(n) slots (a power of two), addressed by a 32-bit offset, so an entity costs
// no allocation of its own and a block freed by growth is reused by the next list of that size.
// Blocks are carved from 2 MiB huge pages (paged_array.h) and never straddle one, so the arena
// grows without copying; a block larger than a page is allocated on its own. Pointers from
// data() stay valid until the block is freed. Not thread-safe.

#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/internal/paged_array.h"
#include "model/time.h"

namespace weft::internal {

struct Posting {
  Timestamp time;
  std::uint32_t alert;
  friend bool operator<(const Posting& x, const Posting& y) {
    return x.time != y.time ? x.time < y.time : x.alert < y.alert;
  }
  friend bool operator==(const Posting& x, const Posting& y) {
    return x.time == y.time && x.alert == y.alert;
  }
};

class PostingPool {
 public:
  using Slot = std::uint32_t;                // an alert id
  static constexpr unsigned kLog2Page = 19;  // 524,288 postings: one 2 MiB (huge) page
  static constexpr std::uint32_t kPage = 1u << kLog2Page;
  static_assert(kPage * sizeof(Slot) == kHugePage);

  PostingPool() = default;
  PostingPool(const PostingPool&) = delete;
  PostingPool& operator=(const PostingPool&) = delete;

  // The block size of a list of `count` postings: the next power of two, at least 2.
  static std::uint32_t Capacity(std::uint32_t count) {
    return std::bit_ceil(count < 2 ? 2u : count);
  }

  // A block of Capacity(count) slots (uninitialised); its offset.
  std::uint32_t Allocate(std::uint32_t count) {
    const std::uint32_t cap = Capacity(count);
    if (cap > kPage) return AllocateBig(cap);
    std::vector<std::uint32_t>& free = free_[std::countr_zero(cap)];
    if (!free.empty()) {
      const std::uint32_t block = free.back();
      free.pop_back();
      return block;
    }
    if (kPage - used_ < cap) NewPage();
    const std::uint32_t block =
        static_cast<std::uint32_t>((pages_.size() - 1) << kLog2Page) | used_;
    used_ += cap;
    return block;
  }
  // Returns the block of a list of `count` postings to the pool.
  void Free(std::uint32_t block, std::uint32_t count) {
    if ((block & kBig) != 0) {
      big_[block & ~kBig].reset();
      big_free_.push_back(block & ~kBig);
      return;
    }
    free_[std::countr_zero(Capacity(count))].push_back(block);
  }

  Slot* data(std::uint32_t block) {
    if ((block & kBig) != 0) return big_[block & ~kBig].get();
    return pages_[block >> kLog2Page].get() + (block & (kPage - 1));
  }

 private:
  static constexpr std::uint32_t kBig = 1u << 31;  // marks a block of its own, above a page

  // Starts a page; the rest of the current one goes to the free lists in power-of-two pieces
  // (every block is an even size, so the rest is even too).
  void NewPage() {
    std::uint32_t at = used_;
    for (std::uint32_t piece = kPage / 2; piece >= 2; piece /= 2) {
      if (((kPage - used_) & piece) == 0) continue;
      free_[std::countr_zero(piece)].push_back(
          static_cast<std::uint32_t>((pages_.size() - 1) << kLog2Page) | at);
      at += piece;
    }
    assert(pages_.size() < (kBig >> kLog2Page) && "posting pool below 2^31 slots");
    pages_.push_back(AllocatePage<Slot>());
    used_ = 0;
  }
  std::uint32_t AllocateBig(std::uint32_t cap) {
    std::uint32_t i;
    if (big_free_.empty()) {
      i = static_cast<std::uint32_t>(big_.size());
      big_.emplace_back();
    } else {
      i = big_free_.back();
      big_free_.pop_back();
    }
    big_[i] = std::make_unique_for_overwrite<Slot[]>(cap);
    return kBig | i;
  }

  std::vector<Page<Slot>> pages_;
  std::uint32_t used_ = kPage;                       // slots taken in the last page
  std::array<std::vector<std::uint32_t>, 32> free_;  // by log2(capacity)
  std::vector<std::unique_ptr<Slot[]>> big_;
  std::vector<std::uint32_t> big_free_;
};

}  // namespace weft::internal
