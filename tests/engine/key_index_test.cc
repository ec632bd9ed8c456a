// KeyIndex: finds ids by the keys their owner stores, refuses a second id under one key, and keeps
// working as the owner's table and the index grow (the keys are re-read through KeyOf on rehash).

#include "engine/internal/key_index.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace weft::internal {
namespace {

struct DequeKeys {
  const std::deque<std::string>* keys;
  std::string_view operator()(std::uint32_t id) const { return (*keys)[id]; }
};

TEST(KeyIndexTest, FindsEveryIdByItsKeyAcrossGrowth) {
  std::deque<std::string> keys;
  KeyIndex<DequeKeys> index{DequeKeys{&keys}};
  constexpr std::uint32_t kN = 100'000;
  for (std::uint32_t i = 0; i < kN; ++i) {
    keys.push_back("tenant/source/alert-" + std::to_string(i * 7919));
    ASSERT_TRUE(index.Insert(i));
  }
  EXPECT_EQ(index.size(), kN);
  for (std::uint32_t i = 0; i < kN; ++i) {
    const std::string key = "tenant/source/alert-" + std::to_string(i * 7919);
    ASSERT_EQ(index.Find(key), i);
  }
  EXPECT_EQ(index.Find("tenant/source/alert-1"), index.kNotFound);
  EXPECT_EQ(index.Find(""), index.kNotFound);
}

TEST(KeyIndexTest, ASecondIdUnderAKnownKeyIsRefused) {
  std::deque<std::string> keys = {"a", "b", "a"};
  KeyIndex<DequeKeys> index{DequeKeys{&keys}};
  index.Reserve(3);
  EXPECT_TRUE(index.Insert(0));
  EXPECT_TRUE(index.Insert(1));
  EXPECT_FALSE(index.Insert(2)) << "id 2 has the key of id 0";
  EXPECT_FALSE(index.Insert(1)) << "already there";
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find("a"), 0u);
  EXPECT_EQ(index.Find("b"), 1u);
}

}  // namespace
}  // namespace weft::internal
