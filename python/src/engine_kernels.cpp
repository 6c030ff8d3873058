#include "python/src/engine_kernels.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <span>

#include "golden/arith/fp_kernels.hpp"
#include "golden/arith/host_ieee.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/units/opal_core/opal_gemv.hpp"
#include "python/src/engine_parallel.hpp"

// No fused multiply-add: an outlier's product with its weight may overflow
// or underflow, where fma() would not round it first (golden/arith/host_ieee.hpp).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace bf::py {

using golden::float_of;
using golden::golden_bits;
using golden::HostIeeeScope;
using golden::kHostFloatSupported;

namespace {

using golden::OpalPeConfig;
namespace fpd = golden::fp_detail;

constexpr uint32_t kNegZero = 0x80000000u;  // fp32 -0: opal.pe's padding term

std::atomic<bool> use_host_float{true};

// Activation rows of an opal.pe / baseline.mx_dot GEMM, quantized once. Per
// row and block: the E8M0 scale and the outlier slots' indices and bf16
// values (also as floats: a bf16 value times a weight of at most 8 bits is
// exact in fp32 unless it overflows or underflows, where the host rounds as
// outlier_product's fp_mul does).
struct OpalActivations {
  std::size_t blocks = 0, slots = 0, padded_k = 0;
  std::vector<int16_t> values;        // rows x padded_k, on the bmax grid; 0 at outlier positions
  std::vector<uint32_t> scales;       // rows x blocks
  std::vector<uint16_t> indices;      // rows x blocks x slots
  std::vector<uint32_t> outliers;     // rows x blocks x slots, bf16 codes
  std::vector<float> outlier_values;  // the same as floats
  // T_0 = sum * t0_factor exactly (a power of two that keeps every block sum,
  // |sum| < 2^23, a normal fp32: no rounding), where t0_exact is set; else
  // the unit's rounding (OpalPeModel::block_to_fp32).
  std::vector<float> t0_factor;   // rows x blocks
  std::vector<uint8_t> t0_exact;  // rows x blocks
};

// 2^e with e = S - 127 - (bmax - 2), when every nonzero |sum| * 2^e lies in
// [2^-126, 2^127), the normal range: |sum| < 2^23 (at most 128 * 128 * 256).
bool exact_t0_factor(const OpalPeConfig& c, uint32_t scale, float& factor) {
  const int e = static_cast<int>(scale) - 127 - (c.max_bits() - 2);
  if (scale == 0xff || e < -126 || e > 127 - 23) return false;
  factor = float_of(static_cast<uint32_t>(e + 127) << 23);
  return true;
}

OpalActivations quantize_opal_activations(const OpalPeConfig& c, int mode, const float* x,
                                          std::size_t m, std::size_t k, std::size_t padded_k) {
  OpalActivations a;
  const std::size_t kb = static_cast<std::size_t>(c.block);
  a.padded_k = padded_k;
  a.blocks = padded_k / kb;
  a.slots = static_cast<std::size_t>(c.outliers);
  a.values.assign(m * padded_k, 0);
  a.scales.assign(m * a.blocks, 0);
  a.indices.assign(m * a.blocks * a.slots, 0);
  a.outliers.assign(m * a.blocks * a.slots, 0);
  a.outlier_values.assign(m * a.blocks * a.slots, 0.0f);
  a.t0_factor.assign(m * a.blocks, 0.0f);
  a.t0_exact.assign(m * a.blocks, 0);
  const golden::OpalPeModel model(c);
  parallel_ranges(m, [&](std::size_t begin, std::size_t end) {
    std::vector<uint32_t> row(padded_k, 0);  // fp32 codes, zero padding past k
    for (std::size_t r = begin; r < end; ++r) {
      for (std::size_t i = 0; i < k; ++i) row[i] = golden::fp32_bits(x[r * k + i]);
      const golden::OpalActivation q = golden::opal_quantize_activation(c, mode, row);
      int16_t* values = &a.values[r * padded_k];
      for (std::size_t i = 0; i < padded_k; ++i)
        values[i] = static_cast<int16_t>(model.activation(q.codes[i], mode));
      for (std::size_t b = 0; b < a.blocks; ++b) {
        const golden::MxOpalBlock& blk = q.blocks[b];
        const std::size_t rb = r * a.blocks + b;
        a.scales[rb] = blk.scale;
        a.t0_exact[rb] = exact_t0_factor(c, blk.scale, a.t0_factor[rb]) ? 1 : 0;
        for (std::size_t j = 0; j < a.slots; ++j) {
          // The PE zeroes an outlier position's lane whatever its code.
          values[b * kb + blk.indices[j]] = 0;
          a.indices[rb * a.slots + j] = static_cast<uint16_t>(blk.indices[j]);
          a.outliers[rb * a.slots + j] = blk.outliers[j];
          a.outlier_values[rb * a.slots + j] = float_of(blk.outliers[j] << 16);
        }
      }
    }
  });
  return a;
}

// The exact integer sum of one block (|sum| <= 128 * 128 * 256 < 2^31).
inline int32_t block_dot(const int16_t* a, const int16_t* w, std::size_t n) {
  int32_t s = 0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<int32_t>(a[i]) * static_cast<int32_t>(w[i]);
  return s;
}

// One output of opal.pe (golden/units/opal_pe/opal_pe.hpp): per block the
// exact integer sum, its conversion T_0, the outlier products T_1..T_n, added
// to the fp32 accumulator in groups of fp_units; then the bf16 channel scale.
class OpalDot {
 public:
  OpalDot(const OpalPeConfig& c, const OpalActivations& a, const OpalWeights& w)
      : c_(c),
        a_(a),
        w_(w),
        model_(c),
        add_fmt_(golden::OpalPeFpOps::acc_add().f, golden::OpalPeFpOps::acc_add().overflow),
        add_round_(golden::OpalPeFpOps::acc_add().rounding),
        scale_a_(golden::OpalPeFpOps::scale_mul().a),
        scale_b_(golden::OpalPeFpOps::scale_mul().b),
        scale_y_(golden::OpalPeFpOps::scale_mul().y, golden::OpalPeFpOps::scale_mul().overflow),
        scale_round_(golden::OpalPeFpOps::scale_mul().rounding),
        terms_(static_cast<std::size_t>(c.fp_groups() * c.fp_units), kNegZero),
        values_(terms_.size(), -0.0f),
        tree_(static_cast<std::size_t>(c.fp_units)),
        host_(host_float_arithmetic()) {}

  uint32_t operator()(std::size_t r, std::size_t col) {
    return host_ ? host_dot(r, col) : golden_dot(r, col);
  }

 private:
  // With the golden fp32 operators.
  uint32_t golden_dot(std::size_t r, std::size_t col) {
    const std::size_t kb = static_cast<std::size_t>(c_.block), pk = a_.padded_k;
    const std::size_t u = static_cast<std::size_t>(c_.fp_units);
    const std::size_t groups = static_cast<std::size_t>(c_.fp_groups());
    uint32_t acc = 0;  // +0 at the row start
    for (std::size_t b = 0; b < a_.blocks; ++b) {
      const std::size_t rb = r * a_.blocks + b;
      const int32_t sum = block_dot(&a_.values[r * pk + b * kb], &w_.values[col * pk + b * kb], kb);
      terms_[0] = model_.block_to_fp32(sum, a_.scales[rb]);
      const int16_t* block_weights = &w_.values[col * pk + b * kb];
      for (std::size_t j = 0; j < a_.slots; ++j)  // the captured weights' products
        terms_[1 + j] = golden::OpalPeModel::outlier_product(
            a_.outliers[rb * a_.slots + j], block_weights[a_.indices[rb * a_.slots + j]]);
      if (u == 1) {
        for (std::size_t t = 0; t < groups; ++t)
          acc = fpd::add(add_fmt_, add_round_, acc, terms_[t]);
      } else {
        for (std::size_t g = 0; g < groups; ++g)
          acc = fpd::add(add_fmt_, add_round_, acc,
                         golden::fp_sum_tree(golden::OpalPeFpOps::acc_add(), &terms_[g * u], u));
      }
    }
    return fpd::mul(scale_a_, scale_b_, scale_y_, scale_round_, acc, w_.scales_bf16[col]);
  }

  // The same operations in host floats (golden/arith/host_ieee.hpp: equal bits
  // under a HostIeeeScope).
  uint32_t host_dot(std::size_t r, std::size_t col) {
    const std::size_t kb = static_cast<std::size_t>(c_.block), pk = a_.padded_k;
    const std::size_t u = static_cast<std::size_t>(c_.fp_units);
    const std::size_t groups = static_cast<std::size_t>(c_.fp_groups());
    float acc = 0.0f;
    for (std::size_t b = 0; b < a_.blocks; ++b) {
      const std::size_t rb = r * a_.blocks + b;
      const int32_t sum = block_dot(&a_.values[r * pk + b * kb], &w_.values[col * pk + b * kb], kb);
      values_[0] = a_.t0_exact[rb] ? static_cast<float>(sum) * a_.t0_factor[rb]
                                   : float_of(model_.block_to_fp32(sum, a_.scales[rb]));
      const int16_t* block_weights = &w_.values[col * pk + b * kb];
      for (std::size_t j = 0; j < a_.slots; ++j)
        values_[1 + j] = a_.outlier_values[rb * a_.slots + j] *
                         static_cast<float>(block_weights[a_.indices[rb * a_.slots + j]]);
      if (u == 1) {
        for (std::size_t t = 0; t < groups; ++t) acc = acc + values_[t];
      } else {
        for (std::size_t g = 0; g < groups; ++g) acc = acc + host_sum_tree(&values_[g * u], u);
      }
    }
    return golden_bits(acc * float_of(w_.scales_bf16[col] << 16));
  }

  // golden::fp_sum_tree's order: (x0 + x1), (x2 + x3), ...; an odd last
  // element passes up a level.
  float host_sum_tree(const float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) tree_[i] = x[i];
    for (std::size_t len = n; len > 1; len = (len + 1) / 2) {
      for (std::size_t i = 0; i + 1 < len; i += 2) tree_[i / 2] = tree_[i] + tree_[i + 1];
      if (len % 2) tree_[len / 2] = tree_[len - 1];
    }
    return tree_[0];
  }

  const OpalPeConfig& c_;
  const OpalActivations& a_;
  const OpalWeights& w_;
  golden::OpalPeModel model_;  // for block_to_fp32 (the unit's conversion)
  fpd::Fmt add_fmt_;
  golden::Rounding add_round_;
  fpd::Fmt scale_a_, scale_b_, scale_y_;
  golden::Rounding scale_round_;
  std::vector<uint32_t> terms_;  // the block's n + 1 terms, padded with -0 to groups * u
  std::vector<float> values_;    // the same in host floats
  std::vector<float> tree_;      // host_sum_tree's levels
  bool host_;
};

}  // namespace

void use_host_float_arithmetic(bool on) { use_host_float = on; }

bool host_float_arithmetic() { return kHostFloatSupported && use_host_float; }

std::size_t padded_length(const OpalPeConfig& c, std::size_t k) {
  const std::size_t kb = static_cast<std::size_t>(c.block);
  return (k + kb - 1) / kb * kb;
}

OpalWeights quantize_opal_weights(const OpalPeConfig& c, const float* w, std::size_t rows,
                                  std::size_t k) {
  OpalWeights q;
  q.rows = rows;
  q.k = k;
  q.padded_k = padded_length(c, k);
  q.values.assign(rows * q.padded_k, 0);
  q.scales_bf16.assign(rows, 0);
  const golden::OpalPeModel model(c);
  parallel_ranges(rows, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const golden::IntWeightRow row =
          golden::quantize_weight_row(std::span<const float>(w + r * k, k), c.weight_bits);
      q.scales_bf16[r] = row.scale_bf16;
      for (std::size_t i = 0; i < k; ++i) {
        q.values[r * q.padded_k + i] = static_cast<int16_t>(model.weight(row.codes[i]));
      }
    }
  });
  return q;
}

OpalWeights opal_weights_from_values(const OpalPeConfig& c, const int8_t* values,
                                     const uint16_t* scales_bf16, std::size_t rows, std::size_t k) {
  OpalWeights q;
  q.rows = rows;
  q.k = k;
  q.padded_k = padded_length(c, k);
  q.values.assign(rows * q.padded_k, 0);
  q.scales_bf16.assign(scales_bf16, scales_bf16 + rows);
  for (std::size_t r = 0; r < rows; ++r)
    std::copy(values + r * k, values + (r + 1) * k, &q.values[r * q.padded_k]);
  return q;
}

void opal_gemm(const OpalPeConfig& c, int mode, const float* x, std::size_t m, const OpalWeights& w,
               uint32_t* y) {
  const OpalActivations a = quantize_opal_activations(c, mode, x, m, w.k, w.padded_k);
  for_each_output(m, w.rows, y, [&] { return OpalDot(c, a, w); });
}

}  // namespace bf::py
