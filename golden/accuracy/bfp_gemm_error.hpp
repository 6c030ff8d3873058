#pragma once
// Error of the FlexBlock BFP GEMM (golden/flexblock/bfp_gemm.hpp) against the
// exact product of its fp32 inputs: the table `blockforge bfp-error` prints.
//
// Matrices (seeded, reproducible on every platform: std::mt19937_64 and a
// Box-Muller transform written here, not std::normal_distribution):
//   gaussian      every element N(0, 1) i.i.d.
//   heavy-tailed  N(0, 1) i.i.d., and each element independently with
//                 probability 2% multiplied by a factor drawn from U(20, 100):
//                 scattered outliers, the case where one large element sets
//                 a group's exponent and the rest lose their low bits.
// Per kind, std::mt19937_64(seed + 0 for gaussian, + 1 for heavy-tailed)
// draws the seed of A (M x K), then the seed of B (K x N).
//
// For every mode pair (A bits x B bits in {4, 8, 16}) both operands are
// quantized with their mode's default group size (default_group_size: 216,
// 108, 54) and the given rounding, multiplied by bfp_gemm, and compared with
// the product computed in double from the fp32 inputs (each product is exact
// in double; the sum's relative error is below K * 2^-53, far under every
// figure here):
//   rel_frobenius  ||C - E||_F / ||E||_F
//   sqnr_db        10 log10(sum E^2 / sum (C - E)^2)  (= -20 log10 rel_frobenius)
//   max_err_ratio  max |C - E| / max |E|

#include <cstdint>
#include <string>
#include <vector>

#include "golden/flexblock/bfp_dot.hpp"

namespace bf::golden::flexblock {

enum class MatrixKind { Gaussian, HeavyTailed };
std::string to_string(MatrixKind kind);

// rows x cols row-major, as documented above.
std::vector<float> make_matrix(MatrixKind kind, int rows, int cols, uint64_t seed);

// E = A * B in double; A: m x k, B: k x n, both row-major; E: m x n.
std::vector<double> exact_product(const float* a, const float* b, int m, int n, int k);

struct GemmError {
  double rel_frobenius = 0;
  double sqnr_db = 0;  // +inf when C == E
  double max_err_ratio = 0;
};
// c: fp32 bit patterns, the same shape as exact.
GemmError gemm_error(const std::vector<double>& exact, const std::vector<uint32_t>& c);

struct BfpErrorOptions {
  int m = 256;
  int n = 256;
  int k = 1152;  // a ResNet im2col depth (3 x 3 x 128), not a multiple of 54 or 216
  uint64_t seed = 1;
  Rounding rounding = Rounding::Truncate;
};

struct BfpErrorRow {
  MatrixKind kind;
  Mode a_mode;
  Mode b_mode;
  GemmError error;
};

// 18 rows: kinds gaussian then heavy-tailed; A modes 4, 8, 16; B modes 4, 8, 16.
std::vector<BfpErrorRow> bfp_error_table(const BfpErrorOptions& options);

}  // namespace bf::golden::flexblock
