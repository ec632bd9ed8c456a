#include "model/canonical.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace weft {
namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

// ASCII only, whatever the process locale: a canonical key must not depend on it (and
// std::tolower's locale lookup per character was 7% of parsing the compact format).
std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsPlaceholder(std::string_view value) {
  const std::string_view v = Trim(value);
  if (v.empty()) return true;
  static constexpr std::string_view kPlaceholders[] = {
      "-",       "--",        "n/a", "na",      "null",          "none",         "nil",
      "unknown", "undefined", "0",   "(null)",  "not available", "empty",        "?",
      "\"\"",    "[]",        "{}",  "0.0.0.0", "00.00.00.00",   "00.00.00.000", "::"};
  for (std::string_view p : kPlaceholders) {
    if (EqualsIgnoringCase(v, p)) return true;  // no lower-cased copy of every value checked
  }
  // All-zero GUIDs and ids made only of zeros, dashes and dots.
  return std::all_of(v.begin(), v.end(), [](char c) {
    return c == '0' || c == '-' || c == '.' || c == '{' || c == '}';
  });
}

namespace {

// The octets of a dotted IPv4 address, tolerating leading zeros ("010.001.002.003"); nullopt
// for anything else.
std::optional<std::array<unsigned, 4>> ParseIpv4(std::string_view ip) {
  std::array<unsigned, 4> octets{};
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    if (pos >= ip.size() || !std::isdigit(static_cast<unsigned char>(ip[pos]))) return std::nullopt;
    unsigned v = 0;
    int digits = 0;
    while (pos < ip.size() && std::isdigit(static_cast<unsigned char>(ip[pos]))) {
      v = v * 10 + static_cast<unsigned>(ip[pos++] - '0');
      if (++digits > 3) return std::nullopt;
    }
    if (v > 255) return std::nullopt;
    octets[i] = v;
    if (i < 3) {
      if (pos >= ip.size() || ip[pos] != '.') return std::nullopt;
      ++pos;
    }
  }
  if (pos != ip.size()) return std::nullopt;
  return octets;
}

// "a.b.c.d", without leading zeros (snprintf took 1,700 instructions an address).
std::string FormatIpv4(const unsigned char* bytes) {
  std::string out;
  out.reserve(15);
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out += '.';
    const unsigned v = bytes[i];
    if (v >= 100) out += static_cast<char>('0' + v / 100);
    if (v >= 10) out += static_cast<char>('0' + v / 10 % 10);
    out += static_cast<char>('0' + v % 10);
  }
  return out;
}

}  // namespace

std::optional<std::string> NormalizeIp(std::string_view ip) {
  ip = Trim(ip);
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  if (ip.empty() || ip.size() > 64) return std::nullopt;
  if (ip.find(':') == std::string_view::npos) {
    const std::optional<std::array<unsigned, 4>> parsed = ParseIpv4(ip);
    if (!parsed) return std::nullopt;
    const std::array<unsigned, 4>& octets = *parsed;
    if (octets == std::array<unsigned, 4>{0, 0, 0, 0}) return std::nullopt;
    const unsigned char bytes[4] = {
        static_cast<unsigned char>(octets[0]), static_cast<unsigned char>(octets[1]),
        static_cast<unsigned char>(octets[2]), static_cast<unsigned char>(octets[3])};
    return FormatIpv4(bytes);
  }
  // IPv6 (drop a zone id).
  std::string text(ip.substr(0, std::min(ip.find('%'), ip.size())));
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return std::nullopt;
  static constexpr unsigned char kZero[16] = {};
  if (std::equal(bytes, bytes + 16, kZero)) return std::nullopt;
  static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(bytes, bytes + 12, kMappedPrefix)) return FormatIpv4(bytes + 12);
  char out[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, bytes, out, sizeof out) == nullptr) return std::nullopt;
  return std::string(out);
}

bool IsPrivateIp(std::string_view ip) {
  if (ip.find(':') != std::string_view::npos) {
    // Compare bits, not text: "fc::1" is 00fc::1, not a ULA address.
    unsigned char b[16];
    if (inet_pton(AF_INET6, std::string(ip).c_str(), b) != 1) return false;
    static constexpr unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::equal(b, b + 16, kLoopback) || (b[0] & 0xfe) == 0xfc ||  // ::1, fc00::/7
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);                      // fe80::/10
  }
  const std::optional<std::array<unsigned, 4>> octets = ParseIpv4(ip);
  if (!octets) return false;
  const unsigned a = (*octets)[0], b = (*octets)[1];
  return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
         (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
}

std::optional<std::string> NormalizeAzureResourceId(std::string_view id) {
  id = Trim(id);
  while (!id.empty() && id.back() == '/') id.remove_suffix(1);
  while (!id.empty() && id.front() == '/') id.remove_prefix(1);
  if (id.empty() || IsPlaceholder(id)) return std::nullopt;
  std::string out(1, '/');  // not "/" + ToLower(id): GCC 12 misreads that as an overlapping copy
  out += ToLower(id);
  if (out.rfind("/subscriptions/", 0) != 0 && out.rfind("/providers/", 0) != 0) return std::nullopt;
  if (out.find("/00000000-0000-0000-0000-000000000000") != std::string::npos &&
      out.find('/', 15) == std::string::npos) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> NormalizeArn(std::string_view arn) {
  arn = Trim(arn);
  if (arn.rfind("arn:", 0) != 0) return std::nullopt;
  if (std::count(arn.begin(), arn.end(), ':') < 5) return std::nullopt;
  return std::string(arn);
}

std::optional<std::string> NormalizeGcpResourceName(std::string_view name,
                                                    std::string_view service) {
  name = Trim(name);
  while (!name.empty() && name.back() == '/') name.remove_suffix(1);
  if (name.empty() || IsPlaceholder(name)) return std::nullopt;
  if (name.rfind("//", 0) == 0) return std::string(name);
  if (name.rfind("https://", 0) == 0) {
    // "https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/i" self-links.
    const size_t p = name.find("/projects/");
    if (p == std::string_view::npos) return std::nullopt;
    const std::string_view rest = name.substr(p + 1);
    const bool compute = name.find("/compute/") != std::string_view::npos;
    return std::string(compute ? "//compute.googleapis.com/" : "//") + std::string(rest);
  }
  if (!service.empty() &&
      (name.rfind("projects/", 0) == 0 || name.rfind("organizations/", 0) == 0 ||
       name.rfind("folders/", 0) == 0)) {
    return "//" + std::string(service) + "/" + std::string(name);
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeGuid(std::string_view guid) {
  guid = Trim(guid);
  if (guid.size() >= 2 && guid.front() == '{' && guid.back() == '}')
    guid = guid.substr(1, guid.size() - 2);
  if (guid.size() != 36 || IsPlaceholder(guid)) return std::nullopt;
  for (size_t i = 0; i < guid.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? guid[i] != '-' : !IsHex(guid[i])) return std::nullopt;
  }
  return ToLower(guid);
}

std::optional<std::string> NormalizeSid(std::string_view sid) {
  sid = Trim(sid);
  if (sid.size() < 5 || (sid[0] != 'S' && sid[0] != 's') || sid[1] != '-') return std::nullopt;
  for (char c : sid.substr(2)) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-') return std::nullopt;
  }
  return ToUpper(sid);
}

std::optional<std::string> NormalizeUpn(std::string_view upn) {
  upn = Trim(upn);
  const size_t at = upn.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= upn.size() || IsPlaceholder(upn)) {
    return std::nullopt;
  }
  return ToLower(upn);
}

std::optional<std::string> NormalizeHostname(std::string_view host) {
  host = Trim(host);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (IsPlaceholder(host)) return std::nullopt;
  std::string h = ToLower(host);
  if (h == "localhost" || h == "localhost.localdomain" || h.size() > 255) return std::nullopt;
  return h;
}

std::optional<std::string> NormalizeUrl(std::string_view url) {
  url = Trim(url);
  if (IsPlaceholder(url)) return std::nullopt;
  std::string u(url);
  const size_t frag = u.find('#');
  if (frag != std::string::npos) u.resize(frag);
  size_t scheme_end = u.find("://");
  if (scheme_end == std::string::npos) {
    u = "http://" + u;  // bare host/path: assume http so equal URLs compare equal
    scheme_end = 4;
  }
  const size_t host_start = scheme_end + 3;
  size_t host_end = u.find_first_of("/?", host_start);
  if (host_end == std::string::npos) host_end = u.size();
  std::string scheme = ToLower(u.substr(0, scheme_end));
  std::string host = ToLower(u.substr(host_start, host_end - host_start));
  if (host.empty()) return std::nullopt;
  if ((scheme == "http" && host.size() > 3 && host.substr(host.size() - 3) == ":80") ||
      (scheme == "https" && host.size() > 4 && host.substr(host.size() - 4) == ":443")) {
    host.resize(host.rfind(':'));
  }
  std::string rest = u.substr(host_end);
  if (rest == "/") rest.clear();
  return scheme + "://" + host + rest;
}

std::optional<std::string> NormalizeHash(std::string_view hex, size_t expected_length) {
  hex = Trim(hex);
  if (hex.empty() || (expected_length != 0 && hex.size() != expected_length)) return std::nullopt;
  if (!std::all_of(hex.begin(), hex.end(), IsHex) || IsPlaceholder(hex)) return std::nullopt;
  return ToLower(hex);
}

Cloud CloudOfResourceId(std::string_view id) {
  id = Trim(id);
  auto starts = [id](std::string_view prefix) {
    return id.size() >= prefix.size() && EqualsIgnoringCase(id.substr(0, prefix.size()), prefix);
  };
  if (starts("/subscriptions/") || starts("subscriptions/")) return Cloud::kAzure;
  if (starts("arn:")) return Cloud::kAws;
  if (starts("//") &&
      ToLower(id.substr(0, std::min<size_t>(id.size(), 64))).find("googleapis.com") !=
          std::string::npos) {
    return Cloud::kGcp;
  }
  if (starts("projects/") || starts("organizations/")) return Cloud::kGcp;
  return Cloud::kUnknown;
}

}  // namespace weft
