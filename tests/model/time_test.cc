#include "model/time.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace weft {
namespace {

// 2026-01-01T00:00:00Z, from `date -u -d 2026-01-01T00:00:00Z +%s`.
constexpr Timestamp kNewYear2026 = 1767225600LL * 1000;

TEST(TimeTest, ParsesUtcWithTOrSpace) {
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00Z"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2026-01-01t00:00:00z"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2026-01-01 00:00:00"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2026-01-01 00:00:00 UTC"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00Z"), kNewYear2026);  // seconds are optional
  // Real value from the Defender for Cloud sample (7-digit fraction).
  EXPECT_EQ(ParseTimestamp("2019-05-07T13:51:45.0045913Z"), 1557237105LL * 1000 + 4);
}

TEST(TimeTest, NoZoneMeansUtc) { EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00"), kNewYear2026); }

TEST(TimeTest, AppliesOffsets) {
  // Real value from the GuardDuty sample: 10:20:27.204 at -07:00 is 17:20:27.204Z.
  EXPECT_EQ(ParseTimestamp("2019-09-23T10:20:27.204-07:00"), 1569259227LL * 1000 + 204);
  EXPECT_EQ(ParseTimestamp("2026-01-01T02:00:00+02:00"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2026-01-01T02:00:00+0200"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2026-01-01T02:00:00+02"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2025-12-31T18:30:00-0530"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2025-12-31T18:30:00-05:30"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("2026-01-01T05:30:00+05:30"), kNewYear2026);
}

TEST(TimeTest, FractionsOfOneToSevenDigitsKeepMilliseconds) {
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.1Z"), kNewYear2026 + 100);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.12Z"), kNewYear2026 + 120);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.123Z"), kNewYear2026 + 123);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.1234Z"), kNewYear2026 + 123);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.12345Z"), kNewYear2026 + 123);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.123456Z"), kNewYear2026 + 123);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.1239999Z"), kNewYear2026 + 123);  // truncated
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00,5Z"), kNewYear2026 + 500);
  EXPECT_EQ(ParseTimestamp("2026-01-01T00:00:00.0045913"), kNewYear2026 + 4);
}

TEST(TimeTest, BareDateIsMidnightUtc) {
  EXPECT_EQ(ParseTimestamp("2026-01-01"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("1970-01-01"), 0);
}

TEST(TimeTest, EpochSecondsAndMillis) {
  EXPECT_EQ(ParseTimestamp("1767225600"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("1767225600000"), kNewYear2026);
  EXPECT_EQ(ParseTimestamp("1767225600123"), kNewYear2026 + 123);
  EXPECT_EQ(ParseTimestamp("1767225600.5"), kNewYear2026 + 500);
  EXPECT_EQ(ParseTimestamp("1767225600.123"), kNewYear2026 + 123);
  EXPECT_EQ(ParseTimestamp("0"), 0);
  EXPECT_EQ(ParseTimestamp("-1"), -1000);
  // 1e11 is still seconds; anything above is milliseconds.
  EXPECT_EQ(ParseTimestamp("100000000000"), 100000000000LL * 1000);
  EXPECT_EQ(ParseTimestamp("100000000001"), 100000000001LL);
}

TEST(TimeTest, TrimsSpacesAndQuotes) {
  EXPECT_EQ(ParseTimestamp("  \"2026-01-01T00:00:00Z\" "), kNewYear2026);
  EXPECT_EQ(ParseTimestamp(" 1767225600 "), kNewYear2026);
}

TEST(TimeTest, LeapYears) {
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00Z"), 1709164800LL * 1000);
  EXPECT_EQ(ParseTimestamp("2024-03-01"), 1709251200LL * 1000);
  EXPECT_EQ(ParseTimestamp("2000-02-29"), 951782400LL * 1000);  // divisible by 400: leap
  EXPECT_EQ(ParseTimestamp("2023-02-29"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2100-02-29"), std::nullopt);  // divisible by 100 only: not leap
  EXPECT_EQ(ParseTimestamp("1900-02-29"), std::nullopt);
  EXPECT_EQ(FormatTimestamp(1709164800LL * 1000), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(951782400LL * 1000 + kMillisPerDay), "2000-03-01T00:00:00.000Z");
}

TEST(TimeTest, LeapSecondRollsOver) {
  EXPECT_EQ(ParseTimestamp("2016-12-31T23:59:60Z"), ParseTimestamp("2017-01-01T00:00:00Z"));
}

TEST(TimeTest, RejectsInvalidInput) {
  const char* const bad_inputs[] = {"",
                                    "   ",
                                    "not a time",
                                    "2026-13-01",
                                    "2026-00-10",
                                    "2026-01-00",
                                    "2026-01-32",
                                    "2026-04-31",
                                    "2026-06-31",
                                    "2026/01/01",
                                    "2026-1-01",
                                    "2026-01-01T",
                                    "2026-01-01T24:00:00Z",
                                    "2026-01-01T10:60:00Z",
                                    "2026-01-01T10:00:61Z",
                                    "2026-01-01T10:00:00.Z",
                                    "2026-01-01T10:00:00+2",
                                    "2026-01-01T10:00:00+02:0",
                                    "2026-01-01T10:00:00Q",
                                    "2026-01-01Z",
                                    "2026-01-01T10:00:00Z extra",
                                    "1767225600abc",
                                    "12:00:00",
                                    "inf",
                                    "nan",
                                    "-inf",
                                    "1e300",
                                    "-1e300"};
  for (const char* bad : bad_inputs) {
    EXPECT_EQ(ParseTimestamp(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(TimeTest, FormatsMillisecondsAlways) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(kNewYear2026 + 7), "2026-01-01T00:00:00.007Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(-2203891200LL * 1000), "1900-03-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(253402300799LL * 1000 + 999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(kNoTime), "");
}

TEST(TimeTest, FormatParseRoundTrip) {
  const Timestamp times[] = {0,
                             kNewYear2026,
                             kNewYear2026 + 999,
                             -1,
                             -86400001,
                             1709164800LL * 1000 + 12345678,
                             253402300799LL * 1000 + 999,
                             -2203891200LL * 1000 + 1};
  for (Timestamp t : times) {
    const std::string text = FormatTimestamp(t);
    EXPECT_EQ(ParseTimestamp(text), t) << text;
  }
  for (const char* text :
       {"2019-05-07T13:51:48.381Z", "2020-06-30T11:13:12.900Z", "2024-02-29T23:59:59.999Z"}) {
    std::optional<Timestamp> t = ParseTimestamp(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(FormatTimestamp(*t), text);
  }
}

TEST(TimeTest, ParsesDurations) {
  EXPECT_EQ(ParseDuration("250ms"), 250);
  EXPECT_EQ(ParseDuration("90s"), 90 * kMillisPerSecond);
  EXPECT_EQ(ParseDuration("15m"), kMillisPerSecond * 60 * 15);
  EXPECT_EQ(ParseDuration("15min"), kMillisPerSecond * 60 * 15);
  EXPECT_EQ(ParseDuration("5h"), 5 * kMillisPerHour);
  EXPECT_EQ(ParseDuration("7d"), 7 * kMillisPerDay);
  EXPECT_EQ(ParseDuration("0s"), 0);
}

TEST(TimeTest, OffDurationSetsFlag) {
  for (const char* text : {"off", "none", "infinite"}) {
    bool off = false;
    EXPECT_EQ(ParseDuration(text, &off), std::nullopt);
    EXPECT_TRUE(off) << text;
  }
  EXPECT_EQ(ParseDuration("off"), std::nullopt);  // a null flag pointer is allowed
}

TEST(TimeTest, RejectsBadDurations) {
  for (const char* text : {"", "5", "5x", "h", "-5m", "5 m", "1.5h", "5H", "OFF"}) {
    bool off = true;
    EXPECT_EQ(ParseDuration(text, &off), std::nullopt) << text;
    EXPECT_FALSE(off) << text;
  }
}

TEST(TimeTest, FormatsShortestExactDuration) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(250), "250ms");
  EXPECT_EQ(FormatDuration(1500), "1500ms");
  EXPECT_EQ(FormatDuration(90 * kMillisPerSecond), "90s");
  EXPECT_EQ(FormatDuration(kMillisPerSecond * 60 * 90), "90m");
  EXPECT_EQ(FormatDuration(kMillisPerHour), "1h");
  EXPECT_EQ(FormatDuration(36 * kMillisPerHour), "36h");
  EXPECT_EQ(FormatDuration(2 * kMillisPerDay), "2d");
  for (const char* text : {"250ms", "90s", "15m", "5h", "7d"}) {
    std::optional<Timestamp> d = ParseDuration(text);
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(FormatDuration(*d), text);
  }
}

}  // namespace
}  // namespace weft
