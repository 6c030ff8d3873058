#pragma once
// opal.pe and baseline.mx_dot: the dot product of MX-OPAL activation blocks
// with low-bit integer weights, one beat of `lanes` elements per transaction.
// This header is the arithmetic contract the generated hardware implements
// bit for bit (generator/units/opal_pe/).
//
// A row (one output channel) is a whole number of blocks of k elements; a
// block is B = k / lanes beats. Per beat, at beat counter c (0..B-1, reset
// to 0, wrapping after B-1):
//   lane l holds element e = c*lanes + l of the block;
//   A_l = decode(code_l) * 2^(bmax - b)   the activation integer on the grid of
//        the widest mode (b = act_bits[mode], bmax = max(act_bits)); the low b
//        bits of the lane's bmax-bit field are the code (sign-magnitude or
//        two's complement), the upper bits are ignored; a mode value past the
//        list selects the last entry;
//   A_l = 0 when e is an outlier position (some slot j has idx_j == e), whatever
//        its code: the outliers go through the FP path instead;
//   W_l = the w-bit two's complement weight;
//   int_acc = (c == 0 ? 0 : int_acc) + sum_l A_l * W_l        (exact integer);
//   outlier weight capture, per slot j: when idx_j / lanes == c,
//        wcap_j = W at lane idx_j % lanes; otherwise wcap_j keeps its value,
//        except that it starts the block at 0 (an index >= k is never seen
//        and contributes 0 * v_j).
// The indices are read on every beat; scale_i, the outlier values, last_i and
// wscale_i are read on the block's final beat (c == B - 1) only.
// At a block end, the block's n + 1 fp32 terms are
//   T_0 = x = int_acc * 2^(S - 127 - (bmax - 2)) rounded to fp32 (RNE,
//       subnormals and overflow to Inf per golden::fp_round_pack); S == 255
//       (NaN scale) gives the canonical NaN;
//   T_{1+j} = fp_mul(bf16 v_j x bf16(wcap_j)) -> fp32, j = 0 .. n-1
//       (bf16(w) is exact for |w| <= 128; the product is exact or +-Inf);
// and u = fp_units of them are added per cycle. With all additions fp32,
// round to nearest even (fp_add), in this order:
//   G = ceil((n + 1) / u) groups; group g holds T_{g*u} .. T_{g*u + u - 1},
//       the last group padded with -0 up to u terms (fp_add(t, -0) = t for
//       every term, so the padding changes nothing);
//   s_g = fp_sum_tree(group g)   (golden/arith/fp_add.hpp: level 1 adds
//       (t0 + t1), (t2 + t3), ...; an odd last element passes up a level);
//   acc = fp_add(row_start ? +0 : acc, s_0);
//   for g = 1 .. G-1: acc = fp_add(acc, s_g);
// With u = 1 (the default) s_g = T_g: acc = x, then + each outlier product
// in slot order, left to right.
//   on a row end (last_i on this block's final beat):
//       y = fp_mul(fp32 acc x bf16 wscale) -> fp32 (RNE), then the next block
//       starts a new row (acc = +0).
// Outputs per beat: done = (c == B - 1) & last_i; y when done, else 0.

#include <cstdint>
#include <string>
#include <vector>

#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/formats/int_format.hpp"
#include "golden/formats/mx_opal.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

// The floating-point operators of the FP path, defined once: the golden model
// below computes with them and the generator builds its operator modules from
// them (generator/units/opal_pe/), so the two cannot disagree.
struct OpalPeFpOps {
  // bf16 outlier x bf16(captured weight) -> fp32, round to nearest even.
  static const FpMulSpec& outlier_mul();
  // fp32 accumulator + fp32 term, round to nearest even.
  static const FpAddSpec& acc_add();
  // fp32 row result x bf16 per-channel weight scale -> fp32, nearest even.
  static const FpMulSpec& scale_mul();
};

// The engine's shape; baseline.mx_dot (golden/units/baseline_mx_dot/) is
// opal.pe with no outliers.
struct OpalPeConfig {
  int block = 128;
  int lanes = 16;
  int outliers = 4;
  std::vector<int> act_bits = {3, 5};
  IntEncoding act_encoding = IntEncoding::SignMagnitude;
  int weight_bits = 4;
  int fp_units = 1;  // fp32 terms added per cycle (u)

  int beats_per_block() const { return block / lanes; }
  int fp_terms() const { return outliers + 1; }
  // Cycles of the FP path per block, ceil((n + 1) / u): at most beats_per_block().
  int fp_groups() const { return (fp_terms() + fp_units - 1) / fp_units; }
  int max_bits() const;      // bmax
  int index_bits() const;    // ceil(log2 block), at least 1
  int mode_bits() const;     // width of mode_i: ceil(log2 #act_bits), 0 for one mode
  int product_bits() const;  // signed A * W
  int beat_sum_bits() const;
  int block_sum_bits() const;
  // The MX-OPAL format of the activations in `mode` (act_bits[mode]).
  MxOpalFormat activation_format(int mode) const;
};

// The fields of the INT engine both units share, described once.
struct DotEngineParams {
  int block = 128;
  int lanes = 16;
  std::vector<int> act_bits = {3, 5};
  std::string act_encoding = "sign_magnitude";
  int weight_bits = 4;

  template <class V>
  void visit(V& v) {
    v.field("block", block, "elements per block (k); a row is a whole number of blocks",
            IntRange{32, 256});
    v.field("lanes", lanes,
            "elements per beat (a power of two dividing block): INT multiplier lanes",
            IntRange{1, 64});
    v.field("act_bits", act_bits,
            "activation integer widths the instance supports, strictly ascending; mode_i picks "
            "one per beat (OPAL: 3 for less sensitive layers, 5 for sensitive ones)",
            IntRange{2, 8}, IntRange{1, 4});
    v.field("act_encoding", act_encoding,
            "activation code encoding: sign_magnitude (symmetric, the MX default) or "
            "twos_complement",
            Choices{{"sign_magnitude", "twos_complement"}});
    v.field("weight_bits", weight_bits, "weight integer width, two's complement", IntRange{2, 8});
  }
};

// opal.pe: MX-OPAL activations.
struct OpalPeParams : DotEngineParams {
  int outliers = 4;
  int fp_units = 1;

  template <class V>
  void visit(V& v) {
    DotEngineParams::visit(v);
    v.field("outliers", outliers,
            "bf16 outliers per block (n); the FP path takes the block's n + 1 fp32 terms (the "
            "inlier sum and one product per outlier) fp_units per cycle, so block / lanes must "
            "be at least ceil((n + 1) / fp_units)",
            IntRange{0, 16});
    v.field("fp_units", fp_units,
            "parallel FP outlier paths (u, at most n + 1): u term slots per cycle (slot 0 "
            "converts the inlier sum, the others are bf16 outlier multipliers), summed by a "
            "pipelined balanced tree of u - 1 fp32 adders into the one fp32 accumulator adder. "
            "A tree rather than a fused multi-term adder because it reuses the verified fp32 "
            "adder, keeps one adder in the accumulator loop whatever u, and gives the "
            "accumulation order of baseline.bf16_dot (fp_sum_tree, then acc + tree). 1: one "
            "multiplier, terms added one per cycle; raise it to go past block / (n + 1) lanes",
            IntRange{1, 17});
  }

  // Cross-parameter checks; throws ParamError naming the key.
  void validate() const;
  OpalPeConfig config() const;
};

// The checks every parameterization of the engine shares (opal.pe with n
// outliers and fp_units FP paths, baseline.mx_dot with none and one);
// throws ParamError naming the key.
void validate_dot_engine(const DotEngineParams& p, int outliers, int fp_units = 1);
IntEncoding act_encoding_param(const std::string& name);

// One beat's inputs, decoded.
struct OpalPeBeat {
  int mode = 0;
  bool last = false;
  std::vector<uint32_t> codes;     // lanes codes (bmax-bit fields)
  std::vector<uint32_t> weights;   // lanes w-bit codes
  uint32_t scale = 127;            // E8M0
  std::vector<uint32_t> indices;   // n
  std::vector<uint32_t> outliers;  // n bf16 codes
  uint32_t wscale = 0x3f80;        // bf16
};

struct OpalPeOutput {
  bool done = false;
  uint32_t y = 0;  // fp32, 0 unless done
};

// The stream model: feed beats in order from reset.
class OpalPeModel {
 public:
  explicit OpalPeModel(OpalPeConfig c);
  OpalPeOutput step(const OpalPeBeat& beat);

  // The pieces, public for tests and for opal.core's composed model.
  // Activation integer of one lane on the bmax grid (0 for outliers is the
  // caller's business).
  int64_t activation(uint32_t code, int mode) const;
  int64_t weight(uint32_t code) const;
  // int_acc * 2^(S - 127 - (bmax - 2)) rounded to fp32.
  uint32_t block_to_fp32(int64_t int_acc, uint32_t scale) const;
  // bf16 v times the integer weight w, as fp32.
  static uint32_t outlier_product(uint32_t v_bf16, int64_t w);

 private:
  OpalPeConfig c_;
  int beat_ = 0;
  int64_t int_acc_ = 0;
  std::vector<int64_t> wcap_;
  std::vector<char> is_outlier_;  // per lane, this beat (kept to avoid an allocation per beat)
  std::vector<uint32_t> terms_;   // a block's fp32 terms, padded to G * u with -0
  uint32_t acc_ = 0;
  bool row_start_ = true;
};

}  // namespace bf::golden
