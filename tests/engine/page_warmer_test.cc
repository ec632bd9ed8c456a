// PageWarmer: inside a scope, huge blocks are faulted in by the warmer's thread (resident before
// their owner touches them) without their contents changing, single pages come from a stock, and
// outside any scope nothing changes.

#include "engine/internal/page_warmer.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "engine/internal/huge_pages.h"

namespace weft::internal {
namespace {

// Whether this kernel can fault memory in ahead (MADV_POPULATE_WRITE, Linux 5.14).
bool CanWarm() { return madvise(nullptr, 0, MADV_POPULATE_WRITE) == 0; }

// Waits up to ten seconds for `done`.
bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// How many of the 4 KiB pages of [p, p + bytes) are resident.
std::size_t ResidentPages(void* p, std::size_t bytes) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in_core((bytes + page - 1) / page);
  if (mincore(p, bytes, in_core.data()) != 0) return 0;
  std::size_t resident = 0;
  for (unsigned char c : in_core) resident += c & 1;
  return resident;
}

TEST(PageWarmerTest, ScopesNestAndRestoreTheOuterWarmer) {
  EXPECT_EQ(PageWarmer::Current(), nullptr);
  PageWarmer outer, inner;
  {
    PageWarmer::Scope a(outer);
    EXPECT_EQ(PageWarmer::Current(), &outer);
    {
      PageWarmer::Scope b(inner);
      EXPECT_EQ(PageWarmer::Current(), &inner);
    }
    EXPECT_EQ(PageWarmer::Current(), &outer);
    // A scope is the opening thread's own.
    PageWarmer* seen = &outer;
    std::thread([&] { seen = PageWarmer::Current(); }).join();
    EXPECT_EQ(seen, nullptr);
  }
  EXPECT_EQ(PageWarmer::Current(), nullptr);
}

TEST(PageWarmerTest, ALargeBlockIsFaultedInWithoutItsContentsChanging) {
  if (!CanWarm()) GTEST_SKIP() << "the kernel cannot fault memory in ahead";
  constexpr std::size_t kBytes = 6 * kHugePage;
  PageWarmer warmer;
  void* block = nullptr;
  {
    PageWarmer::Scope scope(warmer);
    block = AllocateHuge(kBytes);
  }
  // The owner writes its first page while the warmer may be faulting in the same memory.
  auto* words = static_cast<std::uint64_t*>(block);
  const std::size_t first_page_words = kHugePage / sizeof(std::uint64_t);
  for (std::size_t i = 0; i < first_page_words; ++i) words[i] = i * 0x9E3779B97F4A7C15u;
  ASSERT_TRUE(Eventually([&] { return warmer.counters().pages_warmed >= kBytes / kHugePage; }));
  // Every page is resident though only the first was ever touched here, and the written words
  // are still there.
  EXPECT_EQ(ResidentPages(block, kBytes), kBytes / static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
  for (std::size_t i = 0; i < first_page_words; ++i) {
    ASSERT_EQ(words[i], i * 0x9E3779B97F4A7C15u) << i;
  }
  EXPECT_EQ(warmer.counters().pages_taken, 0u);
  FreeHuge(block);
}

TEST(PageWarmerTest, SinglePagesComeFromAStockFilledAfterTheFirstRequest) {
  if (!CanWarm()) GTEST_SKIP() << "the kernel cannot fault memory in ahead";
  PageWarmer warmer(PageWarmer::Options{.stock_pages = 3});
  PageWarmer::Scope scope(warmer);
  // Nothing is stocked before anyone asks: an engine that never grows a page costs nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(warmer.counters().pages_warmed, 0u);
  std::vector<void*> pages{AllocateHuge(kHugePage)};  // the stock starts empty: a fresh page
  ASSERT_TRUE(Eventually([&] { return warmer.counters().pages_warmed >= 3; }));
  for (int i = 0; i < 3; ++i) pages.push_back(AllocateHuge(kHugePage / 2));
  EXPECT_EQ(warmer.counters().pages_taken, 3u);
  for (std::size_t i = 1; i < pages.size(); ++i) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(pages[i]) % kHugePage, 0u);
    EXPECT_EQ(ResidentPages(pages[i], kHugePage),
              kHugePage / static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
    std::memset(pages[i], 0xab, kHugePage);  // usable memory of the full size
  }
  // Taking pages refills the stock.
  EXPECT_TRUE(Eventually([&] { return warmer.counters().pages_warmed >= 6; }));
  for (void* p : pages) FreeHuge(p);
}

TEST(PageWarmerTest, OutsideAScopeAllocationsAreLeftAlone) {
  PageWarmer warmer;
  void* block = AllocateHuge(4 * kHugePage);
  void* page = AllocateHuge(kHugePage);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(warmer.counters().pages_warmed, 0u);
  EXPECT_EQ(warmer.counters().pages_taken, 0u);
  FreeHuge(block);
  FreeHuge(page);
}

TEST(PageWarmerTest, BlocksFreedWhileQueuedOrBeingFaultedInAreSafe) {
  // Blocks queued and freed at once, the next often at the same address (under the sanitizers
  // this checks the queue's locking and that faulting in freed memory goes unnoticed).
  PageWarmer warmer;
  PageWarmer::Scope scope(warmer);
  for (int i = 0; i < 50; ++i) {
    void* block = AllocateHuge(8 * kHugePage);
    std::memset(block, i, 8 * kHugePage / 2);
    EXPECT_EQ(static_cast<unsigned char*>(block)[8 * kHugePage / 2 - 1], i);
    FreeHuge(block);
  }
  // A table growing by doubling inside the scope: every old block is freed as the next is made.
  HugeVector<std::uint64_t> v;
  for (std::uint64_t i = 0; i < 4 * kHugePage / sizeof(std::uint64_t); ++i) v.push_back(i);
  for (std::uint64_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], i);
}

}  // namespace
}  // namespace weft::internal
