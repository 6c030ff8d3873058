#include "golden/accuracy/bfp_gemm_error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

#include "golden/flexblock/bfp_gemm.hpp"

namespace bf::golden::flexblock {

namespace {

constexpr double kOutlierProbability = 0.02;
constexpr double kOutlierMin = 20.0;
constexpr double kOutlierMax = 100.0;

// U[0, 1) from the top 53 bits: the same on every platform.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

// Box-Muller: two uniforms, one N(0, 1) (1 - u keeps the log finite).
double gaussian(std::mt19937_64& rng) {
  const double u1 = 1.0 - uniform(rng), u2 = uniform(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

std::string to_string(MatrixKind kind) {
  return kind == MatrixKind::Gaussian ? "gaussian" : "heavy-tailed";
}

std::vector<float> make_matrix(MatrixKind kind, int rows, int cols, uint64_t seed) {
  if (rows < 0 || cols < 0) throw std::invalid_argument("make_matrix: negative shape");
  std::mt19937_64 rng(seed);
  std::vector<float> x(static_cast<std::size_t>(rows) * cols);
  for (auto& v : x) {
    double g = gaussian(rng);
    if (kind == MatrixKind::HeavyTailed && uniform(rng) < kOutlierProbability)
      g *= kOutlierMin + (kOutlierMax - kOutlierMin) * uniform(rng);
    v = static_cast<float>(g);
  }
  return x;
}

std::vector<double> exact_product(const float* a, const float* b, int m, int n, int k) {
  // B transposed once so the inner loop runs along contiguous memory.
  std::vector<double> bt(static_cast<std::size_t>(n) * k);
  for (int kk = 0; kk < k; ++kk)
    for (int j = 0; j < n; ++j) bt[static_cast<std::size_t>(j) * k + kk] = b[kk * n + j];
  std::vector<double> e(static_cast<std::size_t>(m) * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      const float* ar = a + static_cast<std::size_t>(i) * k;
      const double* br = bt.data() + static_cast<std::size_t>(j) * k;
      double s = 0;
      for (int kk = 0; kk < k; ++kk) s += static_cast<double>(ar[kk]) * br[kk];
      e[static_cast<std::size_t>(i) * n + j] = s;
    }
  return e;
}

GemmError gemm_error(const std::vector<double>& exact, const std::vector<uint32_t>& c) {
  if (exact.size() != c.size()) throw std::invalid_argument("gemm_error: shapes differ");
  double signal = 0, noise = 0, max_err = 0, max_ref = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double d = static_cast<double>(std::bit_cast<float>(c[i])) - exact[i];
    signal += exact[i] * exact[i];
    noise += d * d;
    max_err = std::max(max_err, std::fabs(d));
    max_ref = std::max(max_ref, std::fabs(exact[i]));
  }
  GemmError e;
  e.rel_frobenius = signal > 0 ? std::sqrt(noise / signal) : 0;
  e.sqnr_db = noise > 0 ? 10 * std::log10(signal / noise) : std::numeric_limits<double>::infinity();
  e.max_err_ratio = max_ref > 0 ? max_err / max_ref : 0;
  return e;
}

std::vector<BfpErrorRow> bfp_error_table(const BfpErrorOptions& o) {
  if (o.m < 1 || o.n < 1 || o.k < 1)
    throw std::invalid_argument("bfp_error_table: M, N and K must be at least 1");
  const Mode modes[] = {Mode::M4, Mode::M8, Mode::M16};
  std::vector<BfpErrorRow> rows;
  for (MatrixKind kind : {MatrixKind::Gaussian, MatrixKind::HeavyTailed}) {
    std::mt19937_64 seeder(o.seed + (kind == MatrixKind::Gaussian ? 0 : 1));
    const auto a = make_matrix(kind, o.m, o.k, seeder());
    const auto b = make_matrix(kind, o.k, o.n, seeder());
    const auto exact = exact_product(a.data(), b.data(), o.m, o.n, o.k);
    std::vector<BfpMatrix> qa, qb;
    for (Mode mode : modes) {
      qa.push_back(bfp_quantize_a(a.data(), o.m, o.k, mode, 0, o.rounding));
      qb.push_back(bfp_quantize_b(b.data(), o.k, o.n, mode, 0, o.rounding));
    }
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        rows.push_back({kind, modes[i], modes[j], gemm_error(exact, bfp_gemm(qa[i], qb[j]))});
  }
  return rows;
}

}  // namespace bf::golden::flexblock
