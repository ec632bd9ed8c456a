// The codec's byte primitives (persistence/internal/codec_writer.h, codec_reader.h) and the exact
// bytes of the current record layouts.

#include "persistence/internal/codec_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/internal/codec.h"
#include "persistence/internal/codec_reader.h"
#include "tests/persistence/store_test_util.h"

namespace weft::codec {
namespace {

using internal::Reader;
using internal::Writer;

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<std::uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<std::uint8_t>(c) & 15]);
  }
  return out;
}

// Every string length the writer copies differently (short, 4-7, 8-16, long) and varints of
// every length, appended after bytes the buffer already held, read back exactly.
TEST(CodecWriterTest, StringsOfEveryLengthAndVarintsOfEveryWidthReadBack) {
  std::vector<std::string> strings;
  for (std::size_t n = 0; n <= 300; ++n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + (n + i) % 26));
    strings.push_back(s);
  }
  std::vector<std::uint64_t> varints;
  for (int bits = 0; bits < 64; ++bits) varints.push_back((std::uint64_t{1} << bits) - 1);
  varints.push_back(UINT64_MAX);

  std::string buffer = "held";
  {
    Writer w(buffer);
    for (const std::string& s : strings) w.Str(s);
    for (std::uint64_t v : varints) w.Varint(v);
    w.Part("tail", "key/tail");
    w.Part("key", "key/tail");
    w.Part("other", "key/tail");
  }
  ASSERT_EQ(buffer.substr(0, 4), "held");
  Reader r(std::string_view(buffer).substr(4), "test");
  for (const std::string& s : strings) {
    std::string back;
    ASSERT_TRUE(r.Str("s", back)) << s.size();
    EXPECT_EQ(back, s);
  }
  for (std::uint64_t v : varints) {
    std::uint64_t back = 0;
    ASSERT_TRUE(r.Varint("v", back));
    EXPECT_EQ(back, v);
  }
  for (const char* want : {"tail", "key", "other"}) {
    std::string back;
    ASSERT_TRUE(r.Part("p", "key/tail", back));
    EXPECT_EQ(back, want);
  }
  EXPECT_TRUE(r.Finish().ok());
}

TEST(CodecWriterTest, AppendingKeepsWhatTheBufferHeld) {
  const Alert a = testing::FullAlert(3);
  std::string buffer(1000, 'x');
  AppendAlert(a, buffer);
  EXPECT_EQ(buffer.substr(0, 1000), std::string(1000, 'x'));
  EXPECT_EQ(buffer.substr(1000), EncodeAlert(a));
}

// The bytes of the current layouts (alert and entity version 2, incident version 3) of
// FullAlert(1), FullEntityRecord(1) and FullIncident(1), as the writer before round 21
// (std::string appends) wrote them: a change of writer must not change a byte.
constexpr std::string_view kAlertHex =
    "021e011f4d6963726f736f667420446566656e64657220666f7220456e64706f696e74191357696e646f77734465"
    "66656e64657241765f3125537573706963696f757320506f7765725368656c6c20636f6d6d616e64206c696e6520"
    "233142412070726f636573732072616e20616e20656e636f64656420636f6d6d616e642e0a5365636f6e64206c69"
    "6e652c2074616209686572652c207574662d383a20c3a9030448696768010a496e50726f677265737301a397e2e9"
    "fd63c3b3e3e9fd63e1cfe4e9fd630affffffffffffffffff01080209457865637574696f6e0b5065727369737465"
    "6e6365020954313035392e3030310554313534370200106465766963653a6d64653a3466316331187765622d3031"
    "0102036d6465150115446566656e64657220666f7220456e64706f696e7404686f7374187765622d303100000202"
    "6f730957696e646f7773313106726567696f6e0a776573746575726f7065020b63726f776e2d6a6577656c10696e"
    "7465726e65742d6578706f73656400020b69703a31302e312e322e310000010269702101000000010107636f6e74"
    "6f736f0b69703a31302e312e322e31106465766963653a6d64653a34663163310b61737369676e65645f746fa197"
    "e2e9fd63020009656d707479206b6579036e696304657468300215646566656e6465722d656e64706f696e742d61"
    "70690d616c657274732e6e646a736f6e066c696e652031074d4445204150490873656e74696e656c00035b325d00"
    "0205696e632d6105696e632d6205696e632d31";
constexpr std::string_view kEntityHex =
    "0200187765622d30310102036d6465150115446566656e64657220666f7220456e64706f696e7404686f73741877"
    "65622d3031000002026f730957696e646f7773313106726567696f6e0a776573746575726f7065020b63726f776e"
    "2d6a6577656c10696e7465726e65742d6578706f73656401286d64653a6f7468657220636f6e666c696374732077"
    "697468206465766963653a6d64653a3939393902276465766963653a617a7572653a2f737562736372697074696f"
    "6e732f782f766d2f7765622d30310f6465766963653a6d64653a35353535";
constexpr std::string_view kIncidentHex =
    "0307636f6e746f736f0214696e632d30303030303030303030303030306666030c74727565506f73697469766507"
    "6d616c77617265a197e2e9fd63e3a3c6eafd6301020b6d3336352f6461363337310b6d3336352f64613633373202"
    "106465766963653a6d64653a34663163310b69703a31302e312e322e31174d756c74692d737461676520696e6369"
    "64656e74202331020108020102";

TEST(CodecWriterTest, CurrentLayoutsKeepTheirBytes) {
  EXPECT_EQ(ToHex(EncodeAlert(testing::FullAlert(1))), kAlertHex);
  EXPECT_EQ(ToHex(EncodeEntityRecord(testing::FullEntityRecord(1))), kEntityHex);
  EXPECT_EQ(ToHex(EncodeIncident(testing::FullIncident(1))), kIncidentHex);
}

}  // namespace
}  // namespace weft::codec
