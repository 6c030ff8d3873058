#pragma once
// lightnorm.bn_bwd's test vectors and power workload. The unit's state spans
// a whole channel group, so vectors are whole protocol sequences (LOAD, n
// STAT, finish_beats() FINISH, n DX): hand-picked groups of special data and
// protocol misuse as corner cases, random groups (a forward pass of random
// channels or random codes, random n, sometimes a perturbed protocol) as
// random cases, Gaussian groups of n = 256 as the "channels" workload.

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_beats.hpp"
#include "golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp"

namespace bf::lightnorm_bn_bwd {

// The "channels" workload's group length (values per channel).
constexpr int kChannelsN = 256;

// What the forward pass hands backward for one channel of io codes x:
// x_hat, the flags of the chunk extremes, scale; gamma the forward's.
struct Forward {
  Channel x_hat, amax, amin;
  uint32_t scale = 0;
};
// x.size() must be a valid range-BN n (a multiple of chunks, >= 2 * chunks).
Forward forward_pass(const golden::lightnorm::RangeBnParams& p, const Channel& x, uint32_t gamma);

// Whole sequences from reset, ending on a group boundary.
std::vector<TestVector> corner_cases(const golden::BnBwdParams& p);
// One random channel group (usually a correct protocol sequence, about one
// in six perturbed): its beats.
std::vector<TestVector> random_group(const golden::BnBwdParams& p, std::mt19937_64& rng);

std::vector<Design::Workload> workloads(const golden::BnBwdParams& p);
// Elements of dx per beat on the "channels" workload.
double channels_ops(const golden::BnBwdParams& p);
// One group of the named workload; throws std::logic_error for another name.
std::vector<TestVector> workload_chunk(const golden::BnBwdParams& p, const std::string& name,
                                       std::mt19937_64& rng);

}  // namespace bf::lightnorm_bn_bwd
