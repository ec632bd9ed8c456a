#pragma once
// WeakIndex: a weak alias (its 64-bit hash) -> the entities that carry it, for the resolver's
// possible matches. Nearly every weak alias (a host name, an account name, a file name) names
// one entity, so that entity is held inline in the hash table's 16-byte slot; only aliases shared
// by several entities spill to a list. A map to std::vector per alias cost a 32-byte slot and a
// heap block for each of about a million aliases at 1M alerts. Entity ids must be below 2^31.
// Not thread-safe.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/internal/huge_pages.h"

namespace weft::internal {

class WeakIndex {
 public:
  using EntityId = std::uint32_t;

  // Adds `id` under `hash` unless it is there already (then returns false). Before adding, calls
  // `each_other(other)` for every entity already under `hash`.
  // Brings the table entry Add(hash, ...) and ForEach(hash, ...) read into the cache.
  void Prefetch(std::uint64_t hash) const { first_.prefetch(hash); }

  template <typename EachOther>
  bool Add(std::uint64_t hash, EntityId id, EachOther&& each_other) {
    auto [it, inserted] = first_.emplace(hash, id);
    if (inserted) return true;
    std::uint32_t& slot = it->second;
    if ((slot & kSpilled) == 0) {
      const EntityId only = slot;
      if (only == id) return false;
      each_other(only);
      slot = kSpilled | static_cast<std::uint32_t>(spills_.size());
      spills_.push_back({only, id});
      return true;
    }
    std::vector<EntityId>& list = spills_[slot & ~kSpilled];
    if (std::find(list.begin(), list.end(), id) != list.end()) return false;
    for (EntityId other : list) each_other(other);
    list.push_back(id);
    return true;
  }

  // Calls `f(id)` for every entity under `hash`.
  template <typename F>
  void ForEach(std::uint64_t hash, F&& f) const {
    auto it = first_.find(hash);
    if (it == first_.end()) return;
    if ((it->second & kSpilled) == 0) {
      f(it->second);
      return;
    }
    for (EntityId id : spills_[it->second & ~kSpilled]) f(id);
  }

 private:
  static constexpr std::uint32_t kSpilled = std::uint32_t{1} << 31;

  HugeHashMap<std::uint64_t, std::uint32_t> first_;  // the entity, or kSpilled | spills_ index
  std::vector<std::vector<EntityId>> spills_;
};

}  // namespace weft::internal
