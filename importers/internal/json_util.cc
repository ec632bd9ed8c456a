#include "importers/internal/json_util.h"

#include "importers/internal/fast_json.h"

namespace weft::importers {

const Json* Member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* Path(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* cur = &j;
  for (std::string_view k : keys) {
    cur = Member(*cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string Str(const Json* j) {
  if (j == nullptr) return "";
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number_integer()) return std::to_string(j->get<long long>());
  if (j->is_number_unsigned()) return std::to_string(j->get<unsigned long long>());
  if (j->is_number_float()) {
    std::string s = j->dump();
    return s;
  }
  if (j->is_boolean()) return j->get<bool>() ? "true" : "false";
  return "";
}

std::string Str(const Json& j, std::string_view key) { return Str(Member(j, key)); }

std::string Str(const Json& j, std::initializer_list<std::string_view> path) {
  return Str(Path(j, path));
}

std::string FirstStr(const Json& j, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    std::string v = Str(j, k);
    if (!v.empty()) return v;
  }
  return "";
}

Timestamp Time(const Json* j) {
  if (j == nullptr) return kNoTime;
  if (j->is_number()) {
    const double v = j->get<double>();
    return v > 1e11 ? static_cast<Timestamp>(v) : static_cast<Timestamp>(v * 1000.0);
  }
  if (!j->is_string()) return kNoTime;
  std::optional<Timestamp> t = ParseTimestamp(j->get<std::string_view>());
  return t ? *t : kNoTime;
}

Timestamp Time(const Json& j, std::string_view key) { return Time(Member(j, key)); }

const Json& MaybeEmbeddedJson(const Json& j, std::string_view key, JsonDocument& embedded) {
  static const Json kNull;
  const Json* m = Member(j, key);
  if (m == nullptr) return kNull;
  if (!m->is_string()) return *m;
  embedded = ParseJson(m->get<std::string_view>());
  return embedded.root().is_discarded() ? kNull : embedded.root();
}

}  // namespace weft::importers
