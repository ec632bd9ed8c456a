#pragma once
// PagedArray<T>: an append-only array of trivially copyable T in fixed 2 MiB pages. Growing never
// copies or zero-fills what is already stored (a std::vector doubling copies everything and
// touches twice the memory), and an element's address is stable. Index cost: one shift, one
// mask and a load from the small page table. Every page is 2 MiB-aligned and, on Linux, advised
// as a transparent huge page: random access over a large array then costs far fewer TLB misses
// and page faults. The first page was 4 KiB-paged until round 13, to keep a small array's
// resident memory small; but faulting it in 4 KiB at a time made half the time of a 100k-alert
// correlation on a VM whose page faults cost ~12 us (docs/benchmarks.md). Not thread-safe.

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "engine/internal/huge_pages.h"

namespace weft::internal {

template <typename T>
using Page = std::unique_ptr<T[], FreeDeleter>;

// An uninitialised page of kHugePage bytes, advised as one huge page. Throws std::bad_alloc like
// the standard containers.
template <typename T>
Page<T> AllocatePage() {
  static_assert(std::is_trivially_copyable_v<T> && kHugePage % sizeof(T) == 0);
  return Page<T>(static_cast<T*>(AllocateHuge(kHugePage)));
}

template <typename T>
class PagedArray {
  static_assert(std::is_trivially_copyable_v<T>);
  static_assert(std::has_single_bit(sizeof(T)), "a page holds a whole number of elements");
  static constexpr unsigned kLog2Page =
      static_cast<unsigned>(std::countr_zero(kHugePage / sizeof(T)));

 public:
  static constexpr std::size_t kPage = std::size_t{1} << kLog2Page;

  PagedArray() = default;
  PagedArray(const PagedArray&) = delete;
  PagedArray& operator=(const PagedArray&) = delete;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](std::size_t i) {
    assert(i < size_);
    return pages_[i >> kLog2Page][i & (kPage - 1)];
  }
  const T& operator[](std::size_t i) const {
    assert(i < size_);
    return pages_[i >> kLog2Page][i & (kPage - 1)];
  }

  void push_back(const T& value) {
    if ((size_ & (kPage - 1)) == 0 && (size_ >> kLog2Page) == pages_.size()) {
      pages_.push_back(AllocatePage<T>());
    }
    pages_[size_ >> kLog2Page][size_ & (kPage - 1)] = value;
    ++size_;
  }

  // Appends `n` uninitialised elements; the index of the first. The caller writes them.
  std::size_t Grow(std::size_t n) {
    const std::size_t first = size_;
    size_ += n;
    while (pages_.size() * kPage < size_) pages_.push_back(AllocatePage<T>());
    return first;
  }

 private:
  std::vector<Page<T>> pages_;
  std::size_t size_ = 0;
};

}  // namespace weft::internal
