// The formulas are golden/formats/block_format.hpp's (quantize_block).
#include "generator/units/quant_block/quant_block_scale.hpp"

#include <fmt/format.h>

#include "generator/blocks/blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::quant_block {

using golden::BlockFormat;
using vlog::bits;
using vlog::lit;

namespace {

// The scale field of a finite block from its maximum exponent field.
std::string scale_logic(vlog::Module& m, const BlockFormat& f, const std::string& maxfield) {
  const std::string scale = m.wire("scale", f.scale_bits(), "scale field of a finite block");
  if (f.kind != BlockFormat::Kind::Bfp) {
    const int emax = f.emax_elem();
    m.assign(scale,
             emax == 0 ? maxfield
                       : fmt::format("({0} > {1}) ? ({0} - {1}) : 8'd0", maxfield, lit(8, emax)),
             fmt::format("S = max(maxfield - emax_elem, 0), emax_elem = {}", emax));
    return scale;
  }
  const std::string e = m.wire("e_max", 8, "E = max(maxfield, 1)");
  m.assign(e, fmt::format("(|{0}) ? {0} : 8'd1", maxfield));
  const int w = f.exp_bits;
  if (w == 8) {
    m.assign(scale, e, "s = E (fp32 exponent)");
    return scale;
  }
  const int bias_w = (1 << (w - 1)) - 1;
  const uint64_t top = (uint64_t{1} << w) - 2;
  const std::string t = m.wire("e_rebias", 9, "E - 127 + bias_w + 127");
  m.assign(t, fmt::format("{{1'b0, {}}} + {}", e, lit(9, bias_w)));
  const std::string d = m.wire("e_stored", 9, "E - 127 + bias_w (when >= 0)");
  m.assign(d, fmt::format("{} - 9'd127", t));
  m.assign(scale,
           fmt::format("({0} < 9'd127) ? {1} : ({2} > {3}) ? {4} : {5}", t, lit(w, 0), d,
                       lit(9, top), lit(w, top), bits(d, w - 1, 0)),
           fmt::format("s = clamp(E - 127 + {}, 0, {})", bias_w, top));
  if (w < 9) {
    const std::string unused = m.wire("unused_e_stored_hi", 1);
    m.assign(unused, "|" + bits(d, 8, w), "only read when s fits");
  }
  return scale;
}

}  // namespace

BlockScale block_scale(vlog::Module& m, const BlockFormat& f,
                       const std::vector<std::string>& fields) {
  BlockScale r;
  r.nan = m.wire("nan_block", 1, "an Inf or NaN input makes the whole block NaN");
  std::string any;
  for (std::size_t i = 0; i < fields.size(); ++i)
    any += fmt::format("{}(&{})", i ? " | " : "", fields[i]);
  m.assign(r.nan, any);
  r.scale = scale_logic(m, f, blocks::max_tree(m, "maxf", fields, 8));
  return r;
}

}  // namespace bf::quant_block
