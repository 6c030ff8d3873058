#pragma once
// opal.quantizer: bf16 activations in, MX-OPAL blocks out (golden/formats/
// mx_opal.hpp). One block of k elements per transaction.

#include <string>
#include <vector>

#include "golden/formats/mx_opal.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct OpalQuantizerParams {
  int block = 128;
  int outliers = 4;
  int bits = 3;
  std::string int_encoding = "sign_magnitude";
  std::string rounding = "nearest_even";
  std::string selection = "iterative";
  int pipeline_stages = 0;
  int passes_per_stage = 0;
  std::string layout = "storage";
  std::vector<int> alt_bits = {};

  template <class V>
  void visit(V& v) {
    v.field("block", block, "elements per block (k); one block per transaction", IntRange{32, 256});
    v.field("outliers", outliers, "outliers kept in bf16 per block (n); ties go to the lower index",
            IntRange{0, 16});
    v.field("bits", bits, "inlier integer width (b)", IntRange{2, 8});
    v.field("int_encoding", int_encoding,
            "inlier encoding: sign_magnitude (symmetric, default) or twos_complement",
            Choices{{"sign_magnitude", "twos_complement"}});
    v.field("rounding", rounding, "inlier rounding",
            Choices{{"nearest_even", "nearest_away", "truncate"}});
    v.field("selection", selection,
            "top-n hardware: iterative = n cascaded arg-max trees over k (area ~ n*k comparators, "
            "depth ~ n*log2 k); rank = every pair compared once and an element kept when fewer "
            "than n beat it (area ~ k^2/2 comparators, depth ~ log2 k): small blocks only",
            Choices{{"iterative", "rank"}});
    v.field("pipeline_stages", pipeline_stages,
            "0 = combinational core, registered output (latency 1); 1 = also a register after "
            "the outlier selection (latency 2)",
            IntRange{0, 1});
    v.field("passes_per_stage", passes_per_stage,
            "iterative selection: arg-max passes between pipeline registers inside the "
            "selection; 0 = all n passes in one stage. Each register adds a cycle: latency = 1 + "
            "pipeline_stages + ceil(n / passes_per_stage) - 1",
            IntRange{0, 16});
    v.field("layout", layout,
            "codes_o: storage = the k - n inlier codes in index order, outliers skipped (the "
            "packed format); positions = k codes at their element positions, 0 at the outliers "
            "(what opal.pe's lanes read)",
            Choices{{"storage", "positions"}});
    v.field("alt_bits", alt_bits,
            "further inlier widths chosen per block by mode_i (mode 0 = bits, mode j = "
            "alt_bits[j-1], past the list = the last); bits, alt_bits strictly ascending. The "
            "selection and the scale are shared; only the element quantizers are per width. "
            "Codes then take max width fields, low bits used",
            IntRange{2, 8}, IntRange{0, 3});
  }

  void validate() const;
  // The format of mode `mode` (0 = bits; clamped to the list).
  MxOpalFormat format(int mode = 0) const;
  int modes() const { return 1 + static_cast<int>(alt_bits.size()); }
  int mode_bits() const;  // width of mode_i, 0 for one width
  int max_bits() const { return alt_bits.empty() ? bits : alt_bits.back(); }
  // Pipeline registers between the selection's passes (passes_per_stage).
  int selection_registers() const;
  // Cycles from a block in to its result out.
  int latency() const { return 1 + pipeline_stages + selection_registers(); }
};

}  // namespace bf::golden
