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
//
// Protection (parameter protection != "none"; protected_memory.hpp has the
// stored check bits and what a read reports). op is 2 bits wide and two
// transactions are added:
//   op = 2, check write: the word's check bits (parity, secded) or its
//     group's signature (checksum) = the low bits of wdata.
//   op = 3, check beat: reads the word through its check without computing
//     (a scrub read; the checksum's group verification).
// Every transaction also outputs det (its read found an error it did not
// correct: parity Detected, secded Uncorrectable, a checksum group that
// failed its check, on a MAC beat or on the check beat that verified it),
// cor (secded only: a single flip was corrected) and, with on_detect =
// stop, halt. A MAC beat computes with the data ProtectedWeightMemory::read
// gives (on_detect = zero: a detected word reads as zeros); a check beat
// outputs done = 0, acc = 0, y = 0 and leaves the accumulator alone.
// on_detect = stop: a transaction with det = 1 halts the unit: it and every
// later transaction until the next check write change nothing (no write, no
// accumulator update, no check state) and output done = 0, acc = 0, y = 0,
// cor = 0, halt = 1 (det = 1 on the halting transaction only). A check write
// is the host's acknowledgement: it resumes the unit and is performed
// (output halt = 0). Reset also clears the halt. halt is the state after
// the transaction.

#include <cstdint>
#include <string>
#include <vector>

#include "golden/params/param_spec.hpp"
#include "golden/units/zebra_int8_engine/protected_memory.hpp"
#include "golden/units/zebra_int8_engine/weight_protection.hpp"

namespace bf::golden {

struct Int8EngineParams {
  int lanes = 8;
  int words = 1024;
  int mult_bits = 16;
  // Protection of the weight memory (protected_memory.hpp).
  std::string protection = "none";
  std::string on_detect = "flag";
  int group_words = kDefaultGroupWords;
  std::string checksum_key = "0x9e3779b97f4a7c15";

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
    v.field("protection", protection,
            "weight memory protection: none; parity (1 even-parity bit per word); secded "
            "(extended Hamming, r + 1 check bits per word: single flips corrected, double "
            "detected); checksum (RADAR-style: a 2-bit keyed signature per group of group_words "
            "words, verified by check beats)",
            Choices{{"none", "parity", "secded", "checksum"}});
    v.field("on_detect", on_detect,
            "what a detection does: flag (det_o only; the data as read, SECDED-corrected); zero "
            "(the detected word, or every word of a detected group, reads as zeros: RADAR's "
            "recovery); stop (the unit halts until reset: halt_o). Only with a protection",
            Choices{{"flag", "zero", "stop"}});
    v.field("group_words", group_words,
            "checksum: words per signature group, a power of two from 2, smaller than words (the "
            "last group may be shorter when words is not a multiple)",
            IntRange{2, 65536});
    v.field("checksum_key", checksum_key,
            "checksum: the 64-bit secret key as hex (0x...); weight i of a group counts with sign "
            "-1 when bit (i mod 64) of the key is 1",
            Choices{});
  }

  // Throws ParamError: on_detect without a protection; with checksum,
  // group_words not a power of two >= 2 or not smaller than words, a key that is
  // not 0x and 1-16 hex digits.
  void validate() const;

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

  // ---- Protection (protected_memory.hpp) ----
  bool is_protected() const { return protection != "none"; }
  bool is_checksum() const { return protection == "checksum"; }
  bool is_secded() const { return protection == "secded"; }
  bool is_parity() const { return protection == "parity"; }
  // Width of op_i: 1 (write, MAC) without a protection; 2 with one (check
  // write and check beat added).
  int op_bits() const { return is_protected() ? 2 : 1; }
  // Check bits stored per word: 1 (parity), r + 1 (secded), 0 otherwise.
  int word_check_bits() const;
  // Signature groups: ceil(words / group_words) (checksum).
  int groups() const { return (words + group_words - 1) / group_words; }
  // log2 group_words: the word's offset within its group is addr[g-1:0].
  int group_offset_bits() const;
  // Stored check bits of the whole memory: words * word_check_bits() or
  // 2 * groups() signature bits (the checksum's bad-group flags not counted).
  int64_t check_memory_bits() const;
  uint64_t key() const;  // checksum_key parsed
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
    int32_t acc = 0;    // t = acc + bias when done, else 0
    int8_t y = 0;       // requantized t when done, else 0
    bool det = false;   // an error detected and not corrected
    bool cor = false;   // secded: a single flip corrected
    bool halt = false;  // on_detect = stop: the unit has halted
  };
  // op = 0: `lanes` int8 weights into word addr.
  Output write(uint32_t addr, const int8_t* wdata);
  // op = 2: check bits (the low bits of `bits`) of word addr; resumes a
  // halted unit.
  Output write_check(uint32_t addr, uint64_t bits);
  // op = 3: a check beat of word addr.
  Output check(uint32_t addr);
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
  std::vector<int8_t> word(uint32_t addr) const { return mem_.word(addr); }
  // The running int32 sum of the current dot product.
  int32_t acc() const { return acc_; }
  bool halted() const { return halted_; }
  const ProtectedWeightMemory& memory() const { return mem_; }
  // Flips bit `bit` (0 .. 8 * lanes - 1) of word addr, its check bits left
  // alone: a bit-flip fault in the weight memory, as ZeBRA's attack injects
  // it.
  void flip_bit(uint32_t addr, int bit) { mem_.flip_bit(addr, bit); }

 private:
  // on_detect = stop: a detection halts the unit.
  Output detected(bool det);

  int lanes_;
  bool stop_on_detect_;
  ProtectedWeightMemory mem_;
  int32_t acc_ = 0;
  bool halted_ = false;
};

}  // namespace bf::golden
