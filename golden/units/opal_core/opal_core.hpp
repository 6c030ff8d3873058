#pragma once
// opal.core: OPAL's generation-phase engine. Decode is a GEMV y = W x per
// token: the activation vector x is quantized once to MX-OPAL blocks into an
// activation buffer, then weight rows stream through `rows` parallel opal.pe
// instances (P output channels at a time) that all read the same activation
// beat. This header is the composed golden model the hardware equals.
//
// Transactions (one per cycle at most), selected by op:
//   op = 0, load: x holds one block of k bf16 activations and mode its
//     width (an index into pe.act_bits; past the list = the last entry).
//     It is quantized (golden::mx_opal_quantize at that width, the PE's
//     outliers and encoding, nearest even) and written to buffer slot
//     `first ? 0 : length` (a full buffer keeps overwriting its last slot);
//     the vector length becomes slot + 1. Output: done = 0, y = 0.
//   op = 1, beat: one beat of `lanes` weights for each of the P rows (row p
//     at w[p]) plus each row's bf16 weight scale (read on the row's final
//     beat). Every PE reads block `slot` of the buffer, beat `beat` of it
//     (codes by position, the block's scale, outliers, mode); the block is
//     the row's last when slot >= length - 1 (also when nothing was loaded:
//     the buffer resets to zero blocks). After the block's final beat, slot
//     moves on (to 0 after the last). Output: done when the beat ended the
//     rows; y[p] = opal.pe's result of row p, as fp32 or rounded to bf16.
// The buffer parameters (buffer, sram_macro) only choose how the hardware
// stores the buffer; results and timing are the same.
// bf16 outputs: fp32 rounded to nearest even on the encoding (overflow
// rounds to Inf), NaN canonical (0x7fc0 with the sign).
//
// Softmax route (route_softmax = true): a beat's route flag, read on the
// rows' final beat, also sends that beat's fp32 results (rows 0..P-1 in
// order) to a score vector, each converted to opal.softmax's signed fixed
// point (fp32_to_fixed). The transaction that brings the vector to
// softmax.n scores also carries softmax(scores) (golden::opal_softmax) on
// probs, and the vector starts over. softmax.n must be a multiple of rows.

#include <cstdint>
#include <string>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/formats/mx_opal.hpp"
#include "golden/params/param_spec.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"
#include "golden/units/opal_quantizer/opal_quantizer.hpp"
#include "golden/units/opal_softmax/opal_softmax.hpp"

namespace bf::golden {

// The quantizer's free choices; its block, outliers, widths and encoding come
// from the PE parameters.
struct CoreQuantizerParams {
  std::string selection = "iterative";
  int pipeline_stages = 0;
  int passes_per_stage = 0;

  template <class V>
  void visit(V& v) {
    v.field("selection", selection,
            "top-n hardware: iterative (n arg-max trees) or rank (all pairs; small blocks)",
            Choices{{"iterative", "rank"}});
    v.field("pipeline_stages", pipeline_stages,
            "0: latency 1; 1: a register after the outlier selection (latency 2)", IntRange{0, 1});
    v.field("passes_per_stage", passes_per_stage,
            "iterative selection: arg-max passes between pipeline registers (0 = none); each "
            "register adds a cycle to the quantizer's latency",
            IntRange{0, 16});
  }
};

struct OpalCoreParams {
  int rows = 4;
  int max_blocks = 4;
  std::string buffer = "flops";
  std::string sram_macro = "opal_core_act_sram";
  std::string output_format = "fp32";
  bool route_softmax = false;
  OpalPeParams pe;
  CoreQuantizerParams quantizer;
  OpalSoftmaxParams softmax;

  template <class V>
  void visit(V& v) {
    v.field("rows", rows, "P: opal.pe instances, output channels computed at once", IntRange{1, 8});
    v.field("max_blocks", max_blocks,
            "activation buffer depth in blocks: vectors up to max_blocks * pe.block elements",
            IntRange{1, 16});
    v.field("buffer", buffer,
            "activation buffer memory: flops (an inferred reg array, generated) or sram (an "
            "instance of the black-box macro sram_macro, with a behavioural simulation model)",
            Choices{{"flops", "sram"}});
    v.field("sram_macro", sram_macro,
            "buffer = sram: module name of the SRAM macro (1 write + 1 registered read port, "
            "max_blocks words of one quantized block; interface in "
            "generator/units/opal_core/opal_core_rtl.hpp)",
            Choices{});
    v.field("output_format", output_format, "y: fp32, or bf16 (nearest even)",
            Choices{{"fp32", "bf16"}});
    v.field("route_softmax", route_softmax,
            "true: beats with route_i send their results to an opal.softmax over softmax.n "
            "scores (attention: scores = q K^T, then softmax)");
    v.section("pe", pe, "the PE instances (opal.pe parameters)");
    v.section("quantizer", quantizer, "the activation quantizer (opal.quantizer choices)");
    v.section("softmax", softmax, "the score softmax (opal.softmax parameters; route_softmax)");
  }

  void validate() const;
  // The opal.quantizer instance: every activation width, codes by position.
  OpalQuantizerParams quantizer_params() const;
};

struct OpalCoreInput {
  bool load = false;
  bool route = false;  // beat: send the rows' results to the softmax
  int mode = 0;
  bool first = false;
  std::vector<uint32_t> x;               // k bf16 codes (load)
  std::vector<std::vector<uint32_t>> w;  // rows x lanes weight codes (beat)
  std::vector<uint32_t> wscale;          // rows bf16 codes (beat)
};

struct OpalCoreOutput {
  bool done = false;
  std::vector<uint32_t> y;  // rows codes (fp32 or bf16), 0 unless done
  bool probs_valid = false;
  std::vector<uint32_t> probs;  // softmax.n outputs when probs_valid, else empty
};

// fp32 -> signed fixed point with `frac_bits` fraction bits in `width` bits:
// round to nearest even, saturating; +-Inf saturate, NaN gives the most
// negative code (no probability mass).
int32_t fp32_to_fixed(uint32_t fp32, int width, int frac_bits);

class OpalCoreModel {
 public:
  explicit OpalCoreModel(const OpalCoreParams& p);
  OpalCoreOutput step(const OpalCoreInput& in);

 private:
  struct Slot {
    uint32_t scale = 0;
    std::vector<uint32_t> indices, outliers, codes;
    int mode = 0;
  };
  OpalCoreParams p_;
  OpalPeConfig c_;
  std::vector<Slot> buffer_;
  int length_ = 0;
  int slot_ = 0;
  int beat_ = 0;
  std::vector<OpalPeModel> pes_;
  std::vector<int32_t> scores_;
};

}  // namespace bf::golden
