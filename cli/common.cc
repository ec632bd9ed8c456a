#include "cli/common.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "persistence/rocks_store.h"

namespace weft::cli {

Result<std::unique_ptr<GraphStore>> OpenStore(const std::string& dir, bool read_only) {
  RocksStoreOptions options;
  options.read_only = read_only;
  options.create_if_missing = !read_only;
  return OpenRocksStore(dir, options);
}

Result<CorrelationConfig> ParseConfigJson(const std::string& text, const std::string& origin) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(origin + ": not a JSON object");
  }
  CorrelationConfig c;
  auto bad = [&](const std::string& field, const std::string& why) {
    return Status::InvalidArgument(origin + ": field '" + field + "' " + why);
  };
  try {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      const json& v = it.value();
      if (k == "window") {
        if (!v.is_string()) return bad(k, "must be a duration like \"24h\" or \"off\"");
        bool off = false;
        std::optional<Timestamp> w = ParseDuration(v.get<std::string>(), &off);
        if (!w && !off) return bad(k, "is not a duration (e.g. 90m, 5h, 7d, off)");
        c.window = w;
      } else if (k == "hub") {
        if (v.is_number_unsigned()) {
          c.hub.absolute = v.get<std::size_t>();
          continue;
        }
        if (!v.is_object())
          return bad(k, "must be an object {\"floor\": N, \"share\": F} or {\"absolute\": N}");
        for (auto h = v.begin(); h != v.end(); ++h) {
          if (h.key() == "floor" && h.value().is_number_unsigned())
            c.hub.floor = h.value().get<std::size_t>();
          else if (h.key() == "share" && h.value().is_number())
            c.hub.share = h.value().get<double>();
          else if (h.key() == "absolute" && h.value().is_number_unsigned())
            c.hub.absolute = h.value().get<std::size_t>();
          else if (h.key() == "absolute" && h.value().is_string() && h.value() == "off")
            c.hub.absolute = SIZE_MAX;
          else
            return bad("hub." + h.key(), "is unknown or has the wrong type");
        }
      } else if (k == "kinds") {
        if (v.is_string() && v.get<std::string>() == "all") {
          c.kinds = std::set<EntityKind>(std::begin(kAllEntityKinds), std::end(kAllEntityKinds));
          continue;
        }
        if (!v.is_array()) return bad(k, "must be \"all\" or a list of entity kinds");
        c.kinds.clear();
        for (const json& kind : v) {
          std::optional<EntityKind> parsed =
              kind.is_string() ? ParseEntityKind(kind.get<std::string>()) : std::nullopt;
          if (!parsed) return bad(k, "names an unknown entity kind " + kind.dump());
          c.kinds.insert(*parsed);
        }
      } else if (k == "stop_list") {
        if (!v.is_array()) return bad(k, "must be a list of entity keys");
        for (const json& key : v) {
          if (!key.is_string()) return bad(k, "holds a non-string");
          Result<std::string> norm = NormalizeEntityKey(key.get<std::string>());
          if (!norm.ok()) return bad(k, norm.status().message());
          c.stop_list.insert(*norm);
        }
      } else if (k == "private_ips") {
        if (!v.is_boolean()) return bad(k, "must be true or false");
        c.private_ips_correlate = v.get<bool>();
      } else if (k == "type_window") {
        if (!v.is_string()) return bad(k, "must be a duration like \"1h\" or \"off\"");
        std::optional<std::optional<Timestamp>> w = ParseTypeWindow(v.get<std::string>());
        if (!w) return bad(k, "is not a positive duration (e.g. 10m, 1h, off)");
        c.type_window = *w;
      } else if (k == "type_sources") {
        if (!v.is_array()) return bad(k, "must be a list of source products");
        for (const json& source : v) {
          std::optional<SourceProduct> p =
              source.is_string() ? ParseSourceProduct(source.get<std::string>()) : std::nullopt;
          if (!p) return bad(k, "names an unknown source product " + source.dump());
          c.type_sources.insert(*p);
        }
      } else {
        return bad(k,
                   "is unknown (known: window, hub, kinds, stop_list, private_ips, type_window, "
                   "type_sources)");
      }
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument(origin + ": " + e.what());
  }
  return c;
}

std::optional<std::optional<Timestamp>> ParseTypeWindow(std::string_view text) {
  bool off = false;
  std::optional<Timestamp> w = ParseDuration(text, &off);
  if (off) return std::optional<std::optional<Timestamp>>(std::in_place);  // "off"
  if (!w || *w <= 0) return std::nullopt;
  return w;
}

Result<CorrelationConfig> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError("cannot open config file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfigJson(ss.str(), path);
}

void PrintError(const Status& status) { std::cerr << "weft: " << status.message() << "\n"; }

}  // namespace weft::cli
