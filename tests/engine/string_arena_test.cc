// StringArena: every stored string reads back unchanged and never moves, across block ends,
// for empty strings and for strings long enough to get a block of their own.

#include "engine/internal/string_arena.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace weft::internal {
namespace {

TEST(StringArenaTest, StoredStringsReadBackUnchangedAndStayPutAcrossBlocks) {
  StringArena arena;
  std::vector<std::string> originals;
  std::vector<StringArena::Ref> refs;
  std::size_t bytes = 0;
  // About 6 MiB of keys of 1 to 200 bytes: several blocks, and strings that do not fit the
  // rest of a block. Every 5,000th is longer than a quarter block (a block of its own) or empty.
  for (int i = 0; bytes < (6u << 20); ++i) {
    std::string s;
    if (i % 5000 == 1) {
      s = std::string(kHugePage / 4 + 1 + i % 7, static_cast<char>('a' + i % 26));
    } else if (i % 5000 != 2) {
      s = "tenant-" + std::to_string(i % 4) + "/mdc/" + std::string(1 + i % 193, 'x') +
          std::to_string(i);
    }
    refs.push_back(arena.Store(s));
    bytes += s.size();
    originals.push_back(std::move(s));
  }
  EXPECT_EQ(arena.bytes(), bytes);
  // Read back only after every store: a later string never overwrote or moved an earlier one.
  for (std::size_t i = 0; i < originals.size(); ++i) ASSERT_EQ(refs[i].view(), originals[i]) << i;
}

}  // namespace
}  // namespace weft::internal
