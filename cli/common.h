#pragma once
// Helpers shared by the subcommands: opening the store, reading a correlation config file,
// printing errors. CLI wiring only: no correlation logic lives here.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/correlation_config.h"
#include "graph/graph_store.h"
#include "model/status.h"

namespace weft::cli {

inline constexpr const char* kDefaultDb = "./weft.db";

// Opens the embedded store in `dir` (created when missing unless read_only).
Result<std::unique_ptr<GraphStore>> OpenStore(const std::string& dir, bool read_only);

// Reads a JSON correlation config file, e.g.
//   {"window": "24h", "hub": {"floor": 12, "share": 0.002}, "kinds": ["device", "user"],
//    "stop_list": ["ip:10.0.0.1"], "private_ips": false}
// "window" may be "off"; "hub" may be {"absolute": 1000}; "kinds" may be "all". Unset fields
// keep their defaults. InvalidArgument names the file and the field.
Result<CorrelationConfig> LoadConfigFile(const std::string& path);
// The same from a JSON text (for --sweep variations and tests).
Result<CorrelationConfig> ParseConfigJson(const std::string& text, const std::string& origin);
// An alert-type grouping width (CorrelationConfig::type_window): a positive duration such as
// "10m", or "off" (an empty inner optional). nullopt when `text` is neither.
std::optional<std::optional<Timestamp>> ParseTypeWindow(std::string_view text);

// Prints "weft: <message>" to stderr.
void PrintError(const Status& status);

}  // namespace weft::cli
