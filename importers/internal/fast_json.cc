#include "importers/internal/fast_json.h"

#include <simdjson.h>

#include <cstring>
#include <string>

namespace weft::importers {
namespace {

// A parser keeps buffers sized for the largest text it parsed; drop them after a big one.
constexpr std::size_t kKeepCapacity = 8u << 20;

Status StringTooLong(std::size_t length, const JsonLimits& limits) {
  return Status::InvalidArgument("a string value of " + std::to_string(length) +
                                 " bytes exceeds the field limit of " +
                                 std::to_string(limits.max_string_bytes));
}

Status TooDeep(const JsonLimits& limits) {
  return Status::InvalidArgument("nesting deeper than " + std::to_string(limits.max_depth) +
                                 " levels");
}

// Copies a simdjson value into an nlohmann one and checks the limits on the way: the first
// exceeded one is kept in `error` and the copy stops there.
class Converter {
 public:
  explicit Converter(const JsonLimits* limits) : limits_(limits) {}

  Json Convert(simdjson::dom::element e, int depth) {
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT: {
        if (!Enter(depth)) return Json();
        Json out = Json::object();
        Json::object_t& members = out.get_ref<Json::object_t&>();
        simdjson::dom::object object;
        if (e.get(object) != simdjson::SUCCESS) return out;
        for (simdjson::dom::key_value_pair kv : object) {
          if (!Fits(kv.key)) return out;
          Json value = Convert(kv.value, depth + 1);
          if (!error.ok()) return out;
          // Later duplicates replace earlier ones, as in nlohmann's parser.
          members.insert_or_assign(std::string(kv.key), std::move(value));
        }
        return out;
      }
      case simdjson::dom::element_type::ARRAY: {
        if (!Enter(depth)) return Json();
        Json out = Json::array();
        Json::array_t& items = out.get_ref<Json::array_t&>();
        simdjson::dom::array array;
        if (e.get(array) != simdjson::SUCCESS) return out;
        items.reserve(array.size());
        for (simdjson::dom::element item : array) {
          items.push_back(Convert(item, depth + 1));
          if (!error.ok()) return out;
        }
        return out;
      }
      case simdjson::dom::element_type::STRING: {
        std::string_view s;
        if (e.get(s) != simdjson::SUCCESS) return Json();  // cannot happen: the type is string
        if (!Fits(s)) return Json();
        return Json(std::string(s));
      }
      case simdjson::dom::element_type::INT64: {
        // nlohmann stores an integer without a minus sign as unsigned.
        const std::int64_t v = e.get_int64().value_unsafe();
        return v >= 0 ? Json(static_cast<std::uint64_t>(v)) : Json(v);
      }
      case simdjson::dom::element_type::UINT64: return Json(e.get_uint64().value_unsafe());
      case simdjson::dom::element_type::DOUBLE: return Json(e.get_double().value_unsafe());
      case simdjson::dom::element_type::BOOL: return Json(e.get_bool().value_unsafe());
      case simdjson::dom::element_type::NULL_VALUE: return Json(nullptr);
    }
    return Json();
  }

  Status error;

 private:
  // An object or array at `depth` (the outermost value is at 0) opens level depth + 1.
  bool Enter(int depth) {
    if (limits_ == nullptr || depth < limits_->max_depth) return true;
    error = TooDeep(*limits_);
    return false;
  }
  // simdjson hands strings decoded; a decoded string is never longer than it was written, and
  // one within the limit decoded is accepted.
  bool Fits(std::string_view s) {
    if (limits_ == nullptr || s.size() <= limits_->max_string_bytes) return true;
    error = StringTooLong(s.size(), *limits_);
    return false;
  }

  const JsonLimits* limits_;
};

// simdjson's parse of `text`, converted; nullopt when simdjson refuses the text.
std::optional<Result<Json>> ParseFast(std::string_view text, const JsonLimits* limits) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::error_code error =
      parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root);
  std::optional<Result<Json>> out;
  if (error == simdjson::SUCCESS) {
    Converter converter(limits);
    Json json = converter.Convert(root, 0);
    out.emplace(converter.error.ok() ? Result<Json>(std::move(json))
                                     : Result<Json>(std::move(converter.error)));
  }
  if (parser.capacity() > kKeepCapacity) parser = simdjson::dom::parser();
  return out;
}

}  // namespace

Status CheckJsonLimits(std::string_view text, const JsonLimits& limits) {
  int depth = 0;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin; p < end; ++p) {
    const char c = *p;
    if (c == '"') {
      // The quote ends the string unless an odd number of backslashes precedes it.
      const char* q = p + 1;
      while (true) {
        q = static_cast<const char*>(std::memchr(q, '"', static_cast<std::size_t>(end - q)));
        if (q == nullptr) return Status::Ok();  // unterminated string: the parser reports it
        std::size_t backslashes = 0;
        for (const char* b = q - 1; b > p && *b == '\\'; --b) ++backslashes;
        if (backslashes % 2 == 0) break;
        ++q;
      }
      const auto length = static_cast<std::size_t>(q - p - 1);
      if (length > limits.max_string_bytes) return StringTooLong(length, limits);
      p = q;
    } else if (c == '{' || c == '[') {
      if (++depth > limits.max_depth) return TooDeep(limits);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return Status::Ok();
}

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (std::optional<Result<Json>> fast = ParseFast(text, &limits)) return std::move(*fast);
  WEFT_RETURN_IF_ERROR(CheckJsonLimits(text, limits));
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

Json ParseJson(std::string_view text) {
  if (std::optional<Result<Json>> fast = ParseFast(text, nullptr)) return std::move(**fast);
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace weft::importers
