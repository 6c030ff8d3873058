#pragma once
// zebra.int8_engine: the int8 inference engine that ZeBRA's bit-flip attack
// targets. Its int8 weights live in an on-chip weight memory of `words`
// words, `lanes` weights per word (lane i at bits [8i, 8i + 8), two's
// complement); one memory word feeds `lanes` int8 x int8 MACs per cycle.
//
// Transactions, one per cycle, selected by op:
//   op = 0, write: mem[addr] = wdata. Output: done = 0, acc = 0, y = 0.
//   op = 1, MAC beat: w = mem[addr] (a synchronous read, as an SRAM's),
//     acc = (first ? 0 : acc) + int8_engine_dot(w, x, lanes)
//     in int32 two's-complement wrap-around (each int8 x int8 product is
//     exact; only the running sum wraps). A beat with last = 1 ends the dot
//     product and requantizes it with its bias, mult, shift and relu:
//       t = acc + bias                               (int32, wraps)
//       y = int8_engine_requantize(t, mult, shift, relu)
//     and outputs done = 1, acc = t, y; other beats output done = 0,
//     acc = 0, y = 0. The accumulator is 0 after reset; write transactions
//     leave it alone (a dot product may be interleaved with writes).
// Addresses: the address is ceil(log2 words) bits wide. When words is not a
// power of two, an address >= words names no word: a write to it is dropped
// and a MAC beat reading it sees a word of zeros.
// The memory has no reset (it is an SRAM): the model starts it at zeros; a
// stream that reads a word before writing it is only defined in the model
// (the unit's test streams write every word first).
// Read during write: a transaction is either a write or a read, so the
// memory never sees both in one cycle; a MAC beat right after a write of its
// word (the next transaction) reads the new word.

#include <cstdint>
#include <vector>

#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct Int8EngineParams {
  int lanes = 8;
  int words = 1024;
  int mult_bits = 16;

  template <class V>
  void visit(V& v) {
    v.field("lanes", lanes,
            "int8 weights per memory word = int8 x int8 MACs per cycle; a word is 8 * lanes "
            "bits, lane i at bits [8i, 8i + 8) (two's complement)",
            IntRange{1, 64});
    v.field("words", words,
            "depth of the on-chip weight memory in words; the address is ceil(log2 words) bits "
            "(an address >= words writes nothing and reads zeros)",
            IntRange{2, 65536});
    v.field("mult_bits", mult_bits,
            "width of the unsigned requantization multiplier mult_i: y = clamp(round((acc + "
            "bias) * mult / 2^shift))",
            IntRange{2, 31});
  }

  void validate() const {}

  int word_bits() const { return 8 * lanes; }
  // ceil(log2 words); at least 1 (words >= 2).
  int addr_bits() const;
  bool exact_depth() const { return (1 << addr_bits()) == words; }
  int64_t memory_bits() const { return int64_t{words} * word_bits(); }
  // Levels of the MAC's adder tree: ceil(log2 lanes).
  int tree_levels() const;
  // Width of one beat's signed dot product: 16 (an int8 x int8 product,
  // -128 * -128 = 2^14 included) plus one bit per tree level.
  int dot_bits() const { return 16 + tree_levels(); }
  // Cycles from accepting a transaction to its output: 1 (the memory's
  // synchronous read) + 1 (MAC and accumulator) + 1 (requantizer into the
  // output register).
  int latency() const { return 3; }
};

// sum_i w[i] * x[i] over n elements, in int32 two's-complement wrap-around
// (every product is exact; the sum wraps modulo 2^32).
int32_t int8_engine_dot(const int8_t* w, const int8_t* x, int n);

// Requantization of an int32 t to int8:
//   p = t * mult                                  (signed 64-bit, exact)
//   r = (p + (shift > 0 ? 2^(shift - 1) : 0)) >> shift   (arithmetic: round half up)
//   y = clamp(r, relu ? 0 : -128, 127)
// mult < 2^31, shift in 0..31.
int8_t int8_engine_requantize(int32_t t, uint32_t mult, int shift, bool relu);

// The unit's state (weight memory and accumulator), transaction by
// transaction from reset: what the RTL computes.
class Int8EngineModel {
 public:
  explicit Int8EngineModel(const Int8EngineParams& p);

  struct Output {
    bool done = false;
    int32_t acc = 0;  // t = acc + bias when done, else 0
    int8_t y = 0;     // requantized t when done, else 0
  };
  // op = 0: `lanes` int8 weights into word addr.
  Output write(uint32_t addr, const int8_t* wdata);
  struct Beat {
    uint32_t addr = 0;
    const int8_t* x = nullptr;  // `lanes` int8 activations
    bool first = false;
    bool last = false;
    int32_t bias = 0;
    uint32_t mult = 0;
    int shift = 0;
    bool relu = false;
  };
  // op = 1: one MAC beat.
  Output mac(const Beat& b);

  // The word at addr (zeros for an address >= words), `lanes` weights.
  std::vector<int8_t> word(uint32_t addr) const;
  // The running int32 sum of the current dot product.
  int32_t acc() const { return acc_; }
  // Flips bit `bit` (0 .. 8 * lanes - 1) of word addr: a bit-flip fault in
  // the weight memory, as ZeBRA's attack injects it.
  void flip_bit(uint32_t addr, int bit);

 private:
  bool in_range(uint32_t addr) const { return addr < static_cast<uint32_t>(words_); }

  int lanes_;
  int words_;
  std::vector<int8_t> mem_;  // words_ * lanes_, word-major
  int32_t acc_ = 0;
};

}  // namespace bf::golden
