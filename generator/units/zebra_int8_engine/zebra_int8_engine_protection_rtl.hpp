#pragma once
// The weight-memory protection of zebra.int8_engine in Verilog
// (golden/units/zebra_int8_engine/protected_memory.hpp):
//   <top>_secded_enc  SECDED encoder: r Hamming check bits, each the XOR of
//                     the data bits under a constant mask, and the overall
//                     parity bit (golden::Secded::encode)
//   <top>_secded_dec  SECDED decoder: syndrome, overall parity, the flip of
//                     the one data bit the syndrome names, Corrected /
//                     Uncorrectable (golden::Secded::decode)
//   <top>_gsum        the checksum's keyed sum of one word: lane l counts
//                     with sign -1 when key bit ((offset * lanes + l) mod 64)
//                     is 1, modulo 2^9 (ProtectedWeightMemory::contribution)
// Parity is a single XOR reduction, written inline in the engine.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf::zebra_int8_engine {

vlog::Module secded_encoder(const golden::Int8EngineParams& p, const std::string& name,
                            std::vector<std::string> header);
vlog::Module secded_decoder(const golden::Int8EngineParams& p, const std::string& name,
                            std::vector<std::string> header);

// Distinct sign patterns of a word in its group: the pattern of offset o
// repeats with period 64 / gcd(lanes, 64), so min(group_words, period)
// offsets (a power of two) are told apart by the offset's low bits.
int gsum_patterns(const golden::Int8EngineParams& p);
// Ports: w_i (the word), off_i (the offset's low log2(gsum_patterns) bits;
// only when there are several patterns), sum_o (9 bits).
vlog::Module group_sum(const golden::Int8EngineParams& p, const std::string& name,
                       std::vector<std::string> header);

}  // namespace bf::zebra_int8_engine
