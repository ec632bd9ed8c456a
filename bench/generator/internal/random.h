#pragma once
// Deterministic randomness for the generator: a xoshiro256** engine seeded through splitmix64,
// a Zipf sampler (rejection inversion, O(1) per draw for any n), and stable hashing of
// identifiers. Nothing here uses std:: distributions, whose output differs between standard
// libraries, so the same seed gives the same stream everywhere. Value types; not thread-safe.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::generator::internal {

inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// A stable 64-bit mix of several integers (for identifiers derived from indices).
inline std::uint64_t Mix(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0,
                         std::uint64_t d = 0) {
  std::uint64_t s = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);
  std::uint64_t h = SplitMix64(s);
  s ^= c * 0xff51afd7ed558ccdull;
  h ^= SplitMix64(s);
  s ^= d * 0xc4ceb9fe1a85ec53ull;
  h ^= SplitMix64(s);
  return h;
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& w : s_) w = SplitMix64(seed);
  }
  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); n > 0.
  std::uint64_t Below(std::uint64_t n) {
    return static_cast<std::uint64_t>(Uniform() * static_cast<double>(n));
  }
  // Uniform in [lo, hi].
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool Chance(double p) { return Uniform() < p; }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Zipf over ranks 1..n with exponent s > 0 (rejection inversion, Hörmann & Derflinger 1996).
class Zipf {
 public:
  Zipf(std::uint64_t n, double s) : n_(n == 0 ? 1 : n), s_(s <= 0 ? 1e-9 : s) {
    h_x1_ = H(1.5) - 1.0;
    h_n_ = H(static_cast<double>(n_) + 0.5);
    threshold_ = 2.0 - HInv(H(2.5) - std::exp(-s_ * std::log(2.0)));
  }
  // A 0-based rank: 0 is the most popular.
  std::uint64_t Sample(Rng& rng) const {
    while (true) {
      const double u = h_n_ + rng.Uniform() * (h_x1_ - h_n_);
      const double x = HInv(u);
      double k = std::floor(x + 0.5);
      if (k < 1) k = 1;
      if (k > static_cast<double>(n_)) k = static_cast<double>(n_);
      if (k - x <= threshold_ || u >= H(k + 0.5) - std::exp(-s_ * std::log(k))) {
        return static_cast<std::uint64_t>(k) - 1;
      }
    }
  }
  std::uint64_t n() const { return n_; }

 private:
  // H(x) = integral of x^-s, with the s == 1 limit handled by the helpers.
  double H(double x) const { return Helper2((1.0 - s_) * std::log(x)) * std::log(x); }
  double HInv(double x) const {
    double t = x * (1.0 - s_);
    if (t < -1.0) t = -1.0;
    return std::exp(Helper1(t) * x);
  }
  static double Helper1(double x) {  // log(1 + x) / x
    return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
  }
  static double Helper2(double x) {  // (exp(x) - 1) / x
    return std::abs(x) > 1e-8 ? std::expm1(x) / x
                              : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
  }
  std::uint64_t n_;
  double s_;
  double h_x1_, h_n_, threshold_;
};

// `v` in decimal, zero-padded on the left to at least `width` digits. Never truncated: distinct
// values give distinct strings (truncating to `width` made VM 100000 share VM 0's name, and at
// 3M alerts 7% of the stream named two machines with one resource id).
inline std::string Digits(std::uint64_t v, int width) {
  std::string s = std::to_string(v);
  if (s.size() < static_cast<std::size_t>(width))
    s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

// `s` with ASCII letters upper-cased.
inline std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return s;
}

// Lower-case hex of `bytes` bytes drawn from a hash stream keyed by (a, b, c).
inline std::string HexId(std::size_t bytes, std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    if (i % 8 == 0) word = Mix(a, b, c, i / 8 + 1);
    const unsigned byte = static_cast<unsigned>(word & 0xff);
    word >>= 8;
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

// "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx" from (a, b, c).
inline std::string Guid(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  std::string h = HexId(16, a, b, c);
  h[12] = '4';
  h[16] = "89ab"[(h[16] - '0') & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace weft::generator::internal
