#include "engine/internal/evidence_lookahead.h"

#include <algorithm>
#include <system_error>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace weft::internal {
namespace {

// Alerts the calling thread claims at once when the helper has not reached it, and the helper
// claims at once: their index entries are prefetched together, so their cache misses overlap.
// The helper's are fewer, so that the calling thread seldom waits for one it has claimed.
constexpr std::size_t kOwnBatch = 8;
constexpr std::size_t kHelperBatch = 4;

void Pause() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

}  // namespace

EvidenceLookahead::EvidenceLookahead(const EntityResolver& resolver, bool use_helper)
    : resolver_(resolver) {
  if (!use_helper) return;
  try {
    helper_ = std::thread([this] { Loop(); });
  } catch (const std::system_error&) {
    // No thread to spare: every lookup runs on the calling thread.
  }
}

EvidenceLookahead::~EvidenceLookahead() {
  if (!helper_.joinable()) return;
  Stop();
  shutdown_.store(true, std::memory_order_release);
  claim_.store(Word(++epoch_ & 0xffff, 0, 0), std::memory_order_release);  // wakes the helper
  claim_.notify_all();
  helper_.join();
}

void EvidenceLookahead::Begin(std::span<const AlertSummary> run,
                              std::span<const std::uint32_t> tenants) {
  run_ = run;
  tenants_ = tenants;
  const std::size_t n = run.size();
  offsets_.resize(n + 1);
  offsets_[0] = 0;
  for (std::size_t i = 0; i < n; ++i)
    offsets_[i + 1] = offsets_[i] + static_cast<std::uint32_t>(run[i].evidence.size());
  ids_.resize(offsets_[n]);
  index_keys_.resize(offsets_[n]);
  own_end_ = 0;
  consumed_ = 0;
  stopped_ = !helper_.joinable() || n > kIndexMask;
  if (stopped_) return;
  if (ready_capacity_ < n) {
    ready_ = std::make_unique<std::atomic<std::uint8_t>[]>(n);
    ready_capacity_ = n;
  }
  for (std::size_t i = 0; i < n; ++i) ready_[i].store(0, std::memory_order_relaxed);
  // Publishes the run: the helper reads it only after claiming an alert under this word.
  claim_.store(Word(++epoch_ & 0xffff, n, 0), std::memory_order_release);
  claim_.notify_one();
}

std::span<const std::uint32_t> EvidenceLookahead::Get(std::size_t i) {
  if (i >= own_end_) {
    if (stopped_) {
      LookUpHere(i, std::min(i + kOwnBatch, run_.size()));
    } else {
      // Every alert before i was taken, so `next` is i (nobody has i yet) or past it (the
      // helper has it).
      std::uint64_t w = claim_.load(std::memory_order_acquire);
      const std::size_t end = std::min(i + kOwnBatch, SizeOf(w));
      if (NextOf(w) == i &&
          claim_.compare_exchange_strong(w, w - i + end, std::memory_order_acq_rel)) {
        LookUpHere(i, end);
      } else {
        WaitReady(i);
      }
    }
  }
  consumed_ = i + 1;
  return {ids_.data() + offsets_[i], ids_.data() + offsets_[i + 1]};
}

void EvidenceLookahead::Stop() {
  if (stopped_) {
    own_end_ = std::min(own_end_, consumed_);  // looked up before the resolver's change
    return;
  }
  stopped_ = true;
  // Takes every alert nobody has claimed, then waits for those the helper has.
  std::uint64_t w = claim_.load(std::memory_order_acquire);
  while (!claim_.compare_exchange_weak(w, w - NextOf(w) + SizeOf(w), std::memory_order_acq_rel)) {
  }
  for (std::size_t j = std::max(consumed_, own_end_); j < NextOf(w); ++j) WaitReady(j);
  own_end_ = std::min(own_end_, consumed_);
}

void EvidenceLookahead::Loop() {
  std::uint64_t w = claim_.load(std::memory_order_acquire);
  while (!shutdown_.load(std::memory_order_acquire)) {
    if (NextOf(w) >= SizeOf(w)) {  // nothing left to claim: wait for the next run
      claim_.wait(w, std::memory_order_acquire);
      w = claim_.load(std::memory_order_acquire);
      continue;
    }
    const std::size_t take = std::min(kHelperBatch, SizeOf(w) - NextOf(w));
    if (!claim_.compare_exchange_weak(w, w + take, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
      continue;
    }
    const std::size_t begin = NextOf(w), end = begin + take;
    Prefetch(begin, end);
    for (std::size_t j = begin; j < end; ++j) {
      LookUp(j);
      ready_[j].store(1, std::memory_order_release);
    }
    helper_lookups_.fetch_add(take, std::memory_order_relaxed);
    w = claim_.load(std::memory_order_acquire);
  }
}

void EvidenceLookahead::Prefetch(std::size_t begin, std::size_t end) {
  for (std::size_t j = begin; j < end; ++j) {
    std::uint64_t* index_key = index_keys_.data() + offsets_[j];
    for (const auto& [kind, key] : run_[j].evidence)
      *index_key++ = resolver_.PrefetchLookup(tenants_[j], kind, key);
  }
}

void EvidenceLookahead::LookUpHere(std::size_t begin, std::size_t end) {
  Prefetch(begin, end);
  for (std::size_t j = begin; j < end; ++j) LookUp(j);
  own_end_ = end;
  own_lookups_ += end - begin;
}

void EvidenceLookahead::LookUp(std::size_t i) {
  std::uint32_t* out = ids_.data() + offsets_[i];
  const std::uint64_t* index_key = index_keys_.data() + offsets_[i];
  for (const auto& [kind, key] : run_[i].evidence) {
    const std::optional<EntityResolver::EntityId> id =
        resolver_.LookupShared(tenants_[i], kind, key, *index_key++);
    *out++ = id ? *id : kUnknown;
  }
}

void EvidenceLookahead::WaitReady(std::size_t i) const {
  for (int spins = 0; ready_[i].load(std::memory_order_acquire) == 0; ++spins) {
    if (spins < 1000) {
      Pause();
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace weft::internal
