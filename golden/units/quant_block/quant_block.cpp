#include "golden/units/quant_block/quant_block.hpp"

#include <stdexcept>

namespace bf::golden {

std::vector<std::string> QuantBlockParams::format_names() {
  std::vector<std::string> names;
  for (int b = 2; b <= 8; ++b) names.push_back("mxint" + std::to_string(b));
  for (const char* f : {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1"})
    names.emplace_back(f);
  for (int m = 2; m <= 24; ++m) names.push_back("bfp" + std::to_string(m));
  return names;
}

BlockFormat QuantBlockParams::block_format() const {
  BlockFormat f = BlockFormat::parse(format);
  f.block_size = block;
  f.rounding = *parse_rounding(rounding);
  f.stochastic_bits = stochastic_bits;
  f.int_encoding = *parse_int_encoding(int_encoding);
  if (f.kind == BlockFormat::Kind::Bfp) f.exp_bits = bfp_exp_bits;
  return f;
}

void QuantBlockParams::validate() const {
  try {
    block_format().validate();
  } catch (const std::invalid_argument& e) {
    throw ParamError("format", e.what());
  }
}

}  // namespace bf::golden
