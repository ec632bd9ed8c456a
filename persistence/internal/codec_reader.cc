#include "persistence/internal/codec_reader.h"

#include <string>

namespace weft::codec::internal {

Status Reader::Finish() {
  if (ok_ && pos_ != data_.size()) {
    Fail("end", pos_, "has " + std::to_string(data_.size() - pos_) + " trailing bytes");
  }
  return status_;
}

bool Reader::VarintLoop(const char* field, std::uint64_t& v) {
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

bool Reader::LiteralTooLong(const char* field, std::size_t start, std::uint64_t n) {
  return Fail(field, start,
              "is truncated: length " + std::to_string(n) + " exceeds the " +
                  std::to_string(data_.size() - pos_) + " bytes left");
}

bool Reader::CountTooLarge(const char* field, std::size_t start, std::uint64_t n) {
  return Fail(field, start,
              "is garbled or truncated: count " + std::to_string(n) + " exceeds the " +
                  std::to_string(data_.size() - pos_) + " bytes left");
}

bool Reader::EnumOutOfRange(const char* field, std::size_t start, std::uint8_t value,
                            std::uint8_t max) {
  return Garbled(field, start,
                 "enum value " + std::to_string(value) + " is out of range 0.." +
                     std::to_string(static_cast<int>(max)));
}

bool Reader::BadPart(const char* field, std::size_t start, std::uint64_t form, std::uint64_t n,
                     std::size_t whole) {
  if (form != kSuffix && form != kPrefix) {
    return Garbled(field, start, "string form " + std::to_string(form) + " is unknown");
  }
  return Garbled(
      field, start,
      "names " + std::to_string(n) + " bytes of a " + std::to_string(whole) + "-byte key");
}

std::uint8_t Reader::VersionUnknown(std::uint8_t v, std::uint8_t oldest, std::uint8_t newest) {
  const std::string reads = oldest == newest
                                ? std::to_string(newest)
                                : std::to_string(oldest) + " to " + std::to_string(newest);
  Fail("version", 0, "is " + std::to_string(v) + ", this build reads " + reads);
  return 0;
}

bool Reader::Truncated(const char* field) {
  return Fail(field, pos_, "is truncated: the record ends at byte " + std::to_string(data_.size()));
}

bool Reader::Garbled(const char* field, std::size_t at, const std::string& what) {
  return Fail(field, at, "is garbled: " + what);
}

bool Reader::Fail(const char* field, std::size_t at, const std::string& what) {
  if (ok_) {
    ok_ = false;
    status_ = Status::Corruption(std::string(record_) + " record (" + std::to_string(data_.size()) +
                                 " bytes): field '" + field + "' at byte " + std::to_string(at) +
                                 " " + what);
  }
  return false;
}

}  // namespace weft::codec::internal
