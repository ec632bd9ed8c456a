// PipelinedStore: reads see the batch in flight (upserts and deletes; from several threads at
// once), scans wait for it, a failed commit is sticky, Sync means durable in the store
// underneath, and the commit listener hears of each durable batch in order.

#include "graph/pipelined_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "graph/in_memory_store.h"
#include "tests/graph/forwarding_store.h"

namespace weft {
namespace {

// An InMemoryStore whose Apply waits until the test opens a gate, and can be told to fail.
class GatedStore final : public testing::ForwardingStore {
 public:
  GatedStore() : ForwardingStore(inner_) {}
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void FailNext() { fail_ = true; }
  // Blocks until the committer is inside Apply (held at the gate).
  void WaitForWriter() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return waiting_; });
  }

  Status Apply(const WriteBatch& batch) override {
    {
      std::unique_lock lock(mu_);
      waiting_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return open_; });
      waiting_ = false;
    }
    if (fail_.exchange(false)) return Status::IOError("disk full (test)");
    return ForwardingStore::Apply(batch);
  }

 private:
  InMemoryStore inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  bool waiting_ = false;
  std::atomic<bool> fail_{false};
};

Alert MakeAlert(const std::string& key, const std::string& title) {
  Alert a;
  a.tenant = "contoso";
  a.key = "contoso/" + key;
  a.title = title;
  return a;
}

EntityRecord MakeEntity(const std::string& key, const std::string& name) {
  EntityRecord r;
  r.tenant = "contoso";
  r.entity.kind = EntityKind::kDevice;
  r.entity.key = key;
  r.entity.display_name = name;
  return r;
}

Incident MakeIncident(const std::string& id, const std::string& title) {
  Incident i;
  i.id = id;
  i.tenant = "contoso";
  i.title = title;
  return i;
}

TEST(PipelinedStoreTest, PointReadsAnswerFromTheBatchInFlight) {
  GatedStore gated;
  PipelinedStore store(gated);
  WriteBatch first;
  first.alerts.push_back(MakeAlert("a1", "old title"));
  first.entities.push_back(MakeEntity("device:mde:1", "old-name"));
  first.entities.push_back(MakeEntity("device:mde:2", "doomed"));
  first.incidents.push_back(MakeIncident("inc-1", "old incident"));
  ASSERT_TRUE(store.Apply(first).ok());

  gated.Close();
  WriteBatch second;
  second.alerts.push_back(MakeAlert("a1", "first update"));
  second.alerts.push_back(MakeAlert("a1", "second update"));  // the later upsert wins
  second.deleted_entities.emplace_back("contoso", "device:mde:2");
  second.deleted_entities.emplace_back("contoso", "device:mde:1");
  second.entities.push_back(MakeEntity("device:mde:1", "new-name"));  // upsert beats delete
  second.deleted_incidents.push_back("inc-1");
  second.meta.emplace_back("rules", "window=1d");
  ASSERT_TRUE(store.ApplyAsync(std::move(second)).ok());
  gated.WaitForWriter();

  // The store underneath still holds the first batch only ...
  ASSERT_EQ(gated.GetAlert("contoso/a1").value()->title, "old title");
  // ... while the pipelined store answers from the batch in flight.
  EXPECT_EQ(store.GetAlert("contoso/a1").value()->title, "second update");
  EXPECT_EQ(store.GetEntity("contoso", "device:mde:1").value()->entity.display_name, "new-name");
  EXPECT_FALSE(store.GetEntity("contoso", "device:mde:2").value().has_value());
  EXPECT_FALSE(store.GetIncident("inc-1").value().has_value());
  EXPECT_EQ(store.GetMeta("rules").value().value_or(""), "window=1d");
  EXPECT_FALSE(store.GetAlert("contoso/absent").value().has_value());

  gated.Open();
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(gated.GetAlert("contoso/a1").value()->title, "second update");
  EXPECT_FALSE(gated.GetEntity("contoso", "device:mde:2").value().has_value());
  EXPECT_EQ(gated.GetMeta("rules").value().value_or(""), "window=1d");
}

// A batch's indexes are built by the first reader of each kind: readers on several threads at
// once all see the whole batch.
TEST(PipelinedStoreTest, ReadersOnSeveralThreadsAnswerFromTheBatchInFlight) {
  GatedStore gated;
  PipelinedStore store(gated);
  gated.Close();
  constexpr int kRecords = 500;
  WriteBatch batch;
  for (int i = 0; i < kRecords; ++i) {
    const std::string n = std::to_string(i);
    batch.alerts.push_back(MakeAlert("a" + n, "alert " + n));
    batch.entities.push_back(MakeEntity("device:mde:" + n, "host-" + n));
    batch.incidents.push_back(MakeIncident("inc-" + n, "incident " + n));
  }
  ASSERT_TRUE(store.ApplyAsync(std::move(batch)).ok());
  gated.WaitForWriter();

  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int k = 0; k < kRecords; ++k) {
        const int i = (k * 7 + t * 131) % kRecords;  // each thread in its own order
        const std::string n = std::to_string(i);
        const auto alert = store.GetAlert("contoso/a" + n);
        const auto entity = store.GetEntity("contoso", "device:mde:" + n);
        const auto incident = store.GetIncident("inc-" + n);
        if (!alert.ok() || !*alert || (*alert)->title != "alert " + n) ++wrong;
        if (!entity.ok() || !*entity || (*entity)->entity.display_name != "host-" + n) ++wrong;
        if (!incident.ok() || !*incident || (*incident)->title != "incident " + n) ++wrong;
      }
    });
  }
  for (std::thread& r : readers) r.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_FALSE(gated.GetAlert("contoso/a0").value().has_value()) << "still in flight";

  gated.Open();
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(gated.GetIncident("inc-7").value()->title, "incident 7");
}

TEST(PipelinedStoreTest, ScansAndStatsWaitForTheBatchInFlight) {
  GatedStore gated;
  PipelinedStore store(gated);
  gated.Close();
  WriteBatch batch;
  batch.alerts.push_back(MakeAlert("a1", "t1"));
  batch.alerts.push_back(MakeAlert("a2", "t2"));
  ASSERT_TRUE(store.ApplyAsync(std::move(batch)).ok());
  gated.WaitForWriter();
  gated.Open();  // the scan below must still see both alerts, never a partial store
  std::vector<std::string> keys;
  ASSERT_TRUE(store
                  .ForEachAlert("",
                                [&](const Alert& a) {
                                  keys.push_back(a.key);
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"contoso/a1", "contoso/a2"}));
  EXPECT_EQ(store.Stats().value().alerts, 2u);
}

TEST(PipelinedStoreTest, AFailedCommitIsStickyAndNothingAfterItIsWritten) {
  GatedStore gated;
  PipelinedStore store(gated);
  gated.FailNext();
  WriteBatch doomed;
  doomed.alerts.push_back(MakeAlert("a1", "lost"));
  ASSERT_TRUE(store.ApplyAsync(std::move(doomed)).ok());  // queued; fails on the committer
  const Status synced = store.Sync();
  EXPECT_EQ(synced.code(), StatusCode::kIOError);
  EXPECT_NE(synced.ToString().find("disk full"), std::string::npos);

  WriteBatch later;
  later.alerts.push_back(MakeAlert("a2", "refused"));
  EXPECT_EQ(store.ApplyAsync(std::move(later)).code(), StatusCode::kIOError);
  EXPECT_EQ(store.Apply(WriteBatch{}).code(), StatusCode::kIOError);
  EXPECT_EQ(store.Stats().value().alerts, 0u);  // reads show what the store really holds
  EXPECT_FALSE(store.GetAlert("contoso/a1").value().has_value());
}

TEST(PipelinedStoreTest, WithDepthTwoTwoBatchesAreInFlightAndTheNewestAnswers) {
  GatedStore gated;
  PipelinedStore store(gated, /*depth=*/2);
  gated.Close();
  WriteBatch first;
  first.alerts.push_back(MakeAlert("a1", "first"));
  first.entities.push_back(MakeEntity("device:mde:1", "first-name"));
  ASSERT_TRUE(store.ApplyAsync(std::move(first)).ok());
  gated.WaitForWriter();  // the first batch is held inside the store's Apply
  WriteBatch second;
  second.alerts.push_back(MakeAlert("a1", "second"));
  second.alerts.push_back(MakeAlert("a2", "only in the second"));
  second.deleted_entities.emplace_back("contoso", "device:mde:1");
  ASSERT_TRUE(store.ApplyAsync(std::move(second)).ok());  // returns: room for two

  // Reads answer from the newest batch holding the key, then the older one, then the store.
  EXPECT_EQ(store.GetAlert("contoso/a1").value()->title, "second");
  EXPECT_EQ(store.GetAlert("contoso/a2").value()->title, "only in the second");
  EXPECT_FALSE(store.GetEntity("contoso", "device:mde:1").value().has_value());
  EXPECT_FALSE(gated.GetAlert("contoso/a1").value().has_value());

  // A third batch waits for room: ApplyAsync returns only once the first is written.
  std::atomic<bool> third_queued{false};
  std::thread submitter([&] {
    WriteBatch third;
    third.alerts.push_back(MakeAlert("a3", "third"));
    EXPECT_TRUE(store.ApplyAsync(std::move(third)).ok());
    third_queued = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(third_queued.load());
  gated.Open();
  submitter.join();
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(gated.GetAlert("contoso/a1").value()->title, "second");
  EXPECT_EQ(gated.GetAlert("contoso/a3").value()->title, "third");
  EXPECT_FALSE(gated.GetEntity("contoso", "device:mde:1").value().has_value());
}

TEST(PipelinedStoreTest, WithDepthTwoAFailureDropsTheQueuedBatchUnwritten) {
  GatedStore gated;
  PipelinedStore store(gated, /*depth=*/2);
  gated.Close();
  gated.FailNext();
  WriteBatch doomed;
  doomed.alerts.push_back(MakeAlert("a1", "lost"));
  ASSERT_TRUE(store.ApplyAsync(std::move(doomed)).ok());
  gated.WaitForWriter();
  WriteBatch queued;  // accepted before the failure is known, never acknowledged
  queued.alerts.push_back(MakeAlert("a2", "queued behind the failure"));
  ASSERT_TRUE(store.ApplyAsync(std::move(queued)).ok());
  gated.Open();
  EXPECT_EQ(store.Sync().code(), StatusCode::kIOError);
  EXPECT_EQ(store.Stats().value().alerts, 0u);  // neither batch reached the store
  EXPECT_FALSE(gated.GetAlert("contoso/a2").value().has_value());
}

TEST(PipelinedStoreTest, TheCommitListenerSeesEachDurableBatchInOrderAndNoFailedOne) {
  GatedStore gated;
  // Written on the committing thread; read here after Sync, which waits for it.
  std::vector<std::string> seen;
  std::vector<bool> stored_when_seen;
  PipelinedStore store(gated, /*depth=*/2, [&](const WriteBatch& batch) {
    for (const Alert& a : batch.alerts) {
      seen.push_back(a.key);
      stored_when_seen.push_back(gated.GetAlert(a.key).value().has_value());
    }
  });
  for (const char* key : {"a1", "a2", "a3"}) {
    WriteBatch b;
    b.alerts.push_back(MakeAlert(key, "t"));
    ASSERT_TRUE(store.ApplyAsync(std::move(b)).ok());
  }
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"contoso/a1", "contoso/a2", "contoso/a3"}));
  EXPECT_EQ(stored_when_seen, (std::vector<bool>{true, true, true}));
  gated.FailNext();
  WriteBatch doomed;
  doomed.alerts.push_back(MakeAlert("a4", "lost"));
  ASSERT_TRUE(store.ApplyAsync(std::move(doomed)).ok());
  EXPECT_FALSE(store.Sync().ok());
  EXPECT_EQ(seen.size(), 3u);  // the failed batch is not reported
}

TEST(PipelinedStoreTest, DestructionWaitsForTheBatchInFlight) {
  InMemoryStore inner;
  {
    PipelinedStore store(inner);
    for (int i = 0; i < 50; ++i) {
      WriteBatch b;
      b.alerts.push_back(MakeAlert("a" + std::to_string(i), "t"));
      ASSERT_TRUE(store.ApplyAsync(std::move(b)).ok());
    }
  }
  EXPECT_EQ(inner.Stats().value().alerts, 50u);
}

}  // namespace
}  // namespace weft
