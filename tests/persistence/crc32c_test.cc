// weft's CRC-32C for RocksDB's WAL (persistence/interpose/crc32c.h): the published check
// values, the library's own results at every length and alignment, and that a store's writes
// and reopening really go through it.

#include "persistence/interpose/crc32c.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <string>

#include "persistence/rocks_store.h"
#include "tests/persistence/store_test_util.h"

namespace weft::rocks {
namespace {

std::uint32_t Crc(const std::string& bytes) { return Crc32cExtend(0, bytes.data(), bytes.size()); }

TEST(Crc32cTest, GivesThePublishedCheckValues) {
  // RFC 3720, appendix B.4, and the usual check value of "123456789".
  EXPECT_EQ(Crc(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending(32, '\0');
  std::iota(ascending.begin(), ascending.end(), '\0');
  EXPECT_EQ(Crc(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc(std::string(ascending.rbegin(), ascending.rend())), 0x113FDB5Cu);
  EXPECT_EQ(Crc("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc(""), 0u);
}

TEST(Crc32cTest, EqualsRocksDbsOwnAtEveryLengthAndAlignment) {
  std::mt19937_64 rng(7);
  std::string buffer(70000, '\0');
  for (char& c : buffer) c = static_cast<char>(rng());
  std::vector<std::size_t> lengths(300);
  std::iota(lengths.begin(), lengths.end(), 0);
  lengths.insert(lengths.end(), {4095, 4096, 32768, 65536});
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t n : lengths) {
      const auto seed = static_cast<std::uint32_t>(rng());
      const char* data = buffer.data() + offset;
      ASSERT_EQ(Crc32cExtend(seed, data, n), RocksDbOwnCrc32cExtend(seed, data, n))
          << "offset " << offset << ", length " << n;
    }
  }
}

TEST(Crc32cTest, ExtendingInPiecesEqualsOnePass) {
  const std::string text = "an alert, its entities and its incident, in one WAL record";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const std::uint32_t head = Crc32cExtend(0, text.data(), cut);
    EXPECT_EQ(Crc32cExtend(head, text.data() + cut, text.size() - cut), Crc(text)) << cut;
  }
}

TEST(Crc32cTest, UsesTheCrc32InstructionWhereTheCpuHasIt) {
#if defined(__x86_64__)
  if (!__builtin_cpu_supports("sse4.2")) GTEST_SKIP() << "this CPU has no SSE 4.2";
  EXPECT_TRUE(Crc32cUsesHardware());
#else
  GTEST_SKIP() << "the crc32 instruction is x86-64's";
#endif
}

TEST(Crc32cTest, AStoresWalIsChecksummedAndReadBackThroughIt) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("store");
  const std::uint64_t before = RocksDbCrc32cCalls();
  {
    Result<std::unique_ptr<GraphStore>> store = OpenRocksStore(dir);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    WriteBatch batch;
    batch.alerts = {testing::FullAlert(1), testing::FullAlert(2)};
    WEFT_ASSERT_OK((*store)->Apply(batch));
  }
  const std::uint64_t written = RocksDbCrc32cCalls();
  EXPECT_GT(written, before) << "RocksDB's WAL checksums did not reach weft's function";
  // Reopening replays the WAL, verifying each record's checksum.
  Result<std::unique_ptr<GraphStore>> reopened = OpenRocksStore(dir);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_GT(RocksDbCrc32cCalls(), written);
  Result<std::optional<Alert>> alert = (*reopened)->GetAlert(testing::FullAlert(2).key);
  ASSERT_TRUE(alert.ok()) << alert.status().ToString();
  ASSERT_TRUE(alert->has_value());
  EXPECT_EQ((*alert)->title, testing::FullAlert(2).title);
}

}  // namespace
}  // namespace weft::rocks
