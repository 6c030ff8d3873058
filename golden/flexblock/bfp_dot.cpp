#include "golden/flexblock/bfp_dot.hpp"

#include <algorithm>
#include <stdexcept>

#include "golden/arith/fp_core.hpp"

namespace bf::golden::flexblock {

Mode mode_from_code(uint32_t code) {
  switch (code & 3u) {
    case 0:
      return Mode::M4;
    case 1:
      return Mode::M8;
    default:
      return Mode::M16;
  }
}

Mode mode_from_bits(int bits) {
  switch (bits) {
    case 4:
      return Mode::M4;
    case 8:
      return Mode::M8;
    case 16:
      return Mode::M16;
    default:
      throw std::invalid_argument("mantissa mode must be 4, 8 or 16 bits, got " +
                                  std::to_string(bits));
  }
}

int mantissa_bits(Mode m) { return 4 << static_cast<int>(m); }
int nibbles(Mode m) { return 1 << static_cast<int>(m); }
int products_per_beat(Mode a, Mode b) { return kSubMultipliers / (nibbles(a) * nibbles(b)); }

std::string mode_pair_name(Mode a, Mode b) {
  if (a == b) return "bfp" + mode_name(a);
  return "bfp" + mode_name(a) + "x" + mode_name(b);
}

int default_group_size(Mode m) {
  // BFPsim's conv groups [1,24,3,3], [1,12,3,3], [1,6,3,3]: 864 mantissa bits
  // per group in every mode.
  switch (m) {
    case Mode::M4:
      return 216;
    case Mode::M8:
      return 108;
    default:
      return 54;
  }
}

std::string mode_name(Mode m) { return std::to_string(mantissa_bits(m)); }

BlockFormat bfp_format(Mode m, int group_size, Rounding rounding) {
  BlockFormat f;
  f.kind = BlockFormat::Kind::Bfp;
  f.block_size = group_size;
  f.rounding = rounding;
  f.man_bits = mantissa_bits(m);
  f.exp_bits = kExpBits;
  f.validate();
  return f;
}

std::vector<int> segment_lengths(int k, int ga, int gb) {
  if (k < 0 || ga < 1 || gb < 1)
    throw std::invalid_argument("segment_lengths: k must be >= 0 and group sizes >= 1");
  std::vector<int> lengths;
  int start = 0;
  while (start < k) {
    const int next_a = (start / ga + 1) * ga;
    const int next_b = (start / gb + 1) * gb;
    const int end = std::min({next_a, next_b, k});
    lengths.push_back(end - start);
    start = end;
  }
  return lengths;
}

int segment_beats(int length, Mode ma, Mode mb) {
  const int lanes = products_per_beat(ma, mb);
  return (length + lanes - 1) / lanes;
}

int segment_sum_bits(int max_segment, Mode ma, Mode mb) {
  if (max_segment < 1) throw std::invalid_argument("max_segment must be at least 1");
  const uint64_t max_product =
      ((uint64_t{1} << mantissa_bits(ma)) - 1) * ((uint64_t{1} << mantissa_bits(mb)) - 1);
  const unsigned __int128 bound = static_cast<unsigned __int128>(max_product) * max_segment;
  int bits = 0;
  for (unsigned __int128 v = bound; v != 0; v >>= 1) ++bits;
  return bits + 1;
}

int64_t wrap_segment_sum(int64_t s, int bits) {
  if (bits >= 64) return s;
  const uint64_t u = static_cast<uint64_t>(s) << (64 - bits);
  return static_cast<int64_t>(u) >> (64 - bits);
}

int64_t beat_sum(Mode ma, Mode mb, uint64_t a_mag, uint32_t a_sign, uint64_t b_mag,
                 uint32_t b_sign) {
  const int wa = mantissa_bits(ma);
  const int wb = mantissa_bits(mb);
  const uint64_t mask_a = (uint64_t{1} << wa) - 1;
  const uint64_t mask_b = (uint64_t{1} << wb) - 1;
  const int lanes = products_per_beat(ma, mb);
  int64_t sum = 0;
  for (int p = 0; p < lanes; ++p) {
    const uint64_t na = (a_mag >> (p * wa)) & mask_a;
    const uint64_t nb = (b_mag >> (p * wb)) & mask_b;
    const auto product = static_cast<int64_t>(na * nb);
    sum += (((a_sign ^ b_sign) >> p) & 1u) ? -product : product;
  }
  return sum;
}

uint32_t segment_term(int64_t s, uint32_t exp_a, uint32_t exp_b, Mode ma, Mode mb) {
  const FloatFormat f32 = FloatFormat::fp32();
  if (exp_a == kNanExp || exp_b == kNanExp) return fp_nan(f32);
  if (s == 0) return fp_zero(f32, false);
  const bool negative = s < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(s) : static_cast<uint64_t>(s);
  const int exp = static_cast<int>(exp_a) + static_cast<int>(exp_b) - 254 - mantissa_bits(ma) -
                  mantissa_bits(mb) + 2;
  return fp_round_pack(f32, negative, magnitude, exp, Rounding::NearestEven);
}

const FpAddSpec& accumulate_spec() {
  static const FpAddSpec spec{FloatFormat::fp32(), Rounding::NearestEven};
  return spec;
}

uint32_t accumulate(uint32_t acc, uint32_t term) { return fp_add(accumulate_spec(), acc, term); }

}  // namespace bf::golden::flexblock
