#include "golden/data/synthetic.hpp"

#include <cmath>
#include <numbers>
#include <random>

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

}  // namespace bf::golden
