#include "importers/internal/json_dom.h"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "importers/internal/json_builder.h"

namespace weft::importers {
namespace {

nlohmann::json ToNlohmann(const Json& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const Json& m : j) out[std::string(m.key())] = ToNlohmann(m);  // the last duplicate wins
    return out;
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const Json& v : j) out.push_back(ToNlohmann(v));
    return out;
  }
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number_float()) return j.get<double>();
  return nullptr;  // null, or discarded
}

}  // namespace

const Json& Json::operator[](std::size_t i) const {
  if (!is_array() || i >= count_) {
    throw JsonTypeError("item " + std::to_string(i) + " of " +
                        (is_array() ? "an array of " + std::to_string(count_) : TypeName()));
  }
  return children_[i];
}

const Json* Json::find(std::string_view key) const {
  if (!is_object()) return end();
  // From the last member back: of duplicate names the last counts. Names of one length mostly
  // differ in their first byte, so it is compared before memcmp is called (3-5% of parsing the
  // weft and GuardDuty formats).
  for (const Json* m = children_ + count_; m != children_;) {
    --m;
    if (m->key_size_ != key.size()) continue;
    if (key.empty() ||
        (m->key_[0] == key[0] && std::memcmp(m->key_, key.data(), key.size()) == 0)) {
      return m;
    }
  }
  return end();
}

std::string Json::dump() const { return ToNlohmann(*this).dump(); }

const char* Json::TypeName() const {
  switch (type_) {
    case Type::kNull: return "null";
    case Type::kDiscarded: return "discarded";
    case Type::kObject: return "object";
    case Type::kArray: return "array";
    case Type::kString: return "string";
    case Type::kBool: return "boolean";
    case Type::kInt:
    case Type::kUint:
    case Type::kDouble: return "number";
  }
  return "unknown";
}

void Json::ThrowTypeError(const char* wanted) const {
  throw JsonTypeError(std::string("type must be ") + wanted + ", but is " + TypeName());
}

JsonDocument::JsonDocument() : values_(1) {}

JsonDocument JsonDocument::StringObject(const std::vector<std::string>& names,
                                        const std::vector<std::string>& values) {
  std::size_t bytes = 0;
  for (const std::string& n : names) bytes += n.size();
  for (const std::string& v : values) bytes += v.size();
  JsonBuilder b(bytes);
  const std::size_t n = std::min(names.size(), values.size());
  const std::size_t first = b.MakeObject(0, n);
  for (std::size_t i = 0; i < n; ++i) {
    b.SetKey(first + i, names[i]);
    b.SetString(first + i, values[i]);
  }
  return b.Finish();
}

JsonBuilder::JsonBuilder(std::size_t string_bytes, std::size_t values) {
  doc_.values_.reserve(values);
  // Not value-initialised: every byte handed out is written first.
  doc_.strings_.reset(new char[string_bytes == 0 ? 1 : string_bytes]);
  next_ = doc_.strings_.get();
  limit_ = next_ + string_bytes;
}

std::size_t JsonBuilder::MakeContainer(std::size_t i, Json::Type type, std::size_t n) {
  if (n > UINT32_MAX) throw JsonTypeError("a JSON container of over 2^32 values");
  const std::size_t first = values().size();
  values().resize(first + n);
  Json& v = values()[i];
  v.type_ = type;
  v.count_ = static_cast<std::uint32_t>(n);
  v.uint_ = first;
  return first;
}

const char* JsonBuilder::Copy(std::string_view s) {
  if (s.size() > static_cast<std::size_t>(limit_ - next_) || s.size() > UINT32_MAX) {
    throw JsonTypeError("JSON strings exceed the space reserved for them");  // a caller's bug
  }
  char* out = next_;
  if (!s.empty()) std::memcpy(out, s.data(), s.size());
  next_ += s.size();
  return out;
}

void JsonBuilder::SetKey(std::size_t i, std::string_view key) {
  const char* k = Copy(key);
  Json& v = values()[i];
  v.key_ = k;
  v.key_size_ = static_cast<std::uint32_t>(key.size());
}

void JsonBuilder::SetString(std::size_t i, std::string_view s) {
  const char* p = Copy(s);
  Json& v = values()[i];
  v.type_ = Json::Type::kString;
  v.string_ = p;
  v.count_ = static_cast<std::uint32_t>(s.size());
}

void JsonBuilder::SetBool(std::size_t i, bool b) {
  values()[i].type_ = Json::Type::kBool;
  values()[i].bool_ = b;
}

void JsonBuilder::SetInt(std::size_t i, std::int64_t x) {
  values()[i].type_ = Json::Type::kInt;
  values()[i].int_ = x;
}

void JsonBuilder::SetUint(std::size_t i, std::uint64_t x) {
  values()[i].type_ = Json::Type::kUint;
  values()[i].uint_ = x;
}

void JsonBuilder::SetDouble(std::size_t i, double x) {
  values()[i].type_ = Json::Type::kDouble;
  values()[i].double_ = x;
}

void JsonBuilder::SetDiscarded(std::size_t i) { values()[i].type_ = Json::Type::kDiscarded; }

JsonDocument JsonBuilder::Finish() {
  Json* base = values().data();
  for (Json& v : values()) {
    if (v.is_structured()) v.children_ = base + v.uint_;
  }
  return std::move(doc_);
}

}  // namespace weft::importers
