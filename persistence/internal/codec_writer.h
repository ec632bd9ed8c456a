#pragma once
// The codec's encoding primitive (persistence/internal/codec.h): a Writer that appends varints,
// strings, enums and lists to a record. Private to the codec; codec_reader.h reads what it
// writes.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"

namespace weft::codec::internal {

// The forms of Writer::Part.
inline constexpr std::uint64_t kSuffix = 1;
inline constexpr std::uint64_t kPrefix = 2;

// Appends to `out` through a cursor into bytes it has already sized: a field is written with
// a store and a pointer increment, where std::string's push_back and append checked capacity,
// stored a terminator and called memmove for every few bytes (encoding a batch was a third of
// the committer's time, half of it in those calls; docs/benchmarks.md, round 21). `out` has its
// true size again when the Writer is destroyed; nothing else may touch it meanwhile.
class Writer {
 public:
  explicit Writer(std::string& out)
      : out_(out), begin_size_(out.size()), cursor_(out.data() + out.size()), end_(cursor_) {}
  ~Writer() { out_.resize(static_cast<std::size_t>(cursor_ - out_.data())); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Byte(std::uint8_t v) {
    Room(1);
    *cursor_++ = static_cast<char>(v);
  }
  void Varint(std::uint64_t v) {
    Room(kMaxVarint);
    while (v >= 0x80) {
      *cursor_++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *cursor_++ = static_cast<char>(v);
  }
  void Int(std::int64_t v) { Varint(ZigZag(v)); }
  // kNoTime (INT64_MIN) zig-zags to UINT64_MAX; +1 wraps it to 0, a one-byte varint.
  void Time(Timestamp t) { Varint(ZigZag(t) + 1); }
  template <typename E>
  void Enum(E v) {
    Byte(static_cast<std::uint8_t>(v));
  }
  void Str(std::string_view s) {
    Varint(s.size());
    Bytes(s);
  }
  // A string that is often part of `whole` (the key its record is stored under, or its entity's
  // key): varint (size << 2 | form), where form 1 means "the last size bytes of whole", 2 "the
  // first size bytes", and 0 "the bytes follow". A value then need not repeat its key.
  void Part(std::string_view s, std::string_view whole) {
    if (!s.empty() && s.size() <= whole.size()) {
      // The end bytes first: most strings that are not a part differ there.
      if (s.back() == whole.back() && whole.substr(whole.size() - s.size()) == s)
        return Varint(s.size() << 2 | kSuffix);
      if (s.front() == whole.front() && whole.substr(0, s.size()) == s)
        return Varint(s.size() << 2 | kPrefix);
    }
    Varint(s.size() << 2);
    Bytes(s);
  }
  void Strs(const std::vector<std::string>& v) {
    Varint(v.size());
    for (const std::string& s : v) Str(s);
  }
  // A flag byte, then the strings: without `prefix` (flag 1) when every one begins with it,
  // else whole (flag 0).
  void StrsUnder(std::string_view prefix, const std::vector<std::string>& v) {
    const bool under = std::all_of(v.begin(), v.end(), [&](const std::string& s) {
      return std::string_view(s).starts_with(prefix);
    });
    Byte(under ? 1 : 0);
    Varint(v.size());
    for (const std::string& s : v) Str(std::string_view(s).substr(under ? prefix.size() : 0));
  }
  template <typename E>
  void Enums(const std::vector<E>& v) {
    Varint(v.size());
    for (E e : v) Enum(e);
  }
  void Map(const std::map<std::string, std::string>& m) {
    Varint(m.size());
    for (const auto& [k, v] : m) {
      Str(k);
      Str(v);
    }
  }

 private:
  static constexpr std::size_t kMaxVarint = 10;

  // The bytes of `s`. Strings up to 16 bytes (most: kinds, types, short names) are copied as two
  // overlapping fixed-size moves, which compile to loads and stores. Longer ones go to memcpy:
  // moving keys of up to 64 bytes in 16-byte steps measured no faster (round 21).
  void Bytes(std::string_view s) {
    const std::size_t n = s.size();
    Room(n);
    const char* from = s.data();
    if (n >= 8 && n <= 16) {
      std::memcpy(cursor_, from, 8);
      std::memcpy(cursor_ + n - 8, from + n - 8, 8);
    } else if (n >= 4 && n < 8) {
      std::memcpy(cursor_, from, 4);
      std::memcpy(cursor_ + n - 4, from + n - 4, 4);
    } else if (n < 4) {
      for (std::size_t i = 0; i < n; ++i) cursor_[i] = from[i];
    } else {
      std::memcpy(cursor_, from, n);
    }
    cursor_ += n;
  }
  void Room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cursor_) < n) [[unlikely]]
      Grow(n);
  }
  // Sizes `out` for at least `n` more bytes (doubling), keeping what is written. The bytes past
  // the cursor are scratch until the destructor trims them.
  [[gnu::noinline]] void Grow(std::size_t n) {
    const auto used = static_cast<std::size_t>(cursor_ - out_.data());
    out_.resize(std::max({used + n, 2 * out_.size(), begin_size_ + 256}));
    cursor_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  static std::uint64_t ZigZag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  }

  std::string& out_;
  std::size_t begin_size_;
  char* cursor_;
  char* end_;
};

}  // namespace weft::codec::internal
