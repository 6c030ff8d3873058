#pragma once
// baseline.fp32_mac's test vectors and power workload: hand-picked corner
// rows, biased random beats, and the "gemm" rows.

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp"

namespace bf::baseline_fp32_mac {

// The "gemm" workload's row length: a dot product of K = 256 elements.
constexpr int kGemmK = 256;

// Whole rows of beats (the last one flagged), ending on a row boundary.
std::vector<TestVector> corner_cases(const golden::Fp32MacParams& p);
// One beat; a row ends on about one beat in six.
TestVector random_case(const golden::Fp32MacParams& p, std::mt19937_64& rng);

std::vector<Design::Workload> workloads(const golden::Fp32MacParams& p);
// One row of the named workload; throws std::logic_error for another name.
std::vector<TestVector> workload_chunk(const golden::Fp32MacParams& p, const std::string& name,
                                       std::mt19937_64& rng);

}  // namespace bf::baseline_fp32_mac
