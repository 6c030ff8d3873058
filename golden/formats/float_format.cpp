#include "golden/formats/float_format.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace bf::golden {

namespace {

constexpr uint32_t low_mask(int bits) {
  return bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << bits) - 1;
}

struct NamedFloat {
  std::string_view name;
  FloatFormat (*make)();
};

constexpr NamedFloat kNamed[] = {
    {"fp32", &FloatFormat::fp32}, {"bf16", &FloatFormat::bf16}, {"fp16", &FloatFormat::fp16},
    {"e5m2", &FloatFormat::e5m2}, {"e4m3", &FloatFormat::e4m3}, {"e3m2", &FloatFormat::e3m2},
    {"e2m3", &FloatFormat::e2m3}, {"e2m1", &FloatFormat::e2m1},
};

bool same_encoding(const FloatFormat& a, const FloatFormat& b) {
  return a.exp_bits == b.exp_bits && a.man_bits == b.man_bits && a.specials == b.specials;
}

// Parses a canonical decimal (no sign, no leading zeros) of at most 3 digits.
bool parse_small_uint(std::string_view s, int& out) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

bool strip_suffix(std::string_view& s, std::string_view suffix) {
  if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
    s.remove_suffix(suffix.size());
    return true;
  }
  return false;
}

// "e<E>m<M>" -> (E, M).
bool parse_em(std::string_view s, int& e, int& m) {
  if (s.size() < 4 || s[0] != 'e') return false;
  const auto mpos = s.find('m');
  if (mpos == std::string_view::npos) return false;
  return parse_small_uint(s.substr(1, mpos - 1), e) && parse_small_uint(s.substr(mpos + 1), m);
}

bool valid_bits(int exp_bits, int man_bits) {
  return exp_bits >= 1 && exp_bits <= 8 && man_bits >= 0 && man_bits <= 23;
}

}  // namespace

int FloatFormat::emax() const { return static_cast<int>(max_normal_code() >> man_bits) - bias(); }

uint32_t FloatFormat::max_normal_code() const {
  const uint32_t all_ones = low_mask(exp_bits + man_bits);
  switch (specials) {
    case SpecialValues::Ieee:
      return (low_mask(exp_bits) << man_bits) - 1;  // exponent all-ones is Inf/NaN
    case SpecialValues::NanOnlyAllOnes:
      return all_ones - 1;  // only the all-ones magnitude is NaN
    case SpecialValues::None:
      return all_ones;
  }
  return all_ones;
}

double FloatFormat::max_normal() const { return decode(*this, max_normal_code()); }

std::string FloatFormat::name() const {
  const std::string_view ftz = subnormals ? "" : "_ftz";
  for (const auto& n : kNamed) {
    if (same_encoding(*this, n.make())) return fmt::format("{}{}", n.name, ftz);
  }
  std::string_view spec;
  if (specials == SpecialValues::Ieee) spec = "_ieee";
  if (specials == SpecialValues::NanOnlyAllOnes) spec = "_nan";
  return fmt::format("fp{}_e{}m{}{}{}", width(), exp_bits, man_bits, spec, ftz);
}

FloatFormat FloatFormat::fp32() { return {8, 23, SpecialValues::Ieee, true}; }
FloatFormat FloatFormat::bf16() { return {8, 7, SpecialValues::Ieee, true}; }
FloatFormat FloatFormat::fp16() { return {5, 10, SpecialValues::Ieee, true}; }
FloatFormat FloatFormat::e5m2() { return {5, 2, SpecialValues::Ieee, true}; }
FloatFormat FloatFormat::e4m3() { return {4, 3, SpecialValues::NanOnlyAllOnes, true}; }
FloatFormat FloatFormat::e3m2() { return {3, 2, SpecialValues::None, true}; }
FloatFormat FloatFormat::e2m3() { return {2, 3, SpecialValues::None, true}; }
FloatFormat FloatFormat::e2m1() { return {2, 1, SpecialValues::None, true}; }

FloatFormat FloatFormat::custom(int exp_bits, int man_bits, SpecialValues specials,
                                bool subnormals) {
  if (!valid_bits(exp_bits, man_bits)) {
    throw std::invalid_argument(fmt::format(
        "float format e{}m{}: exp_bits must be in 1..8 and man_bits in 0..23", exp_bits, man_bits));
  }
  return {exp_bits, man_bits, specials, subnormals};
}

FloatFormat FloatFormat::plus_mantissa(const FloatFormat& base, int k) {
  if (k < 0 || base.man_bits + k > 23) {
    throw std::invalid_argument(
        fmt::format("float format {}+{}: K must be in 0..{}", base.name(), k, 23 - base.man_bits));
  }
  FloatFormat f = base;
  f.man_bits += k;
  return f;
}

std::optional<FloatFormat> FloatFormat::parse(std::string_view name) {
  if (const auto plus = name.rfind('+'); plus != std::string_view::npos) {
    // One "+K" only: the base is a plain spelling.
    const std::string_view base_name = name.substr(0, plus);
    if (base_name.find('+') != std::string_view::npos) return std::nullopt;
    int k = 0;
    const auto base = parse(base_name);
    if (!base || !parse_small_uint(name.substr(plus + 1), k) || k < 1 || base->man_bits + k > 23) {
      return std::nullopt;
    }
    return plus_mantissa(*base, k);
  }
  std::string_view s = name;
  const bool ftz = strip_suffix(s, "_ftz");
  for (const auto& n : kNamed) {
    if (s == n.name) {
      FloatFormat f = n.make();
      f.subnormals = !ftz;
      return f;
    }
  }
  SpecialValues specials = SpecialValues::None;
  if (strip_suffix(s, "_ieee")) {
    specials = SpecialValues::Ieee;
  } else if (strip_suffix(s, "_nan")) {
    specials = SpecialValues::NanOnlyAllOnes;
  }
  int width = -1;
  if (s.starts_with("fp")) {
    const auto us = s.find('_');
    if (us == std::string_view::npos || !parse_small_uint(s.substr(2, us - 2), width)) {
      return std::nullopt;
    }
    s.remove_prefix(us + 1);
  }
  int e = 0;
  int m = 0;
  if (!parse_em(s, e, m) || !valid_bits(e, m)) return std::nullopt;
  if (width >= 0 && width != 1 + e + m) return std::nullopt;
  return FloatFormat{e, m, specials, !ftz};
}

double decode(const FloatFormat& f, uint32_t code) {
  const int E = f.exp_bits;
  const int M = f.man_bits;
  const bool neg = ((code >> (E + M)) & 1u) != 0;
  const uint32_t mag = code & low_mask(E + M);
  const uint32_t expf = mag >> M;
  const uint32_t man = mag & low_mask(M);
  double v = 0;
  if (f.specials == SpecialValues::Ieee && expf == low_mask(E)) {
    v = man == 0 ? std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::quiet_NaN();
  } else if (f.specials == SpecialValues::NanOnlyAllOnes && mag == low_mask(E + M)) {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (expf == 0) {
    v = f.subnormals ? std::ldexp(static_cast<double>(man), f.emin() - M) : 0.0;
  } else {
    v = std::ldexp(static_cast<double>((uint32_t{1} << M) + man),
                   static_cast<int>(expf) - f.bias() - M);
  }
  return neg ? -v : v;
}

uint32_t encode_from_fp32(const FloatFormat& f, uint32_t x, Rounding mode, Overflow overflow,
                          uint32_t rand, int stoch_bits) {
  const int E = f.exp_bits;
  const int M = f.man_bits;
  const uint32_t sign = (x >> 31) != 0 ? uint32_t{1} << (E + M) : 0;
  const int field = static_cast<int>((x >> 23) & 0xFFu);
  const uint32_t frac = x & 0x7FFFFFu;
  const uint32_t max_code = f.max_normal_code();
  const bool has_inf = f.specials == SpecialValues::Ieee;
  const uint32_t inf_code = low_mask(E) << M;

  if (field == 255) {
    if (frac != 0) {  // NaN
      if (f.specials == SpecialValues::Ieee && M > 0) {
        return sign | inf_code | (uint32_t{1} << (M - 1));
      }
      if (f.specials == SpecialValues::NanOnlyAllOnes) return sign | low_mask(E + M);
      return max_code;  // no NaN in the format: +max_normal (documented policy)
    }
    return sign | (has_inf && overflow == Overflow::Infinity ? inf_code : max_code);
  }
  if (field == 0 && frac == 0) return sign;

  // |x| = sig * 2^(ee - 150); L = floor(log2 |x|).
  const uint32_t sig = field != 0 ? (frac | 0x800000u) : frac;
  const int ee = field != 0 ? field : 1;
  const int L = std::bit_width(sig) - 1 + ee - 150;
  const int emin = f.emin();
  const int q = (L > emin ? L : emin) - M;  // quantum exponent of the result
  const int shift = q - ee + 150;
  // shift >= 0 for every format with exp_bits <= 8 and man_bits <= 23.
  const uint64_t n =
      shift >= 0 ? round_shift_right(sig, shift, mode, rand, stoch_bits) : uint64_t{sig} << -shift;
  const uint64_t code_mag = (static_cast<uint64_t>(q - (emin - M)) << M) + n;
  if (code_mag > max_code) {
    // IEEE 754: round-toward-zero never overflows a finite input to Inf.
    const bool to_inf = has_inf && overflow == Overflow::Infinity && mode != Rounding::Truncate;
    return sign | (to_inf ? inf_code : max_code);
  }
  if (!f.subnormals && code_mag < (uint64_t{1} << M)) return sign;  // flush to signed zero
  return sign | static_cast<uint32_t>(code_mag);
}

uint32_t fp32_bits(float x) { return std::bit_cast<uint32_t>(x); }
float fp32_from_bits(uint32_t bits) { return std::bit_cast<float>(bits); }

uint32_t fp32_to_bf16(uint32_t u) {
  return encode_from_fp32(FloatFormat::bf16(), u, Rounding::NearestEven, Overflow::Infinity);
}

}  // namespace bf::golden
