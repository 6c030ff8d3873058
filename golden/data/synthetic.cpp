#include "golden/data/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>

#include "golden/formats/float_format.hpp"

namespace bf::golden {

namespace {
// Uniform in (0, 1) from the top 53 bits.
double uniform01(std::mt19937_64& rng) {
  return (static_cast<double>(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
}  // namespace

std::vector<float> llm_like_activations(const LlmActivationSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  std::vector<double> channel_scale(spec.cols, 1.0);
  const auto outliers = static_cast<std::size_t>(
      std::llround(spec.outlier_channel_fraction * static_cast<double>(spec.cols)));
  for (std::size_t i = 0; i < outliers && spec.cols; ++i) {
    const std::size_t c = rng() % spec.cols;
    channel_scale[c] = spec.outlier_min + (spec.outlier_max - spec.outlier_min) * uniform01(rng);
  }
  std::vector<float> x(spec.rows * spec.cols);
  for (std::size_t i = 0; i < x.size(); i += 2) {
    // Box-Muller: two independent standard normals per pair of uniforms.
    const double r = std::sqrt(-2.0 * std::log(uniform01(rng)));
    const double t = 2.0 * std::numbers::pi * uniform01(rng);
    x[i] = static_cast<float>(r * std::cos(t) * channel_scale[i % spec.cols]);
    if (i + 1 < x.size())
      x[i + 1] = static_cast<float>(r * std::sin(t) * channel_scale[(i + 1) % spec.cols]);
  }
  return x;
}

LlmGemvRow llm_gemv_row(const LlmActivationSpec& spec, int weight_bits, std::mt19937_64& rng) {
  if (weight_bits < 2 || weight_bits > 16 || spec.rows == 0 || spec.cols == 0)
    throw std::invalid_argument("llm_gemv_row: weight_bits must be 2..16 and the shape non-empty");
  const std::vector<float> tokens = llm_like_activations(spec);
  const std::size_t row = rng() % spec.rows;
  LlmGemvRow r;
  r.activations.assign(tokens.begin() + static_cast<std::ptrdiff_t>(row * spec.cols),
                       tokens.begin() + static_cast<std::ptrdiff_t>((row + 1) * spec.cols));
  std::normal_distribution<double> gauss(0.0, 0.02);
  std::vector<double> w(spec.cols);
  double max_abs = 0;
  for (auto& v : w) {
    v = gauss(rng);
    max_abs = std::max(max_abs, std::abs(v));
  }
  const int qmax = (1 << (weight_bits - 1)) - 1;
  // The scale rounded to bf16, then the integers against that scale.
  r.weight_scale =
      fp32_from_bits(fp32_to_bf16(fp32_bits(static_cast<float>(max_abs / qmax))) << 16);
  r.weights.resize(spec.cols);
  for (std::size_t i = 0; i < spec.cols; ++i)
    r.weights[i] = static_cast<int32_t>(
        std::clamp<double>(std::nearbyint(w[i] / r.weight_scale), -qmax, qmax));
  return r;
}

}  // namespace bf::golden
