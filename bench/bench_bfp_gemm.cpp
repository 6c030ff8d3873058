// FlexBlock's bit-exact BFP GEMM (golden/flexblock/bfp_gemm.hpp) against
// OpenBLAS cblas_sgemm, both on one thread, on a square shape and ResNet-like
// im2col shapes (M output channels, N output positions, K = 3 x 3 x input
// channels):
//
//   build/bench/bench_bfp_gemm --benchmark_counters_tabular=true
//
// MAC/s counts M * N * K multiply-accumulates per call. BfpGemm times the GEMM
// alone (the operands are converted to BFP beforehand) and reports vs_sgemm:
// its MAC/s over the best sgemm MAC/s of the same shape, measured once before
// (the target: >= 0.25 in the 8-bit mode). BfpConvert times the
// fp32 -> BFP conversion of both operands (elements/s over M*K + K*N).
//
// Inputs are N(0, 1); the BFP operands use their mode's default group size.

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "golden/flexblock/bfp_gemm.hpp"

namespace {

namespace fb = bf::golden::flexblock;

struct Shape {
  int m, n, k;
};
constexpr Shape kShapes[] = {{256, 256, 256}, {64, 1024, 576}, {128, 256, 1152}, {512, 64, 4608}};
constexpr int kModePairs[][2] = {{16, 16}, {8, 8}, {4, 4}, {4, 16}};

std::vector<float> gaussian(std::size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(count);
  for (auto& x : v) x = g(rng);
  return v;
}

struct Operands {
  std::vector<float> a, b;  // M x K and K x N, row-major
};
const Operands& operands(const Shape& s) {
  static std::map<std::tuple<int, int, int>, Operands> cache;
  auto& o = cache[{s.m, s.n, s.k}];
  if (o.a.empty()) {
    o.a = gaussian(static_cast<std::size_t>(s.m) * s.k, 1);
    o.b = gaussian(static_cast<std::size_t>(s.k) * s.n, 2);
  }
  return o;
}

Shape shape_of(const benchmark::State& st) {
  return {static_cast<int>(st.range(0)), static_cast<int>(st.range(1)),
          static_cast<int>(st.range(2))};
}

double macs(const Shape& s) { return static_cast<double>(s.m) * s.n * s.k; }

void sgemm(const Shape& s, const Operands& o, float* c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.m, s.n, s.k, 1.0f, o.a.data(), s.k,
              o.b.data(), s.n, 0.0f, c, s.n);
}

// Best sgemm MAC/s of a shape over repeated calls (for vs_sgemm).
double sgemm_best_rate(const Shape& s) {
  static std::map<std::tuple<int, int, int>, double> cache;
  auto [it, fresh] = cache.try_emplace({s.m, s.n, s.k}, 0.0);
  if (!fresh) return it->second;
  const auto& o = operands(s);
  std::vector<float> c(static_cast<std::size_t>(s.m) * s.n);
  double best = 1e30;
  for (int rep = 0; rep < 30; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    sgemm(s, o, c.data());
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return it->second = macs(s) / best;
}

void BM_Sgemm(benchmark::State& st) {
  const Shape s = shape_of(st);
  const auto& o = operands(s);
  std::vector<float> c(static_cast<std::size_t>(s.m) * s.n);
  for (auto _ : st) {
    sgemm(s, o, c.data());
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  st.counters["MAC/s"] = benchmark::Counter(macs(s), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_BfpGemm(benchmark::State& st) {
  const Shape s = shape_of(st);
  const auto& o = operands(s);
  const auto ma = fb::mode_from_bits(static_cast<int>(st.range(3)));
  const auto mb = fb::mode_from_bits(static_cast<int>(st.range(4)));
  const auto a = fb::bfp_quantize_a(o.a.data(), s.m, s.k, ma);
  const auto b = fb::bfp_quantize_b(o.b.data(), s.k, s.n, mb);
  const double sgemm_rate = sgemm_best_rate(s);
  std::vector<uint32_t> c(static_cast<std::size_t>(s.m) * s.n);
  double best = 1e30;
  for (auto _ : st) {
    const auto t0 = std::chrono::steady_clock::now();
    fb::bfp_gemm(a, b, c.data());
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  st.counters["MAC/s"] = benchmark::Counter(macs(s), benchmark::Counter::kIsIterationInvariantRate);
  // Best against best, so a noisy neighbour on one side does not skew it.
  st.counters["vs_sgemm"] = macs(s) / best / sgemm_rate;
}

void BM_BfpConvert(benchmark::State& st) {
  const Shape s = shape_of(st);
  const auto& o = operands(s);
  const auto ma = fb::mode_from_bits(static_cast<int>(st.range(3)));
  const auto mb = fb::mode_from_bits(static_cast<int>(st.range(4)));
  for (auto _ : st) {
    auto a = fb::bfp_quantize_a(o.a.data(), s.m, s.k, ma);
    auto b = fb::bfp_quantize_b(o.b.data(), s.k, s.n, mb);
    benchmark::DoNotOptimize(a.exps.data());
    benchmark::DoNotOptimize(b.exps.data());
  }
  st.counters["elements/s"] =
      benchmark::Counter(static_cast<double>(s.m) * s.k + static_cast<double>(s.k) * s.n,
                         benchmark::Counter::kIsIterationInvariantRate);
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K"});
  for (const Shape& s : kShapes) b->Args({s.m, s.n, s.k});
}

void shapes_and_modes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K", "A_bits", "B_bits"});
  for (const Shape& s : kShapes)
    for (const auto& p : kModePairs) b->Args({s.m, s.n, s.k, p[0], p[1]});
}

void conversion_modes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K", "A_bits", "B_bits"});
  for (const Shape& s : kShapes)
    for (int bits : {16, 8, 4}) b->Args({s.m, s.n, s.k, bits, bits});
}

BENCHMARK(BM_Sgemm)->Apply(shapes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BfpGemm)->Apply(shapes_and_modes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BfpConvert)->Apply(conversion_modes)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  openblas_set_num_threads(1);  // one thread on both sides
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
