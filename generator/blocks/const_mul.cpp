#include "generator/blocks/const_mul.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/verilog/expr.hpp"

namespace bf::blocks {

std::vector<CsdDigit> csd_digits(uint64_t c) {
  if (c == 0 || c >> 62) throw std::logic_error("csd_digits: constant must be in 1..2^62-1");
  std::vector<CsdDigit> digits;
  // Standard NAF recoding, LSB first: a 1 followed by a 1 becomes -1 with a
  // carry, so no two nonzero digits are adjacent.
  int shift = 0;
  uint64_t v = c;
  while (v != 0) {
    if (v & 1) {
      const int sign = (v & 3) == 3 ? -1 : 1;
      digits.push_back({shift, sign});
      if (sign < 0)
        v += 1;
      else
        v -= 1;
    }
    v >>= 1;
    ++shift;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string csd_text(uint64_t c) {
  std::string s;
  for (const auto& d : csd_digits(c)) {
    const std::string term = fmt::format("{}", uint64_t{1} << d.shift);
    if (s.empty())
      s = d.sign < 0 ? "-" + term : term;
    else
      s += (d.sign < 0 ? " - " : " + ") + term;
  }
  return s;
}

std::string const_mul(vlog::Module& m, const std::string& prefix, const std::string& x, int x_width,
                      uint64_t c, int out_width) {
  const auto digits = csd_digits(c);
  std::string expr;
  for (const auto& d : digits) {
    // x << shift vanishes modulo 2^out_width (e.g. the top digit of 23 =
    // 32 - 8 - 1 when x is one bit wide).
    if (d.shift >= out_width) continue;
    // x << shift, zero-extended or cut to out_width bits.
    const int keep = std::min(x_width, out_width - d.shift);
    std::vector<std::string> parts;
    if (out_width - d.shift - keep > 0) parts.push_back(vlog::lit(out_width - d.shift - keep, 0));
    parts.push_back(keep == x_width ? x : vlog::bits(x, keep - 1, 0));
    if (d.shift > 0) parts.push_back(vlog::lit(d.shift, 0));
    const std::string term = parts.size() == 1 ? parts[0] : vlog::concat(parts);
    if (expr.empty())
      expr = d.sign < 0 ? "-" + term : term;
    else
      expr += (d.sign < 0 ? " - " : " + ") + term;
  }
  if (expr.empty()) throw std::logic_error("const_mul: no digit below out_width");
  const std::string out = m.wire(prefix, out_width);
  m.assign(out, expr, fmt::format("x * {} = {} (CSD shift-and-add)", c, csd_text(c)));
  return out;
}

}  // namespace bf::blocks
