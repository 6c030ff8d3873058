#include "golden/formats/block_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "golden/bits/bitstream.hpp"

namespace bf::golden {

namespace {

constexpr uint32_t low_mask(int bits) {
  return bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << bits) - 1;
}

// An fp32 encoding split as in the header: |x| = sig * 2^(ee - 150).
struct Fp32Parts {
  bool neg;
  int field;     // biased exponent field, 0..255
  uint32_t sig;  // 24-bit significand, hidden bit set iff field != 0
  int ee;        // max(field, 1)
};

Fp32Parts split_fp32(uint32_t x) {
  const int field = static_cast<int>((x >> 23) & 0xFFu);
  const uint32_t frac = x & 0x7FFFFFu;
  return {(x >> 31) != 0, field, field != 0 ? (frac | 0x800000u) : frac, field != 0 ? field : 1};
}

// round_shift_right, with a negative shift meaning an exact left shift.
uint64_t shift_round(uint32_t sig, int shift, Rounding mode, uint32_t rand, int stoch_bits) {
  return shift >= 0 ? round_shift_right(sig, shift, mode, rand, stoch_bits)
                    : uint64_t{sig} << -shift;
}

struct OcpElement {
  std::string_view name;
  FloatFormat (*make)();
};
constexpr OcpElement kOcpElements[] = {
    {"e4m3", &FloatFormat::e4m3}, {"e5m2", &FloatFormat::e5m2}, {"e3m2", &FloatFormat::e3m2},
    {"e2m3", &FloatFormat::e2m3}, {"e2m1", &FloatFormat::e2m1},
};

bool is_ocp_element(const FloatFormat& f) {
  return std::any_of(std::begin(kOcpElements), std::end(kOcpElements),
                     [&](const OcpElement& e) { return f == e.make(); });
}

void check_range(std::string_view field, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    throw std::invalid_argument(
        fmt::format("invalid block format: {} = {} is out of range {}..{}", field, value, lo, hi));
  }
}

// Canonical decimal without sign or leading zeros, 1..2 digits.
bool parse_bits(std::string_view s, int& out) {
  if (s.empty() || s.size() > 2 || s[0] == '0') return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

constexpr std::string_view kAcceptedNames =
    "mxint2..mxint8, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, bfp2..bfp24";

uint32_t quantize_mx_int(const BlockFormat& f, int maxfield, std::span<const uint32_t> in,
                         std::span<uint32_t> codes, std::span<const uint32_t> rand) {
  const int b = f.int_bits;
  const int S = maxfield;  // emax_elem = 0; maxfield >= 0, so no clamp is needed
  const bool stochastic = f.rounding == Rounding::Stochastic;
  const uint64_t pos_max = (uint64_t{1} << (b - 1)) - 1;
  const uint64_t neg_max = f.int_encoding == IntEncoding::TwosComplement ? pos_max + 1 : pos_max;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Fp32Parts p = split_fp32(in[i]);
    const uint64_t n = shift_round(p.sig, S + 25 - b - p.ee, f.rounding, stochastic ? rand[i] : 0,
                                   f.stochastic_bits);
    const int64_t mag = static_cast<int64_t>(std::min(n, p.neg ? neg_max : pos_max));
    codes[i] = encode_int(f.int_encoding, b, p.neg ? -mag : mag);
  }
  return static_cast<uint32_t>(S);
}

uint32_t quantize_mx_float(const BlockFormat& f, int maxfield, std::span<const uint32_t> in,
                           std::span<uint32_t> codes, std::span<const uint32_t> rand) {
  const FloatFormat& ef = f.elem_float;
  const int E = ef.exp_bits;
  const int M = ef.man_bits;
  const int emin = ef.emin();
  const uint64_t max_code = ef.max_normal_code();
  const int S = std::max(maxfield - ef.emax(), 0);
  const int se = S - 127;
  const bool stochastic = f.rounding == Rounding::Stochastic;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Fp32Parts p = split_fp32(in[i]);
    const uint32_t sign = p.neg ? uint32_t{1} << (E + M) : 0;
    if (p.sig == 0) {
      codes[i] = sign;
      continue;
    }
    const int L = std::bit_width(p.sig) - 1 + p.ee - 150;
    const int q = std::max(L - se, emin) - M;  // element quantum exponent (value n * 2^q)
    const uint64_t n = shift_round(p.sig, q + se - p.ee + 150, f.rounding, stochastic ? rand[i] : 0,
                                   f.stochastic_bits);
    const uint64_t code_mag = (static_cast<uint64_t>(q - (emin - M)) << M) + n;
    codes[i] = sign | static_cast<uint32_t>(std::min(code_mag, max_code));
  }
  return static_cast<uint32_t>(S);
}

uint32_t quantize_bfp(const BlockFormat& f, int maxfield, std::span<const uint32_t> in,
                      std::span<uint32_t> codes, std::span<const uint32_t> rand) {
  const int m = f.man_bits;
  const int w = f.exp_bits;
  const int bias_w = (1 << (w - 1)) - 1;
  const int E = std::max(maxfield, 1);
  const int s = std::clamp(E - 127 + bias_w, 0, (1 << w) - 2);
  const int se = s - bias_w;  // exponent of the leading magnitude bit
  const uint64_t n_max = (uint64_t{1} << m) - 1;
  const bool stochastic = f.rounding == Rounding::Stochastic;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Fp32Parts p = split_fp32(in[i]);
    if (p.sig == 0) {
      codes[i] = 0;
      continue;
    }
    const int shift = se - m + 151 - p.ee;
    // A negative shift means the shared exponent was clamped from above: saturate.
    const uint64_t n =
        shift < 0 ? n_max
                  : std::min(round_shift_right(p.sig, shift, f.rounding, stochastic ? rand[i] : 0,
                                               f.stochastic_bits),
                             n_max);
    codes[i] = n == 0 ? 0 : (p.neg ? uint32_t{1} << m : 0) | static_cast<uint32_t>(n);
  }
  return static_cast<uint32_t>(s);
}

}  // namespace

int BlockFormat::elem_bits() const {
  switch (kind) {
    case Kind::MxInt:
      return int_bits;
    case Kind::MxFloat:
      return elem_float.width();
    case Kind::Bfp:
      return man_bits + 1;
  }
  return 0;
}

int BlockFormat::scale_bits() const { return kind == Kind::Bfp ? exp_bits : 8; }

int BlockFormat::emax_elem() const { return kind == Kind::MxFloat ? elem_float.emax() : 0; }

std::string BlockFormat::name() const {
  switch (kind) {
    case Kind::MxInt:
      return fmt::format("mxint{}", int_bits);
    case Kind::MxFloat:
      return fmt::format("mxfp{}_{}", elem_float.width(), elem_float.name());
    case Kind::Bfp:
      return fmt::format("bfp{}", man_bits);
  }
  return "?";
}

void BlockFormat::validate() const {
  check_range("block_size", block_size, 1, 4096);
  if (rounding == Rounding::Stochastic) check_range("stochastic_bits", stochastic_bits, 1, 16);
  switch (kind) {
    case Kind::MxInt:
      check_range("int_bits", int_bits, 2, 8);
      break;
    case Kind::MxFloat:
      if (!is_ocp_element(elem_float)) {
        throw std::invalid_argument(
            fmt::format("invalid block format: elem_float = {} is not an OCP MX element format "
                        "(valid: e4m3, e5m2, e3m2, e2m3, e2m1)",
                        elem_float.name()));
      }
      break;
    case Kind::Bfp:
      check_range("man_bits", man_bits, 2, 24);
      check_range("exp_bits", exp_bits, 2, 8);
      break;
  }
}

BlockFormat BlockFormat::parse(std::string_view name) {
  BlockFormat f;
  int bits = 0;
  if (name.starts_with("mxint") && parse_bits(name.substr(5), bits) && bits >= 2 && bits <= 8) {
    f.kind = Kind::MxInt;
    f.int_bits = bits;
    return f;
  }
  if (name.starts_with("bfp") && parse_bits(name.substr(3), bits) && bits >= 2 && bits <= 24) {
    f.kind = Kind::Bfp;
    f.man_bits = bits;
    f.rounding = Rounding::Truncate;  // the FlexBlock/LightNorm authors' simulator
    return f;
  }
  for (const auto& e : kOcpElements) {
    const FloatFormat ef = e.make();
    if (name == fmt::format("mxfp{}_{}", ef.width(), e.name)) {
      f.kind = Kind::MxFloat;
      f.elem_float = ef;
      return f;
    }
  }
  throw std::invalid_argument(
      fmt::format("unknown block format '{}'; accepted: {}", name, kAcceptedNames));
}

std::string_view BlockFormat::accepted_names() { return kAcceptedNames; }

uint32_t quantize_block(const BlockFormat& f, std::span<const uint32_t> in,
                        std::span<uint32_t> codes, std::span<const uint32_t> rand) {
  f.validate();
  if (in.size() > static_cast<std::size_t>(f.block_size)) {
    throw std::invalid_argument(
        fmt::format("quantize_block: {} inputs exceed block size {}", in.size(), f.block_size));
  }
  if (codes.size() != in.size()) {
    throw std::invalid_argument("quantize_block: codes.size() must equal in.size()");
  }
  if (f.rounding == Rounding::Stochastic && rand.size() < in.size()) {
    throw std::invalid_argument("quantize_block: stochastic rounding needs one rand per input");
  }
  int maxfield = 0;
  for (uint32_t x : in) maxfield = std::max(maxfield, static_cast<int>((x >> 23) & 0xFFu));
  if (maxfield == 255) {  // NaN or Inf anywhere: the block is NaN
    std::fill(codes.begin(), codes.end(), 0u);
    return low_mask(f.scale_bits());
  }
  switch (f.kind) {
    case BlockFormat::Kind::MxInt:
      return quantize_mx_int(f, maxfield, in, codes, rand);
    case BlockFormat::Kind::MxFloat:
      return quantize_mx_float(f, maxfield, in, codes, rand);
    case BlockFormat::Kind::Bfp:
      return quantize_bfp(f, maxfield, in, codes, rand);
  }
  return 0;
}

double dequantize_element(const BlockFormat& f, uint32_t scale, uint32_t code) {
  if (scale == low_mask(f.scale_bits())) return std::numeric_limits<double>::quiet_NaN();
  code &= low_mask(f.elem_bits());
  switch (f.kind) {
    case BlockFormat::Kind::MxInt: {
      const int64_t n = decode_int(f.int_encoding, f.int_bits, code);
      return std::ldexp(static_cast<double>(n), static_cast<int>(scale) - 127 - (f.int_bits - 2));
    }
    case BlockFormat::Kind::MxFloat:
      return std::ldexp(decode(f.elem_float, code), static_cast<int>(scale) - 127);
    case BlockFormat::Kind::Bfp: {
      const int m = f.man_bits;
      const int bias_w = (1 << (f.exp_bits - 1)) - 1;
      const double v = std::ldexp(static_cast<double>(code & low_mask(m)),
                                  static_cast<int>(scale) - bias_w - m + 1);
      return ((code >> m) & 1u) != 0 ? -v : v;
    }
  }
  return 0;
}

std::vector<uint8_t> pack_block(const BlockFormat& f, uint32_t scale,
                                std::span<const uint32_t> codes) {
  if (codes.size() > static_cast<std::size_t>(f.block_size)) {
    throw std::invalid_argument("pack_block: more codes than the block size");
  }
  BitWriter w(static_cast<std::size_t>(f.block_storage_bits()));
  try {
    w.put(scale, f.scale_bits());
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("pack_block: scale wider than its field");
  }
  for (int i = 0; i < f.block_size; ++i) {
    const uint32_t c = static_cast<std::size_t>(i) < codes.size() ? codes[i] : 0;
    if (c > low_mask(f.elem_bits())) {
      throw std::invalid_argument("pack_block: code wider than its field");
    }
    w.put(c, f.elem_bits());
  }
  return w.finish();
}

void unpack_block(const BlockFormat& f, std::span<const uint8_t> bytes, uint32_t& scale,
                  std::span<uint32_t> codes) {
  if (bytes.size() != (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8) {
    throw std::invalid_argument("unpack_block: bytes.size() must be ceil(block_storage_bits/8)");
  }
  if (codes.size() > static_cast<std::size_t>(f.block_size)) {
    throw std::invalid_argument("unpack_block: more codes than the block size");
  }
  BitReader r(bytes);
  scale = r.get(f.scale_bits());
  for (auto& c : codes) c = r.get(f.elem_bits());
}

uint32_t stochastic_rand(uint64_t seed, uint64_t index, int stoch_bits) {
  uint64_t z = seed + index + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<uint32_t>(z) & low_mask(stoch_bits < 0 ? 0 : stoch_bits);
}

}  // namespace bf::golden
