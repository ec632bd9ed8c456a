#pragma once
// Builds a JsonDocument value by value: each container's items or members are made in one
// consecutive run, then filled. Private to importers/ (fast_json.cc and json_dom.cc).

#include <cstddef>
#include <string_view>

#include "importers/internal/json_dom.h"

namespace weft::importers {

class JsonBuilder {
 public:
  // A document whose strings and member names total at most `string_bytes`, with room for
  // `values` values before it grows; its root is value 0, null until set.
  explicit JsonBuilder(std::size_t string_bytes, std::size_t values = 1);

  // Makes value `i` an object or array of `n` values, null until set, and returns the index of
  // the first; the others follow it. Indices stay valid; references to values do not.
  std::size_t MakeObject(std::size_t i, std::size_t n) {
    return MakeContainer(i, Json::Type::kObject, n);
  }
  std::size_t MakeArray(std::size_t i, std::size_t n) {
    return MakeContainer(i, Json::Type::kArray, n);
  }

  void SetKey(std::size_t i, std::string_view key);
  void SetString(std::size_t i, std::string_view s);
  void SetBool(std::size_t i, bool b);
  void SetInt(std::size_t i, std::int64_t v);
  void SetUint(std::size_t i, std::uint64_t v);
  void SetDouble(std::size_t i, double v);
  void SetDiscarded(std::size_t i);

  // The document, its containers pointing at their values. The builder is spent.
  JsonDocument Finish();

 private:
  std::vector<Json>& values() { return doc_.values_; }
  std::size_t MakeContainer(std::size_t i, Json::Type type, std::size_t n);
  const char* Copy(std::string_view s);

  JsonDocument doc_;
  char* next_ = nullptr;
  char* limit_ = nullptr;
};

}  // namespace weft::importers
