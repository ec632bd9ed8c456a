#pragma once
// StringArena: append-only storage for many short strings (alert keys, entity keys) that live
// as long as the engine. Strings are packed back to back in 2 MiB blocks, so each costs its
// bytes plus the 12-byte reference that points at it, instead of a std::string's 32 bytes plus a
// heap allocation. A stored string never moves: its string_view stays valid for the arena's
// lifetime. Nothing is ever freed individually. Not thread-safe.
//
// Blocks are left uninitialised (the strings overwrite them) and advised as huge pages
// (huge_pages.h). Zero-filled 1 MiB blocks of 4 KiB pages made 24k of the 53k page faults of a
// 1M-alert re-correlation (docs/benchmarks.md, round 13); page faults are dear on a VM.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

#include "engine/internal/huge_pages.h"

namespace weft::internal {

class StringArena {
 public:
  // A compact reference to a stored string.
  struct Ref {
    const char* data = nullptr;
    std::uint32_t size = 0;
    std::string_view view() const { return {data, size}; }
  };

  Ref Store(std::string_view s) {
    if (s.size() > kBlockSize / 4) {
      // Long strings get their own block, so a block is never mostly wasted.
      blocks_.emplace_back(static_cast<char*>(AllocateBytes(s.size())));
      std::memcpy(blocks_.back().get(), s.data(), s.size());
      bytes_ += s.size();
      return Ref{blocks_.back().get(), static_cast<std::uint32_t>(s.size())};
    }
    if (blocks_.empty() || used_ + s.size() > kBlockSize) {
      blocks_.emplace_back(static_cast<char*>(AllocateHuge(kBlockSize)));
      current_ = blocks_.back().get();
      used_ = 0;
    }
    char* at = current_ + used_;
    if (!s.empty()) std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    bytes_ += s.size();
    return Ref{at, static_cast<std::uint32_t>(s.size())};
  }

  std::size_t bytes() const { return bytes_; }

 private:
  static constexpr std::size_t kBlockSize = kHugePage;
  // Uninitialised bytes for a long string's own block; std::bad_alloc when out of memory.
  static void* AllocateBytes(std::size_t n) {
    void* p = std::malloc(n);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }

  std::vector<std::unique_ptr<char, FreeDeleter>> blocks_;
  char* current_ = nullptr;
  std::size_t used_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace weft::internal
