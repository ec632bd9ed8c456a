// HugePageAllocator: large blocks are 2 MiB-aligned (so the kernel can back them by huge pages)
// and behave as ordinary memory; small ones come from the default allocator.

#include "engine/internal/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace weft::internal {
namespace {

TEST(HugePagesTest, LargeVectorsAreHugePageAlignedAndKeepTheirValuesAcrossGrowth) {
  HugeVector<std::uint64_t> v;
  for (std::uint64_t i = 0; i < (kHugePage / sizeof(std::uint64_t)) * 3; ++i) v.push_back(i * 7);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % kHugePage, 0u);
  for (std::uint64_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], i * 7) << i;
  v.shrink_to_fit();
  v.resize(10);
  v.shrink_to_fit();  // now a small block from the default allocator
  EXPECT_EQ(v.back(), 63u);
}

TEST(HugePagesTest, LargeHashMapsFindEveryKey) {
  HugeHashMap<std::uint64_t, std::uint32_t> m;
  for (std::uint32_t i = 0; i < 300000; ++i) m.emplace(std::uint64_t{i} * 0x9E3779B97F4A7C15u, i);
  ASSERT_EQ(m.size(), 300000u);
  for (std::uint32_t i = 0; i < 300000; ++i) {
    auto it = m.find(std::uint64_t{i} * 0x9E3779B97F4A7C15u);
    ASSERT_NE(it, m.end());
    ASSERT_EQ(it->second, i);
  }
  EXPECT_EQ(m.count(1), 0u);
}

}  // namespace
}  // namespace weft::internal
