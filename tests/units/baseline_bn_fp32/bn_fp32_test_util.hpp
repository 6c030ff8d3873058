#pragma once
// Helpers of baseline.bn_fp32's tests: fp32 codes, whole groups through the
// model, the host's float BN in the contract's order, and deliberately wrong
// datapaths that the corner cases must tell apart from the unit.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/lightnorm/bn_fp32.hpp"
#include "golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp"

namespace bf::bn_fp32_test {

using Lanes = std::vector<uint32_t>;
using Channel = std::vector<uint32_t>;

inline constexpr uint32_t kOne = 0x3f800000u, kTwo = 0x40000000u, kThree = 0x40400000u;

std::string hex(uint32_t v);
golden::BnFp32Params params(int lanes, int sqrt_stages, int div_stages);
// A finite fp32 code with floor(log2) in [lo, hi], random sign and mantissa.
uint32_t random_code(std::mt19937_64& rng, int lo, int hi);
// Any code: finite of any magnitude, subnormal, zero, Inf or NaN.
uint32_t any_code(std::mt19937_64& rng);

// One correct group (LOAD, STAT, FINISH, NORM) through a fresh model; the NORM
// beats' y per element and lane.
std::vector<Lanes> run_group(const golden::BnFp32Params& p, uint32_t inv_n, const Lanes& gamma,
                             const Lanes& beta, const std::vector<Channel>& channels);
// LOAD (gamma 1, beta 0), the values, the FINISH beats on a 1-lane model;
// the lane's statistics.
golden::lightnorm::BnFp32Stats stats_of(golden::BnFp32Model& m, const Channel& c, uint32_t inv_n);
// The host's IEEE float BN in the contract's order (finite inputs).
std::vector<uint32_t> host_bn(const Channel& c, uint32_t inv_n, uint32_t gamma, uint32_t beta);
// Q * inv_n - mean * mean in host float, before the clamp.
float host_raw_variance(const Channel& c, uint32_t inv_n);

enum class Wrong {
  None,             // the unit's datapath, recomputed here
  NoClamp,          // a negative variance is not clamped (sqrt gives NaN)
  NoEps,            // eps = 0
  TwoPassVariance,  // var = sum((x - mean)^2) * inv_n
  FoldedScale,      // y = (x - mean) * (inv_std * gamma) + beta
  FlushSubnormals,  // every operator flushes subnormals
  TruncatedRoot,    // the square root truncates
  StaleNorm,        // NORM before the statistics are complete uses the old ones
  FusedSquares,     // Q += x * x with one rounding
};
std::string wrong_name(Wrong w);
// Beats of the design's corner cases (params TOML of baseline.bn_fp32) on
// which the datapath `w` and the design's stream model differ.
int disagreements(const std::string& params_toml, Wrong w);

// Occurrences of `what` in `s`.
int count(const std::string& s, const std::string& what);

}  // namespace bf::bn_fp32_test
