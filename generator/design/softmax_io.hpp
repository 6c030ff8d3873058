#pragma once
// Ports, packing and test vectors shared by the two softmax units
// (opal.softmax and softmax.exp_baseline): both take one vector of n signed
// fixed-point logits on x_i and return n unsigned Q0.B outputs on y_o.

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "generator/design/design.hpp"

namespace bf::softmax {

struct VectorIo {
  int n;
  int int_bits;  // sign included
  int frac_bits;
  int out_bits;
  int width() const { return int_bits + frac_bits; }
  int32_t min_code() const { return -(int32_t{1} << (width() - 1)); }
  int32_t max_code() const { return (int32_t{1} << (width() - 1)) - 1; }
};

PortSpec input_port(const VectorIo& io);
PortSpec output_port(const VectorIo& io);

std::vector<int32_t> unpack_logits(const VectorIo& io, const BitVec& x);
BitVec pack_outputs(const VectorIo& io, std::span<const uint32_t> y);
// Codes are clamped to the input range; a shorter list repeats cyclically.
TestVector make_vector(const VectorIo& io, const std::vector<int32_t>& codes, std::string label);

// Hand-picked vectors: equal logits, one dominant, ties for the maximum,
// extremes of the input range, fine and coarse ramps, sums at powers of two.
std::vector<TestVector> common_corner_cases(const VectorIo& io);
// Biased random vectors: uniform codes, tight clusters, attention-like scores,
// few distinct values (ties), one dominant logit, values at the range ends.
TestVector random_vector(const VectorIo& io, std::mt19937_64& rng);

// The "attention" workload of both units (power --workload attention): rows
// of attention-like scores (LogitDist::Attention of
// golden/accuracy/softmax_accuracy.hpp, the softmax-report's distribution),
// quantized to the input format; one row per chunk.
Design::Workload attention_workload();
std::vector<TestVector> attention_chunk(const VectorIo& io, const std::string& name,
                                        std::mt19937_64& rng);

}  // namespace bf::softmax
