#pragma once
// Whole-tensor quantize/dequantize (fake quantization) for accuracy studies
// and the `quantize` command. Blocks run along the last axis (cols); a partial
// last block of a row is zero-padded for the scale computation. Results are
// bit-identical to quantize_block + dequantize_element (tests pin this), but
// the common cases run on a fast path near memory bandwidth: no libm calls per
// element, branch-free inner loops over the fp32 encoding.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "golden/formats/block_format.hpp"

namespace bf::golden {

// out may alias in. Stochastic rounding draws stochastic_rand(seed, flat_index).
void quantize_dequantize(const BlockFormat& f, const float* in, float* out, std::size_t rows,
                         std::size_t cols, uint64_t seed = 0);

// Packed storage of the whole tensor: row-major blocks, each block packed by
// pack_block and padded to a whole byte; partial last blocks are stored as full
// blocks (padding elements are zero codes).
std::vector<uint8_t> quantize_packed(const BlockFormat& f, const float* in, std::size_t rows,
                                     std::size_t cols, uint64_t seed = 0);

// Inverse of quantize_packed: the exact values of the stored codes (rows x
// cols fp32, the padding of a partial last block dropped). Throws
// std::invalid_argument when `size` is not the byte count quantize_packed
// gives for rows x cols.
void dequantize_packed(const BlockFormat& f, const uint8_t* bytes, std::size_t size,
                       std::size_t rows, std::size_t cols, float* out);
// The check both dequantize_packed functions make: throws
// std::invalid_argument naming the format unless `size` bytes are rows x
// cols values in blocks of `block` elements, `block_bytes` bytes each.
void check_packed_size(std::string_view format, std::size_t size, std::size_t rows,
                       std::size_t cols, std::size_t block, std::size_t block_bytes);

struct ErrorStats {
  double mse = 0;      // mean of (x - q)^2 over finite inputs
  double sqnr_db = 0;  // 10 log10(sum x^2 / sum (x-q)^2); +inf when exact
  double max_abs = 0;  // max |x - q|
  std::size_t count = 0;
};
ErrorStats error_stats(const float* ref, const float* q, std::size_t n);

}  // namespace bf::golden
