// Throughput of whole-tensor fake quantization (quantize_dequantize) against
// memcpy on the same 64 MiB fp32 tensor, one thread. bytes_per_second counts
// the input tensor once for every benchmark (memcpy included), so the ratio of
// two bytes_per_second figures is the inverse ratio of their times.
//
//   build/bench/bench_quantize --benchmark_counters_tabular=true
//
// BM_MxQuantize also reports vs_memcpy: the best memcpy time of the tensor
// over untimed memcpys interleaved with its iterations, divided by its best
// iteration time (1.0 = memcpy speed; the target is >= 0.5 for MXINT8 and MXFP4
// at k = 32).
//
// The tensor is Gaussian (sigma 1) with 1 in 1000 values an outlier of
// magnitude ~N(0, 30^2), laid out as 16384 rows x 1024 columns (blocks along
// the last axis).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "golden/formats/block_format.hpp"
#include "golden/formats/tensor_quant.hpp"

namespace {

using bf::golden::BlockFormat;

constexpr std::size_t kCols = 1024;
constexpr std::size_t kBytes = std::size_t{64} << 20;
constexpr std::size_t kCount = kBytes / sizeof(float);
constexpr std::size_t kRows = kCount / kCols;

const std::vector<float>& tensor(std::size_t count = kCount) {
  static std::vector<float> data = [count] {
    std::vector<float> v(count);
    std::mt19937_64 rng(20240601);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::uniform_int_distribution<int> pick(0, 999);
    for (auto& x : v) x = pick(rng) == 0 ? 30.0f * gauss(rng) : gauss(rng);
    return v;
  }();
  return data;
}

// A destination buffer that is already paged in.
std::vector<float> make_output() { return std::vector<float>(kCount, 1.0f); }

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void BM_Memcpy(benchmark::State& state) {
  const auto& in = tensor();
  auto out = make_output();
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), kBytes);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kBytes));
}
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond)->UseRealTime();

BlockFormat format_of(const std::string& name, int block) {
  BlockFormat f = BlockFormat::parse(name);
  f.block_size = block;
  f.validate();
  return f;
}

void BM_MxQuantize(benchmark::State& state, const std::string& name, int block) {
  const BlockFormat f = format_of(name, block);
  const auto& in = tensor();
  auto out = make_output();
  double best = 1e9;
  double best_memcpy = 1e9;
  for (auto _ : state) {
    // An untimed memcpy of the same tensor between iterations: the reference
    // for vs_memcpy under the same machine conditions.
    state.PauseTiming();
    auto t0 = Clock::now();
    std::memcpy(out.data(), in.data(), kBytes);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    best_memcpy = std::min(best_memcpy, seconds_since(t0));
    state.ResumeTiming();

    t0 = Clock::now();
    bf::golden::quantize_dequantize(f, in.data(), out.data(), kRows, kCols);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    best = std::min(best, seconds_since(t0));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kBytes));
  // Best quantize time against best memcpy time: 1.0 = memcpy speed.
  state.counters["vs_memcpy"] = best_memcpy / best;
  state.SetLabel(f.name() + " k=" + std::to_string(block) + " " +
                 std::string(bf::golden::to_string(f.rounding)));
}
BENCHMARK_CAPTURE(BM_MxQuantize, mxint8_k32, std::string("mxint8"), 32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_MxQuantize, mxfp4_e2m1_k32, std::string("mxfp4_e2m1"), 32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_MxQuantize, mxfp8_e4m3_k32, std::string("mxfp8_e4m3"), 32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_MxQuantize, bfp8_k16, std::string("bfp8"), 16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Packed storage (codes + bit packing) for comparison.
void BM_QuantizePacked(benchmark::State& state, const std::string& name, int block) {
  const BlockFormat f = format_of(name, block);
  const auto& in = tensor();
  for (auto _ : state) {
    auto packed = bf::golden::quantize_packed(f, in.data(), kRows, kCols);
    benchmark::DoNotOptimize(packed.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kBytes));
}
BENCHMARK_CAPTURE(BM_QuantizePacked, mxint8_k32, std::string("mxint8"), 32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The per-block reference (quantize_block + dequantize_element) on the first
// 4 MiB of the same tensor: what the fast path replaces.
void BM_ReferenceQuantize(benchmark::State& state, const std::string& name, int block) {
  const BlockFormat f = format_of(name, block);
  const std::size_t count = std::size_t{1} << 20;
  const auto& in = tensor();
  std::vector<float> out(count);
  std::vector<uint32_t> bits(static_cast<std::size_t>(block)), codes(bits.size());
  for (auto _ : state) {
    for (std::size_t b = 0; b < count; b += bits.size()) {
      std::memcpy(bits.data(), in.data() + b, bits.size() * sizeof(float));
      const uint32_t scale = bf::golden::quantize_block(f, bits, codes);
      for (std::size_t i = 0; i < bits.size(); ++i) {
        out[b + i] = static_cast<float>(bf::golden::dequantize_element(f, scale, codes[i]));
      }
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(count * sizeof(float)));
}
BENCHMARK_CAPTURE(BM_ReferenceQuantize, mxint8_k32, std::string("mxint8"), 32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
