#pragma once
// lightnorm.bn_fwd's test vectors and power workload. The unit's state spans
// a whole channel group, so vectors are whole protocol sequences (LOAD, n
// STAT, finish_beats() FINISH, n NORM): hand-picked groups of special data
// (extreme ties, signed zeros, constant chunks, subnormals, the range of io,
// special constants) and protocol misuse as corner cases, random groups
// (random n and L, biased data, sometimes a perturbed protocol or raw bits on
// the BFP port) as random cases, Gaussian groups of n = 256 as the
// "channels" workload.

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp"

namespace bf::lightnorm_bn_fwd {

// The "channels" workload's group length (values per channel), as
// baseline.bn_fp32's.
constexpr int kChannelsN = 256;

// Whole sequences from reset, ending on a group boundary.
std::vector<TestVector> corner_cases(const golden::LnBnFwdParams& p);
// One random channel group (usually a correct protocol sequence, about one
// in six perturbed): its beats.
std::vector<TestVector> random_group(const golden::LnBnFwdParams& p, std::mt19937_64& rng);

std::vector<Design::Workload> workloads(const golden::LnBnFwdParams& p);
// Normalized elements per beat on the "channels" workload.
double channels_ops(const golden::LnBnFwdParams& p);
// One group of the named workload; throws std::logic_error for another name.
std::vector<TestVector> workload_chunk(const golden::LnBnFwdParams& p, const std::string& name,
                                       std::mt19937_64& rng);

}  // namespace bf::lightnorm_bn_fwd
