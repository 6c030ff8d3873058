#include "generator/units/flexblock_pe/flexblock_pe_term.hpp"

#include <fmt/format.h>

#include "generator/blocks/int_to_float.hpp"
#include "generator/verilog/expr.hpp"
#include "golden/arith/fp_core.hpp"

namespace bf::flexblock_pe {

using vlog::hex_lit;
using vlog::lit;

std::string mode_adjust(const std::string& mode, int width) {
  return fmt::format("({0} == 2'd0) ? {1} : ({0} == 2'd1) ? {2} : {3}", mode, lit(width, 12),
                     lit(width, 8), lit(width, 0));
}

std::string segment_term(vlog::Module& m, const std::string& sum, int sum_bits,
                         const std::string& exp_base, const std::string& nan) {
  blocks::ScaledIntToFp32 conv;
  conv.value = sum;
  conv.width = sum_bits;
  conv.exp_base = exp_base;
  conv.exp_base_width = kExpBaseBits;
  conv.exp_base_max = 255 + 255 + 24;
  conv.base_bias = 284;
  conv.exp_base_doc = "exp_base";
  const std::string packed = blocks::scaled_int_to_fp32(m, "conv", conv);
  m.wire("term", 32);
  m.assign("term",
           fmt::format("{} ? {} : ((conv_mag == {}) ? {} : {})", nan,
                       hex_lit(32, golden::fp_nan(golden::FloatFormat::fp32())), lit(sum_bits, 0),
                       hex_lit(32, 0), packed),
           "NaN group, zero sum, or the rounded value");
  return "term";
}

}  // namespace bf::flexblock_pe
