// Durability of ingestion: a child process ingests batches into a RocksDB store and is killed
// with SIGKILL at random moments. The reopened store holds every acknowledged batch, each batch
// wholly in or wholly out, incidents equal to a from-scratch re-correlation, and ingestion
// carries on. The same holds with commits pipelined (PipelinedStore), where a batch is
// acknowledged once the depth-th Ingest after it returns (the next one at depth 1).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "engine/engine.h"
#include "graph/pipelined_store.h"
#include "persistence/rocks_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

constexpr int kAlertsPerBatch = 25;

std::vector<Alert> Batch(int b) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(b) * 7919);
  std::vector<Alert> out;
  for (int i = 0; i < kAlertsPerBatch; ++i) {
    std::vector<std::string> keys = {"ip:203.0.113." + std::to_string(1 + rng() % 200),
                                     "user:u" + std::to_string(rng() % 300) + "@acme.com"};
    out.push_back(testing::MakeTestAlert("acme", "b" + std::to_string(b) + "-" + std::to_string(i),
                                         static_cast<Timestamp>(rng() % (30 * kMillisPerDay)),
                                         keys));
  }
  return out;
}

void Acknowledge(int ack_fd, int b) {
  if (write(ack_fd, &b, sizeof b) != sizeof b) _exit(6);
}

// `depth`: batches in flight on a PipelinedStore; 0 commits synchronously.
[[noreturn]] void RunChild(const std::string& dir, int first_batch, int ack_fd, int depth) {
  auto rocks = OpenRocksStore(dir);
  if (!rocks.ok()) _exit(3);
  std::unique_ptr<GraphStore> store = std::move(rocks).value();
  if (depth > 0) store = std::make_unique<PipelinedStore>(std::move(store), depth);
  auto engine = Engine::Open(*store, std::nullopt);
  if (!engine.ok()) _exit(4);
  for (int b = first_batch; b < first_batch + 400; ++b) {
    if (!(*engine)->Ingest(Batch(b), {}, 1).ok()) _exit(5);
    // Ingest(b) returning OK says batch b - depth is durable; the later ones may be in flight.
    if (b - depth >= first_batch) Acknowledge(ack_fd, b - depth);
  }
  if (!(*engine)->Sync().ok()) _exit(7);
  Acknowledge(ack_fd, first_batch + 399);
  _exit(0);
}

void KillWhileIngesting(int depth) {
  const std::string dir =
      (std::filesystem::temp_directory_path() /
       ("weft-durability-" + std::to_string(getpid()) + "-depth" + std::to_string(depth)))
          .string();
  std::filesystem::remove_all(dir);
  std::mt19937_64 rng(42);
  int next_batch = 0;
  std::set<int> acked;
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunChild(dir, next_batch, fds[1], depth);
    }
    close(fds[1]);
    int b = 0;
    int last = next_batch - 1;
    // The child replays the store before it ingests, which under sanitizers and a loaded
    // machine can take longer than any fixed wait: let it acknowledge two batches first, then
    // kill it at a random moment.
    for (int seen = 0; seen < 2 && read(fds[0], &b, sizeof b) == sizeof b; ++seen) {
      acked.insert(b);
      last = b;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    while (read(fds[0], &b, sizeof b) == sizeof b) {
      acked.insert(b);
      last = b;
    }
    close(fds[0]);
    // The next run starts after every batch the killed one may have written: up to `depth`
    // batches past the last acknowledged one.
    next_batch = last + std::max(depth, 1) + 1;

    auto store = OpenRocksStore(dir);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::map<int, int> per_batch;
    ASSERT_TRUE(
        (*store)
            ->ForEachAlert(
                "acme",
                [&](const Alert& a) {
                  ++per_batch[std::stoi(a.provider_id.substr(1, a.provider_id.find('-') - 1))];
                  return true;
                })
            .ok());
    for (int ack : acked)
      EXPECT_EQ(per_batch[ack], kAlertsPerBatch) << "acknowledged batch " << ack << " lost";
    for (auto [batch, n] : per_batch)
      EXPECT_EQ(n, kAlertsPerBatch) << "batch " << batch << " is partly stored";
    RecorrelateOptions options;
    options.dry_run = true;
    auto diff = Engine::Recorrelate(**store, options);
    ASSERT_TRUE(diff.ok()) << diff.status().ToString();
    EXPECT_TRUE(diff->no_change())
        << "round " << round << ": stored incidents differ from a from-scratch grouping";
  }
  EXPECT_GE(acked.size(), 8u) << "the child acknowledges two batches before each kill";
  std::filesystem::remove_all(dir);
}

TEST(DurabilityTest, KilledIngestionKeepsEveryAcknowledgedBatchAndCarriesOn) {
  KillWhileIngesting(/*depth=*/0);
}

TEST(DurabilityTest, KilledPipelinedIngestionKeepsEveryAcknowledgedBatchAndCarriesOn) {
  KillWhileIngesting(/*depth=*/1);
}

TEST(DurabilityTest, KilledIngestionTwoBatchesDeepKeepsEveryAcknowledgedBatchAndCarriesOn) {
  KillWhileIngesting(/*depth=*/2);
}

}  // namespace
}  // namespace weft
