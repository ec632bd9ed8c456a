#pragma once
// EvidenceLookahead: a replay's evidence lookups, made ahead on a second thread. The alert phase
// of a replay (EngineState::Replay) looks every stored alert's evidence keys up in the entity
// index that its entity phase built: reads of tables far larger than the caches, each a cache
// and TLB miss. At 10M alerts the replaying thread is the critical path while the scans leave
// the second core idle about half the time (docs/benchmarks.md, round 20), so a helper thread
// looks up each run's evidence ahead of the replaying thread, which takes every alert's entity
// ids when it reaches it. Where the helper has not claimed an alert yet (it was slow, or
// descheduled), the replaying thread claims the next few and looks them up itself, their index
// entries prefetched: a starved helper costs a few atomic operations an alert. The replaying
// thread waits only for an alert the helper has claimed and is still looking up.
//
// The lookups are EntityResolver::LookupShared, which changes nothing, so they need the resolver
// to stay unchanged while the helper reads it: call Stop() before changing it (an alert resolved
// whole); the rest of that run is then looked up on the calling thread, and the next Begin
// starts the helper again. Ids are what the calling thread would find at the same point, so the
// replay's result does not depend on which thread looked an alert up.
//
// One thread calls every method (the replaying one). Without a helper (`use_helper` false, or no
// thread could be started) every lookup runs on the calling thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "engine/entity_resolver.h"
#include "graph/graph_store.h"

namespace weft::internal {

class EvidenceLookahead {
 public:
  // An evidence key no entity answers to.
  static constexpr std::uint32_t kUnknown = UINT32_MAX;

  EvidenceLookahead(const EntityResolver& resolver, bool use_helper);
  ~EvidenceLookahead();
  EvidenceLookahead(const EvidenceLookahead&) = delete;
  EvidenceLookahead& operator=(const EvidenceLookahead&) = delete;

  // Starts on a run of alerts, `tenants[i]` the resolver's tenant of `run[i]`. Both must stay
  // valid until Get has returned the run's last alert or Stop was called.
  void Begin(std::span<const AlertSummary> run, std::span<const std::uint32_t> tenants);
  // The representatives of alert i's evidence keys, in order, kUnknown for a key no entity
  // answers to. Called for i = 0, 1, ... of the run in turn; valid until the next call.
  std::span<const std::uint32_t> Get(std::size_t i);
  // Waits for the lookups the helper is making, if any, and keeps it off the rest of the run:
  // call before changing the resolver, and before leaving a run Get has not finished (the run's
  // data must outlive the helper's reads). Later alerts of the run are then looked up by Get.
  void Stop();

  // Alerts of the last runs looked up by the helper / by the calling thread (for tests).
  std::size_t helper_lookups() const { return helper_lookups_.load(std::memory_order_relaxed); }
  std::size_t own_lookups() const { return own_lookups_; }

 private:
  // The claim word: the run's epoch (16 bits), its size and the next alert nobody has claimed
  // (24 bits each). Whoever moves `next` on by compare-and-swap owns the alerts it passed.
  static constexpr int kIndexBits = 24;
  static constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << kIndexBits) - 1;
  static std::uint64_t Word(std::uint64_t epoch, std::uint64_t size, std::uint64_t next) {
    return (epoch << (2 * kIndexBits)) | (size << kIndexBits) | next;
  }
  static std::size_t SizeOf(std::uint64_t w) { return (w >> kIndexBits) & kIndexMask; }
  static std::size_t NextOf(std::uint64_t w) { return w & kIndexMask; }

  void Loop();  // the helper
  // Looks up the evidence of alerts [begin, end) on this thread, their index entries prefetched.
  void LookUpHere(std::size_t begin, std::size_t end);
  // Prefetches the index entries of alerts [begin, end) and keeps their index keys for LookUp:
  // always called before LookUp, by the thread that claimed the alerts.
  void Prefetch(std::size_t begin, std::size_t end);
  void LookUp(std::size_t i);
  void WaitReady(std::size_t i) const;

  const EntityResolver& resolver_;
  // The run, written by Begin before it publishes the run's claim word and read by the helper
  // only for alerts it claimed under that word.
  std::span<const AlertSummary> run_;
  std::span<const std::uint32_t> tenants_;
  std::vector<std::uint32_t> offsets_;  // alert i's ids are ids_[offsets_[i], offsets_[i + 1])
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint64_t> index_keys_;  // alert i's: index_keys_[offsets_[i], offsets_[i + 1])
  std::unique_ptr<std::atomic<std::uint8_t>[]> ready_;  // set by the helper for each of its alerts
  std::size_t ready_capacity_ = 0;

  std::atomic<std::uint64_t> claim_{0};
  std::atomic<bool> shutdown_{false};
  std::uint64_t epoch_ = 0;
  std::size_t own_end_ = 0;   // alerts from the last claim of this thread up to it: looked up here
  std::size_t consumed_ = 0;  // alerts Get has returned
  bool stopped_ = true;
  std::atomic<std::size_t> helper_lookups_{0};
  std::size_t own_lookups_ = 0;
  std::thread helper_;
};

}  // namespace weft::internal
