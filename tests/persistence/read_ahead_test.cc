// ReadAhead: records are visited in order on the caller's thread, kept bytes stay valid until
// visited, a caller that stops the scan stops the producer, and a producer's failure arrives after
// every record committed before it.

#include "persistence/internal/read_ahead.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace weft::rocks {
namespace {

struct Record {
  int number = 0;
  std::string_view text;  // points into kept bytes
};

// A producer of `n` records, the i-th pointing at kept text "record <i>" padded to `pad` bytes.
auto Numbers(int n, std::size_t pad = 0, int* produced = nullptr) {
  return [n, pad, produced](ReadAheadSink<Record>& sink) {
    for (int i = 0; i < n; ++i) {
      Record& r = sink.Slot();
      std::string text = "record " + std::to_string(i);
      text.resize(std::max(text.size(), pad), '.');
      r.number = i;
      r.text = sink.Keep(text);
      if (produced != nullptr) *produced = i + 1;
      if (!sink.Commit()) return Status::Ok();
    }
    return Status::Ok();
  };
}

TEST(ReadAheadTest, VisitsEveryRecordInOrderOnTheCallersThreadWithItsKeptBytes) {
  const std::thread::id caller = std::this_thread::get_id();
  for (std::size_t pad : {std::size_t{0}, std::size_t{5000}, std::size_t{3 << 20}}) {
    const int n = pad > (1 << 20) ? 5 : 10'000;
    int next = 0;
    bool on_caller = true;
    Status s = ReadAhead<Record>(Numbers(n, pad), [&](const Record& r) {
      on_caller = on_caller && std::this_thread::get_id() == caller;
      EXPECT_EQ(r.number, next);
      std::string expected = "record " + std::to_string(next);
      EXPECT_EQ(r.text.substr(0, expected.size()), expected) << "pad " << pad;
      EXPECT_EQ(r.text.size(), std::max(expected.size(), pad));
      ++next;
      return true;
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(next, n) << "pad " << pad;
    EXPECT_TRUE(on_caller);
  }
}

TEST(ReadAheadTest, ACallerThatStopsStopsTheProducerWithinAFewChunks) {
  int produced = 0;
  int visited = 0;
  Status s = ReadAhead<Record>(Numbers(1'000'000, 0, &produced),
                               [&](const Record&) { return ++visited < 10; });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(visited, 10);
  // Three chunks of 512 records circulate and the caller keeps the one it stopped in: the
  // producer fills the other two and decodes one more record into its scratch slot.
  EXPECT_LE(produced, 3 * 512 + 1);
}

TEST(ReadAheadTest, AVisitorThatThrowsLeavesNoProducerBehind) {
  // The producer fills every chunk and waits for a free one; the throw must release it.
  EXPECT_THROW(ReadAhead<Record>(Numbers(100'000),
                                 [](const Record& r) -> bool {
                                   if (r.number == 3) throw std::runtime_error("visitor failed");
                                   return true;
                                 }),
               std::runtime_error);
}

TEST(ReadAheadTest, AFailureArrivesAfterTheRecordsCommittedBeforeIt) {
  auto failing = [](ReadAheadSink<Record>& sink) {
    for (int i = 0; i < 2000; ++i) {
      Record& r = sink.Slot();
      r.number = i;
      if (i == 1500) return Status::Corruption("record 1500 is bad");
      if (!sink.Commit()) return Status::Ok();
    }
    return Status::Ok();
  };
  int visited = 0;
  Status s = ReadAhead<Record>(failing, [&](const Record& r) {
    EXPECT_EQ(r.number, visited);
    ++visited;
    return true;
  });
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.ToString().find("record 1500 is bad"), std::string::npos);
  EXPECT_EQ(visited, 1500);
}

TEST(ReadAheadTest, AnUncommittedSlotIsReusedForTheNextRecord) {
  // A filtered record is decoded into its slot and not committed: the next one overwrites it.
  auto odd_only = [](ReadAheadSink<Record>& sink) {
    for (int i = 0; i < 100; ++i) {
      Record& r = sink.Slot();
      r.number = i;
      if (i % 2 == 0) continue;
      if (!sink.Commit()) break;
    }
    return Status::Ok();
  };
  std::vector<int> seen;
  ASSERT_TRUE(ReadAhead<Record>(odd_only, [&](const Record& r) {
                seen.push_back(r.number);
                return true;
              }).ok());
  ASSERT_EQ(seen.size(), 50u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int>(2 * i + 1));
}

TEST(ReadAheadTest, AnEmptyScanVisitsNothing) {
  int visited = 0;
  Status s = ReadAhead<Record>([](ReadAheadSink<Record>&) { return Status::Ok(); },
                               [&](const Record&) { return ++visited > 0; });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(visited, 0);
}

}  // namespace
}  // namespace weft::rocks
