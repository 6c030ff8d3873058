#include "generator/blocks/blocks.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/blocks/primitive.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using vlog::bits;
using vlog::lit;

namespace {

vlog::Module max_node(int width) {
  vlog::Module m;
  m.name = fmt::format("max_node_w{}", width);
  m.header = primitive_header(fmt::format("max_node ({} bits)", width),
                              {"The larger of two unsigned values."});
  m.input("a_value_i", width);
  m.input("b_value_i", width);
  m.output("value_o", width);
  m.assign("value_o", "(a_value_i > b_value_i) ? a_value_i : b_value_i");
  return m;
}

vlog::Module max_tree_module(int n, int width) {
  vlog::Module m;
  m.name = fmt::format("max_tree_n{}_w{}", n, width);
  m.header = primitive_header(fmt::format("max_tree (n = {}, {} bits)", n, width),
                              {"The largest of n unsigned values: a balanced tree of max_node, one",
                               "level per generate loop."});
  m.input("value_i", n * width, fmt::format("value e at value_i[{0}*e +: {0}]", width));
  m.output("value_o", width);
  reduction_tree(
      m, n,
      {{"value", [width](int) { return width; },
        [](const std::string& bus, int lsb, int w, int) { return vlog::part(bus, lsb, w); }}},
      [width](int) { return max_node(width); });
  return m;
}

// Leading-zero count of x[lsb +: width] (width a power of two), known to be
// nonzero at the root: returns the count wire; `zero` receives a wire that is
// 1 when the slice is all zero (needed by the parent). Wires are named after
// the bits they cover: n_<msb>_<lsb>_cnt.
std::string lzc_node(vlog::Module& m, const std::string& x, int lsb, int width, std::string* zero) {
  const std::string name = fmt::format("n_{}_{}", lsb + width - 1, lsb);
  if (width == 2) {
    const std::string cnt = m.wire(name + "_cnt", 1);
    m.assign(cnt, "~" + bits(x, lsb + 1, lsb + 1));
    if (zero) {
      *zero = m.wire(name + "_zero", 1);
      m.assign(*zero, "~(" + bits(x, lsb + 1, lsb + 1) + " | " + bits(x, lsb, lsb) + ")");
    }
    return cnt;
  }
  const int half = width / 2;
  std::string zero_hi, zero_lo;
  const std::string hi = lzc_node(m, x, lsb + half, half, &zero_hi);
  const std::string lo = lzc_node(m, x, lsb, half, zero ? &zero_lo : nullptr);
  const int cw = tree_levels(width);
  const std::string cnt = m.wire(name + "_cnt", cw);
  m.assign(cnt, fmt::format("{} ? {{1'b1, {}}} : {{1'b0, {}}}", zero_hi, lo, hi));
  if (zero) {
    *zero = m.wire(name + "_zero", 1);
    m.assign(*zero, zero_hi + " & " + zero_lo);
  }
  return cnt;
}

vlog::Module lzc_module(int width) {
  vlog::Module m;
  m.name = fmt::format("lzc_w{}", width);
  const int out_w = vlog::bits_for(static_cast<uint64_t>(width));
  m.header = primitive_header(
      fmt::format("lzc (leading-zero counter, {} bits)", width),
      {"Leading zeros of x_i: 0..width (width when x_i == 0), a tree of 2:1 selections."});
  m.input("x_i", width);
  m.output("count_o", out_w);
  // Pad with a 1 and zeros up to a power of two: the count of the padded
  // vector equals lzc(x) for x != 0 and `width` for x == 0, and the tree never
  // sees an all-zero input.
  int padded = 2;
  while (padded < width + 1) padded *= 2;
  const int fill = padded - width - 1;
  m.wire("pad", padded, "x_i, a 1, zeros to a power of two");
  m.assign("pad",
           fill ? vlog::concat({"x_i", "1'b1", lit(fill, 0)}) : vlog::concat({"x_i", "1'b1"}));
  const std::string cnt = lzc_node(m, "pad", 0, padded, nullptr);
  m.wire("unused_pad_lsb", 1);
  m.assign("unused_pad_lsb", "pad[0]", "a nonzero vector's count never depends on its LSB");
  const int cw = tree_levels(padded);
  if (cw == out_w) {
    m.assign("count_o", cnt);
  } else {
    // The padded count never exceeds `width`, so its top bits are zero.
    m.assign("count_o", bits(cnt, out_w - 1, 0));
    m.wire("unused_cnt_hi", 1);
    m.assign("unused_cnt_hi", "|" + bits(cnt, cw - 1, out_w), "always 0: count <= width");
  }
  return m;
}

}  // namespace

std::string max_tree(vlog::Module& m, const std::string& prefix,
                     const std::vector<std::string>& inputs, int width) {
  if (inputs.empty()) throw std::logic_error("max_tree: no inputs");
  if (inputs.size() == 1) return inputs[0];
  const int n = static_cast<int>(inputs.size());
  const vlog::Module tree = max_tree_module(n, width);
  const std::string in = bus(m, prefix + "_values", inputs, width);
  const std::string out = m.wire(prefix + "_max", width);
  m.add(vlog::instance_of(tree, "u_" + prefix, {{"value_i", in}, {"value_o", out}}));
  m.use(tree);
  return out;
}

std::string leading_zeros(vlog::Module& m, const std::string& prefix, const std::string& x,
                          int width) {
  const vlog::Module lzc = lzc_module(width);
  const std::string in = connectable(m, prefix + "_in", x, width);
  const std::string out = m.wire(prefix + "_count", vlog::bits_for(static_cast<uint64_t>(width)));
  m.add(vlog::instance_of(lzc, "u_" + prefix, {{"x_i", in}, {"count_o", out}}));
  m.use(lzc);
  return out;
}

int round_shift_cap(int sig_width, golden::Rounding mode, int stoch_bits) {
  switch (mode) {
    case golden::Rounding::Truncate:
      return sig_width;
    case golden::Rounding::Stochastic:
      return sig_width + stoch_bits;
    default:
      return sig_width + 1;
  }
}

std::string round_shift(vlog::Module& m, const std::string& p, const RoundShift& rs) {
  using golden::Rounding;
  if (rs.r_min < 0 || rs.r_min >= rs.sig_width || rs.cap < rs.r_min)
    throw std::logic_error("round_shift: bad r_min/cap");
  const int full_kept_w = rs.sig_width - rs.r_min;
  const int kept_w = rs.kept_width ? rs.kept_width : full_kept_w;
  if (kept_w > full_kept_w) throw std::logic_error("round_shift: kept_width too large");
  const int range = rs.cap - rs.r_min;  // shifts beyond r_min that matter
  // The datapath shifts {sig, range zeros} right by (min(r, cap) - r_min):
  // the kept part is then the top kept_w bits and the fraction (r bits of sig,
  // top-aligned) is the low `cap` bits; nothing is lost off the bottom.
  const int ext_w = rs.sig_width + range;
  const int sh_w = vlog::bits_for(static_cast<uint64_t>(range));
  const std::string sh = p + "_sh";
  if (range == 0) {
    m.wire(sh, sh_w, "min(r, cap) - r_min");
    m.assign(sh, "1'b0");
    const std::string unused = m.wire("unused_" + p + "_shift", 1);
    m.assign(unused, "|" + rs.shift, "r == r_min == cap: nothing to shift");
  } else {
    const int sw = std::max(rs.shift_width, vlog::bits_for(static_cast<uint64_t>(rs.cap)));
    const std::string r = m.wire(p + "_r", sw);
    m.assign(r, vlog::zext(rs.shift, rs.shift_width, sw));
    const std::string clamped = m.wire(p + "_rc", sw);
    m.assign(clamped, fmt::format("({0} > {1}) ? {1} : {0}", r, lit(sw, rs.cap)));
    const std::string off = m.wire(p + "_off", sw);
    m.assign(off, fmt::format("{} - {}", clamped, lit(sw, rs.r_min)));
    m.wire(sh, sh_w, "min(r, cap) - r_min");
    m.assign(sh, bits(off, sh_w - 1, 0));
    if (sw > sh_w) {
      const std::string unused = m.wire("unused_" + p + "_off_hi", 1);
      m.assign(unused, "|" + bits(off, sw - 1, sh_w), "always 0: off <= cap - r_min");
    }
  }
  const std::string ext = m.wire(p + "_ext", ext_w);
  m.assign(ext, range ? fmt::format("{{{}, {}}} >> {}", rs.sig, lit(range, 0), sh) : rs.sig);
  const int frac_w = rs.cap;  // the low cap bits of ext are the fraction
  const std::string kept = m.wire(p + "_kept", kept_w);
  m.assign(kept, bits(ext, frac_w + kept_w - 1, frac_w));
  if (kept_w < full_kept_w) {
    const std::string unused = m.wire("unused_" + p + "_kept_hi", 1);
    m.assign(unused, "|" + bits(ext, ext_w - 1, frac_w + kept_w),
             "always 0: the caller bounds the kept part");
  }
  const std::string n = p + "_n";
  std::string inc;
  switch (rs.mode) {
    case Rounding::Truncate: {
      inc = "1'b0";
      if (frac_w > 0) {
        const std::string unused = m.wire("unused_" + p + "_frac", 1);
        m.assign(unused, "|" + bits(ext, frac_w - 1, 0), "truncation ignores the fraction");
      }
      break;
    }
    case Rounding::NearestEven:
    case Rounding::NearestAway: {
      if (frac_w < 1) throw std::logic_error("round_shift: nearest needs a fraction bit");
      const std::string half = m.wire(p + "_half", 1);
      m.assign(half, bits(ext, frac_w - 1, frac_w - 1));
      if (rs.mode == Rounding::NearestAway) {
        inc = half;
        if (frac_w > 1) {
          const std::string unused = m.wire("unused_" + p + "_below_half", 1);
          m.assign(unused, "|" + bits(ext, frac_w - 2, 0),
                   "ties go away: only the half bit counts");
        }
      } else {
        const std::string sticky = m.wire(p + "_sticky", 1);
        m.assign(sticky, frac_w > 1 ? "|" + bits(ext, frac_w - 2, 0) : "1'b0");
        inc = m.wire(p + "_inc", 1);
        m.assign(inc, fmt::format("{} & ({} | {})", half, sticky, bits(kept, 0, 0)),
                 "ties to even");
      }
      break;
    }
    case Rounding::Stochastic: {
      const int R = rs.stoch_bits;
      if (frac_w < R) throw std::logic_error("round_shift: fraction narrower than R");
      const std::string sum = m.wire(p + "_rsum", R + 1, "top R fraction bits + random");
      m.assign(sum, fmt::format("{{1'b0, {}}} + {{1'b0, {}}}", bits(ext, frac_w - 1, frac_w - R),
                                rs.rand));
      inc = bits(sum, R, R);
      if (frac_w > R) {
        const std::string unused = m.wire("unused_" + p + "_frac_lo", 1);
        m.assign(unused, "|" + bits(ext, frac_w - R - 1, 0), "below the R random bits: truncated");
      }
      const std::string unused_sum = m.wire("unused_" + p + "_rsum_lo", 1);
      m.assign(unused_sum, "|" + bits(sum, R - 1, 0), "only the carry matters");
      break;
    }
  }
  m.wire(n, kept_w + 1, "rounded magnitude");
  m.assign(n, fmt::format("{{1'b0, {}}} + {}", kept, vlog::zext(inc, 1, kept_w + 1)));
  return n;
}

}  // namespace bf::blocks
