#pragma once
// The JSON DOM the formats read: a read-only tree built in one pass over simdjson's parse, held
// in two flat buffers (the values, and the decoded strings) owned by a JsonDocument. Building it
// allocates nothing per value, which copying into nlohmann::json did for every member and string
// (that copy and its destruction were ~40% of parsing a record; docs/importers.md, "Throughput").
//
// Json offers the subset of nlohmann::json's reading API the formats use, with the same meaning
// (is_object, find/end, contains, size, get<T>, dump, range-for over items or members), so a
// format reads either the same way. Differences: members iterate in document order (nlohmann
// sorts them), and `Json*` "iterators" are plain pointers. Private to importers/.
//
// A Json is a view: it and every pointer or string it hands out are valid while its document
// lives (moving the document keeps them valid). A default-constructed Json is null.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace weft::importers {

// Thrown by Json::get<T> when the value is not of type T (a format then rejects the record).
class JsonTypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Json {
 public:
  Json() : uint_(0) {}

  bool is_null() const { return type_ == Type::kNull; }
  bool is_discarded() const { return type_ == Type::kDiscarded; }  // text that is not JSON
  bool is_object() const { return type_ == Type::kObject; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_structured() const { return is_object() || is_array(); }
  bool is_string() const { return type_ == Type::kString; }
  bool is_boolean() const { return type_ == Type::kBool; }
  bool is_number() const { return is_number_integer() || is_number_float(); }
  bool is_number_integer() const { return type_ == Type::kInt || type_ == Type::kUint; }
  bool is_number_unsigned() const { return type_ == Type::kUint; }
  bool is_number_float() const { return type_ == Type::kDouble; }

  // An array's items or an object's members (each with its key()), in document order; none for
  // a scalar. As nlohmann counts: null 0, a scalar 1, a container its items or members.
  const Json* begin() const { return is_structured() ? children_ : nullptr; }
  const Json* end() const { return is_structured() ? children_ + count_ : nullptr; }
  std::size_t size() const { return is_structured() ? count_ : is_null() ? 0 : 1; }
  bool empty() const { return size() == 0; }
  const Json& operator[](std::size_t i) const;  // item i of an array; throws when out of range
  const Json& front() const { return (*this)[0]; }
  const Json& back() const { return (*this)[size() - 1]; }

  // The member named `key` of an object, or end() (also for a non-object). Of duplicate names
  // the last is the one kept, as nlohmann's parser does.
  const Json* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != end(); }
  // A member's name ("" for an array item or a root). value() is the member itself.
  std::string_view key() const { return {key_, key_size_}; }
  const Json& value() const { return *this; }

  // The value as T: std::string or std::string_view (of a string), bool, or an arithmetic type
  // (of a number, converted as static_cast does). Throws JsonTypeError for any other type.
  template <typename T>
  T get() const {
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
      if (!is_string()) ThrowTypeError("string");
      return T(string_, count_);
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!is_boolean()) ThrowTypeError("boolean");
      return bool_;
    } else {
      static_assert(std::is_arithmetic_v<T>, "Json::get<T>: T is a string, bool or number");
      switch (type_) {
        case Type::kInt: return static_cast<T>(int_);
        case Type::kUint: return static_cast<T>(uint_);
        case Type::kDouble: return static_cast<T>(double_);
        default: ThrowTypeError("number");
      }
    }
  }

  // Compact JSON text, with an object's members sorted by name and numbers printed as
  // nlohmann::json prints them (what reject reports and Str() of a float show).
  std::string dump() const;

 private:
  friend class JsonBuilder;

  enum class Type : std::uint8_t {
    kNull,
    kDiscarded,
    kObject,
    kArray,
    kString,
    kBool,
    kInt,
    kUint,
    kDouble
  };

  [[noreturn]] void ThrowTypeError(const char* wanted) const;
  const char* TypeName() const;

  Type type_ = Type::kNull;
  std::uint32_t count_ = 0;  // items or members of a container; bytes of a string
  std::uint32_t key_size_ = 0;
  const char* key_ = nullptr;
  union {
    const Json* children_;  // a container's, consecutive
    const char* string_;
    std::int64_t int_;
    std::uint64_t uint_;  // also a container's first child's index while it is built
    double double_;
    bool bool_;
  };
};

// The values of one parsed text, and the strings they point into. Move-only.
class JsonDocument {
 public:
  JsonDocument();  // a document holding null
  JsonDocument(JsonDocument&&) noexcept = default;
  JsonDocument& operator=(JsonDocument&&) noexcept = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  const Json& root() const { return values_.front(); }

  // A document holding one object of string members, in the given order (a CSV row).
  static JsonDocument StringObject(const std::vector<std::string>& names,
                                   const std::vector<std::string>& values);

 private:
  friend class JsonBuilder;

  std::vector<Json> values_;         // values_[0] is the root
  std::unique_ptr<char[]> strings_;  // decoded strings and member names, never reallocated
};

}  // namespace weft::importers
