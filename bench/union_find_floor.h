#pragma once
// UnionFindFloor: the floor #6 measures weft's correlator against, run on the same machine in
// the same process: a hand-written union-find over the alert→entity edges that links each alert
// to the previous alert of each of its linking entities within the window. No hub rule, no
// incremental incidents, no merges of entities, no order but arrival: the least work that
// still answers "which alerts share an entity within the window". Its rate moves with the
// host's speed exactly as the correlator's does, so the ratio of the two is the figure that
// holds on a noisy machine (the "within 4× of the hand-written union-find floor").
// Used by `weft bench`'s correlate stage and by weft_correlator_bench.

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "model/time.h"

namespace weft::bench {

class UnionFindFloor {
 public:
  // `correlating[e]`: whether entity e (dense ids from 0) may link alerts; `alerts`: how many
  // alerts will be added (their arrays are allocated once); `window`: the link window in ms.
  UnionFindFloor(std::span<const std::uint8_t> correlating, std::size_t alerts, Timestamp window)
      : window_(window),
        correlating_(correlating.begin(), correlating.end()),
        last_(correlating.size()) {
    parent_.reserve(alerts);
    size_.reserve(alerts);
  }

  // Adds the next alert (ids from 0 in call order) at `time` with its entities.
  void Add(Timestamp time, std::span<const std::uint32_t> entities) {
    const auto a = static_cast<std::uint32_t>(parent_.size());
    parent_.push_back(a);
    size_.push_back(1);
    for (const std::uint32_t e : entities) {
      if (correlating_[e] == 0) continue;
      const Latest prev = last_[e];
      last_[e] = Latest{a, time};
      if (prev.alert == kNone || prev.alert == a) continue;  // first sighting, or a repeat
      const Timestamp gap = time > prev.time ? time - prev.time : prev.time - time;
      if (gap <= window_) Unite(prev.alert, a);
    }
  }

  // The component (root) of alert `a`.
  std::uint32_t Component(std::uint32_t a) { return Find(a); }
  // Components so far (incidents).
  std::size_t Components() const {
    std::size_t roots = 0;
    for (std::uint32_t a = 0; a < parent_.size(); ++a) roots += parent_[a] == a ? 1 : 0;
    return roots;
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Latest {  // an entity's latest alert and its time: one read per edge
    std::uint32_t alert = kNone;
    Timestamp time = 0;
  };

  std::uint32_t Find(std::uint32_t a) {
    while (parent_[a] != a) {
      parent_[a] = parent_[parent_[a]];  // path halving
      a = parent_[a];
    }
    return a;
  }
  void Unite(std::uint32_t a, std::uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }

  Timestamp window_;
  std::vector<std::uint8_t> correlating_;
  std::vector<Latest> last_;  // by entity
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint32_t> size_;
};

}  // namespace weft::bench
