#pragma once
// opal.quantizer: bf16 activations in, MX-OPAL blocks out (golden/formats/
// mx_opal.hpp). One block of k elements per transaction.

#include <string>

#include "golden/formats/mx_opal.hpp"
#include "golden/units/param_spec.hpp"

namespace bf::golden {

struct OpalQuantizerParams {
  int block = 128;
  int outliers = 4;
  int bits = 3;
  std::string int_encoding = "sign_magnitude";
  std::string rounding = "nearest_even";
  std::string selection = "iterative";
  int pipeline_stages = 0;
  std::string layout = "storage";

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
    v.field("layout", layout,
            "codes_o: storage = the k - n inlier codes in index order, outliers skipped (the "
            "packed format); positions = k codes at their element positions, 0 at the outliers "
            "(what opal.pe's lanes read)",
            Choices{{"storage", "positions"}});
  }

  void validate() const;
  MxOpalFormat format() const;
};

}  // namespace bf::golden
