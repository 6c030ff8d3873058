#pragma once
// Seeded synthetic tensors for accuracy metrics and studies.
//
// LLM-like activations (the shape OPAL's outlier handling targets): a
// rows x cols matrix whose body is standard Gaussian, where a few fixed
// channels (columns) carry outliers: each such channel is scaled by its own
// factor drawn uniformly from [outlier_min, outlier_max]. Channels, factors
// and values come from one std::mt19937_64(seed) and a Box-Muller transform
// written here, so the tensor is identical on every platform.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bf::golden {

struct LlmActivationSpec {
  std::size_t rows = 64;
  std::size_t cols = 4096;
  double outlier_channel_fraction = 0.005;  // share of columns that are outlier channels
  double outlier_min = 20.0;
  double outlier_max = 100.0;
  uint64_t seed = 1;
};

std::vector<float> llm_like_activations(const LlmActivationSpec& spec);

}  // namespace bf::golden
