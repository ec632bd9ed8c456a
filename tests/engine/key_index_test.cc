// KeyIndex: finds ids by the keys their owner stores, refuses a second id under one key, keeps
// working as the owner's table and the index grow (a rehash moves the stored hashes), and tells
// apart keys whose hashes are equal.

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

// A key whose hash is the same for every value: every slot's stored hash matches every probe's,
// so only the keys themselves tell the ids apart.
struct CollidingKey {
  std::string_view text;
  friend bool operator==(const CollidingKey&, const CollidingKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const CollidingKey&) {
    return H::combine(std::move(h), 0);
  }
};

struct CollidingKeys {
  const std::deque<std::string>* keys;
  CollidingKey operator()(std::uint32_t id) const { return {(*keys)[id]}; }
};

TEST(KeyIndexTest, KeysWithEqualHashesAreToldApartByTheirKeys) {
  std::deque<std::string> keys;
  KeyIndex<CollidingKeys> index{CollidingKeys{&keys}};
  constexpr std::uint32_t kN = 200;  // probes run through every slot: keep it small
  for (std::uint32_t i = 0; i < kN; ++i) {
    keys.push_back("key-" + std::to_string(i));
    ASSERT_TRUE(index.Insert(i));
  }
  keys.push_back("key-7");
  EXPECT_FALSE(index.Insert(kN)) << "same key as id 7, same hash";
  for (std::uint32_t i = 0; i < kN; ++i) {
    const std::string key = "key-" + std::to_string(i);
    ASSERT_EQ(index.Find(CollidingKey{key}), i);
  }
  EXPECT_EQ(index.Find(CollidingKey{"key-200"}), index.kNotFound);
  EXPECT_EQ(index.size(), kN);
}

}  // namespace
}  // namespace weft::internal
