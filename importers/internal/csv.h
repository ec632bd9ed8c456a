#pragma once
// RFC 4180 CSV line splitting. Private to importers/.

#include <string>
#include <string_view>
#include <vector>

namespace weft::importers {

// Splits one CSV record (which may contain newlines inside quotes) into unquoted fields.
std::vector<std::string> SplitCsvLine(std::string_view line);
// True when `line` ends inside a quoted field (the record continues on the next line).
bool HasOpenQuote(std::string_view line);

}  // namespace weft::importers
