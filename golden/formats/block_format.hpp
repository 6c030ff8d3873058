#pragma once
// Block formats: OCP microscaling (MX, integer and float elements, E8M0 scale)
// and block floating point (BFP, as simulated by the FlexBlock/LightNorm
// authors). One block = one shared scale field + k element codes.
//
// Everything here works on the fp32 ENCODING with integer arithmetic, so the
// same definition is cheap in C++ and is what the generated hardware does.
// Notation for an fp32 input x: field = biased exponent (0..255), sig = 24-bit
// significand (hidden bit set iff field != 0), ee = max(field, 1), so
// |x| = sig * 2^(ee - 150), and L = floor(log2|x|) = msb(sig) + ee - 150.
// A bf16 input is the fp32 whose low 16 bits are zero.
//
// ---- MX (reference/formats.md) ----------------------------------------------
// NaN/Inf: if any element has field 255 the block is NaN: scale = 0xFF, all
//   element codes 0 (OCP: a NaN scale makes every element NaN regardless).
// Scale:   S = max(maxfield - emax_elem, 0), E8M0, value 2^(S-127), se = S-127.
//   (This is shared_exp = floor(log2 amax) - emax_elem clamped to >= -127; it
//   never exceeds 127 for finite fp32 input.) All-zero block: S = 0.
// Integer elements (b bits, value = n * 2^(se - (b-2))):
//   n = round_shift_right(sig, S + 25 - b - ee); magnitude clipped to
//   2^(b-1)-1 (and to 2^(b-1) for negative values in two's complement).
//   Sign-magnitude: code = sign<<(b-1) | n, but n == 0 gives code 0.
//   Two's complement: code = (sign ? -n : n) mod 2^b.
// Float elements (E,M, bias, emin = 1-bias, max normal code per FloatFormat):
//   q = max(L - se, emin) - M      (quantum exponent of the element)
//   n = round_shift_right(sig, q + se - ee + 150)  (value n * 2^q)
//   code_mag = ((q - (emin - M)) << M) + n   (this single formula gives
//   normals, subnormals and the rounding carry into the next binade)
//   code_mag saturates at the max normal code; code = sign<<(1+E+M-1) | code_mag
//   (the input's sign is always kept, so -0 and negative underflow give -0).
//   Zero input (sig == 0): code_mag = 0.
//
// ---- BFP ---------------------------------------------------------------------
// Parameters: man_bits m (magnitude bits counting the leading one, 2..24),
//   exp_bits w (shared exponent width, 2..8, bias 2^(w-1)-1), rounding
//   (default Truncate, the authors' simulator).
// NaN/Inf in the group: scale = 2^w - 1, codes 0.
// E = max(maxfield, 1); s = clamp(E - 127 + bias_w, 0, 2^w - 2) is stored;
//   se = s - bias_w is the exponent of the leading magnitude bit.
// n = round_shift_right(sig, se - m + 151 - ee) (value n * 2^(se - m + 1));
//   a negative shift (exponent clamped from above) saturates; n clipped to 2^m-1.
// code = sign<<m | n, n == 0 gives code 0. Element width m + 1.
// With w = 8 and Truncate this is exactly BFPsim: elements keep
//   bits-(M-e)-1 fraction bits, truncated; all-zero groups stay zero.
//
// ---- Storage bits of one block ---------------------------------------------
// A little-endian bit stream: scale field at bits [0, scale_bits), element i at
// [scale_bits + i*elem_bits, scale_bits + (i+1)*elem_bits), each field LSB
// first; bit j of the stream is bit (j % 8) of byte j / 8. The generated
// hardware exposes the same order as {elems_o, scale_o} with element i at
// elems_o[i*elem_bits +: elem_bits].

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/formats/int_format.hpp"
#include "golden/formats/rounding.hpp"

namespace bf::golden {

struct BlockFormat {
  enum class Kind { MxInt, MxFloat, Bfp };
  Kind kind = Kind::MxInt;
  int block_size = 32;                                    // k, 1..4096
  Rounding rounding = Rounding::NearestEven;              // named, never implicit
  int stochastic_bits = 8;                                // R for Rounding::Stochastic, 1..16
  int int_bits = 8;                                       // MxInt: element width b, 2..8
  IntEncoding int_encoding = IntEncoding::SignMagnitude;  // MxInt
  FloatFormat elem_float = FloatFormat::e4m3();           // MxFloat
  int man_bits = 8;                                       // Bfp: m, 2..24
  int exp_bits = 8;                                       // Bfp: w, 2..8 (MX scale is always 8)

  int elem_bits() const;   // storage bits per element
  int scale_bits() const;  // 8 for MX, exp_bits for BFP
  int emax_elem() const;   // 0 for integers, FloatFormat::emax() for floats (MX only)
  int block_storage_bits() const { return scale_bits() + block_size * elem_bits(); }
  double bits_per_element() const { return static_cast<double>(block_storage_bits()) / block_size; }
  // Canonical name: "mxint8", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2",
  // "mxfp6_e2m3", "mxfp4_e2m1", "bfp8".
  std::string name() const;
  // Throws std::invalid_argument with a one-line message naming the bad field
  // and the valid range.
  void validate() const;
  // Parses a canonical name (mxint2..mxint8, the mxfp names, bfp2..bfp24) into a
  // format with default block size / rounding (MX: NearestEven, sign-magnitude
  // integers; BFP: Truncate, exp_bits 8); throws std::invalid_argument listing
  // the accepted names. name() does not carry block size, rounding, stochastic
  // bits, int_encoding or BFP exp_bits.
  static BlockFormat parse(std::string_view name);
  // "mxint2..mxint8, mxfp8_e4m3, ..., bfp<m>": for help texts.
  static std::string_view accepted_names();
};

// Quantizes one block given as fp32 bit patterns. in.size() <= block_size; the
// missing tail is zero padding (it counts for the scale, i.e. not at all unless
// the block is all zero). codes.size() must equal in.size(). `rand` holds one
// R-bit random value per element when rounding is Stochastic (else ignored).
// Returns the scale field. Throws std::invalid_argument if f.validate() fails or
// the sizes are inconsistent.
uint32_t quantize_block(const BlockFormat& f, std::span<const uint32_t> in,
                        std::span<uint32_t> codes, std::span<const uint32_t> rand = {});

// Exact value of one element code under a scale field (NaN scale -> NaN).
double dequantize_element(const BlockFormat& f, uint32_t scale, uint32_t code);

// Storage bits (see the header comment). Unused high bits of the last byte are 0.
// codes.size() <= block_size; missing codes are stored as 0. A scale or code
// wider than its field throws std::invalid_argument.
std::vector<uint8_t> pack_block(const BlockFormat& f, uint32_t scale,
                                std::span<const uint32_t> codes);
// Inverse of pack_block; bytes.size() must be ceil(block_storage_bits / 8).
// Fills the first codes.size() (<= block_size) element codes.
void unpack_block(const BlockFormat& f, std::span<const uint8_t> bytes, uint32_t& scale,
                  std::span<uint32_t> codes);

// The random value element `index` (flat index in the tensor) uses for
// stochastic rounding: the low R bits of splitmix64(seed + index), where
// splitmix64(x): z = x + 0x9E3779B97F4A7C15; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
// z = (z ^ z>>27) * 0x94D049BB133111EB; return z ^ z>>31 (all mod 2^64), i.e.
// the first output of the standard SplitMix64 generator seeded with x.
uint32_t stochastic_rand(uint64_t seed, uint64_t index, int stoch_bits);

}  // namespace bf::golden
