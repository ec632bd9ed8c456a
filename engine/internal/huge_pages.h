#pragma once
// Transparent huge pages for the engine's large random-access tables. At a million alerts the
// resolver's alias index, the alert index and the per-entity and per-alert arrays are hundreds
// of megabytes probed at random; with 4 KiB pages nearly every probe also misses the TLB. A
// 2 MiB-aligned block advised MADV_HUGEPAGE is backed by huge pages where the kernel allows it
// (the "madvise" setting, Debian's default), which took a 1M-alert replay from 5.9 s to 4.6 s
// (docs/benchmarks.md). The advice is a hint: where it is refused, the memory works as usual.
//
// HugePageAllocator<T> gives such blocks to allocations of at least kHugePage bytes and leaves
// smaller ones to the default allocator, so small containers pay nothing. Stateless; the
// allocation functions are thread-safe.

#include <cstddef>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace weft::internal {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

// `bytes` rounded up to whole huge pages, 2 MiB-aligned and advised as huge pages;
// std::bad_alloc when out of memory. Release with FreeHuge. Inside a PageWarmer::Scope the block
// comes faulted in, or is faulted in by the warmer while the caller starts on it (page_warmer.h).
void* AllocateHuge(std::size_t bytes);
// Releases what AllocateHuge returned (or malloc: it is std::free, after telling this thread's
// warmer, if any, that the block is gone).
void FreeHuge(void* p);

// AllocateHuge without any warmer: the block is faulted in on first touch.
inline void* AllocateHugeBlock(std::size_t bytes) {
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  (void)madvise(p, rounded, MADV_HUGEPAGE);  // a hint: ignoring a refusal is fine
#endif
  return p;
}

// Releases huge blocks, for std::unique_ptr.
struct FreeDeleter {
  void operator()(void* p) const { FreeHuge(p); }
};

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT(google-explicit-constructor)

  T* allocate(std::size_t n) {
    if (n * sizeof(T) < kHugePage) return std::allocator<T>().allocate(n);
    return static_cast<T*>(AllocateHuge(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < kHugePage) return std::allocator<T>().deallocate(p, n);
    FreeHuge(p);
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

// The engine's large tables.
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;
template <typename K, typename V>
using HugeHashMap = absl::flat_hash_map<K, V, absl::Hash<K>, std::equal_to<K>,
                                        HugePageAllocator<std::pair<const K, V>>>;

}  // namespace weft::internal
