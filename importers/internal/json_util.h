#pragma once
// Small helpers for reading loosely typed JSON fields safely. Private to importers/.

#include <optional>
#include <string>
#include <string_view>

#include "importers/internal/format.h"
#include "model/time.h"

namespace weft::importers {

// The member `key` of `j` if `j` is an object that has it and it is not null; else nullptr.
const Json* Member(const Json& j, std::string_view key);
// Follows a path of member names ("resource", "instanceDetails", "instanceId").
const Json* Path(const Json& j, std::initializer_list<std::string_view> keys);
// The value as a string: strings as is, numbers and booleans printed; "" for anything else.
std::string Str(const Json* j);
std::string Str(const Json& j, std::string_view key);
std::string Str(const Json& j, std::initializer_list<std::string_view> path);
// The first non-empty of several members.
std::string FirstStr(const Json& j, std::initializer_list<std::string_view> keys);
// A timestamp from a string or epoch number; kNoTime when absent or unparseable.
Timestamp Time(const Json* j);
Timestamp Time(const Json& j, std::string_view key);
// A member that may be a JSON string holding JSON (Sentinel's Entities): that JSON, parsed into
// `embedded`, or the member itself. Null when the member is absent or its string is not JSON.
const Json& MaybeEmbeddedJson(const Json& j, std::string_view key, JsonDocument& embedded);

}  // namespace weft::importers
