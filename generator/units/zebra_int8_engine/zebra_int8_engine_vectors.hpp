#pragma once
// zebra.int8_engine's transactions as port values, and its test vectors:
// hand-picked corner streams and biased random transactions.

#include <cstdint>
#include <random>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf::zebra_int8_engine {

// One transaction, decoded. A write uses addr and data (the weights); a MAC
// beat uses addr and data (the activations), first, last and, on its last
// beat, bias, mult, shift and relu. The fields a transaction does not use
// may hold anything (the random vectors fill them with garbage).
struct Txn {
  bool write = false;
  uint32_t addr = 0;
  std::vector<int8_t> data;   // `lanes` weights (write) or activations (MAC)
  std::vector<int8_t> other;  // the unused data port (x on a write, wdata on a beat); may be empty
  bool first = false;
  bool last = false;
  int32_t bias = 0;
  uint32_t mult = 0;
  int shift = 0;
  bool relu = false;
};

// Input ports in data_inputs() order: op_i, addr_i, wdata_i, x_i, first_i,
// last_i, bias_i, mult_i, shift_i, relu_i.
PortValues to_ports(const golden::Int8EngineParams& p, const Txn& t);
Txn from_ports(const golden::Int8EngineParams& p, const PortValues& v);

// Starts by writing every word (the memory has no reset), then the corner
// streams; ends outside any dot product.
std::vector<TestVector> corner_cases(const golden::Int8EngineParams& p);
// One transaction: about one in four a write; MAC beats start a dot product
// about one in four and end it about one in four; addresses mostly from a
// few hot words, so writes and reads of one word meet often.
TestVector random_case(const golden::Int8EngineParams& p, std::mt19937_64& rng);

}  // namespace bf::zebra_int8_engine
