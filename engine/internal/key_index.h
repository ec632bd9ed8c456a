#pragma once
// KeyIndex: a key -> the dense 32-bit id of a record that already stores that key, in eight bytes
// a slot: the id and 32 bits of its key's hash. The table hashes and compares keys through
// `KeyOf` (for the engine, its alert table). A map from std::string_view to the id cost 24
// bytes a slot: 40 MB of the 1M-alert engine, 320 MB at 10M. Ids alone (four bytes) made every
// growth re-read every key through KeyOf to rehash it, a cache miss per alert: 6% of the
// durable stage's engine thread (docs/benchmarks.md, round 22). With the hash beside the id a
// rehash reads the slots alone, and a probe reads a candidate's key only when its hash matches.
// Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "engine/internal/huge_pages.h"

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"

namespace weft::internal {

// KeyOf: a copyable functor, Key operator()(std::uint32_t id) const, whose answer for an id never
// changes while the id is in the index. Key: a cheap view type (std::string_view, or a struct of
// views) with operator== and absl hashing.
template <typename KeyOf>
class KeyIndex {
 public:
  using Key = std::invoke_result_t<const KeyOf&, std::uint32_t>;
  static constexpr std::uint32_t kNotFound = UINT32_MAX;

  explicit KeyIndex(KeyOf key_of) : slots_(0, Hash{}, Eq{key_of}) {}

  // The id whose key is `key`, or kNotFound.
  std::uint32_t Find(const Key& key) const {
    auto it = slots_.find(Probe{key, HashOf(key)});
    return it == slots_.end() ? kNotFound : it->id;
  }
  // Brings the table entry of `key` into the cache (before a Find or an Insert of it).
  void Prefetch(const Key& key) const { slots_.prefetch(Probe{key, HashOf(key)}); }
  // Adds `id` under its key; false (and nothing changes) when another id has that key.
  bool Insert(std::uint32_t id) {
    const Eq& eq = slots_.key_eq();
    return slots_.insert(Slot{id, HashOf(eq.key_of(id))}).second;
  }
  void Reserve(std::size_t n) { slots_.reserve(n); }
  std::size_t size() const { return slots_.size(); }

 private:
  struct Slot {
    std::uint32_t id;
    std::uint32_t hash;
  };
  struct Probe {  // a key looked up, with its hash
    const Key& key;
    std::uint32_t hash;
  };
  static std::uint32_t HashOf(const Key& key) {
    return static_cast<std::uint32_t>(absl::HashOf(key));
  }
  struct Hash {
    using is_transparent = void;
    // The table takes a slot's position from the high bits of the hash and its tag from the
    // low seven: the stored 32 bits are spread over 64 by an odd multiplier, so tables beyond
    // 2^25 slots still use every position.
    static std::size_t Spread(std::uint32_t h) { return h * 0x9e3779b97f4a7c15ull; }
    std::size_t operator()(const Slot& s) const { return Spread(s.hash); }
    std::size_t operator()(const Probe& p) const { return Spread(p.hash); }
  };
  struct Eq {
    using is_transparent = void;
    KeyOf key_of;
    bool operator()(const Slot& a, const Slot& b) const {
      return a.id == b.id || (a.hash == b.hash && key_of(a.id) == key_of(b.id));
    }
    bool operator()(const Slot& s, const Probe& p) const {
      return s.hash == p.hash && key_of(s.id) == p.key;
    }
    bool operator()(const Probe& p, const Slot& s) const { return (*this)(s, p); }
  };

  absl::flat_hash_set<Slot, Hash, Eq, HugePageAllocator<Slot>> slots_;
};

}  // namespace weft::internal
