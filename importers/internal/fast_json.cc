#include "importers/internal/fast_json.h"

#include <simdjson.h>

namespace weft::importers {
namespace {

// A parser keeps buffers sized for the largest text it parsed; drop them after a big one.
constexpr std::size_t kKeepCapacity = 8u << 20;

Json Convert(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      Json out = Json::object();
      Json::object_t& members = out.get_ref<Json::object_t&>();
      simdjson::dom::object object;
      if (e.get(object) != simdjson::SUCCESS) return out;
      // Later duplicates replace earlier ones, as in nlohmann's parser.
      for (simdjson::dom::key_value_pair kv : object)
        members[std::string(kv.key)] = Convert(kv.value);
      return out;
    }
    case simdjson::dom::element_type::ARRAY: {
      Json out = Json::array();
      Json::array_t& items = out.get_ref<Json::array_t&>();
      simdjson::dom::array array;
      if (e.get(array) != simdjson::SUCCESS) return out;
      items.reserve(array.size());
      for (simdjson::dom::element item : array) items.push_back(Convert(item));
      return out;
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view s;
      if (e.get(s) != simdjson::SUCCESS) return Json();  // cannot happen: the type is string
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

}  // namespace

Json ParseJson(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::error_code error =
      parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root);
  if (error == simdjson::SUCCESS) {
    Json out = Convert(root);
    if (parser.capacity() > kKeepCapacity) parser = simdjson::dom::parser();
    return out;
  }
  if (parser.capacity() > kKeepCapacity) parser = simdjson::dom::parser();
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace weft::importers
