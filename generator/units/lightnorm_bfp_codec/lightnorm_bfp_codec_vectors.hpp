#pragma once
// lightnorm.bfp_codec's test vectors and workloads. Groups are made as codes
// of the element format; a decode unit gets them encoded
// (lightnorm_bfp_encode), plus packed buses no encoder writes (every field
// value decodes).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/lightnorm_bfp_codec/lightnorm_bfp_codec.hpp"

namespace bf::lightnorm_bfp_codec {

// The packed bus <-> the storage bytes (stream bit j = bus bit j).
BitVec bus_of(const std::vector<uint8_t>& bytes, int width);
std::vector<uint8_t> bytes_of(const BitVec& bus);

// The unit's input transaction for a group of codes (codes.size() == group):
// the codes themselves (encode) or their storage (decode).
TestVector group_vector(const golden::LightnormBfpCodecParams& p,
                        const std::vector<uint32_t>& codes, const std::string& label);

std::vector<TestVector> corner_cases(const golden::LightnormBfpCodecParams& p);
TestVector random_case(const golden::LightnormBfpCodecParams& p, std::mt19937_64& rng);

// Power workload "gaussian": one group of N(0, 1) values converted to the
// element format (LightNorm's conversion: saturate, truncate) per
// transaction, the features a BN layer reads; a chunk is one group.
std::vector<Design::Workload> workloads(const golden::LightnormBfpCodecParams& p);
std::vector<TestVector> workload_chunk(const golden::LightnormBfpCodecParams& p,
                                       const std::string& name, std::mt19937_64& rng);

}  // namespace bf::lightnorm_bfp_codec
