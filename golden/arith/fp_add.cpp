#include "golden/arith/fp_add.hpp"

#include <stdexcept>
#include <utility>

namespace bf::golden {

void FpAddSpec::validate() const {
  check_result_format(f, "fp_add");
  check_arith_rounding(rounding);
}

namespace {

// Frame offset of the operand with the larger quantum: its significand
// (<= 24 bits) shifted up 38 bits stays below 2^62, so the signed sum fits.
constexpr int kFrame = 38;

}  // namespace

uint32_t fp_add(const FpAddSpec& s, uint32_t a, uint32_t b) {
  using C = FpValue::Class;
  FpValue x = fp_unpack(s.f, a);
  FpValue z = fp_unpack(s.f, b);
  if (x.cls == C::NaN || z.cls == C::NaN) return fp_nan(s.f);
  if (x.cls == C::Inf || z.cls == C::Inf) {
    if (x.cls == C::Inf && z.cls == C::Inf && x.sign != z.sign) return fp_nan(s.f);
    return fp_inf(s.f, x.cls == C::Inf ? x.sign : z.sign);
  }
  if (x.cls == C::Zero && z.cls == C::Zero) return fp_zero(s.f, x.sign && z.sign);
  if (x.cls == C::Zero) return fp_round_pack(s.f, z.sign, z.sig, z.exp, s.rounding);
  if (z.cls == C::Zero) return fp_round_pack(s.f, x.sign, x.sig, x.exp, s.rounding);

  // x: the operand with the larger (or equal) quantum exponent.
  if (z.exp > x.exp) std::swap(x, z);
  const int gap = x.exp - z.exp;
  int64_t vx, vz;
  int exp;
  if (gap <= kFrame) {
    vx = static_cast<int64_t>(x.sig << gap);  // exact
    vz = static_cast<int64_t>(z.sig);
    exp = z.exp;
  } else {
    vx = static_cast<int64_t>(x.sig << kFrame);
    const int sh = gap - kFrame;  // > 0; z.sig < 2^24, so sh >= 24 leaves only sticky
    const uint64_t kept = sh >= 64 ? 0 : z.sig >> sh;
    const bool sticky = sh >= 64 ? z.sig != 0 : (z.sig & ((uint64_t{1} << sh) - 1)) != 0;
    vz = static_cast<int64_t>(kept | (sticky ? 1u : 0u));
    exp = x.exp - kFrame;
  }
  const int64_t sum = (x.sign ? -vx : vx) + (z.sign ? -vz : vz);
  if (sum == 0) return fp_zero(s.f, false);  // exact cancellation: +0
  const bool neg = sum < 0;
  return fp_round_pack(s.f, neg, static_cast<uint64_t>(neg ? -sum : sum), exp, s.rounding);
}

uint32_t fp_sub(const FpAddSpec& s, uint32_t a, uint32_t b) {
  return fp_add(s, a, b ^ (uint32_t{1} << (s.f.exp_bits + s.f.man_bits)));
}

void fp_add(const FpAddSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = fp_add(s, a[i], b[i]);
}

uint32_t fp_sum_tree(const FpAddSpec& s, const uint32_t* x, std::size_t n) {
  if (n == 0) return fp_zero(s.f, false);
  std::vector<uint32_t> level(x, x + n);
  while (level.size() > 1) {
    std::vector<uint32_t> next;
    next.reserve((level.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < level.size(); i += 2)
      next.push_back(fp_add(s, level[i], level[i + 1]));
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  return level[0];
}

uint32_t fp_sum_serial(const FpAddSpec& s, uint32_t init, const uint32_t* x, std::size_t n) {
  uint32_t acc = init;
  for (std::size_t i = 0; i < n; ++i) acc = fp_add(s, acc, x[i]);
  return acc;
}

uint32_t fp_dot_step(const FpMulSpec& mul, const FpAddSpec& add, uint32_t acc, const uint32_t* a,
                     const uint32_t* b, std::size_t n) {
  if (!(mul.y == add.f))
    throw std::invalid_argument("fp_dot_step: the product format must be the accumulator format");
  std::vector<uint32_t> p(n);
  fp_mul(mul, a, b, p.data(), n);
  return fp_add(add, acc, fp_sum_tree(add, p.data(), n));
}

}  // namespace bf::golden
