// Input features of weft::Importer: gzip-compressed files, directories (recursive, sorted, data
// files only), "-" for stdin, a stream's alerts handed over when it pauses (plain and gzip),
// bounded memory on a big JSON-lines stream, and a line over the record limit rejected without
// buffering it.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "importers/importer.h"
#include "tests/importers/finding_test_util.h"

namespace weft {
namespace {

using finding_test::Imported;
using finding_test::ImportPath;
using finding_test::ReadFile;

const std::string kData = WEFT_TEST_DATA_DIR;

// AddressSanitizer keeps freed memory in quarantine, so peak RSS says nothing there.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kRssIsMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kRssIsMeaningful = false;
#else
constexpr bool kRssIsMeaningful = true;
#endif
#else
constexpr bool kRssIsMeaningful = true;
#endif

// One weft-format alert line with provider id `id`.
std::string WeftLine(const std::string& id) {
  return R"({"tenant":"contoso","id":")" + id +
         R"(","time":"2026-01-01T00:00:00Z","severity":"high","title":"t","entities":[{"kind":"ip","id":"203.0.113.7","role":"related"}]})";
}

std::vector<std::string> ProviderIds(const std::vector<Alert>& alerts) {
  std::vector<std::string> ids;
  for (const Alert& a : alerts) ids.push_back(a.provider_id);
  return ids;
}

// Peak resident set size of this process in KiB (VmHWM), or -1.
long PeakRssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); harmless when not permitted.
void ResetPeakRss() {
  if (FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

class CountingSink final : public ImportSink {
 public:
  Status Consume(ImportBatch batch) override {
    alerts += batch.alerts.size();
    return Status::Ok();
  }
  std::size_t alerts = 0;
};

// Runs `body` with stdin replaced by the read end of a pipe that a thread fills by calling
// `produce(write)` until it returns; stdin is restored afterwards.
void WithStdinFrom(const std::function<void(const std::function<bool(std::string_view)>&)>& produce,
                   const std::function<void()>& body) {
  ::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(fds[0]);
  std::thread writer([&produce, fd = fds[1]] {
    produce([fd](std::string_view chunk) {
      while (!chunk.empty()) {
        const ssize_t n = ::write(fd, chunk.data(), chunk.size());
        if (n <= 0) return false;
        chunk.remove_prefix(static_cast<std::size_t>(n));
      }
      return true;
    });
    ::close(fd);
  });
  body();
  // Restoring stdin closes the last read end, so a writer the body left blocked gets EPIPE.
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  writer.join();
}

// Records the size of each batch, for a writer waiting to see its alerts arrive.
class BatchLog final : public ImportSink {
 public:
  Status Consume(ImportBatch batch) override {
    std::lock_guard<std::mutex> lock(mu_);
    sizes_.push_back(batch.alerts.size());
    alerts_ += batch.alerts.size();
    arrived_.notify_all();
    return Status::Ok();
  }
  // Whether `n` alerts arrived within 10 s.
  bool WaitFor(std::size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return alerts_ >= n; });
  }
  std::vector<std::size_t> sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return sizes_;
  }

 private:
  std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<std::size_t> sizes_;
  std::size_t alerts_ = 0;
};

// gzip members of text, compressed as a streaming writer would send them.
class GzipWriter {
 public:
  GzipWriter() { deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); }
  ~GzipWriter() { deflateEnd(&z_); }
  // `text` compressed and flushed (Z_SYNC_FLUSH) or ending its member (Z_FINISH).
  std::string Compress(const std::string& text, int flush) {
    std::string out(deflateBound(&z_, text.size()) + 64, '\0');
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z_.avail_in = static_cast<uInt>(text.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    EXPECT_NE(deflate(&z_, flush), Z_STREAM_ERROR);
    out.resize(out.size() - z_.avail_out);
    if (flush == Z_FINISH) deflateReset(&z_);  // the next text begins a new member
    return out;
  }

 private:
  z_stream z_{};
};

// Imports stdin, fed by `produce` (which may wait on `sink` to see its alerts arrive), into
// `sink` with `max_delay`.
void ImportStdinInto(
    BatchLog& sink, std::chrono::milliseconds max_delay,
    const std::function<void(const std::function<bool(std::string_view)>&)>& produce) {
  ImportOptions options;
  options.max_delay = max_delay;
  auto importer = Importer::Create(options);
  ASSERT_TRUE(importer.ok());
  WithStdinFrom(produce, [&] {
    ASSERT_TRUE((*importer)->ImportPath("-", sink).ok());
    ASSERT_TRUE((*importer)->Flush(sink).ok());
  });
}

class InputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("weft_input_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::filesystem::path path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  std::string WriteGz(const std::string& name, const std::string& content) {
    const std::filesystem::path path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    gzFile f = gzopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    if (f == nullptr) return path.string();
    EXPECT_EQ(gzwrite(f, content.data(), static_cast<unsigned>(content.size())),
              static_cast<int>(content.size()));
    EXPECT_EQ(gzclose(f), Z_OK);
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(InputTest, GzipFileGivesTheSameAlertsAsPlain) {
  for (const std::string& sample :
       {std::string("/aws-guardduty/DERIVED_sekoia_input_messages.ndjson"),
        std::string(
            "/defender-for-cloud/DERIVED_azure-rest-api-specs_GetAlertsSubscription_body.json"),
        std::string("/guide/guide_test_sample_10k_yasin281.csv")}) {
    SCOPED_TRACE(sample);
    const std::string content = ReadFile(kData + sample);
    ASSERT_FALSE(content.empty());
    ImportOptions options;
    options.default_tenant = "t";
    const Imported plain = ImportPath(kData + sample, options);
    const std::string gz = WriteGz("sample.gz", content);
    ASSERT_LT(std::filesystem::file_size(gz), content.size());
    const Imported packed = ImportPath(gz, options);
    ASSERT_GT(plain.alerts.size(), 0u);
    EXPECT_EQ(packed.alerts.size(), plain.alerts.size());
    EXPECT_EQ(packed.counts.records, plain.counts.records);
    EXPECT_EQ(packed.counts.rejected, plain.counts.rejected);
    EXPECT_EQ(packed.counts.bytes, content.size());  // uncompressed bytes
    EXPECT_EQ(plain.counts.bytes, content.size());
    for (std::size_t i = 0; i < std::min(plain.alerts.size(), packed.alerts.size()); ++i) {
      EXPECT_EQ(packed.alerts[i].key, plain.alerts[i].key);
      EXPECT_EQ(packed.alerts[i].severity, plain.alerts[i].severity);
      EXPECT_EQ(finding_test::EntityKeys(packed.alerts[i]),
                finding_test::EntityKeys(plain.alerts[i]));
    }
  }
}

TEST_F(InputTest, DirectoryIsReadRecursivelyInSortedOrderDataFilesOnly) {
  Write("b/2.json", WeftLine("b2") + "\n");
  Write("a/z/1.jsonl", WeftLine("a-z-1") + "\n" + WeftLine("a-z-1b") + "\n");
  Write("a/0.ndjson", WeftLine("a0") + "\n");
  WriteGz("c.log.gz", WeftLine("c-gz") + "\n");
  Write("d.txt", WeftLine("d") + "\n");
  Write("e.csv", "tenant,id\n");  // a header only: no records
  // Not data files: ignored although their lines are valid alerts.
  Write("README.md", WeftLine("readme") + "\n");
  Write("a/notes.yaml", WeftLine("yaml") + "\n");
  Write(".hidden.json", WeftLine("hidden") + "\n");
  Write("b/archive.tar.gz", WeftLine("tar") + "\n");
  const Imported r = ImportPath(dir_.string());
  EXPECT_EQ(r.counts.rejected, 0u);
  EXPECT_EQ(ProviderIds(r.alerts),
            (std::vector<std::string>{"a0", "a-z-1", "a-z-1b", "b2", "c-gz", "d"}));
  ASSERT_EQ(r.alerts.size(), 6u);
  EXPECT_EQ(r.alerts[0].provenances.at(0).file, (dir_ / "a/0.ndjson").string());
  EXPECT_EQ(r.alerts[4].provenances.at(0).file, (dir_ / "c.log.gz").string());
  EXPECT_EQ(r.alerts[4].provenances.at(0).record, "line 1");
}

TEST_F(InputTest, DashReadsStdin) {
  const std::string lines =
      WeftLine("s1") + "\n" + WeftLine("s2") + "\nnot json\n" + WeftLine("s3") + "\n";
  Imported r;
  WithStdinFrom([&](const auto& write) { write(lines); }, [&] { r = ImportPath("-"); });
  EXPECT_EQ(ProviderIds(r.alerts), (std::vector<std::string>{"s1", "s2", "s3"}));
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].file, "-");
  EXPECT_EQ(r.rejects[0].record, "line 3");
  EXPECT_EQ(r.alerts.at(0).provenances.at(0).file, "-");
  EXPECT_EQ(r.counts.bytes, lines.size());
}

TEST_F(InputTest, GzipOnStdinIsDetectedFromTheContent) {
  const std::string gz = ReadFile(WriteGz("x.gz", WeftLine("z1") + "\n" + WeftLine("z2") + "\n"));
  Imported r;
  WithStdinFrom([&](const auto& write) { write(gz); }, [&] { r = ImportPath("-"); });
  EXPECT_EQ(ProviderIds(r.alerts), (std::vector<std::string>{"z1", "z2"}));
}

// A pipeline that sends a few alerts and waits must see them ingested (handed to the sink)
// max_delay later, while the stream is still open, not once a batch of 1,000 has filled or the
// stream ended; what arrived together goes together.
TEST_F(InputTest, AStreamThatPausesHandsOverWhatItSent) {
  BatchLog sink;
  bool first_two_while_open = false, third_while_open = false;
  // 200 ms: long enough that a loaded machine does not split what arrived together.
  ImportStdinInto(sink, std::chrono::milliseconds(200), [&](const auto& write) {
    if (!write(WeftLine("p1") + "\n" + WeftLine("p2") + "\n")) return;
    first_two_while_open = sink.WaitFor(2);
    if (!write(WeftLine("p3") + "\n")) return;
    third_while_open = sink.WaitFor(3);
  });
  EXPECT_TRUE(first_two_while_open);
  EXPECT_TRUE(third_while_open);
  EXPECT_EQ(sink.sizes(), (std::vector<std::size_t>{2, 1}));
}

// A stream that never pauses for max_delay (a line every 10 ms, max_delay 50 ms) still has its
// batches handed over by age, not only at 1,000 alerts or its end.
TEST_F(InputTest, ATrickleIsHandedOverByAgeWithoutAPause) {
  BatchLog sink;
  constexpr int kLines = 30;
  bool first_while_open = false;
  ImportStdinInto(sink, std::chrono::milliseconds(50), [&](const auto& write) {
    for (int i = 0; i < kLines; ++i) {
      if (!write(WeftLine("t" + std::to_string(i)) + "\n")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    first_while_open = !sink.sizes().empty();
  });
  EXPECT_TRUE(first_while_open);
  const std::vector<std::size_t> sizes = sink.sizes();
  EXPECT_GE(sizes.size(), 2u);
  std::size_t total = 0;
  for (std::size_t n : sizes) total += n;
  EXPECT_EQ(total, static_cast<std::size_t>(kLines));
}

// The age bound holds where no read waits (a file): with max_delay 0 each alert goes alone.
TEST_F(InputTest, MaxDelayZeroHandsOverEachAlertAlone) {
  const std::string path =
      Write("three.jsonl", WeftLine("z0") + "\n" + WeftLine("z1") + "\n" + WeftLine("z2") + "\n");
  BatchLog sink;
  ImportOptions options;
  options.max_delay = std::chrono::milliseconds(0);
  auto importer = Importer::Create(options);
  ASSERT_TRUE(importer.ok());
  ASSERT_TRUE((*importer)->ImportPath(path, sink).ok());
  ASSERT_TRUE((*importer)->Flush(sink).ok());
  EXPECT_EQ(sink.sizes(), (std::vector<std::size_t>{1, 1, 1}));
}

// The same through gzip: flushed data inflates as it arrives, and a second member continues
// the stream.
TEST_F(InputTest, AGzipStreamThatPausesHandsOverWhatItSent) {
  BatchLog sink;
  GzipWriter gz;
  bool flushed_while_open = false, finished_member_while_open = false,
       second_member_while_open = false;
  ImportStdinInto(sink, std::chrono::milliseconds(200), [&](const auto& write) {
    if (!write(gz.Compress(WeftLine("g1") + "\n" + WeftLine("g2") + "\n", Z_SYNC_FLUSH))) return;
    flushed_while_open = sink.WaitFor(2);
    if (!write(gz.Compress(WeftLine("g3") + "\n", Z_FINISH))) return;
    finished_member_while_open = sink.WaitFor(3);
    if (!write(gz.Compress(WeftLine("g4") + "\n", Z_FINISH))) return;
    second_member_while_open = sink.WaitFor(4);
  });
  EXPECT_TRUE(flushed_while_open);
  EXPECT_TRUE(finished_member_while_open);
  EXPECT_TRUE(second_member_while_open);
  EXPECT_EQ(sink.sizes(), (std::vector<std::size_t>{2, 1, 1}));
}

// A stop (weft ingest on SIGTERM) ends the import of a stream that stays open: what was read
// still goes to the sink, a record the stop cut is dropped without a reject, and the import
// returns without waiting for the stream's end.
TEST_F(InputTest, AStopEndsAStreamThatStaysOpen) {
  int wake[2];
  ASSERT_EQ(::pipe(wake), 0);
  StopRequest stop;
  stop.wake_fd = wake[0];
  ImportOptions options;
  options.max_delay = std::chrono::milliseconds(50);
  options.stop = &stop;
  auto importer = Importer::Create(options);
  ASSERT_TRUE(importer.ok());
  BatchLog sink;
  std::atomic<bool> returned{false};
  bool read_while_open = false, returned_while_open = false;
  WithStdinFrom(
      [&](const auto& write) {
        // Two records and the start of a third, which the stop cuts: not a record, no reject.
        if (!write(WeftLine("s1") + "\n" + WeftLine("s2") + "\n" + R"({"tenant":"contoso","id)"))
          return;
        read_while_open = sink.WaitFor(2);
        stop.requested = true;
        ASSERT_EQ(::write(wake[1], "x", 1), 1);
        for (int i = 0; i < 1000 && !returned; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        returned_while_open = returned;
      },
      [&] {
        ASSERT_TRUE((*importer)->ImportPath("-", sink).ok());
        returned = true;
        ASSERT_TRUE((*importer)->Flush(sink).ok());
      });
  ::close(wake[0]);
  ::close(wake[1]);
  EXPECT_TRUE(read_while_open);
  EXPECT_TRUE(returned_while_open);
  EXPECT_TRUE((*importer)->stopped());
  EXPECT_EQ(sink.sizes(), (std::vector<std::size_t>{2}));
  EXPECT_EQ((*importer)->counts().rejected, 0u);
}

// On a file a stop ends the import at the next record.
TEST_F(InputTest, AStopEndsAFileAtTheNextRecord) {
  const std::string path = Write("two.jsonl", WeftLine("f1") + "\n" + WeftLine("f2") + "\n");
  StopRequest stop;
  stop.requested = true;
  ImportOptions options;
  options.stop = &stop;
  auto importer = Importer::Create(options);
  ASSERT_TRUE(importer.ok());
  BatchLog sink;
  ASSERT_TRUE((*importer)->ImportPath(path, sink).ok());
  ASSERT_TRUE((*importer)->Flush(sink).ok());
  EXPECT_TRUE((*importer)->stopped());
  // The first line decides the file's form and goes in; nothing after it is read.
  EXPECT_EQ(sink.sizes(), (std::vector<std::size_t>{1}));
}

TEST_F(InputTest, MemoryStaysBoundedOnABigJsonLinesStream) {
  constexpr std::size_t kInputBytes =
      24u << 20;  // 24 MiB of weft lines, generated on the fly (~8 s in Debug)
  std::size_t written = 0, lines = 0;
  CountingSink sink;
  ImportOptions options;
  auto importer = Importer::Create(options);
  ASSERT_TRUE(importer.ok());
  ResetPeakRss();
  const long before = PeakRssKib();
  ASSERT_GT(before, 0);
  WithStdinFrom(
      [&](const auto& write) {
        std::string chunk;
        while (written < kInputBytes) {
          chunk.clear();
          while (chunk.size() < (1 << 16)) {
            chunk += WeftLine("big-" + std::to_string(lines++));
            chunk += '\n';
          }
          if (!write(chunk)) return;
          written += chunk.size();
        }
      },
      [&] {
        ASSERT_TRUE((*importer)->ImportPath("-", sink).ok());
        ASSERT_TRUE((*importer)->Flush(sink).ok());
      });
  const long growth_kib = PeakRssKib() - before;
  RecordProperty("peak_rss_growth_kib", static_cast<int>(growth_kib));
  EXPECT_EQ(sink.alerts, lines);
  EXPECT_EQ((*importer)->counts().bytes, written);
  EXPECT_EQ((*importer)->counts().rejected, 0u);
  // Bounded by the batch (1000 alerts) and the read buffer, not by the 24 MiB input.
  if (kRssIsMeaningful) {
    EXPECT_LT(growth_kib, 8 * 1024)
        << "peak RSS grew by " << growth_kib << " KiB for " << written << " input bytes";
  }
}

TEST_F(InputTest, LineOverTheRecordLimitIsRejectedWithoutBufferingIt) {
  constexpr std::size_t kHugeLine = 96u << 20;  // one 96 MiB line
  ImportOptions options;
  options.max_record_bytes = 1 << 20;
  Imported r;
  auto importer = Importer::Create(options);
  ASSERT_TRUE(importer.ok());
  (*importer)->set_reject_handler([&](const RejectedRecord& rec) { r.rejects.push_back(rec); });
  finding_test::CollectSink sink;
  ResetPeakRss();
  const long before = PeakRssKib();
  WithStdinFrom(
      [&](const auto& write) {
        if (!write(WeftLine("before") + "\n")) return;
        const std::string filler(1 << 16, 'x');
        if (!write(R"({"tenant":"contoso","id":"huge","title":")")) return;
        for (std::size_t n = 0; n < kHugeLine; n += filler.size()) {
          if (!write(filler)) return;
        }
        write("\"}\n" + WeftLine("after") + "\n");
      },
      [&] {
        ASSERT_TRUE((*importer)->ImportPath("-", sink).ok());
        ASSERT_TRUE((*importer)->Flush(sink).ok());
      });
  const long growth_kib = PeakRssKib() - before;
  RecordProperty("peak_rss_growth_kib", static_cast<int>(growth_kib));
  EXPECT_EQ(ProviderIds(sink.alerts), (std::vector<std::string>{"before", "after"}));
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].record, "line 2");
  EXPECT_EQ(r.rejects[0].reason, "line longer than the record limit of 1048576 bytes");
  EXPECT_EQ(r.rejects[0].raw.size(), 1u << 20);  // the first max_record_bytes bytes only
  if (kRssIsMeaningful) {
    EXPECT_LT(growth_kib, 16 * 1024)
        << "peak RSS grew by " << growth_kib << " KiB for a " << kHugeLine << " byte line";
  }
}

}  // namespace
}  // namespace weft
