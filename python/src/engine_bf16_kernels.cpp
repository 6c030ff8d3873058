// baseline.bf16_dot's GEMM (engine_kernels.hpp): out[m, n] = bf16_dot_row of
// x's row m and w's row n, both rounded to bf16 once. Two kernels restate
// bf16_dot_row for speed where that is exact, the golden function does the
// rest:
// - accumulation = "tree", subnormals = "ieee": host floats
//   (golden/arith/host_ieee.hpp), golden::fp_dot's order;
// - accumulation = "fused": bf16_fused_step's integer arithmetic on operands
//   decoded once per row, for rows without NaN or Inf (an output with one
//   takes bf16_dot_row).

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "golden/arith/fp_kernels.hpp"
#include "golden/arith/host_ieee.hpp"
#include "golden/formats/float_format.hpp"
#include "python/src/engine_kernels.hpp"
#include "python/src/engine_parallel.hpp"

// No fused multiply-add: two bf16 operands' product may underflow, where
// fma() would not round it first (golden/arith/host_ieee.hpp).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace bf::py {

using golden::float_of;
using golden::golden_bits;

namespace {

namespace fpd = golden::fp_detail;

// Rows of float32 values rounded to bf16 (fp32_to_bf16: nearest even, NaN
// kept), as codes, as float values (tree) or decoded (fused).
struct Bf16Rows {
  struct Operand {  // |value| = sig * 2^exp; sig = 0 for a zero
    uint32_t sig;
    int32_t exp;
    bool sign;
  };
  std::vector<uint32_t> codes;
  std::vector<float> values;
  std::vector<Operand> operands;
  std::vector<uint8_t> special;  // per row: holds a NaN or an Inf
};

enum class Bf16Form { Codes, Values, Operands };

Bf16Rows bf16_rows(const golden::Bf16DotParams& p, const float* v, std::size_t rows, std::size_t k,
                   Bf16Form form) {
  Bf16Rows out;
  out.codes.resize(rows * k);
  if (form == Bf16Form::Values) out.values.resize(rows * k);
  if (form == Bf16Form::Operands) out.operands.resize(rows * k);
  out.special.assign(rows, 0);
  const golden::FloatFormat bf16 = p.bf16();
  parallel_ranges(rows, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin * k; i < end * k; ++i) {
      const uint32_t code = golden::fp32_to_bf16(golden::fp32_bits(v[i]));
      out.codes[i] = code;
      if (form == Bf16Form::Values) out.values[i] = float_of(code << 16);
      if (form == Bf16Form::Operands) {
        const golden::FpValue d = golden::fp_unpack(bf16, code);
        using C = golden::FpValue::Class;
        if (d.cls == C::Inf || d.cls == C::NaN) out.special[i / k] = 1;
        out.operands[i] = {d.cls == C::Finite ? static_cast<uint32_t>(d.sig) : 0u, d.exp, d.sign};
      }
    }
  });
  return out;
}

// golden::fp_dot from +0 in chunks of `lanes` (bf16_dot_row, accumulation =
// "tree", subnormals = "ieee") in host floats: per chunk the products, their
// fp_sum_tree, then acc + tree.
uint32_t bf16_tree_dot_host(const float* a, const float* w, std::size_t k, float* products,
                            std::size_t lanes) {
  float acc = 0.0f;
  for (std::size_t first = 0; first < k; first += lanes) {
    const std::size_t n = std::min(lanes, k - first);
    for (std::size_t i = 0; i < n; ++i) products[i] = a[first + i] * w[first + i];
    for (std::size_t len = n; len > 1; len = (len + 1) / 2) {
      for (std::size_t i = 0; i + 1 < len; i += 2) products[i / 2] = products[i] + products[i + 1];
      if (len % 2) products[len / 2] = products[len - 1];
    }
    acc = acc + products[0];
  }
  return golden_bits(acc);
}

// bf16_dot_row for accumulation = "fused": one bf16_fused_step per chunk of
// `lanes` elements (the last padded with +0 x +0), restated on decoded
// operands; the steps' numbers refer to baseline_bf16_dot.hpp.
class Bf16FusedDot {
 public:
  Bf16FusedDot(const golden::Bf16DotParams& p, const Bf16Rows& x, const Bf16Rows& w, std::size_t k)
      : p_(p),
        x_(x),
        w_(w),
        k_(k),
        lanes_(static_cast<std::size_t>(p.lanes)),
        f32_(p.fp32()),
        sig_(lanes_ + 1),
        exp_(lanes_ + 1),
        neg_(lanes_ + 1) {}

  uint32_t operator()(std::size_t r, std::size_t col) {
    if (x_.special[r] || w_.special[col])
      return golden::bf16_dot_row(p_, &x_.codes[r * k_], &w_.codes[col * k_], k_);
    uint32_t acc = 0;  // +0 at the row start
    for (std::size_t first = 0; first < k_; first += lanes_)
      acc = step(acc, &x_.operands[r * k_ + first], &w_.operands[col * k_ + first],
                 std::min(lanes_, k_ - first));
    return acc;
  }

 private:
  uint32_t step(uint32_t acc, const Bf16Rows::Operand* a, const Bf16Rows::Operand* w,
                std::size_t n) {
    // Steps 1-3 (no NaN or Inf operand here): the nonzero products, exact,
    // and whether every term is -0 (a +0 x +0 padding lane is not).
    std::size_t terms = 0;
    bool all_zero_neg = n == lanes_;
    for (std::size_t i = 0; i < n; ++i) {
      const bool neg = a[i].sign != w[i].sign;
      if (a[i].sig == 0 || w[i].sig == 0) {
        all_zero_neg = all_zero_neg && neg;
        continue;
      }
      sig_[terms] = uint64_t{a[i].sig} * w[i].sig;
      exp_[terms] = a[i].exp + w[i].exp;
      neg_[terms] = neg;
      ++terms;
      all_zero_neg = false;
    }
    const golden::FpValue c = fpd::unpack(f32_, acc);
    using C = golden::FpValue::Class;
    if (c.cls == C::NaN) return f32_.nan_code;
    if (c.cls == C::Inf) return acc;  // Inf + finite terms
    if (c.cls == C::Zero) {
      all_zero_neg = all_zero_neg && c.sign;
    } else {
      sig_[terms] = c.sig;
      exp_[terms] = c.exp;
      neg_[terms] = c.sign;
      ++terms;
    }
    if (terms == 0) return all_zero_neg ? f32_.sign_bit : 0u;
    // Step 4: Emax, the largest leading bit position.
    const int F = p_.fused_fraction_bits;
    int emax = lead(0);
    for (std::size_t t = 1; t < terms; ++t) emax = std::max(emax, lead(t));
    // Step 5: the truncated terms' exact sum.
    int64_t s = 0;
    for (std::size_t t = 0; t < terms; ++t) {
      // m = floor(sig * 2^shift), selects rather than branches: sig < 2^48,
      // so a right shift by 63 leaves 0 as any longer one would.
      const int shift = exp_[t] + F - emax;
      const int left = std::max(shift, 0), right = std::min(std::max(-shift, 0), 63);
      const uint64_t m = (sig_[t] << left) >> right;
      const uint64_t negate = 0 - uint64_t{neg_[t] != 0};
      s += static_cast<int64_t>((m ^ negate) - negate);
    }
    // Step 6: one rounding.
    if (s == 0) return 0;
    const uint64_t mag = s < 0 ? static_cast<uint64_t>(-s) : static_cast<uint64_t>(s);
    return fpd::round_pack(f32_, s < 0, mag, emax - F, golden::Rounding::NearestEven);
  }

  int lead(std::size_t t) const { return static_cast<int>(std::bit_width(sig_[t])) - 1 + exp_[t]; }

  const golden::Bf16DotParams& p_;
  const Bf16Rows& x_;
  const Bf16Rows& w_;
  std::size_t k_, lanes_;
  fpd::Fmt f32_;
  std::vector<uint64_t> sig_;  // a step's terms
  std::vector<int> exp_;
  std::vector<char> neg_;
};

}  // namespace

void bf16_gemm(const golden::Bf16DotParams& p, const float* x, std::size_t m, const float* w,
               std::size_t n, std::size_t k, uint32_t* y) {
  if (p.fused()) {
    const Bf16Rows xr = bf16_rows(p, x, m, k, Bf16Form::Operands),
                   wr = bf16_rows(p, w, n, k, Bf16Form::Operands);
    for_each_output(m, n, y, [&] { return Bf16FusedDot(p, xr, wr, k); });
    return;
  }
  // The adder tree with IEEE subnormals is IEEE binary32 arithmetic (a
  // product of two bf16 values is exact unless it underflows or overflows,
  // where the host rounds as fp_mul does); with flush it is not.
  if (host_float_arithmetic() && !p.flush()) {
    const Bf16Rows xr = bf16_rows(p, x, m, k, Bf16Form::Values),
                   wr = bf16_rows(p, w, n, k, Bf16Form::Values);
    const std::size_t lanes = static_cast<std::size_t>(p.lanes);
    for_each_output(m, n, y, [&] {
      return [&, products = std::vector<float>(lanes)](std::size_t r, std::size_t col) mutable {
        return bf16_tree_dot_host(&xr.values[r * k], &wr.values[col * k], k, products.data(),
                                  lanes);
      };
    });
    return;
  }
  const Bf16Rows xr = bf16_rows(p, x, m, k, Bf16Form::Codes),
                 wr = bf16_rows(p, w, n, k, Bf16Form::Codes);
  for_each_output(m, n, y, [&] {
    return [&](std::size_t r, std::size_t col) {
      return golden::bf16_dot_row(p, &xr.codes[r * k], &wr.codes[col * k], k);
    };
  });
}

}  // namespace bf::py
