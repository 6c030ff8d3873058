#pragma once
// The bit-exact FlexBlock BFP GEMM: C[M x N] = A[M x K] * B[K x N], every
// output a dot product of the contract in bfp_dot.hpp (exact integer sum per
// segment, segment_term, accumulate from +0 in increasing K).
//
// Operands are quantized along K, the reduction dimension, so both are kept
// as rows of K: A as its M rows, B transposed (its N columns). Row r's group
// g covers K indices [g * group, min((g + 1) * group, K)); a short last group
// is quantized as a padded block (golden::quantize_block pads with zeros).
// A and B may use different modes and group sizes.
//
// Two implementations, equal bit for bit (tests compare them):
//   bfp_gemm_reference  the contract written out: int64 loops per segment,
//                       segment_term and accumulate per segment;
//   bfp_gemm            the fast one, for training and accuracy studies: see
//                       bfp_gemm.cpp for how it stays exact.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "golden/flexblock/bfp_dot.hpp"

namespace bf::golden::flexblock {

// A matrix quantized to BFP along K (rows x k elements).
struct BfpMatrix {
  int rows = 0;
  int k = 0;
  Mode mode = Mode::M8;
  int group = 108;  // elements per shared exponent, along K (1..4096)
  Rounding rounding = Rounding::Truncate;
  // Exponent fields, rows x groups_per_row(), row-major (255: an Inf/NaN group).
  std::vector<uint8_t> exps;
  // Signed mantissas (-1)^sign * n, rows x k, row-major: man16 for M4 and M8,
  // man32 for M16 (the other vector is empty).
  std::vector<int16_t> man16;
  std::vector<int32_t> man32;
  // The zero-setting error of the conversion (FlexBlock's dynamic precision
  // control watches it): finite non-zero inputs, and how many of them became
  // a zero mantissa. Counted by bfp_quantize; 0 for a matrix built by hand.
  std::size_t nonzero_inputs = 0;
  std::size_t flushed_inputs = 0;
  double zero_setting_error() const {
    return nonzero_inputs == 0
               ? 0.0
               : static_cast<double>(flushed_inputs) / static_cast<double>(nonzero_inputs);
  }

  int groups_per_row() const { return (k + group - 1) / group; }
  uint32_t exponent(int row, int g) const {
    return exps[static_cast<std::size_t>(row) * groups_per_row() + g];
  }
  int32_t mantissa(int row, int kk) const {
    const std::size_t i = static_cast<std::size_t>(row) * k + kk;
    return mode == Mode::M16 ? man32[i] : man16[i];
  }
  void set_mantissa(int row, int kk, int32_t v) {
    const std::size_t i = static_cast<std::size_t>(row) * k + kk;
    if (mode == Mode::M16)
      man32[i] = v;
    else
      man16[i] = static_cast<int16_t>(v);
  }
};

// Quantizes `rows` rows of `k` fp32 values (row r at x[r * row_stride +
// kk * k_stride]) with bfp_format(mode, group, rounding), one
// golden::quantize_block call per group. group <= 0 means default_group_size.
BfpMatrix bfp_quantize(const float* x, int rows, int k, std::ptrdiff_t row_stride,
                       std::ptrdiff_t k_stride, Mode mode, int group = 0,
                       Rounding rounding = Rounding::Truncate);
// The same for an operand of any layout: element (r, kk) is
// x[row_offsets[r] + k_offsets[kk]] (rows = row_offsets.size(), k =
// k_offsets.size()). What a strided tensor view of several axes gives, e.g.
// a convolution's input windows read in place, without an im2col copy.
BfpMatrix bfp_quantize_gather(const float* x, std::span<const std::ptrdiff_t> row_offsets,
                              std::span<const std::ptrdiff_t> k_offsets, Mode mode, int group = 0,
                              Rounding rounding = Rounding::Truncate);
// The same into `out`, whose storage is reused when large enough (a caller
// converting operands of the same size step after step allocates once).
void bfp_quantize_gather(const float* x, std::span<const std::ptrdiff_t> row_offsets,
                         std::span<const std::ptrdiff_t> k_offsets, Mode mode, int group,
                         Rounding rounding, BfpMatrix& out);
// A: M x K row-major.
BfpMatrix bfp_quantize_a(const float* a, int m, int k, Mode mode, int group = 0,
                         Rounding rounding = Rounding::Truncate);
// B: K x N row-major (stored transposed: N rows of K).
BfpMatrix bfp_quantize_b(const float* b, int k, int n, Mode mode, int group = 0,
                         Rounding rounding = Rounding::Truncate);

// Which inner kernel bfp_gemm runs. Auto picks the fastest the CPU supports
// (Avx512Vnni: AVX2's kernel with the multiply-add and the accumulation in
// one vpdpwssd, AVX-512 VNNI on 256-bit vectors); the others exist so tests
// can check each against the reference.
enum class BfpGemmKernel { Auto, Generic, Avx2, Avx512Vnni };
bool bfp_gemm_kernel_supported(BfpGemmKernel kernel);

// C as fp32 bit patterns, M x N row-major (a.rows x b.rows). Throws
// std::invalid_argument if a.k != b.k or an operand is inconsistent (sizes,
// a mantissa wider than its mode). Safe to call from several threads: the
// scratch space (packed operands, accumulators) is per thread and kept
// between calls; the caller's floating-point environment (flush-to-zero,
// rounding mode) is set aside for the call and restored.
std::vector<uint32_t> bfp_gemm(const BfpMatrix& a, const BfpMatrix& b,
                               BfpGemmKernel kernel = BfpGemmKernel::Auto);
// The same into c (a.rows * b.rows elements).
void bfp_gemm(const BfpMatrix& a, const BfpMatrix& b, uint32_t* c,
              BfpGemmKernel kernel = BfpGemmKernel::Auto);

// An fp32 operand read in place, as bfp_quantize_gather reads it: element
// (r, kk) is data[row_offsets[r] + k_offsets[kk]].
struct BfpOperand {
  const float* data = nullptr;
  std::span<const std::ptrdiff_t> row_offsets, k_offsets;
  Mode mode = Mode::M8;
  int group = 0;  // <= 0: default_group_size(mode)
  Rounding rounding = Rounding::Truncate;
};

// An operand conversion's zero-setting counts (BfpMatrix's two fields).
struct BfpZeroSetting {
  std::size_t nonzero_inputs = 0;
  std::size_t flushed_inputs = 0;
  double error() const {
    return nonzero_inputs == 0
               ? 0.0
               : static_cast<double>(flushed_inputs) / static_cast<double>(nonzero_inputs);
  }
};

// bfp_gemm of the two operands as bfp_quantize_gather quantizes them, bit for
// bit, and their zero-setting counts, without the quantized matrices: each
// operand is converted straight into the kernel's packed layout, 16 rows at a
// time, one group of K after another, everything in L1. What a training
// step's GEMMs run (a convolution's windows hold each input about 9 times,
// so the conversion costs more than the products). c: a.rows x b.rows
// row-major; a_stats / b_stats may be null.
void bfp_gemm_gathered(const BfpOperand& a, const BfpOperand& b, uint32_t* c,
                       BfpZeroSetting* a_stats = nullptr, BfpZeroSetting* b_stats = nullptr,
                       BfpGemmKernel kernel = BfpGemmKernel::Auto);

// The contract written the obvious way; slow, for tests.
std::vector<uint32_t> bfp_gemm_reference(const BfpMatrix& a, const BfpMatrix& b);

}  // namespace bf::golden::flexblock
