#include "model/time.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace weft {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

// Reads exactly `n` digits at `pos`; advances pos.
bool ReadDigits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

std::optional<Timestamp> ParseEpochNumber(std::string_view s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  const double millis = v > 1e11 ? v : v * 1000.0;  // above 1e11: already milliseconds
  // Rejects "inf", "nan" and values whose conversion to int64 would be undefined.
  if (!std::isfinite(millis) || std::fabs(millis) >= 9.2e18) return std::nullopt;
  return static_cast<Timestamp>(millis);
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (s.size() < 10 || s[4] != '-') return ParseEpochNumber(s);
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, &pos, 4, &year) || s[pos++] != '-' || !ReadDigits(s, &pos, 2, &month) ||
      pos >= s.size() || s[pos++] != '-' || !ReadDigits(s, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  Timestamp millis = 0;
  Timestamp offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    if (!ReadDigits(s, &pos, 2, &hour) || pos >= s.size() || s[pos++] != ':' ||
        !ReadDigits(s, &pos, 2, &minute)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ReadDigits(s, &pos, 2, &second)) return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 3) millis = millis * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 3; ++i) millis *= 10;
    }
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos < s.size()) {
      char c = s[pos];
      if (c == 'Z' || c == 'z') {
        ++pos;
      } else if (c == '+' || c == '-') {
        ++pos;
        int oh = 0, om = 0;
        if (!ReadDigits(s, &pos, 2, &oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !ReadDigits(s, &pos, 2, &om)) return std::nullopt;
        offset_minutes = (c == '+' ? 1 : -1) * (oh * 60 + om);
      } else if (s.substr(pos) == "UTC") {
        pos += 3;
      }
    }
  }
  if (pos != s.size()) return std::nullopt;
  Timestamp days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  Timestamp secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * 1000 + millis;
}

std::string FormatTimestamp(Timestamp t) {
  if (t == kNoTime) return "";
  Timestamp secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
  int millis = static_cast<int>(t - secs * 1000);
  Timestamp days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  Timestamp rem = secs - days * 86400;
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y),
                m, d, static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                static_cast<int>(rem % 60), millis);
  return buf;
}

std::optional<Timestamp> ParseDuration(std::string_view s, bool* off) {
  if (off != nullptr) *off = false;
  if (s == "off" || s == "none" || s == "infinite") {
    if (off != nullptr) *off = true;
    return std::nullopt;
  }
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || n < 0) return std::nullopt;
  std::string_view unit(ptr, s.data() + s.size() - ptr);
  if (unit == "ms") return n;
  if (unit == "s") return n * kMillisPerSecond;
  if (unit == "m" || unit == "min") return n * 60 * kMillisPerSecond;
  if (unit == "h") return n * kMillisPerHour;
  if (unit == "d") return n * kMillisPerDay;
  return std::nullopt;
}

std::string FormatDuration(Timestamp ms) {
  if (ms != 0 && ms % kMillisPerDay == 0) return std::to_string(ms / kMillisPerDay) + "d";
  if (ms != 0 && ms % kMillisPerHour == 0) return std::to_string(ms / kMillisPerHour) + "h";
  if (ms != 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace weft
