#pragma once
// zebra.int8_engine's transactions as port values, and its test vectors:
// hand-picked corner streams and biased random transactions.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf::zebra_int8_engine {

// One transaction, decoded. A write uses addr and data (the weights); a MAC
// beat uses addr and data (the activations), first, last and, on its last
// beat, bias, mult, shift and relu; a check write (protected engines) addr
// and check; a check beat addr. The fields a transaction does not use
// may hold anything (the random vectors fill them with garbage).
enum class Op : uint8_t { Write = 0, Mac = 1, CheckWrite = 2, Check = 3 };

struct Txn {
  Op op = Op::Mac;
  bool write() const { return op == Op::Write; }
  bool mac() const { return op == Op::Mac; }
  uint32_t addr = 0;
  std::vector<int8_t> data;   // `lanes` weights (write) or activations (MAC)
  std::vector<int8_t> other;  // the unused data port (x on a write, wdata on a beat); may be empty
  uint64_t check = 0;         // check write: the check bits (wdata's low bits, the rest `other`)
  bool first = false;
  bool last = false;
  int32_t bias = 0;
  uint32_t mult = 0;
  int shift = 0;
  bool relu = false;
};

// One transaction applied to the golden model: what the unit's stream model
// does with it.
golden::Int8EngineModel::Output apply(golden::Int8EngineModel& model, const Txn& t);

// Input ports in data_inputs() order: op_i, addr_i, wdata_i, x_i, first_i,
// last_i, bias_i, mult_i, shift_i, relu_i.
PortValues to_ports(const golden::Int8EngineParams& p, const Txn& t);
Txn from_ports(const golden::Int8EngineParams& p, const PortValues& v);

// Width of a check write's check bits: the word's check bits, or 2 (a
// checksum signature); 0 without a protection.
int check_write_bits(const golden::Int8EngineParams& p);

// Starts by writing every word (the memory has no reset) and, with a
// checksum, every group's signature; then the corner streams, and with a
// protection the fault streams (faults stored through check writes);
// ends outside any dot product, not halted.
std::vector<TestVector> corner_cases(const golden::Int8EngineParams& p);
// One transaction: about one in four a write; MAC beats start a dot product
// about one in four and end it about one in four; addresses mostly from a
// few hot words, so writes and reads of one word meet often. With a
// protection also check writes of random check bits and check beats.
TestVector random_case(const golden::Int8EngineParams& p, std::mt19937_64& rng);

// Beats per dot product of the inference workload.
constexpr int kInferenceRow = 16;
// The energy workload `inference`: one chunk writes one word of int8
// weights (a weight load in progress; normal, sigma 24, clamped) and then
// runs one dot product of kInferenceRow beats over consecutive words (an
// output neuron) with post-ReLU int8 activations (half zeros, the rest
// |normal(0, 24)|), requantized with relu. The same stream for every
// protection: it measures what the checker costs on the reads it guards.
std::vector<TestVector> inference_chunk(const golden::Int8EngineParams& p, std::mt19937_64& rng);

}  // namespace bf::zebra_int8_engine
