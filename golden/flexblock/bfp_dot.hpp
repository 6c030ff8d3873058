#pragma once
// FlexBlock's block-floating-point (BFP) dot-product arithmetic: the contract
// that the golden GEMM (bfp_gemm.hpp), flexblock.pe, flexblock.pe_fixed and
// flexblock.array implement bit for bit.
//
// Operands. A BFP group is g elements sharing one 8-bit exponent field s
// (bias 127; 255 marks a group that held Inf/NaN). Element i is a sign and an
// m-bit magnitude n (m = 4, 8 or 16, the mode), value
//     (-1)^sign * n * 2^(s - 127 - m + 1),
// exactly what golden::quantize_block produces for BlockFormat{Kind::Bfp,
// man_bits = m, exp_bits = 8} (code = sign << m | n). The foundation's BFP
// quantizer is the conversion (flexblock.converter instantiates it).
//
// Modes and the 4b x 4b sub-multipliers. One PE has 16 sub-multipliers of
// 4 x 4 bits. An m-bit magnitude is m / 4 nibbles, so a product of an
// ma-bit by an mb-bit magnitude takes (ma/4)(mb/4) sub-multipliers and a beat
// (one cycle) holds P = 16 / ((ma/4)(mb/4)) products:
//     16x16: 1   16x8: 2   16x4: 4   8x8: 4   8x4: 8   4x4: 16
// (1 : 4 : 16 for the uniform 16 : 8 : 4-bit modes). Operand buses are 64
// magnitude bits and 16 sign bits per side: product p (p < P) reads the
// magnitude at bits [p*ma, p*ma + ma) of the A bus and its sign at bit p, and
// likewise for B; bus bits past the P-th element are ignored.
//
// Segments. Along the reduction dimension K, each operand's elements are
// grouped (group size ga for A, gb for B). A segment is a maximal run of K on
// which neither group changes: K is cut at every multiple of ga and of gb.
// Within a segment the products share one exponent, so their sum is an exact
// integer:
//     S = sum over the segment of (-1)^(sign_a ^ sign_b) * n_a * n_b
// A segment is fed as ceil(length / P) beats; the last beat's unused lanes
// are zero. S is held in a two's complement accumulator of
// segment_sum_bits(max_segment) bits (it wraps beyond that, in the model as in
// the hardware; max_segment is a design parameter that bounds it).
//
// Scaling and accumulation. At the end of a segment,
//     T = segment_term(S, sa, sb, ma, mb)
//       = S * 2^(sa + sb - 254 - ma - mb + 2) rounded once to fp32
//         (round to nearest even, subnormals kept, overflow to Inf:
//          golden::fp_round_pack), +0 when S = 0, the canonical NaN when
//          sa or sb is 255;
// and the fp32 accumulator takes acc = fp_add(acc, T) (fp32, nearest even).
// A dot product (one output) starts at acc = +0 and adds its segments' terms
// in increasing K. Two roundings per segment (T, then the add), against two
// per product in an fp32 multiply-accumulate.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/arith/fp_add.hpp"
#include "golden/formats/block_format.hpp"

namespace bf::golden::flexblock {

// A mantissa mode. The 2-bit port code is the enum value; code 3 reads as
// M16 (the widest, so a bad code cannot overflow a narrower datapath).
enum class Mode : uint8_t { M4 = 0, M8 = 1, M16 = 2 };

constexpr int kSubMultipliers = 16;  // 4b x 4b sub-multipliers per PE
constexpr int kBusBits = 64;         // magnitude bits per operand bus
constexpr int kExpBits = 8;          // shared exponent field
constexpr uint32_t kNanExp = 255;    // exponent field of an Inf/NaN group

Mode mode_from_code(uint32_t code);     // 0, 1, 2; 3 -> M16
Mode mode_from_bits(int bits);          // 4, 8, 16; throws std::invalid_argument
int mantissa_bits(Mode m);              // 4, 8, 16
int nibbles(Mode m);                    // 1, 2, 4
int products_per_beat(Mode a, Mode b);  // P = 16 / (nibbles(a) * nibbles(b))
int default_group_size(Mode m);         // 54, 108, 216 (BFPsim's conv groups)
std::string mode_name(Mode m);          // "4", "8", "16"
// The name of a mode pair's workloads and measurements: "bfp16", "bfp8",
// "bfp4" when A and B share a mode, else "bfp<A>x<B>" ("bfp4x16").
std::string mode_pair_name(Mode a, Mode b);

// The BFP format of a mode (what the converter produces).
BlockFormat bfp_format(Mode m, int group_size, Rounding rounding = Rounding::Truncate);

// The segment lengths, in K order, of a reduction of length k whose A groups
// hold ga elements and B groups gb (all >= 1).
std::vector<int> segment_lengths(int k, int ga, int gb);
// Beats of one segment: ceil(length / P).
int segment_beats(int length, Mode ma, Mode mb);

// Bits of the two's complement segment accumulator for segments of at most
// max_segment products of an ma-bit by an mb-bit magnitude: the sign plus
// the magnitude of max_segment * (2^ma - 1) * (2^mb - 1). The multi-mode PE
// sizes it for its widest pair (16 x 16, the default arguments).
int segment_sum_bits(int max_segment, Mode ma = Mode::M16, Mode mb = Mode::M16);
// S wrapped to `bits` bits, sign-extended (bits <= 63).
int64_t wrap_segment_sum(int64_t s, int bits);

// The exact integer sum of one beat: lanes p < P of the buses as described
// above. a_mag / b_mag: the 64-bit magnitude buses; a_sign / b_sign: bit p is
// lane p's sign.
int64_t beat_sum(Mode ma, Mode mb, uint64_t a_mag, uint32_t a_sign, uint64_t b_mag,
                 uint32_t b_sign);

// T of the contract (fp32 bits).
uint32_t segment_term(int64_t s, uint32_t exp_a, uint32_t exp_b, Mode ma, Mode mb);

// acc + T, fp32 round to nearest even (golden::fp_add).
const FpAddSpec& accumulate_spec();
uint32_t accumulate(uint32_t acc, uint32_t term);

}  // namespace bf::golden::flexblock
