#include "generator/units/opal_core/score_route.hpp"

#include <fmt/format.h>

#include "generator/blocks/blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::opal_core {

using vlog::bit;
using vlog::bits;
using vlog::concat;
using vlog::lit;
using vlog::zext;

std::string fp32_to_fixed(vlog::Module& m, const std::string& pre, const std::string& y, int W,
                          int fi) {
  const std::string field = m.wire(pre + "_field", 8);
  m.assign(field, bits(y, 30, 23));
  const std::string special = m.wire(pre + "_special", 1, "Inf or NaN");
  m.assign(special, "&" + field);
  const std::string nan = m.wire(pre + "_nan", 1);
  m.assign(nan, fmt::format("{} & (|{})", special, bits(y, 22, 0)));
  const std::string sig = m.wire(pre + "_sig", 24);
  m.assign(sig, concat({fmt::format("(|{})", field), bits(y, 22, 0)}));
  // |y| * 2^fi = sig * 2^(max(field, 1) + fi - 150): a left shift by
  // max(field,1) + fi - 150 when that is >= 0, else a rounded right shift.
  const std::string sum = m.wire(pre + "_exp", 10, fmt::format("max(field, 1) + {}", fi));
  m.assign(sum, fmt::format("{} + {}", zext(fmt::format("((|{0}) ? {0} : 8'd1)", field), 8, 10),
                            lit(10, static_cast<uint64_t>(fi))));
  const std::string left = m.wire(pre + "_left", 1, "the value is an integer multiple of 2^-fi");
  m.assign(left, fmt::format("{} >= 10'd150", sum));
  const int wm = W + 24;  // room for sig << W
  const int lw = vlog::bits_for(static_cast<uint64_t>(W));
  const std::string lsh_full = m.wire(pre + "_lsh_full", 10);
  m.assign(lsh_full, fmt::format("{} - 10'd150", sum));
  const std::string lsh = m.wire(pre + "_lsh", lw, fmt::format("left shift, capped at {}", W));
  m.assign(lsh, fmt::format("({} > {}) ? {} : {}", lsh_full, lit(10, static_cast<uint64_t>(W)),
                            lit(lw, static_cast<uint64_t>(W)), bits(lsh_full, lw - 1, 0)));
  const std::string rsh = m.wire(pre + "_rsh", 10, "right shift");
  m.assign(rsh, fmt::format("10'd150 - {}", sum));
  blocks::RoundShift rs;
  rs.sig = sig;
  rs.sig_width = 24;
  rs.shift = rsh;
  rs.shift_width = 10;
  rs.r_min = 1;
  rs.cap = blocks::round_shift_cap(24, golden::Rounding::NearestEven, 0);
  rs.mode = golden::Rounding::NearestEven;
  const std::string right = blocks::round_shift(m, pre + "_rnd", rs);
  const int right_w = 24;  // kept (23 bits at r >= 1) + carry
  const std::string mag = m.wire(pre + "_mag", wm, "|y| * 2^fi, rounded");
  m.assign(mag, fmt::format("{} ? ({} << {}) : {}", left, zext(sig, 24, wm), lsh,
                            zext(right, right_w, wm)));
  const uint64_t hi = (uint64_t{1} << (W - 1)) - 1;
  const std::string code = m.wire(pre + "_code", W);
  const std::string max_c = vlog::hex_lit(W, hi), min_c = vlog::hex_lit(W, hi + 1);
  m.assign(code,
           fmt::format("{nan} ? {min} : ({special} ? ({s} ? {min} : {max}) : ({s} ? (({mag} > "
                       "{lim_n}) ? {min} : -{low}) : (({mag} > {lim_p}) ? {max} : {low})))",
                       fmt::arg("nan", nan), fmt::arg("min", min_c), fmt::arg("max", max_c),
                       fmt::arg("special", special), fmt::arg("s", bit(y, 31)),
                       fmt::arg("mag", mag), fmt::arg("lim_n", lit(wm, hi + 1)),
                       fmt::arg("lim_p", lit(wm, hi)), fmt::arg("low", bits(mag, W - 1, 0))),
           "saturating; NaN gets no probability mass");
  return code;
}

}  // namespace bf::opal_core
