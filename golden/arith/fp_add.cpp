#include "golden/arith/fp_add.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "golden/arith/fp_kernels.hpp"

namespace bf::golden {

void FpAddSpec::validate() const {
  check_result_format(f, "fp_add");
  check_arith_rounding(rounding);
}

uint32_t fp_add(const FpAddSpec& s, uint32_t a, uint32_t b) {
  return fp_detail::add(fp_detail::Fmt(s.f, s.overflow), s.rounding, a, b);
}

uint32_t fp_sub(const FpAddSpec& s, uint32_t a, uint32_t b) {
  return fp_add(s, a, b ^ (uint32_t{1} << (s.f.exp_bits + s.f.man_bits)));
}

void fp_add(const FpAddSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n) {
  const fp_detail::Fmt f(s.f, s.overflow);
  for (std::size_t i = 0; i < n; ++i) y[i] = fp_detail::add(f, s.rounding, a[i], b[i]);
}

uint32_t fp_sum_tree(const FpAddSpec& s, const uint32_t* x, std::size_t n) {
  if (n == 0) return fp_zero(s.f, false);
  const fp_detail::Fmt f(s.f, s.overflow);
  // In place: level k keeps its values in the first ceil(n / 2^k) slots.
  std::vector<uint32_t> v(x, x + n);
  for (std::size_t len = n; len > 1; len = (len + 1) / 2) {
    for (std::size_t i = 0; i + 1 < len; i += 2)
      v[i / 2] = fp_detail::add(f, s.rounding, v[i], v[i + 1]);
    if (len % 2) v[len / 2] = v[len - 1];
  }
  return v[0];
}

uint32_t fp_sum_serial(const FpAddSpec& s, uint32_t init, const uint32_t* x, std::size_t n) {
  const fp_detail::Fmt f(s.f, s.overflow);
  uint32_t acc = init;
  for (std::size_t i = 0; i < n; ++i) acc = fp_detail::add(f, s.rounding, acc, x[i]);
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

uint32_t fp_dot(const FpMulSpec& mul, const FpAddSpec& add, uint32_t init, const uint32_t* a,
                const uint32_t* b, std::size_t n, std::size_t lanes) {
  if (lanes == 0) throw std::invalid_argument("fp_dot: lanes must be >= 1");
  uint32_t acc = init;
  for (std::size_t i = 0; i < n; i += lanes)
    acc = fp_dot_step(mul, add, acc, a + i, b + i, std::min(lanes, n - i));
  return acc;
}

}  // namespace bf::golden
