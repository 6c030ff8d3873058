#pragma once
// fp_add: y = a + b in one format, one rounding. Bit-exact model of the
// arith.fp_add unit and of the fp adder module built by
// generator/blocks/fp_modules.hpp. Plus the accumulation orders that units
// summing many products share (fp_sum_tree, fp_sum_serial, fp_dot).
//
// The format is an IEEE one or one without special values (fp_core.hpp); in
// the latter every code is finite, so only the last three rows apply, and a
// sum beyond max normal saturates to +-max_normal.
//
//   NaN operand, or Inf + (-Inf)   -> canonical quiet NaN
//   Inf + x                        -> that Inf
//   zero + zero                    -> -0 if both are -0, else +0
//   otherwise                      -> exact sum, rounded once by fp_round_pack;
//                                     an exact zero sum of nonzero operands is +0
//                                     (x + (-x) = +0 in every supported mode)
// The exact sum is formed in a 64-bit frame: the operand with the larger
// quantum is placed 38 bits up; the other is exact unless its quantum is more
// than 38 bits lower, in which case its bits below the frame are ORed into the
// frame's bit 0 (a round-to-odd image, >= 36 bits below any result quantum,
// so the rounding is that of the exact sum). The hardware uses the classic
// 3-bit guard/round/sticky frame instead; both give the correctly rounded sum.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/arith/fp_core.hpp"
#include "golden/arith/fp_mul.hpp"

namespace bf::golden {

struct FpAddSpec {
  FloatFormat f = FloatFormat::fp32();
  Rounding rounding = Rounding::NearestEven;
  // Finite sums beyond max normal (fp_core.hpp): the default gives Inf in IEEE
  // formats (nearest modes) and +-max_normal in formats without Inf.
  Overflow overflow = Overflow::Infinity;

  // Throws std::invalid_argument: f with NaN but no Inf (e4m3), stochastic
  // rounding.
  void validate() const;
};

uint32_t fp_add(const FpAddSpec& s, uint32_t a, uint32_t b);
// a - b = a + (-b) (the sign of b flipped; a NaN stays NaN).
uint32_t fp_sub(const FpAddSpec& s, uint32_t a, uint32_t b);
// Element-wise over arrays (y may alias a or b).
void fp_add(const FpAddSpec& s, const uint32_t* a, const uint32_t* b, uint32_t* y, std::size_t n);

// ---- accumulation orders ---------------------------------------------------
// Floating-point addition is not associative, so a unit that sums n values
// must name its order and its golden model must use the same one.

// Balanced pairwise tree, the order of a combinational adder tree: level 1
// adds (x0 + x1), (x2 + x3), ...; an odd last element passes to the next
// level unchanged; repeat until one value remains (the pairing of
// blocks::max_tree and blocks::fp_add_tree). n = 0 gives +0.
uint32_t fp_sum_tree(const FpAddSpec& s, const uint32_t* x, std::size_t n);
// Left to right: (((init + x0) + x1) + ...), the order of a serial
// accumulator register.
uint32_t fp_sum_serial(const FpAddSpec& s, uint32_t init, const uint32_t* x, std::size_t n);

// A dot-product accumulation step as a streaming unit does it per cycle:
// products p_i = fp_mul(mul, a_i, b_i) (mul.y must equal add.f), summed by
// fp_sum_tree, then acc + tree. Returns the new accumulator.
uint32_t fp_dot_step(const FpMulSpec& mul, const FpAddSpec& add, uint32_t acc, const uint32_t* a,
                     const uint32_t* b, std::size_t n);
// A whole dot product as a `lanes`-wide streaming unit computes it: acc =
// init, then fp_dot_step over elements [0, lanes), [lanes, 2 lanes), ... (the
// last chunk may be shorter). lanes >= 1.
uint32_t fp_dot(const FpMulSpec& mul, const FpAddSpec& add, uint32_t init, const uint32_t* a,
                const uint32_t* b, std::size_t n, std::size_t lanes);

}  // namespace bf::golden
