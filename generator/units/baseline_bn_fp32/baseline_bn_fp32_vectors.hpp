#pragma once
// baseline.bn_fp32's test vectors and power workload. The unit's state spans
// a whole channel group, so vectors are whole protocol sequences (LOAD, n
// STAT, finish_beats() FINISH, n NORM): hand-picked groups of special data
// and protocol misuse as corner cases, random groups (random n, biased data,
// sometimes a perturbed protocol) as random cases, Gaussian groups of n = 256
// as the "channels" workload.

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp"

namespace bf::baseline_bn_fp32 {

// The "channels" workload's group length (values per channel).
constexpr int kChannelsN = 256;

// Whole sequences from reset, ending on a group boundary.
std::vector<TestVector> corner_cases(const golden::BnFp32Params& p);
// One random channel group (usually a correct protocol sequence, about one
// in six perturbed): its beats.
std::vector<TestVector> random_group(const golden::BnFp32Params& p, std::mt19937_64& rng);

std::vector<Design::Workload> workloads(const golden::BnFp32Params& p);
// Normalized elements per beat on the "channels" workload.
double channels_ops(const golden::BnFp32Params& p);
// One group of the named workload; throws std::logic_error for another name.
std::vector<TestVector> workload_chunk(const golden::BnFp32Params& p, const std::string& name,
                                       std::mt19937_64& rng);

}  // namespace bf::baseline_bn_fp32
