#include "golden/units/arith_fp_minmax/arith_fp_minmax.hpp"

#include "golden/arith/fp_compare.hpp"

namespace bf::golden {

FpMinMaxResult fp_minmax(const FpMinMaxSpec& s, uint32_t a, uint32_t b) {
  const int c = fp_compare(s.f, b, a);
  if (s.max) return {fp_max(s.f, a, b), c > 0};
  return {fp_min(s.f, a, b), c < 0};
}

FpMinMaxSpec FpMinMaxParams::spec() const {
  FpMinMaxSpec s;
  const auto f = FloatFormat::parse(format);
  if (!f)
    throw ParamError("format", "unknown float format '" + format +
                                   "': use fp32, bf16, fp16, e5m2, e4m3, e3m2, e2m3, e2m1, "
                                   "fp<w>_e<E>m<M> (fp10_e5m4), with _ftz and +K suffixes as "
                                   "needed");
  if (f->man_bits < 1)
    throw ParamError("format",
                     "format '" + format + "' has no mantissa bits; pick one with at least one");
  s.f = *f;
  if (op != "max" && op != "min") throw ParamError("op", "op must be max or min");
  s.max = op == "max";
  return s;
}

void FpMinMaxParams::validate() const { spec(); }

}  // namespace bf::golden
