#pragma once
// flexblock.pe's test vectors and workloads: hand-picked corner cases (fed in
// order from reset: they build segments and rows over several beats), biased
// random beats, and BFP-quantized data in each mode for energy per MAC.

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf::flexblock_pe {

std::vector<TestVector> corner_cases(const golden::FlexblockPeConfig& c);
TestVector random_case(const golden::FlexblockPeConfig& c, std::mt19937_64& rng);

// "bfp16", "bfp8", "bfp4" (those the PE supports) and, for the multi-mode PE,
// "bfp4x16": rows of K = 576 (a 3 x 3 x 64 convolution's reduction) of
// Gaussian activations and weights quantized by the BFP converter with the
// mode's default groups, fed segment by segment. `ops` is the useful MACs per
// beat (K over the row's beats: a segment's last beat may be partial).
std::vector<Design::Workload> workloads(const golden::FlexblockPeConfig& c);
std::vector<TestVector> workload_chunk(const golden::FlexblockPeConfig& c, const std::string& name,
                                       std::mt19937_64& rng);

}  // namespace bf::flexblock_pe
