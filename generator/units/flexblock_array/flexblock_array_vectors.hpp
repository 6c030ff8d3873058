#pragma once
// flexblock.array's test vectors and workloads. Corner cases are whole GEMMs
// as the sequencer feeds them (golden/units/flexblock_array/
// flexblock_array_schedule.hpp), back to back with mode switches between
// them, partial tiles and several segments per output, plus Inf/NaN groups,
// overflow and underflow; random cases are single beats with random modes,
// lanes, exponents and boundaries.

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/flexblock_array/flexblock_array_schedule.hpp"

namespace bf::flexblock_array {

std::vector<TestVector> corner_cases(const golden::FlexblockArrayParams& p);
TestVector random_case(const golden::FlexblockArrayParams& p, std::mt19937_64& rng);

// One workload per mode pair, named by mode_pair_name() (bfp_dot.hpp): a (2 rows) x
// (2 cols) x 576 GEMM of Gaussian values per chunk, drained; ops = useful
// MACs per beat.
std::vector<Design::Workload> workloads(const golden::FlexblockArrayParams& p);
std::vector<TestVector> workload_chunk(const golden::FlexblockArrayParams& p,
                                       const std::string& name, std::mt19937_64& rng);

// A GEMM of Gaussian values in the given modes (default groups), as BFP rows
// of A (m x k) and of B's columns (n x k).
struct GemmOperands {
  golden::flexblock::BfpMatrix a, bt;
};
GemmOperands gaussian_gemm(golden::flexblock::Mode ma, golden::flexblock::Mode mb, int m, int n,
                           int k, std::mt19937_64& rng);

}  // namespace bf::flexblock_array
