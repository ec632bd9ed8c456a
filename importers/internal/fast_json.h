#pragma once
// JSON parsing for the importer hot path: simdjson validates and parses the text (several GB/s)
// and the result is laid out as a JsonDocument (json_dom.h), which the formats read. Text
// simdjson refuses (a UTF-8 BOM, integers beyond 64 bits, anything it finds invalid) is handed
// to nlohmann's parser, so exactly the texts nlohmann accepts are accepted, with the same values
// (docs/importers.md, "Throughput"). Private to importers/. Thread-safe: each thread uses its
// own simdjson parser.

#include <cstddef>
#include <string_view>

#include "importers/internal/json_dom.h"
#include "model/status.h"

namespace weft::importers {

// What one JSON text may hold; deeper or longer values make the whole text a reject.
struct JsonLimits {
  std::size_t max_string_bytes = 4 << 20;  // a longer string (value or member name)
  int max_depth = 64;                      // nested objects and arrays, the outermost being 1
};

// Parses `text` as one JSON value. An error names the limit the text exceeds; a discarded root
// (root().is_discarded()) means the text is not JSON. Never throws.
//
// The limits are checked while the document is laid out, which walks every string and level
// anyway; only text simdjson refuses is scanned for them first, before nlohmann's parser sees
// it. A string's length is that of its bytes as written, escapes included, on both paths.
Result<JsonDocument> ParseJson(std::string_view text, const JsonLimits& limits);

// The same, without limits beyond simdjson's own (an embedded JSON string of an accepted record).
JsonDocument ParseJson(std::string_view text);

// The limit `text` exceeds, scanned without parsing (OK when none). String bodies, most of the
// bytes, are skipped with memchr to the next quote.
Status CheckJsonLimits(std::string_view text, const JsonLimits& limits);

}  // namespace weft::importers
