// Throughput of LightNorm's arithmetic foundation on one thread: fp32 -> fp10
// fake quantization under each exponent policy, the channel-group BFP over an
// NCHW tensor, and fp10 adds / multiplies on code arrays, against memcpy of
// the same tensor. bytes_per_second counts the fp32 input once.
//
//   build/bench/bench_lightnorm --benchmark_counters_tabular=true
//
// The tensor is N(0, 1) with 1 in 1000 values ~N(0, 30^2), shaped
// 64 x 64 x 32 x 32 (NCHW, 16 MiB of fp32).

#include <benchmark/benchmark.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/formats/lightnorm_bfp.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace {

using namespace bf::golden;

constexpr std::size_t kN = 64, kC = 64, kH = 32, kW = 32;
constexpr std::size_t kCount = kN * kC * kH * kW;
constexpr std::size_t kBytes = kCount * sizeof(float);

const std::vector<float>& tensor() {
  static const std::vector<float> data = [] {
    std::vector<float> v(kCount);
    std::mt19937_64 rng(20240602);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::uniform_int_distribution<int> pick(0, 999);
    for (auto& x : v) x = pick(rng) == 0 ? 30.0f * gauss(rng) : gauss(rng);
    return v;
  }();
  return data;
}

void set_bytes(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kBytes));
}

void BM_Memcpy(benchmark::State& state) {
  const auto& in = tensor();
  std::vector<float> out(kCount, 1.0f);
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), kBytes);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SmallQuantize(benchmark::State& state, ExponentPolicy policy, Rounding rounding) {
  SmallFloatConvert c;
  c.exponent = policy;
  c.rounding = rounding;
  const auto& in = tensor();
  std::vector<float> out(kCount, 1.0f);
  for (auto _ : state) {
    small_quantize(c, in.data(), out.data(), kCount);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}
BENCHMARK_CAPTURE(BM_SmallQuantize, fp10_154_saturate_truncate, ExponentPolicy::Saturate,
                  Rounding::Truncate)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SmallQuantize, fp10_154_saturate_nearest_even, ExponentPolicy::Saturate,
                  Rounding::NearestEven)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SmallQuantize, fp10_154_authors_mask, ExponentPolicy::AuthorsMask,
                  Rounding::Truncate)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_LightnormBfp(benchmark::State& state, LightnormBfp::Variant v) {
  LightnormBfp p;
  p.group = static_cast<int>(state.range(0));
  p.variant = v;
  const auto& in = tensor();
  std::vector<float> out(kCount, 1.0f);
  for (auto _ : state) {
    lightnorm_bfp_nchw(p, in.data(), out.data(), kN, kC, kH, kW);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}
BENCHMARK_CAPTURE(BM_LightnormBfp, keep_max, LightnormBfp::Variant::KeepMax)
    ->Arg(4)
    ->Arg(16)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LightnormBfp, plain, LightnormBfp::Variant::Plain)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// fp10 1-5-4 codes of the tensor (saturated, truncated), added / multiplied
// element-wise with a shifted copy.
void BM_Fp10Arith(benchmark::State& state, bool mul) {
  const FloatFormat f = FloatFormat::custom(5, 4);
  SmallFloatConvert c;
  std::vector<uint32_t> a(kCount), b(kCount), y(kCount);
  const auto& in = tensor();
  for (std::size_t i = 0; i < kCount; ++i) {
    a[i] = small_encode(c, std::bit_cast<uint32_t>(in[i]));
    b[i] = small_encode(c, std::bit_cast<uint32_t>(in[(i + 7) % kCount]));
  }
  const FpAddSpec add{f, Rounding::NearestEven};
  const FpMulSpec mul_spec{f, f, f, Rounding::NearestEven};
  for (auto _ : state) {
    if (mul) {
      fp_mul(mul_spec, a.data(), b.data(), y.data(), kCount);
    } else {
      fp_add(add, a.data(), b.data(), y.data(), kCount);
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}
BENCHMARK_CAPTURE(BM_Fp10Arith, add, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Fp10Arith, mul, true)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
