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
#include <random>
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

// One output row of an LLM GEMV (y = W x) as a dot-product unit sees it, the
// input of the dot-product units' "llm" power workload: a token's activations
// (one row of llm_like_activations(spec), picked by `rng`, so the outlier
// channels stay fixed from row to row as in a real layer) and one weight row:
// N(0, 0.02^2) values (a typical LLM weight spread) quantized per row to
// symmetric `weight_bits`-bit integers, round to nearest, scale = max|w| /
// (2^(weight_bits-1) - 1) rounded to bf16 (the units take a bf16 scale).
struct LlmGemvRow {
  std::vector<float> activations;  // spec.cols
  std::vector<int32_t> weights;    // spec.cols, in [-(2^(b-1) - 1), 2^(b-1) - 1]
  float weight_scale = 1;          // a weight's value is weights[i] * weight_scale
};
LlmGemvRow llm_gemv_row(const LlmActivationSpec& spec, int weight_bits, std::mt19937_64& rng);

}  // namespace bf::golden
