#include "golden/formats/int_tensor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bf::golden {

PerTensorInt quantize_dequantize_per_tensor(int bits, const float* in, float* out, std::size_t n) {
  if (bits < 2 || bits > 16) throw std::invalid_argument("per-tensor int: bits must be 2..16");
  double amax = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(in[i])) amax = std::max(amax, std::fabs(static_cast<double>(in[i])));
  const double qmax = std::ldexp(1.0, bits - 1) - 1;
  PerTensorInt p{amax / qmax};
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in[i]) || p.step == 0) {
      out[i] = std::isfinite(in[i]) ? 0.0f : in[i];
      continue;
    }
    // nearbyint rounds ties to even in the default rounding mode.
    const double q = std::clamp(std::nearbyint(in[i] / p.step), -qmax, qmax);
    out[i] = static_cast<float>(q * p.step);
  }
  return p;
}

}  // namespace bf::golden
