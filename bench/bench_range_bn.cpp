// Range BN (golden/lightnorm/range_bn_tensor.hpp) forward and backward on a
// 128 x 64 x 32 x 32 NCHW tensor, against a plain fp32 batch norm (two-pass
// mean and variance, host float arithmetic) in the same program: what
// training through the bit-exact LightNorm arithmetic costs.
//
//   build/bench/bench_range_bn --benchmark_counters_tabular=true
//
// elements_per_second counts the tensor's elements once per pass.

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "golden/lightnorm/range_bn_tensor.hpp"

namespace {

namespace ln = bf::golden::lightnorm;

const ln::Shape kShape{128, 64, 32, 32};

const std::vector<float>& tensor(uint64_t seed) {
  static std::vector<std::vector<float>> cache(2);
  auto& v = cache[seed % 2];
  if (v.empty()) {
    v.resize(kShape.count());
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    for (auto& x : v) x = gauss(rng);
  }
  return v;
}

void set_items(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(kShape.count()));
}

// Plain fp32 BN, per channel: mean, variance, y = gamma (x - mean) / sqrt(var + eps) + beta.
struct PlainBn {
  std::vector<float> mean, inv_std, y;
  void forward(const std::vector<float>& x, const std::vector<float>& gamma,
               const std::vector<float>& beta) {
    const std::size_t hw = kShape.h * kShape.w, n = kShape.per_channel();
    mean.assign(kShape.c, 0);
    inv_std.assign(kShape.c, 0);
    y.resize(x.size());
    for (std::size_t c = 0; c < kShape.c; ++c) {
      float s = 0, s2 = 0;
      for (std::size_t b = 0; b < kShape.n; ++b)
        for (std::size_t i = 0; i < hw; ++i) s += x[(b * kShape.c + c) * hw + i];
      const float m = s / static_cast<float>(n);
      for (std::size_t b = 0; b < kShape.n; ++b)
        for (std::size_t i = 0; i < hw; ++i) {
          const float d = x[(b * kShape.c + c) * hw + i] - m;
          s2 += d * d;
        }
      mean[c] = m;
      inv_std[c] = 1.0f / std::sqrt(s2 / static_cast<float>(n) + 1e-5f);
      for (std::size_t b = 0; b < kShape.n; ++b)
        for (std::size_t i = 0; i < hw; ++i) {
          const std::size_t j = (b * kShape.c + c) * hw + i;
          y[j] = gamma[c] * (x[j] - m) * inv_std[c] + beta[c];
        }
    }
  }
  void backward(const std::vector<float>& x, const std::vector<float>& g,
                const std::vector<float>& gamma, std::vector<float>& dx) {
    const std::size_t hw = kShape.h * kShape.w, n = kShape.per_channel();
    dx.resize(x.size());
    for (std::size_t c = 0; c < kShape.c; ++c) {
      float sg = 0, sgx = 0;
      for (std::size_t b = 0; b < kShape.n; ++b)
        for (std::size_t i = 0; i < hw; ++i) {
          const std::size_t j = (b * kShape.c + c) * hw + i;
          sg += g[j];
          sgx += g[j] * (x[j] - mean[c]) * inv_std[c];
        }
      const float k = gamma[c] * inv_std[c] / static_cast<float>(n);
      for (std::size_t b = 0; b < kShape.n; ++b)
        for (std::size_t i = 0; i < hw; ++i) {
          const std::size_t j = (b * kShape.c + c) * hw + i;
          const float xh = (x[j] - mean[c]) * inv_std[c];
          dx[j] = k * (static_cast<float>(n) * g[j] - sg - xh * sgx);
        }
    }
  }
};

void BM_PlainBnForward(benchmark::State& state) {
  const auto& x = tensor(1);
  const std::vector<float> gamma(kShape.c, 1.0f), beta(kShape.c, 0.0f);
  PlainBn bn;
  for (auto _ : state) {
    bn.forward(x, gamma, beta);
    benchmark::DoNotOptimize(bn.y.data());
  }
  set_items(state);
}
BENCHMARK(BM_PlainBnForward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PlainBnBackward(benchmark::State& state) {
  const auto& x = tensor(1);
  const auto& g = tensor(2);
  const std::vector<float> gamma(kShape.c, 1.0f), beta(kShape.c, 0.0f);
  PlainBn bn;
  bn.forward(x, gamma, beta);
  std::vector<float> dx;
  for (auto _ : state) {
    bn.backward(x, g, gamma, dx);
    benchmark::DoNotOptimize(dx.data());
  }
  set_items(state);
}
BENCHMARK(BM_PlainBnBackward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RangeBnForward(benchmark::State& state) {
  const auto& x = tensor(1);
  const std::vector<float> gamma(kShape.c, 1.0f), beta(kShape.c, 0.0f);
  const ln::RangeBnTensorParams p;
  ln::RangeBnSaved saved;
  for (auto _ : state) {
    auto y = ln::range_bn_forward(p, x, kShape, gamma, beta, &saved);
    benchmark::DoNotOptimize(y.data());
  }
  set_items(state);
}
BENCHMARK(BM_RangeBnForward)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_RangeBnBackward(benchmark::State& state) {
  const auto& x = tensor(1);
  const auto& g = tensor(2);
  const std::vector<float> gamma(kShape.c, 1.0f), beta(kShape.c, 0.0f);
  const ln::RangeBnTensorParams p;
  ln::RangeBnSaved saved;
  ln::range_bn_forward(p, x, kShape, gamma, beta, &saved);
  for (auto _ : state) {
    auto r = ln::range_bn_backward(p, g, saved);
    benchmark::DoNotOptimize(r.dx.data());
  }
  set_items(state);
}
BENCHMARK(BM_RangeBnBackward)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
