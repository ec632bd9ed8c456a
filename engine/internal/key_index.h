#pragma once
// KeyIndex: a key -> the dense 32-bit id of a record that already stores that key, in four bytes
// a slot. The table holds ids only; it hashes and compares their keys through `KeyOf` (for
// the engine, its alert table). A map from std::string_view to the id cost 24 bytes a slot:
// 40 MB of the 1M-alert engine, 320 MB at 10M. A lookup whose hash tag matches reads the
// candidate's key through the table, one more memory access than a map holding the view.
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
// views) with operator== and absl hashing, not constructible from an integer.
template <typename KeyOf>
class KeyIndex {
 public:
  using Key = std::invoke_result_t<const KeyOf&, std::uint32_t>;
  static constexpr std::uint32_t kNotFound = UINT32_MAX;

  explicit KeyIndex(KeyOf key_of) : ids_(0, Hash{key_of}, Eq{key_of}) {}

  // The id whose key is `key`, or kNotFound.
  std::uint32_t Find(const Key& key) const {
    auto it = ids_.find(key);
    return it == ids_.end() ? kNotFound : *it;
  }
  // Brings the table entry of `key` into the cache (before a Find or an Insert of it).
  void Prefetch(const Key& key) const { ids_.prefetch(key); }
  // Adds `id` under its key; false (and nothing changes) when another id has that key.
  bool Insert(std::uint32_t id) { return ids_.insert(id).second; }
  void Reserve(std::size_t n) { ids_.reserve(n); }
  std::size_t size() const { return ids_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    KeyOf key_of;
    std::size_t operator()(const Key& key) const { return absl::HashOf(key); }
    std::size_t operator()(std::uint32_t id) const { return absl::HashOf(key_of(id)); }
  };
  struct Eq {
    using is_transparent = void;
    KeyOf key_of;
    bool operator()(std::uint32_t a, std::uint32_t b) const {
      return a == b || key_of(a) == key_of(b);
    }
    bool operator()(std::uint32_t id, const Key& key) const { return key_of(id) == key; }
    bool operator()(const Key& key, std::uint32_t id) const { return key_of(id) == key; }
  };

  absl::flat_hash_set<std::uint32_t, Hash, Eq, HugePageAllocator<std::uint32_t>> ids_;
};

}  // namespace weft::internal
