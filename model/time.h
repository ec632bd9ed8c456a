#pragma once
// Timestamps: UTC milliseconds since the Unix epoch, parsed from the many ISO 8601 spellings
// the sources use and printed in one form. Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weft {

using Timestamp = std::int64_t;  // UTC milliseconds since 1970-01-01T00:00:00Z.
inline constexpr Timestamp kNoTime = INT64_MIN;
inline constexpr Timestamp kMillisPerSecond = 1000;
inline constexpr Timestamp kMillisPerHour = 3600 * kMillisPerSecond;
inline constexpr Timestamp kMillisPerDay = 24 * kMillisPerHour;

// Parses "2026-01-01T00:00:00Z", "2026-01-01 00:00:00", "…T…+02:00", "…T….1234567Z", a bare
// date "2026-01-01", and a decimal number of epoch seconds (or milliseconds when > 1e11).
// Fractions beyond milliseconds are truncated. Returns nullopt when `text` is none of these.
std::optional<Timestamp> ParseTimestamp(std::string_view text);

// "2026-01-01T00:00:00.000Z" (milliseconds always shown); "" for kNoTime.
std::string FormatTimestamp(Timestamp t);

// Parses a duration: "90s", "15m", "5h", "7d", "250ms", or "off" (returns nullopt and sets
// *off when given). Returns nullopt with *off false when the text is not a duration.
std::optional<Timestamp> ParseDuration(std::string_view text, bool* off = nullptr);

// "5h", "7d", "90s", "250ms": the shortest exact spelling of `millis`.
std::string FormatDuration(Timestamp millis);

}  // namespace weft
