// WeakIndex: one entity inline, more spill to a list; each entity once; the others reported.

#include "engine/internal/weak_index.h"

#include <gtest/gtest.h>

#include <vector>

namespace weft::internal {
namespace {

std::vector<std::uint32_t> All(const WeakIndex& index, std::uint64_t hash) {
  std::vector<std::uint32_t> out;
  index.ForEach(hash, [&](std::uint32_t id) { out.push_back(id); });
  return out;
}

TEST(WeakIndexTest, KeepsEveryEntityOnceAndReportsTheOthersBeforeAdding) {
  WeakIndex index;
  std::vector<std::uint32_t> others;
  auto note = [&](std::uint32_t id) { others.push_back(id); };
  EXPECT_TRUE(index.Add(42, 7, note));
  EXPECT_TRUE(others.empty());
  EXPECT_FALSE(index.Add(42, 7, note));  // already there: nothing reported
  EXPECT_TRUE(others.empty());
  EXPECT_EQ(All(index, 42), (std::vector<std::uint32_t>{7}));

  EXPECT_TRUE(index.Add(42, 9, note));  // spills
  EXPECT_EQ(others, (std::vector<std::uint32_t>{7}));
  EXPECT_FALSE(index.Add(42, 9, note));
  EXPECT_FALSE(index.Add(42, 7, note));
  others.clear();
  EXPECT_TRUE(index.Add(42, 3, note));
  EXPECT_EQ(others, (std::vector<std::uint32_t>{7, 9}));
  EXPECT_EQ(All(index, 42), (std::vector<std::uint32_t>{7, 9, 3}));

  EXPECT_TRUE(index.Add(43, 0, note));  // entity 0 is an id like any other
  EXPECT_EQ(All(index, 43), (std::vector<std::uint32_t>{0}));
  EXPECT_TRUE(All(index, 44).empty());
}

}  // namespace
}  // namespace weft::internal
