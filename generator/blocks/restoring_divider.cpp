#include "generator/blocks/restoring_divider.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using vlog::bits;

std::string restoring_divide(vlog::Module& m, const std::string& p, const std::string& dividend,
                             int dividend_width, std::string divisor, int divisor_width,
                             int quotient_width, const DividerRowHook& after_row,
                             std::string* remainder) {
  if (quotient_width < 1 || quotient_width > dividend_width)
    throw std::logic_error("restoring_divide: bad quotient width");
  const int dw = divisor_width;
  const int top_w = dividend_width - quotient_width;  // initial partial remainder
  if (top_w > dw) throw std::logic_error("restoring_divide: dividend top wider than divisor");
  const std::string dv = m.wire(p + "_dividend", dividend_width);
  m.assign(dv, dividend);
  // Partial remainder before the first row: the dividend's bits above the
  // quotient (< divisor by the caller's guarantee), dw bits.
  std::string rem = m.wire(p + "_rem_in", dw);
  if (top_w == 0)
    m.assign(rem, vlog::lit(dw, 0));
  else
    m.assign(rem, vlog::zext(bits(dv, dividend_width - 1, quotient_width), top_w, dw));
  std::vector<std::string> qs;  // quotient bits so far, MSB first
  for (int i = quotient_width - 1; i >= 0; --i) {
    const std::string row = fmt::format("{}_r{}", p, i);
    const std::string cur = m.wire(row + "_cur", dw + 1, "partial remainder, next dividend bit in");
    m.assign(cur, vlog::concat({rem, bits(dv, i, i)}));
    const std::string diff = m.wire(row + "_diff", dw + 2, "trial subtraction; MSB = borrow");
    m.assign(diff, fmt::format("{} - {}", vlog::zext(cur, dw + 1, dw + 2),
                               vlog::zext(divisor, dw, dw + 2)));
    const std::string qi = m.wire(row + "_q", 1);
    m.assign(qi, "~" + bits(diff, dw + 1, dw + 1));
    qs.push_back(qi);
    const std::string next = m.wire(row + "_rem", dw, "< divisor");
    m.assign(next, fmt::format("{} ? {} : {}", qi, bits(diff, dw - 1, 0), bits(cur, dw - 1, 0)));
    const std::string unused = m.wire("unused_" + row + "_top", 1);
    m.assign(unused, bits(diff, dw, dw) + " ^ " + bits(cur, dw, dw),
             "the kept remainder is below the divisor: its top bit is 0");
    rem = next;
    if (after_row && i > 0) after_row(quotient_width - i, rem, qs, divisor);
  }
  if (remainder) {
    *remainder = rem;
  } else {
    const std::string unused = m.wire("unused_" + p + "_remainder", 1);
    m.assign(unused, "|" + rem, "the final remainder is not needed");
  }
  const std::string out = m.wire(p + "_quot", quotient_width);
  m.assign(out, qs.size() == 1 ? qs[0] : vlog::concat(qs));
  return out;
}

}  // namespace bf::blocks
