#pragma once
// Helpers of lightnorm.bn_fwd's tests: whole groups through the model, and
// deliberately wrong datapaths that the corner cases must tell apart from
// the unit.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp"

namespace bf::bn_fwd_test {

using Lanes = std::vector<uint32_t>;
using Channel = std::vector<uint32_t>;

std::string hex(uint32_t v);

// A protocol group's outputs per NORM beat.
struct GroupOut {
  std::vector<golden::LnBnFwdModel::Output> norm;
};
// One correct group (LOAD, n STAT, finish_beats() FINISH, n NORM) through
// `m`: channels[l] is lane l's n io codes.
GroupOut run_group(golden::LnBnFwdModel& m, const golden::LnBnFwdParams& p, uint64_t len,
                   uint32_t inv_n, uint32_t c, const Lanes& gamma, const Lanes& beta,
                   const std::vector<Channel>& channels);

enum class Wrong {
  None,          // the unit's datapath, recomputed here
  LastExtreme,   // the chunk extremes' flags go to the last equal element
  ZeroEqual,     // -0 and +0 compare equal in the chunk extremes
  NoChunkScale,  // range = Smax - Smin (no division by chunks)
  NoEps,         // d = range * C
  PartialChunk,  // an incomplete chunk's running extremes enter Smax / Smin
  FoldedScale,   // y = (x - mean) * (scale * gamma) + beta, no x_hat rounding
  StaleNorm,     // NORM before the statistics are complete uses the old ones
  Pow2Floor,     // pow2: 2^-e (f1 ignored); divider: unchanged
};
std::string wrong_name(Wrong w);
// Beats of the design's corner cases (params TOML of lightnorm.bn_fwd) on
// which the datapath `w` and the design's stream model differ (every output
// port compared).
int disagreements(const std::string& params_toml, Wrong w);

}  // namespace bf::bn_fwd_test
