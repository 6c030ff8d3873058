#include "golden/lightnorm/bn_fp32.hpp"

#include <stdexcept>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_div.hpp"
#include "golden/arith/fp_kernels.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/arith/fp_sqrt.hpp"

namespace bf::golden::lightnorm {

namespace {

constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kOne = 0x3f800000u;

// fp32 arithmetic with the format constants hoisted (the element loops).
struct Fp32 {
  fp_detail::Fmt f{FloatFormat::fp32()};
  uint32_t add(uint32_t a, uint32_t b) const {
    return fp_detail::add(f, Rounding::NearestEven, a, b);
  }
  uint32_t sub(uint32_t a, uint32_t b) const { return add(a, b ^ kSign); }
  uint32_t mul(uint32_t a, uint32_t b) const {
    return fp_detail::mul(f, f, f, Rounding::NearestEven, a, b);
  }
};

}  // namespace

BnFp32Stats bn_fp32_stats(std::span<const uint32_t> x, uint32_t inv_n, uint32_t eps) {
  if (x.empty()) throw std::invalid_argument("bn_fp32: a channel needs at least one value");
  const Fp32 a;
  BnFp32Stats s;
  for (const uint32_t v : x) {
    s.sum = a.add(s.sum, v);
    s.sum_sq = a.add(s.sum_sq, a.mul(v, v));
  }
  s.mean = a.mul(s.sum, inv_n);
  s.var = a.sub(a.mul(s.sum_sq, inv_n), a.mul(s.mean, s.mean));
  // max(var, +0): a negative var (or -0) becomes +0; NaN stays NaN.
  if ((s.var & kSign) != 0 && (s.var & 0x7fffffffu) <= 0x7f800000u) s.var = 0;
  const FloatFormat f32 = FloatFormat::fp32();
  const uint32_t sd = fp_sqrt({f32, f32, Rounding::NearestEven}, a.add(s.var, eps));
  s.inv_std = fp_div({f32, f32, f32, Rounding::NearestEven}, kOne, sd);
  return s;
}

void bn_fp32_normalize(const BnFp32Stats& s, uint32_t gamma, uint32_t beta,
                       std::span<const uint32_t> x, std::span<uint32_t> y) {
  if (y.size() != x.size()) throw std::invalid_argument("bn_fp32: x and y differ in length");
  const Fp32 a;
  for (std::size_t i = 0; i < x.size(); ++i)
    y[i] = a.add(a.mul(a.mul(a.sub(x[i], s.mean), s.inv_std), gamma), beta);
}

}  // namespace bf::golden::lightnorm
