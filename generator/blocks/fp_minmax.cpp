#include "generator/blocks/fp_minmax.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/blocks/primitive.hpp"
#include "generator/verilog/expr.hpp"
#include "golden/arith/fp_kernels.hpp"

namespace bf::blocks {

using golden::FloatFormat;
using golden::SpecialValues;
using vlog::bits;
using vlog::concat;
using vlog::hex_lit;
using vlog::lit;

namespace {

// The order key's magnitude of one operand (golden: fp_compare.cpp's
// order_key): DAZ subnormals read as 0, every NaN as 2^(E+M), one above
// every other magnitude. Returns {key, is_nan} (is_nan "1'b0" when f has no
// NaN); the key is E+M+1 bits when f has NaN, else E+M.
std::pair<std::string, std::string> order_key(vlog::Module& m, const std::string& x,
                                              const FloatFormat& f) {
  const int E = f.exp_bits, M = f.man_bits;
  const std::string mag = m.wire(x + "_mag", E + M);
  m.assign(mag, bits(x + "_i", E + M - 1, 0));
  std::string key = mag;
  if (!f.subnormals) {
    const std::string daz = m.wire(x + "_mag_daz", E + M, "subnormals read as zero (DAZ)");
    m.assign(daz, fmt::format("(|{}) ? {} : {}", bits(mag, E + M - 1, M), mag, lit(E + M, 0)));
    key = daz;
  }
  std::string nan = "1'b0";
  switch (f.specials) {
    case SpecialValues::Ieee:
      nan = m.wire(x + "_is_nan", 1, "exponent all ones, mantissa nonzero");
      m.assign(nan, fmt::format("(&{}) & (|{})", bits(mag, E + M - 1, M), bits(mag, M - 1, 0)));
      break;
    case SpecialValues::NanOnlyAllOnes:
      nan = m.wire(x + "_is_nan", 1, "only S.1..1.1..1 is NaN");
      m.assign(nan, "&" + mag);
      break;
    case SpecialValues::None:
      return {key, nan};
  }
  const std::string k = m.wire(x + "_key", E + M + 1, "NaN: one magnitude above every other");
  m.assign(
      k, fmt::format("{} ? {} : {}", nan, concat({"1'b1", lit(E + M, 0)}), concat({"1'b0", key})));
  return {k, nan};
}

}  // namespace

std::string to_string(FpMinMaxOp op) { return op == FpMinMaxOp::Max ? "max" : "min"; }

vlog::Module fp_minmax_module(const FloatFormat& f, FpMinMaxOp op, const std::string& name,
                              const std::vector<std::string>& header) {
  if (f.man_bits < 1)
    throw std::invalid_argument(fmt::format(
        "fp_minmax: format {} has no mantissa bits; formats with at least one are supported",
        f.name()));
  const int W = f.width();
  const bool max = op == FpMinMaxOp::Max;
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(
      fmt::format("Compare-select y = fp_{}(a, b) in {}, bit-exact with golden::fp_{}",
                  to_string(op), f.name(), to_string(op)));
  m.header.push_back(
      "(golden/arith/fp_compare.hpp): a total order, -0 < +0, NaN -> the canonical NaN,");
  m.header.push_back(f.subnormals ? "a on equal keys."
                                  : "subnormals equal to the zero they read as (DAZ), a on equal "
                                    "keys.");
  m.header.push_back(fmt::format("b_taken_o: b lies strictly {} a (a running extreme loads b).",
                                 max ? "above" : "below"));
  m.header.push_back("Combinational.");
  m.input("a_i", W, f.name() + " code");
  m.input("b_i", W, f.name() + " code");
  m.output("y_o", W, fmt::format("fp_{}(a, b)", to_string(op)));
  m.output("b_taken_o", 1, max ? "b follows a in the order" : "b precedes a in the order");

  m.blank();
  m.comment("Order keys (golden: fp_order_key): sign and magnitude, DAZ and NaN applied.");
  const std::string a_sign = m.wire("a_sign", 1);
  m.assign(a_sign, bits("a_i", W - 1, W - 1));
  const std::string b_sign = m.wire("b_sign", 1);
  m.assign(b_sign, bits("b_i", W - 1, W - 1));
  const auto [a_key, a_nan] = order_key(m, "a", f);
  const auto [b_key, b_nan] = order_key(m, "b", f);

  m.blank();
  m.comment("Sign-magnitude compare: signs differ -> the negative one is smaller (-0 < +0);");
  m.comment("both negative -> the larger magnitude is smaller.");
  const std::string gt = m.wire("b_key_gt", 1);
  m.assign(gt, fmt::format("{} > {}", b_key, a_key));
  const std::string lt = m.wire("b_key_lt", 1);
  m.assign(lt, fmt::format("{} < {}", b_key, a_key));
  m.assign("b_taken_o",
           max ? fmt::format("({0} ^ {1}) ? {0} : ({0} ? {2} : {3})", a_sign, b_sign, lt, gt)
               : fmt::format("({0} ^ {1}) ? {1} : ({0} ? {2} : {3})", a_sign, b_sign, gt, lt),
           max ? "b > a" : "b < a");
  std::string y = "b_taken_o ? b_i : a_i";
  if (a_nan != "1'b0")
    y = fmt::format("({} | {}) ? {} : {}", a_nan, b_nan,
                    hex_lit(W, golden::fp_detail::Fmt(f).nan_code), y);
  m.assign("y_o", y, a_nan != "1'b0" ? "a NaN operand gives the canonical NaN" : "");
  return m;
}

std::string fp_minmax_name(const FloatFormat& f, FpMinMaxOp op) {
  return fmt::format("fp_{}_{}", to_string(op), f.name());
}

vlog::Module fp_minmax_primitive(const FloatFormat& f, FpMinMaxOp op) {
  return fp_minmax_module(f, op, fp_minmax_name(f, op),
                          primitive_header(fmt::format("fp_{} ({})", to_string(op), f.name()), {}));
}

}  // namespace bf::blocks
