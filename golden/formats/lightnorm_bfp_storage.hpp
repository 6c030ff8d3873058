#pragma once
// The storage encoding of LightNorm's BFP: the bits the hardware holds for
// one group of codes of a small float after the rule of lightnorm_bfp.hpp.
// That file defines the VALUES (fake quantization, codes in, codes out); this
// one the BITS, so "BFP decode on input and encode on output" of the
// LightNorm units is a bit-level operation with a golden model:
//   decode(encode(x)) == lightnorm_bfp_group(x)   for every group x of codes.
//
// Notation as in lightnorm_bfp.hpp: f has E exponent and M mantissa bits,
// bias B = 2^(E-1) - 1, no Inf/NaN (SpecialValues::None) and subnormals
// (fp10 1-5-4, fp10 1-6-3, fp12, fp15); e is a code's exponent field;
// `bits` = LightnormBfp::bits; Emax, E2 = lightnorm_bfp_exponents.
//
// ---- KeepMax (LightNorm) ----------------------------------------------------
// Header: Emax, then E2 (E bits each).
// Element: sign (1 bit), flag (1 bit) = [e == Emax], payload (P bits,
//   P = max(bits, M)):
//   flag 1: the M-bit mantissa field (zero-extended): the element is the code
//           (sign, Emax, mantissa), kept whole.
//   flag 0: an unsigned m < 2^bits with |value| = m * u, u = 2^(E2-B-bits+1).
// The flag covers the group whose exponents are all 0 (Emax = 0): every
// element has flag 1 and keeps its code, which is the rule's "unchanged".
//
// Why the rule's output q of every element with e != Emax is such an m:
//   (a) e <= E2, since E2 is the largest field once one copy of Emax is
//       removed. Let d = E2 - e >= 0; the rule's k = bits - 1 - d <= bits - 1.
//   (b) k < 0: q = +0, so m = 0 and the sign bit is 0 (the rule drops it).
//   (c) e >= 1 (normal), k >= 0: |x| = sig * 2^(e-B-M), sig = 2^M + mantissa.
//       The rule clears the low M - min(k, M) mantissa bits, so
//       |q| = floor(sig * 2^(k-M)) * 2^(e-B-k), and e - B - k = E2 - B - bits
//       + 1 is exactly u's exponent: m = floor(sig * 2^(k-M)) (for k >= M a
//       left shift, nothing cleared), an integer below 2^(M+1) * 2^(k-M) =
//       2^(k+1) <= 2^bits. Its leading one is sig's hidden bit, so q stays
//       nonzero, as the rule says.
//   (d) e = 0 (subnormal or zero), k = bits - 1 - E2 >= 0: |x| = mantissa *
//       2^(1-B-M). The rule reads the field as 0, not as the value's exponent
//       1, and so keeps one bit less than the value's alignment would:
//       |q| = floor(mantissa * 2^(k-M)) * 2^(1-B-k), one place above u:
//       m = 2 * floor(mantissa * 2^(k-M)), even and below 2 * 2^k <= 2^bits.
//       A zero (or a subnormal cut to zero) keeps its sign: -0 is stored as
//       sign 1, m = 0.
//   So flag-0 elements need `bits` payload bits and flag-1 elements M, hence
//   P = max(bits, M); storing loses nothing beyond the rule's own truncation.
//
// ---- Plain (BFPsim, every element aligned) ----------------------------------
// E2 is replaced by Emax and there is no flag and no exception: header Emax
// (E bits); element = sign (1 bit), m (bits bits), |value| = m * 2^(Emax - B -
// bits + 1). The proof is (b)-(d) with d = Emax - e >= 0 for every element
// (the largest ones have k = bits - 1); Emax = 0 is case (d) throughout.
//
// ---- Decoding ---------------------------------------------------------------
// flag 1: (sign, Emax, payload mod 2^M). flag 0 (Plain: every element): the
// code of (-1)^sign * m * u truncated toward zero into f,
//   fp_round_pack(f, sign, m mod 2^bits, E2 - B - bits + 1, Truncate),
// (Plain: Emax for E2). It never overflows (m < 2^bits puts the value below
// 2^(E2-B+1), in a binade of f), and for a stored element it is exact, so
// decode(encode(x)) == lightnorm_bfp_group(x). Every bit pattern decodes,
// since hardware reads whatever is stored: payload bits above M (flag 1) or
// above `bits` (flag 0) are ignored, and a flag-0 value finer than f's grid
// (not produced by encode) is truncated.
//
// ---- Bit layout of one group of g = LightnormBfp::group elements ------------
// A little-endian bit stream, as block_format.hpp's (golden/bits/bitstream.hpp:
// a field is written LSB first; bit j of the stream is bit j % 8 of byte
// j / 8): Emax at bits [0, E), E2 at [E, 2E) (KeepMax only), element i at
// [H + i*W, H + (i+1)*W), H = header_bits(), W = element_bits(). An element
// field is sign << (P+1) | flag << P | payload (Plain: sign << bits | m). The
// generated hardware's bus is the same order, {elem[g-1], ..., elem[0], E2,
// Emax}: stream bit j is bus bit j.

#include <cstdint>
#include <span>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/formats/lightnorm_bfp.hpp"

namespace bf::golden {

struct LightnormBfpStorage {
  LightnormBfp bfp;                                // group = elements per stored group
  FloatFormat format = FloatFormat::custom(5, 4);  // f: fp10 1-5-4

  // Throws std::invalid_argument naming the bad field: bfp.validate(), and f
  // must have no Inf/NaN and keep subnormals.
  void validate() const;

  bool keep_max() const { return bfp.variant == LightnormBfp::Variant::KeepMax; }
  int header_bits() const;   // 2E (KeepMax) or E (Plain)
  int payload_bits() const;  // max(bits, M) (KeepMax) or bits (Plain)
  int element_bits() const;  // 2 + P (KeepMax) or 1 + bits (Plain)
  int group_bits() const { return header_bits() + bfp.group * element_bits(); }
  double bits_per_element() const { return static_cast<double>(group_bits()) / bfp.group; }
};

// One element: the rule applied to `code` (lightnorm_bfp_element) in a group
// with exponents `ex`, then its element field. Throws std::logic_error if the
// result is not an m of the header comment (a broken rule; never for codes
// of a group whose exponents are `ex`). Callers validate s once.
uint32_t lightnorm_bfp_pack_element(const LightnormBfpStorage& s, const BfpGroupExponents& ex,
                                    uint32_t code);
// The code an element field stands for under the header `ex` (Plain: only
// ex.max is read). Any field value (bits above element_bits() ignored).
uint32_t lightnorm_bfp_unpack_element(const LightnormBfpStorage& s, const BfpGroupExponents& ex,
                                      uint32_t field);

// A whole group: codes.size() must be s.bfp.group (bits above the format's
// width are ignored). Throws std::invalid_argument on a wrong size or an
// invalid s. Returns ceil(group_bits() / 8) bytes, unused high bits of the
// last byte 0.
std::vector<uint8_t> lightnorm_bfp_encode(const LightnormBfpStorage& s,
                                          std::span<const uint32_t> codes);
// Inverse: bytes.size() must be ceil(group_bits() / 8), codes.size() the
// group. Throws std::invalid_argument on wrong sizes or an invalid s.
void lightnorm_bfp_decode(const LightnormBfpStorage& s, std::span<const uint8_t> bytes,
                          std::span<uint32_t> codes);

}  // namespace bf::golden
