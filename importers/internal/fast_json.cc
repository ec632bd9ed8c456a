#include "importers/internal/fast_json.h"

#include <simdjson.h>

#include <cstring>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "importers/internal/json_builder.h"

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

// Lays a simdjson value out in a JsonBuilder and checks the limits on the way: the first exceeded
// one is kept in `error` and the copy stops there.
class SimdjsonCopy {
 public:
  SimdjsonCopy(JsonBuilder& out, const JsonLimits* limits) : out_(out), limits_(limits) {}

  void Fill(std::size_t i, simdjson::dom::element e, int depth) {
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT: {
        if (!Enter(depth)) return;
        const simdjson::dom::object object = e.get_object().value_unsafe();
        std::size_t member = out_.MakeObject(i, object.size());
        for (simdjson::dom::key_value_pair kv : object) {
          if (!Fits(kv.key)) return;
          out_.SetKey(member, kv.key);
          Fill(member++, kv.value, depth + 1);
          if (!error.ok()) return;
        }
        return;
      }
      case simdjson::dom::element_type::ARRAY: {
        if (!Enter(depth)) return;
        const simdjson::dom::array array = e.get_array().value_unsafe();
        std::size_t item = out_.MakeArray(i, array.size());
        for (simdjson::dom::element v : array) {
          Fill(item++, v, depth + 1);
          if (!error.ok()) return;
        }
        return;
      }
      case simdjson::dom::element_type::STRING: {
        const std::string_view s = e.get_string().value_unsafe();
        if (Fits(s)) out_.SetString(i, s);
        return;
      }
      case simdjson::dom::element_type::INT64: {
        // nlohmann stores an integer without a minus sign as unsigned.
        const std::int64_t v = e.get_int64().value_unsafe();
        if (v >= 0) {
          out_.SetUint(i, static_cast<std::uint64_t>(v));
        } else {
          out_.SetInt(i, v);
        }
        return;
      }
      case simdjson::dom::element_type::UINT64:
        out_.SetUint(i, e.get_uint64().value_unsafe());
        return;
      case simdjson::dom::element_type::DOUBLE:
        out_.SetDouble(i, e.get_double().value_unsafe());
        return;
      case simdjson::dom::element_type::BOOL: out_.SetBool(i, e.get_bool().value_unsafe()); return;
      case simdjson::dom::element_type::NULL_VALUE: return;
    }
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

  JsonBuilder& out_;
  const JsonLimits* limits_;
};

// The bytes of every string and member name in `j`.
std::size_t StringBytes(const nlohmann::json& j) {
  std::size_t n = 0;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) n += it.key().size() + StringBytes(it.value());
  } else if (j.is_array()) {
    for (const nlohmann::json& v : j) n += StringBytes(v);
  } else if (j.is_string()) {
    n += j.get_ref<const std::string&>().size();
  }
  return n;
}

// Lays out what nlohmann's parser made of a text simdjson refused.
void FillFromNlohmann(JsonBuilder& out, std::size_t i, const nlohmann::json& j) {
  if (j.is_object()) {
    std::size_t member = out.MakeObject(i, j.size());
    for (auto it = j.begin(); it != j.end(); ++it) {
      out.SetKey(member, it.key());
      FillFromNlohmann(out, member++, it.value());
    }
  } else if (j.is_array()) {
    std::size_t item = out.MakeArray(i, j.size());
    for (const nlohmann::json& v : j) FillFromNlohmann(out, item++, v);
  } else if (j.is_string()) {
    out.SetString(i, j.get_ref<const std::string&>());
  } else if (j.is_boolean()) {
    out.SetBool(i, j.get<bool>());
  } else if (j.is_number_unsigned()) {
    out.SetUint(i, j.get<std::uint64_t>());
  } else if (j.is_number_integer()) {
    out.SetInt(i, j.get<std::int64_t>());
  } else if (j.is_number_float()) {
    out.SetDouble(i, j.get<double>());
  } else if (j.is_discarded()) {
    out.SetDiscarded(i);
  }
}

JsonDocument ParseSlow(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  JsonBuilder out(StringBytes(j));
  FillFromNlohmann(out, 0, j);
  return out.Finish();
}

// simdjson's parse of `text`, laid out; nullopt when simdjson refuses the text.
std::optional<Result<JsonDocument>> ParseFast(std::string_view text, const JsonLimits* limits) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::error_code error =
      parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root);
  std::optional<Result<JsonDocument>> out;
  if (error == simdjson::SUCCESS) {
    // Decoded strings and member names are never longer than the text that holds them. A value
    // takes 29 to 60 bytes of text in the sample records: room for text / 16 rarely grows.
    JsonBuilder builder(text.size(), text.size() / 16 + 1);
    SimdjsonCopy copy(builder, limits);
    copy.Fill(0, root, 0);
    if (copy.error.ok()) {
      out.emplace(builder.Finish());
    } else {
      out.emplace(std::move(copy.error));
    }
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

Result<JsonDocument> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (std::optional<Result<JsonDocument>> fast = ParseFast(text, &limits)) {
    return std::move(*fast);
  }
  WEFT_RETURN_IF_ERROR(CheckJsonLimits(text, limits));
  return ParseSlow(text);
}

JsonDocument ParseJson(std::string_view text) {
  if (std::optional<Result<JsonDocument>> fast = ParseFast(text, nullptr)) {
    return std::move(**fast);
  }
  return ParseSlow(text);
}

}  // namespace weft::importers
