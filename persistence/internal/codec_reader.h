#pragma once
// The codec's decoding primitive (persistence/internal/codec.h): a bounds-checked Reader of what
// codec_writer.h's Writer wrote, whose first failure names the record, the field and the byte
// offset. The per-field reads are inline; their error paths are in codec_reader.cc.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "model/time.h"
#include "persistence/internal/codec_writer.h"

namespace weft::codec::internal {

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
  Status Finish();

  bool ok() const { return ok_; }
  // What went wrong so far (OK when nothing did), for a reader that stops before the end.
  const Status& status() const { return status_; }

 private:
  // Varint past its one-byte fast path: any length, and the errors.
  [[gnu::noinline]] bool VarintLoop(const char* field, std::uint64_t& v);

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
  static std::int64_t UnZigZag(std::uint64_t u) {
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }

  // The error paths (codec_reader.cc): out of line, cold, and given numbers rather than built
  // messages, so the per-field reads that call them are small and forced inline. While they
  // built their messages in place, View, PartView and Count were called, not inlined: decoding
  // alert summaries and entity records took 20-35% longer (weft_codec_bench,
  // docs/benchmarks.md round 20).
  [[gnu::noinline, gnu::cold]] bool LiteralTooLong(const char* field, std::size_t start,
                                                   std::uint64_t n);
  [[gnu::noinline, gnu::cold]] bool CountTooLarge(const char* field, std::size_t start,
                                                  std::uint64_t n);
  [[gnu::noinline, gnu::cold]] bool EnumOutOfRange(const char* field, std::size_t start,
                                                   std::uint8_t value, std::uint8_t max);
  [[gnu::noinline, gnu::cold]] bool BadPart(const char* field, std::size_t start,
                                            std::uint64_t form, std::uint64_t n, std::size_t whole);
  [[gnu::noinline, gnu::cold]] std::uint8_t VersionUnknown(std::uint8_t v, std::uint8_t oldest,
                                                           std::uint8_t newest);
  [[gnu::noinline, gnu::cold]] bool Truncated(const char* field);
  bool Garbled(const char* field, std::size_t at, const std::string& what);
  [[gnu::noinline, gnu::cold]] bool Fail(const char* field, std::size_t at,
                                         const std::string& what);

  std::string_view data_;
  std::string_view record_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  Status status_;
};

}  // namespace weft::codec::internal
