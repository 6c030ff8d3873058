#pragma once
// flexblock.converter's test vectors: hand-picked groups in every mode (and
// mode code 3) and biased random groups. Inputs: mode_i (2 bits), x_i
// (max_group() fp32 values).

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/flexblock_converter/flexblock_converter.hpp"

namespace bf::flexblock_converter {

std::vector<TestVector> corner_cases(const golden::FlexblockConverterParams& p);
TestVector random_case(const golden::FlexblockConverterParams& p, std::mt19937_64& rng);

// Power workloads "bfp16", "bfp8", "bfp4": one group of N(0, 1) values per
// transaction (a conv layer's activations or gradients) in that mode; a
// chunk is one group.
std::vector<Design::Workload> workloads(const golden::FlexblockConverterParams& p);
std::vector<TestVector> workload_chunk(const golden::FlexblockConverterParams& p,
                                       const std::string& name, std::mt19937_64& rng);

}  // namespace bf::flexblock_converter
