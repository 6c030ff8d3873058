#include "golden/units/opal_pe/opal_pe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_core.hpp"
#include "golden/arith/fp_mul.hpp"

namespace bf::golden {

namespace {

constexpr uint32_t kNegZero = 0x80000000u;  // fp32 -0: the padding term

int ceil_log2(int n) { return n <= 1 ? 0 : std::bit_width(static_cast<unsigned>(n - 1)); }

// The checks both parameter structs share. `fp_units` terms of the block's
// n + 1 are added per cycle.
void validate_common(int block, int lanes, int outliers, int fp_units,
                     const std::vector<int>& act_bits) {
  if (!std::has_single_bit(static_cast<unsigned>(lanes)))
    throw ParamError("lanes",
                     fmt::format("lanes = {} is not a power of two; use 1, 2, 4, ... 64", lanes));
  if (block % lanes != 0)
    throw ParamError("lanes", fmt::format("lanes = {} does not divide block = {}; a block must be "
                                          "a whole number of beats",
                                          lanes, block));
  const int terms = outliers + 1;
  if (fp_units < 1 || fp_units > terms)
    throw ParamError("fp_units",
                     fmt::format("fp_units = {} but a block has only n + 1 = {} fp32 terms (the "
                                 "inlier sum and one per outlier); use fp_units between 1 and {}",
                                 fp_units, terms, terms));
  const int beats = block / lanes;
  const int cycles = (terms + fp_units - 1) / fp_units;
  if (beats < cycles) {
    const int units_needed = (terms + beats - 1) / beats;
    const auto lanes_max = std::bit_floor(static_cast<unsigned>(block / cycles));
    throw ParamError(
        "lanes",
        fmt::format("lanes = {} gives {} beats per block, but with fp_units = {} the FP path "
                    "needs ceil((n + 1) / fp_units) = {} cycles per block (n + 1 = {} fp32 terms: "
                    "the inlier sum and one per outlier); set fp_units = {} (or more), use lanes "
                    "<= {}, or fewer outliers",
                    lanes, beats, fp_units, cycles, terms, units_needed, lanes_max));
  }
  for (std::size_t i = 1; i < act_bits.size(); ++i)
    if (act_bits[i] <= act_bits[i - 1])
      throw ParamError("act_bits", "act_bits must be strictly ascending, e.g. [3, 5]");
}

}  // namespace

const FpMulSpec& OpalPeFpOps::outlier_mul() {
  static const FpMulSpec spec{FloatFormat::bf16(), FloatFormat::bf16(), FloatFormat::fp32(),
                              Rounding::NearestEven};
  return spec;
}
const FpAddSpec& OpalPeFpOps::acc_add() {
  static const FpAddSpec spec{FloatFormat::fp32(), Rounding::NearestEven};
  return spec;
}
const FpMulSpec& OpalPeFpOps::scale_mul() {
  static const FpMulSpec spec{FloatFormat::fp32(), FloatFormat::bf16(), FloatFormat::fp32(),
                              Rounding::NearestEven};
  return spec;
}

int OpalPeConfig::max_bits() const { return act_bits.back(); }

MxOpalFormat OpalPeConfig::activation_format(int mode) const {
  MxOpalFormat f;
  f.block_size = block;
  f.outliers = outliers;
  f.bits = act_bits.at(static_cast<std::size_t>(mode));
  f.int_encoding = act_encoding;
  return f;
}
int OpalPeConfig::index_bits() const { return std::max(1, ceil_log2(block)); }
int OpalPeConfig::mode_bits() const { return ceil_log2(static_cast<int>(act_bits.size())); }
int OpalPeConfig::product_bits() const { return max_bits() + weight_bits; }
int OpalPeConfig::beat_sum_bits() const { return product_bits() + ceil_log2(lanes); }
int OpalPeConfig::block_sum_bits() const { return product_bits() + ceil_log2(block); }

void OpalPeParams::validate() const { validate_dot_engine(*this, outliers, fp_units); }

OpalPeConfig OpalPeParams::config() const {
  validate();
  return {block,       lanes,   outliers, act_bits, act_encoding_param(act_encoding),
          weight_bits, fp_units};
}

IntEncoding act_encoding_param(const std::string& name) {
  const auto e = parse_int_encoding(name);
  if (!e)
    throw ParamError("act_encoding", "act_encoding must be sign_magnitude or twos_complement");
  return *e;
}

void validate_dot_engine(const DotEngineParams& p, int outliers, int fp_units) {
  validate_common(p.block, p.lanes, outliers, fp_units, p.act_bits);
  act_encoding_param(p.act_encoding);
}

OpalPeModel::OpalPeModel(OpalPeConfig c)
    : c_(std::move(c)),
      wcap_(c_.outliers, 0),
      is_outlier_(c_.lanes, 0),
      terms_(static_cast<std::size_t>(c_.fp_groups() * c_.fp_units), kNegZero) {}

int64_t OpalPeModel::activation(uint32_t code, int mode) const {
  const int m = std::min(mode, static_cast<int>(c_.act_bits.size()) - 1);
  const int b = c_.act_bits[m];
  const int64_t v = decode_int(c_.act_encoding, b, code & ((1u << b) - 1));
  return v * (int64_t{1} << (c_.max_bits() - b));
}

int64_t OpalPeModel::weight(uint32_t code) const {
  return decode_int(IntEncoding::TwosComplement, c_.weight_bits,
                    code & ((1u << c_.weight_bits) - 1));
}

uint32_t OpalPeModel::block_to_fp32(int64_t int_acc, uint32_t scale) const {
  if (scale == 0xff) return fp_nan(FloatFormat::fp32());
  const uint64_t mag = static_cast<uint64_t>(int_acc < 0 ? -int_acc : int_acc);
  const int exp = static_cast<int>(scale) - 127 - (c_.max_bits() - 2);
  return fp_round_pack(FloatFormat::fp32(), int_acc < 0, mag, exp, Rounding::NearestEven);
}

uint32_t OpalPeModel::outlier_product(uint32_t v_bf16, int64_t w) {
  // |w| <= 128 has at most 8 significant bits: exact in bf16.
  const uint32_t mag = static_cast<uint32_t>(w < 0 ? -w : w);
  const uint32_t w_bf16 = (w < 0 ? 0x8000u : 0u) |
                          fp_round_pack(FloatFormat::bf16(), false, mag, 0, Rounding::NearestEven);
  return fp_mul(OpalPeFpOps::outlier_mul(), v_bf16, w_bf16);
}

OpalPeOutput OpalPeModel::step(const OpalPeBeat& in) {
  const int lanes = c_.lanes;
  const int n = c_.outliers;
  // Outlier positions and weight capture on this beat.
  std::fill(is_outlier_.begin(), is_outlier_.end(), 0);
  for (int j = 0; j < n; ++j) {
    if (beat_ == 0) wcap_[j] = 0;
    if (static_cast<int>(in.indices[j] / lanes) == beat_) {
      const int lane = static_cast<int>(in.indices[j] % lanes);
      is_outlier_[lane] = 1;
      wcap_[j] = weight(in.weights[lane]);
    }
  }
  int64_t sum = beat_ == 0 ? 0 : int_acc_;
  for (int l = 0; l < lanes; ++l)
    if (!is_outlier_[l]) sum += activation(in.codes[l], in.mode) * weight(in.weights[l]);
  int_acc_ = sum;

  OpalPeOutput out;
  if (beat_ == c_.beats_per_block() - 1) {
    // The terms, padded with -0 (set once, never overwritten) to G * u.
    terms_[0] = block_to_fp32(sum, in.scale);
    for (int j = 0; j < n; ++j)
      terms_[static_cast<std::size_t>(j + 1)] = outlier_product(in.outliers[j], wcap_[j]);
    const auto& add = OpalPeFpOps::acc_add();
    const auto u = static_cast<std::size_t>(c_.fp_units);
    uint32_t acc = row_start_ ? 0u : acc_;
    for (std::size_t g = 0; g < static_cast<std::size_t>(c_.fp_groups()); ++g)
      acc = fp_add(add, acc, u == 1 ? terms_[g] : fp_sum_tree(add, &terms_[g * u], u));
    acc_ = acc;
    row_start_ = in.last;
    if (in.last) {
      out.done = true;
      out.y = fp_mul(OpalPeFpOps::scale_mul(), acc, in.wscale);
    }
  }
  beat_ = (beat_ + 1) % c_.beats_per_block();
  return out;
}

}  // namespace bf::golden
