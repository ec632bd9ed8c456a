#pragma once
// The codec's encoding primitive (persistence/internal/codec.h): a Writer that appends varints,
// strings, enums and lists to a record. Private to the codec; codec_reader.h reads what it
// writes.

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"

namespace weft::codec::internal {

// The forms of Writer::Part.
inline constexpr std::uint64_t kSuffix = 1;
inline constexpr std::uint64_t kPrefix = 2;

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void Byte(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  // Most varints are one byte (sizes, counts); longer ones are built on the stack and appended
  // once, not a byte at a time.
  void Varint(std::uint64_t v) {
    if (v < 0x80) return out_.push_back(static_cast<char>(v));
    char buf[10];
    std::size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
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
    out_.append(s.data(), s.size());
  }
  // A string that is often part of `whole` (the key its record is stored under, or its entity's
  // key): varint (size << 2 | form), where form 1 means "the last size bytes of whole", 2 "the
  // first size bytes", and 0 "the bytes follow". A value then need not repeat its key.
  void Part(std::string_view s, std::string_view whole) {
    if (!s.empty() && s.size() <= whole.size()) {
      if (whole.substr(whole.size() - s.size()) == s) return Varint(s.size() << 2 | kSuffix);
      if (whole.substr(0, s.size()) == s) return Varint(s.size() << 2 | kPrefix);
    }
    Varint(s.size() << 2);
    out_.append(s.data(), s.size());
  }
  void Strs(const std::vector<std::string>& v) {
    Varint(v.size());
    for (const std::string& s : v) Str(s);
  }
  // A flag byte, then the strings: without `prefix` (flag 1) when every one begins with it,
  // else whole (flag 0).
  void StrsUnder(std::string_view prefix, const std::vector<std::string>& v) {
    const bool under = std::all_of(v.begin(), v.end(), [&](const std::string& s) {
      return s.size() >= prefix.size() && std::string_view(s).substr(0, prefix.size()) == prefix;
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
  static std::uint64_t ZigZag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  }
  std::string& out_;
};

}  // namespace weft::codec::internal
