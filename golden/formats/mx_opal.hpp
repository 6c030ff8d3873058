#pragma once
// MX-OPAL: OPAL's outlier-preserving microscaling format (reference/
// accelerators.md). One block of k values keeps its n largest magnitudes as
// bfloat16 "outliers" with their indices; the other k - n elements share an
// E8M0 scale computed over them alone (the MX rule) and become b-bit integers.
//
// Definitions (on fp32 encodings, like block_format.hpp):
// - Outlier selection: the n elements with the largest |x|, compared as the
//   unsigned fp32 bit pattern without the sign (so NaN > Inf > finite, and
//   the order is exact magnitude order); ties go to the LOWER index. Outliers
//   are reported in ascending index order.
// - Outlier values: bf16 = fp32 rounded to nearest, ties to even, overflow to
//   Inf (IEEE conversion); NaN stays NaN (canonical quiet 0x7fc0 with sign).
// - Inliers: the remaining k - n elements in index order form an MXINT block
//   (BlockFormat::Kind::MxInt, b bits, the named encoding and rounding):
//   shared scale, NaN block rule and element codes exactly as there. With
//   n = 0 MX-OPAL is plain MXINT.
// - Storage bits of a block (little-endian bit stream, each field LSB first):
//   scale (8) | n indices (index_bits = ceil(log2 k) each, ascending) |
//   n bf16 outlier values (16 each, same order) | k - n element codes (b each,
//   index order skipping the outliers).
//   e.g. k = 128, n = 4, b = 3: 8 + 4*(7+16) + 124*3 = 472 bits = 3.69 bits/element.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "golden/formats/block_format.hpp"

namespace bf::golden {

struct MxOpalFormat {
  int block_size = 128;  // k, 2..4096
  int outliers = 4;      // n, 0..16 and n < k
  int bits = 3;          // b, 2..8
  IntEncoding int_encoding = IntEncoding::SignMagnitude;
  Rounding rounding = Rounding::NearestEven;
  int stochastic_bits = 8;

  int index_bits() const;
  int block_storage_bits() const;
  double bits_per_element() const { return static_cast<double>(block_storage_bits()) / block_size; }
  // The MXINT format of the inliers (block size k - n).
  BlockFormat inlier_format() const;
  std::string name() const;  // "mx-opal b3 n4 k128"
  // Throws std::invalid_argument naming the field and its range.
  void validate() const;
};

struct MxOpalBlock {
  uint32_t scale = 0;
  std::vector<uint32_t> indices;   // ascending, size n
  std::vector<uint32_t> outliers;  // bf16 codes, same order
  std::vector<uint32_t> codes;     // k - n inlier codes, index order
};

// Indices of the n largest magnitudes (ties: lower index), ascending.
std::vector<uint32_t> select_outliers(std::span<const uint32_t> fp32, int n);

// Quantizes one block of exactly k fp32 encodings (the caller zero-pads a
// partial block). `rand`: one R-bit value per INLIER (stochastic rounding).
MxOpalBlock mx_opal_quantize(const MxOpalFormat& f, std::span<const uint32_t> fp32,
                             std::span<const uint32_t> rand = {});

// The k element codes by position, 0 at the outlier positions (the layout
// opal.pe's lanes read; codes in `b` are in storage order).
std::vector<uint32_t> mx_opal_codes_by_position(const MxOpalFormat& f, const MxOpalBlock& b);

// Exact values of the k elements (as double; NaN scale makes inliers NaN).
std::vector<double> mx_opal_dequantize(const MxOpalFormat& f, const MxOpalBlock& b);

std::vector<uint8_t> mx_opal_pack(const MxOpalFormat& f, const MxOpalBlock& b);
MxOpalBlock mx_opal_unpack(const MxOpalFormat& f, std::span<const uint8_t> bytes);

// Whole-tensor fake quantization, blocks along the last axis (partial last
// blocks zero-padded); stochastic draws stochastic_rand(seed, flat index).
void mx_opal_quantize_dequantize(const MxOpalFormat& f, const float* in, float* out,
                                 std::size_t rows, std::size_t cols, uint64_t seed = 0);
// Packed storage of the whole tensor: each block packed and byte-aligned.
std::vector<uint8_t> mx_opal_quantize_packed(const MxOpalFormat& f, const float* in,
                                             std::size_t rows, std::size_t cols, uint64_t seed = 0);
// Inverse of mx_opal_quantize_packed: the values of the stored blocks (rows x
// cols fp32, the padding of a partial last block dropped). Throws
// std::invalid_argument when `size` is not the byte count it gives.
void mx_opal_dequantize_packed(const MxOpalFormat& f, const uint8_t* bytes, std::size_t size,
                               std::size_t rows, std::size_t cols, float* out);

}  // namespace bf::golden
