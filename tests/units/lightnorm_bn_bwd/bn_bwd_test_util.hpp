#pragma once
// Helpers of lightnorm.bn_bwd's tests: deliberately wrong datapaths that the
// corner cases must tell apart from the unit, recomputed beat by beat from
// the golden operators.

#include <string>

namespace bf::bn_bwd_test {

enum class Wrong {
  None,               // the unit's datapath, recomputed here
  SwappedExtremes,    // b_max at the argmin, b_min at the argmax
  BothFlagsMax,       // an element flagged both argmax and argmin takes b_max
  NoChunkScale,       // k without the 2^-log2(chunks)
  FlushTinyK,         // * 2^-log2(chunks) as bare exponent arithmetic: k below 2^emin -> 0
  MeanTermOrder,      // b_mu = -(a * (dbeta * inv_n)): another rounding order
  DxAddInStat,        // g * a + b in stat, not norm
  DxNearestEven,      // dx rounded to nearest even whatever convert_rounding says
  StaleDx,            // DX before the coefficients are complete uses the old ones
  DgammaNearestEven,  // dgamma rounded to nearest even whatever convert_rounding says
};
std::string wrong_name(Wrong w);
// Beats of the design's corner cases (params TOML of lightnorm.bn_bwd) on
// which the datapath `w` and the design's stream model differ.
int disagreements(const std::string& params_toml, Wrong w);

// Occurrences of `what` in `s`.
int count(const std::string& s, const std::string& what);

}  // namespace bf::bn_bwd_test
