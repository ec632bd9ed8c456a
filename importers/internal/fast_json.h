#pragma once
// JSON parsing for the importer hot path: simdjson validates and parses the text (several GB/s)
// and the result is copied into an nlohmann::json DOM, which the formats read. That is 2-4x
// faster than nlohmann's own parser (docs/importers.md, "Throughput"). Text simdjson refuses
// (a UTF-8 BOM, integers beyond 64 bits, anything it finds invalid) is handed to nlohmann's
// parser, so exactly the texts nlohmann accepts are accepted, with the same values. Private
// to importers/. Thread-safe: each thread uses its own simdjson parser.

#include <string_view>

#include "importers/internal/format.h"

namespace weft::importers {

// Parses `text` as one JSON value. Returns a discarded value (is_discarded()) when the text is
// not JSON. Never throws.
Json ParseJson(std::string_view text);

}  // namespace weft::importers
