#include "golden/units/lightnorm_bfp_codec/lightnorm_bfp_codec.hpp"

#include <stdexcept>

namespace bf::golden {

std::vector<std::string> LightnormBfpCodecParams::format_names() {
  return {"fp10_e5m4", "fp10_e6m3", "fp12_e5m6", "fp12_e6m5", "fp15_e6m8"};
}

FloatFormat LightnormBfpCodecParams::float_format() const {
  const auto f = FloatFormat::parse(format);
  if (!f) throw ParamError("format", "unknown float format '" + format + "'");
  return *f;
}

LightnormBfpStorage LightnormBfpCodecParams::storage() const {
  LightnormBfpStorage s;
  s.format = float_format();
  s.bfp.group = group;
  s.bfp.bits = bits;
  s.bfp.variant =
      variant == "plain" ? LightnormBfp::Variant::Plain : LightnormBfp::Variant::KeepMax;
  return s;
}

void LightnormBfpCodecParams::validate() const {
  try {
    storage().validate();
  } catch (const std::invalid_argument& e) {
    throw ParamError("format", e.what());
  }
  if (!encode() && pipeline_stages != 0)
    throw ParamError("pipeline_stages",
                     "lightnorm.bfp_codec: decode is one level of logic per lane (no reduction "
                     "to cut after); pipeline_stages must be 0");
}

}  // namespace bf::golden
