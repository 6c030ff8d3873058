#pragma once
// LightNorm's block floating point (reference/formats.md, "LightNorm's BFP"):
// an outlier-keeping BFP over channel groups, and the plain BFPsim rule it
// extends, as fake quantization (values in, values out, in the input's own
// float format). One name for the concept: "lightnorm_bfp"; a "group" is g
// consecutive channels at one (b, h, w) position of an NCHW tensor.
//
// ---- The rule, on the codes of one group (float format f, M mantissa bits) --
// e = a code's biased exponent field, taken as is (0 for zeros and
// subnormals, the largest field for Inf/NaN: nothing is special).
//   Emax, E2 = the largest and second-largest e of the group counted with
//     multiplicity (if Emax occurs twice, E2 = Emax; a one-element group has
//     E2 = 0). As the authors compute them: both start at 0, and for each e,
//     E2 = max(E2, min(Emax, e)), then Emax = max(Emax, e).
//   Variant::KeepMax (LightNorm):
//     Emax == 0 (every element zero or subnormal) -> the group is unchanged;
//     else e == Emax -> the element is unchanged (full value in f);
//     else k = bits - E2 + e - 1 fraction bits are kept: k >= 0 clears the
//     low M - min(k, M) mantissa bits (truncation toward zero; sign and
//     exponent kept, so a nonzero element stays nonzero); k < 0 gives +0
//     (the sign is dropped too, as in the simulator).
//   Variant::Plain (BFPsim, no outlier keeping): E2 is replaced by Emax and
//     every element goes through the k rule, the largest ones included (they
//     keep bits - 1 fraction bits); there is no Emax == 0 exception (then
//     k = bits - 1: zeros stay, subnormals lose low bits).
// `bits` counts the hidden one: an element at E2 keeps `bits` significant
// bits, and every kept bit of a non-maximum element has weight at least
// 2^(E2 - bias - bits + 1), the LSB of an aligned `bits`-bit mantissa.
//
// ---- Which codes: fp32 or the small format ----------------------------------
// The rule reads only the exponent and mantissa fields, so it is defined for
// codes of any format f. With f = fp32 it is the authors' simulator bit for
// bit (their make_groups kernels run on fp32 tensors after the fp10
// conversion); lightnorm_bfp_nchw uses it so. With f = a small format
// (fp10 1-5-4, ...) it is what the RTL implements on the codes it holds:
// same exponent differences, same comparisons, the M-bit mantissa cut at the
// same weight. Both give the same VALUES whenever every element is zero or a
// finite normal of f; with f-subnormals the small-code rule sees e = 0 where fp32 sees the
// normalized exponent (the simulator has the same quirk for fp32
// subnormals). One visible difference remains for f-normal data: a -0
// element becomes +0 when k < 0, and k depends on the bias of the format the
// exponents are read in, so a zero's sign may differ between the two views
// (its value does not).

#include <cstddef>
#include <cstdint>
#include <span>

#include "golden/formats/float_format.hpp"

namespace bf::golden {

struct LightnormBfp {
  enum class Variant { KeepMax, Plain };
  int group = 8;  // g, channels per group, 1..4096 (LightNorm: 4, 8, 16, 32, 64)
  int bits = 5;   // magnitude bits counting the hidden one, 1..24 (LightNorm:
                  // 5 for input, gamma and output; 4, 8 or 9 for gradients)
  Variant variant = Variant::KeepMax;

  // Throws std::invalid_argument naming the bad field and its range.
  void validate() const;
};

// The two exponent fields the rule needs (the reduction the RTL performs).
struct BfpGroupExponents {
  uint32_t max = 0;     // Emax
  uint32_t second = 0;  // E2 (with multiplicity)
  bool operator==(const BfpGroupExponents&) const = default;
};

// Emax and E2 of codes of format f (bits above f.width() ignored).
BfpGroupExponents lightnorm_bfp_exponents(const FloatFormat& f, std::span<const uint32_t> codes);

// One element under its group's exponents (the per-lane quantizer).
uint32_t lightnorm_bfp_element(const LightnormBfp& p, const FloatFormat& f,
                               const BfpGroupExponents& g, uint32_t code);

// One group in place: the exponents, then every element. codes may have any
// length >= 0 (p.group is the tensor function's business).
void lightnorm_bfp_group(const LightnormBfp& p, const FloatFormat& f, std::span<uint32_t> codes);

// A whole NCHW fp32 tensor (the simulator's domain, f = fp32): groups are
// channels [c0, c0 + g) at each (b, h, w) for c0 = 0, g, 2g, ...; when g does
// not divide C the last group of each position holds the remaining C mod g
// channels and its Emax / E2 are taken over those only (the simulator's
// kernels stop at the tensor edge the same way). out may equal in (in place)
// but must not otherwise overlap it. Runs in tiles of positions with the
// exponents on the stack: no heap allocation, vectorizable loops.
void lightnorm_bfp_nchw(const LightnormBfp& p, const float* in, float* out, std::size_t batch,
                        std::size_t channels, std::size_t height, std::size_t width);

}  // namespace bf::golden
