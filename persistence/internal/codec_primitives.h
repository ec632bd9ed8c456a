#pragma once
// The byte-level primitives of the codec (persistence/internal/codec.h): a Writer that appends
// varints, strings and enums, and a bounds-checked Reader whose first failure names the record,
// the field and the byte offset. Private to the codec; one header so codec.cc stays about the
// record layouts.

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "model/time.h"

namespace weft::codec::internal {

// ---- encoding

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

// ---- decoding

// Reads fields from a bounded byte range. The first failure is recorded (with the field being
// read and the byte offset) and every later read fails too, so decoders can read a whole record
// and check status() once.
class Reader {
 public:
  Reader(std::string_view data, std::string_view record) : data_(data), record_(record) {}

  bool Byte(const char* field, std::uint8_t& v) {
    if (!ok_) return false;
    if (pos_ >= data_.size()) return Truncated(field);
    v = static_cast<std::uint8_t>(data_[pos_++]);
    return true;
  }

  [[gnu::always_inline]] bool Varint(const char* field, std::uint64_t& v) {
    // Most varints (string sizes, counts) are one byte: read inline; the loop and its errors
    // stay out of line (Reader::Varint was 3% of a 1M re-correlation's samples).
    if (ok_ && pos_ < data_.size()) [[likely]] {
      const auto b = static_cast<std::uint8_t>(data_[pos_]);
      if (b < 0x80) [[likely]] {
        ++pos_;
        v = b;
        return true;
      }
    }
    return VarintLoop(field, v);
  }

  bool Int(const char* field, std::int64_t& v) {
    std::uint64_t u = 0;
    if (!Varint(field, u)) return false;
    v = UnZigZag(u);
    return true;
  }

  bool Time(const char* field, Timestamp& t) {
    std::uint64_t u = 0;
    if (!Varint(field, u)) return false;
    t = UnZigZag(u - 1);
    return true;
  }

  // An enum stored as one byte; values above `max` are garbage.
  template <typename E>
  bool Enum(const char* field, E& v, E max) {
    const std::size_t start = pos_;
    std::uint8_t b = 0;
    if (!Byte(field, b)) return false;
    if (b > static_cast<std::uint8_t>(max)) [[unlikely]] {
      return EnumOutOfRange(field, start, b, static_cast<std::uint8_t>(max));
    }
    v = static_cast<E>(b);
    return true;
  }

  bool Str(const char* field, std::string& s) {
    std::string_view v;
    if (!View(field, v)) return false;
    s.assign(v);
    return true;
  }

  // A list/map size. Every element takes at least one byte, so a count larger than the bytes
  // left is garbage (and must not drive a huge reserve()).
  [[gnu::always_inline]] bool Count(const char* field, std::size_t& n) {
    const std::size_t start = pos_;
    std::uint64_t v = 0;
    if (!Varint(field, v)) return false;
    if (v > data_.size() - pos_) [[unlikely]]
      return CountTooLarge(field, start, v);
    n = static_cast<std::size_t>(v);
    return true;
  }

  // A string as a view into the record (valid while the record's bytes are).
  [[gnu::always_inline]] bool View(const char* field, std::string_view& s) {
    const std::size_t start = pos_;
    std::uint64_t n = 0;
    return Varint(field, n) && Literal(field, start, n, s);
  }

  // What Writer::Part wrote, as a view into the record or into `whole`.
  [[gnu::always_inline]] bool PartView(const char* field, std::string_view whole,
                                       std::string_view& s) {
    const std::size_t start = pos_;
    std::uint64_t tag = 0;
    if (!Varint(field, tag)) return false;
    const std::uint64_t n = tag >> 2, form = tag & 3;
    if (form == 0) return Literal(field, start, n, s);
    if ((form != kSuffix && form != kPrefix) || n > whole.size()) [[unlikely]] {
      return BadPart(field, start, form, n, whole.size());
    }
    s = form == kSuffix ? whole.substr(whole.size() - n) : whole.substr(0, n);
    return true;
  }
  bool Part(const char* field, std::string_view whole, std::string& s) {
    std::string_view v;
    if (!PartView(field, whole, v)) return false;
    s.assign(v);
    return true;
  }

  // Skips `strings` strings, or a counted list of them.
  bool Skip(const char* field, std::size_t strings = 1) {
    std::string_view ignored;
    for (std::size_t i = 0; i < strings; ++i) {
      if (!View(field, ignored)) return false;
    }
    return true;
  }
  bool SkipStrs(const char* field, std::size_t per_element = 1) {
    std::size_t n = 0;
    return Count(field, n) && Skip(field, n * per_element);
  }
  bool SkipByte(const char* field) {
    std::uint8_t ignored = 0;
    return Byte(field, ignored);
  }
  bool SkipVarint(const char* field) {
    std::uint64_t ignored = 0;
    return Varint(field, ignored);
  }

  // Into `v`, reusing the strings it holds.
  bool Strs(const char* field, std::vector<std::string>& v) {
    std::size_t n = 0;
    if (!Count(field, n)) return false;
    v.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!Str(field, v[i])) return false;
    }
    return true;
  }

  // What Writer::StrsUnder wrote: the strings, with `prefix` put back when the flag says so
  // (each built once, at its full size).
  bool StrsUnder(const char* field, std::string_view prefix, std::vector<std::string>& v) {
    bool under = false;
    std::size_t n = 0;
    if (!Enum(field, under, true) || !Count(field, n)) return false;
    if (!under) prefix = {};
    v.clear();
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::string_view rest;
      if (!View(field, rest)) return false;
      std::string& s = v.emplace_back();
      s.reserve(prefix.size() + rest.size());
      s.append(prefix).append(rest);
    }
    return true;
  }

  // Into `m`, reusing its nodes and their strings (the writer wrote the keys in order, so each
  // goes in at the end).
  bool Map(const char* field, std::map<std::string, std::string>& m) {
    std::size_t n = 0;
    if (!Count(field, n)) return false;
    std::map<std::string, std::string> spare;
    spare.swap(m);
    for (std::size_t i = 0; i < n; ++i) {
      std::string_view k, v;
      if (!View(field, k) || !View(field, v)) return false;
      if (spare.empty()) {
        m.insert_or_assign(m.end(), std::string(k), std::string(v));
        continue;
      }
      auto node = spare.extract(spare.begin());
      node.key().assign(k);
      node.mapped().assign(v);
      const auto at = m.insert(m.end(), std::move(node));
      if (node) at->second.assign(v);  // a repeated key stays out: the last value wins, as before
    }
    return true;
  }

  // The record's version when it is one of `oldest`..`newest`; else 0 (and the reader fails).
  std::uint8_t Version(std::uint8_t oldest, std::uint8_t newest) {
    std::uint8_t v = 0;
    if (!Byte("version", v)) return 0;
    if (v < oldest || v > newest) [[unlikely]]
      return VersionUnknown(v, oldest, newest);
    return v;
  }

  template <typename E>
  bool Enums(const char* field, std::vector<E>& v, E max) {
    std::size_t n = 0;
    if (!Count(field, n)) return false;
    v.assign(n, E{});
    for (E& e : v) {
      if (!Enum(field, e, max)) return false;
    }
    return true;
  }

  // Call after the last field: trailing bytes mean the record is not what we think it is.
  Status Finish() {
    if (ok_ && pos_ != data_.size()) {
      Fail("end", pos_, "has " + std::to_string(data_.size() - pos_) + " trailing bytes");
    }
    return status_;
  }

  bool ok() const { return ok_; }
  // What went wrong so far (OK when nothing did), for a reader that stops before the end.
  const Status& status() const { return status_; }

 private:
  // Varint past its one-byte fast path: any length, and the errors.
  [[gnu::noinline]] bool VarintLoop(const char* field, std::uint64_t& v) {
    if (!ok_) return false;
    const std::size_t start = pos_;
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return Truncated(field);
      const auto b = static_cast<std::uint8_t>(data_[pos_++]);
      if (shift == 63 && b > 1) return Garbled(field, start, "varint overflows 64 bits");
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return Garbled(field, start, "varint longer than 10 bytes");
  }

  // The `n` bytes at the read position, whose length field began at `start`.
  [[gnu::always_inline]] bool Literal(const char* field, std::size_t start, std::uint64_t n,
                                      std::string_view& s) {
    if (n > data_.size() - pos_) [[unlikely]] {
      return LiteralTooLong(field, start, n);
    }
    s = std::string_view(data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  // The error paths: out of line, cold, and given numbers rather than built messages, so the
  // per-field reads that call them are small and forced inline. While they built their messages
  // in place, View, PartView and Count were called, not inlined: decoding alert summaries and
  // entity records took 20-35% longer (weft_codec_bench, docs/benchmarks.md round 20).
  [[gnu::noinline, gnu::cold]] bool LiteralTooLong(const char* field, std::size_t start,
                                                   std::uint64_t n) {
    return Fail(field, start,
                "is truncated: length " + std::to_string(n) + " exceeds the " +
                    std::to_string(data_.size() - pos_) + " bytes left");
  }
  [[gnu::noinline, gnu::cold]] bool CountTooLarge(const char* field, std::size_t start,
                                                  std::uint64_t n) {
    return Fail(field, start,
                "is garbled or truncated: count " + std::to_string(n) + " exceeds the " +
                    std::to_string(data_.size() - pos_) + " bytes left");
  }
  [[gnu::noinline, gnu::cold]] bool EnumOutOfRange(const char* field, std::size_t start,
                                                   std::uint8_t value, std::uint8_t max) {
    return Garbled(field, start,
                   "enum value " + std::to_string(value) + " is out of range 0.." +
                       std::to_string(static_cast<int>(max)));
  }
  [[gnu::noinline, gnu::cold]] bool BadPart(const char* field, std::size_t start,
                                            std::uint64_t form, std::uint64_t n,
                                            std::size_t whole) {
    if (form != kSuffix && form != kPrefix) {
      return Garbled(field, start, "string form " + std::to_string(form) + " is unknown");
    }
    return Garbled(
        field, start,
        "names " + std::to_string(n) + " bytes of a " + std::to_string(whole) + "-byte key");
  }
  [[gnu::noinline, gnu::cold]] std::uint8_t VersionUnknown(std::uint8_t v, std::uint8_t oldest,
                                                           std::uint8_t newest) {
    const std::string reads = oldest == newest
                                  ? std::to_string(newest)
                                  : std::to_string(oldest) + " to " + std::to_string(newest);
    Fail("version", 0, "is " + std::to_string(v) + ", this build reads " + reads);
    return 0;
  }
  static std::int64_t UnZigZag(std::uint64_t u) {
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  [[gnu::noinline, gnu::cold]] bool Truncated(const char* field) {
    return Fail(field, pos_,
                "is truncated: the record ends at byte " + std::to_string(data_.size()));
  }
  bool Garbled(const char* field, std::size_t at, const std::string& what) {
    return Fail(field, at, "is garbled: " + what);
  }
  [[gnu::noinline, gnu::cold]] bool Fail(const char* field, std::size_t at,
                                         const std::string& what) {
    if (ok_) {
      ok_ = false;
      status_ = Status::Corruption(std::string(record_) + " record (" +
                                   std::to_string(data_.size()) + " bytes): field '" + field +
                                   "' at byte " + std::to_string(at) + " " + what);
    }
    return false;
  }

  std::string_view data_;
  std::string_view record_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  Status status_;
};

}  // namespace weft::codec::internal
