#pragma once
// Golden models of three protections of zebra.int8_engine's weight memory
// against bit-flip attacks (ZeBRA): per-word parity, per-word SECDED
// (extended Hamming) and a RADAR-style 2-bit checksum per group of words.
// Bit-exact: a generated checker/corrector must compute the same check bits,
// statuses and corrected data.
//
// A memory word is its data bits as a BitVec of width k = 8 * lanes
// (lanes 1..64, so k = 8..512), LSB first: lane i (an int8 weight, two's
// complement) at bits [8i, 8i + 8), as in zebra_int8_engine.hpp. Every
// function taking a word checks its width and throws std::invalid_argument
// on any other. A memory image is std::vector<int8_t> of words * lanes
// weights, word-major (word a, lane i at index a * lanes + i), as the
// engine's Int8EngineModel stores it.
//
// 1. Parity: one even-parity check bit per word, the XOR of the k data bits.
//    A read recomputes it: any odd number of flips among the k + 1 stored
//    bits is Detected, any even number (0 included) reads Ok. Never corrects.
//
// 2. SECDED: an extended Hamming code per word. r Hamming check bits, r the
//    smallest with 2^r >= k + r + 1, plus one overall parity bit: r + 1 check
//    bits, (13,8), (39,32), (72,64), ..., (523,512).
//    Codeword layout: the Hamming codeword has positions 1..n, n = k + r;
//    Hamming check bit j (j = 0..r-1) sits at position 2^j; data bits 0..k-1
//    fill the other positions in increasing order (data bit 0 at position 3,
//    bit 1 at 5, bit 2 at 6, bit 3 at 7, bit 4 at 9, ...). Check bit j is the
//    XOR of the data bits whose position has bit j set, so the XOR of the
//    positions of all 1 bits of a valid codeword is 0. The overall parity
//    bit is the XOR of all n bits of the Hamming codeword (data and r check
//    bits), so the k + r + 1 stored bits have even parity.
//    The check-bit vector (width r + 1) holds Hamming check bit j at bit j
//    and the overall parity at bit r.
//    Decoding: syndrome s = XOR of the positions of the 1 bits of the read
//    Hamming codeword (0 when valid), q = XOR of all k + r + 1 read bits.
//      s = 0, q = 0: Ok.
//      q = 1, s = 0: the overall parity bit flipped: Corrected, data as read.
//      q = 1, s = 2^j: Hamming check bit j flipped: Corrected, data as read.
//      q = 1, s another position <= n: that data bit flipped: Corrected,
//        the bit is flipped back.
//      q = 1, s > n: no single flip gives this (three or more flips):
//        Uncorrectable, data as read.
//      q = 0, s != 0: two flips: Uncorrectable, data as read.
//    So: every single flip of the k + r + 1 stored bits is Corrected to the
//    original data, every double flip is Uncorrectable, and an odd number of
//    flips is never Ok; three or more flips may be miscorrected (Corrected
//    with wrong data) and an even number >= 4 may read Ok.
//
// 3. Checksum, RADAR-style: the memory's words form groups of group_words
//    consecutive words (group g = words [g * G, (g + 1) * G); the last group
//    may be shorter). A group's signature is 2 bits:
//      S = sum over the group's weights w_i (i = 0.. the weight's index
//          within the group, word-major) of s_i * w_i, exact,
//      s_i = -1 if bit (i mod 64) of the 64-bit secret key is 1, else +1,
//      signature = floor(S / 128) mod 4 = (S >> 7) & 3.
//    A flip of a weight's sign bit (bit 7) changes S by +-128, so one such
//    flip always changes the signature; a flip of bit b < 7 changes S by
//    +-2^b and changes the signature only through a carry into bit 7.
//    Two sign flips whose +-128 cancel under the key (e.g. two non-negative
//    weights, one with s = +1 and one with s = -1) are missed; the secret key
//    is what makes such pairs hard for an attacker to choose.
//    A read recomputes the signature: different from the stored one ->
//    Detected (RADAR zeroes the group), else Ok. Never corrects.
//
// protect_and_read() encodes the check bits of each protection from the
// clean image (as written before the attack) and reads the flipped image
// through them. Only flips of weights are modelled: the check bits (parity
// bit, SECDED check bits, signatures) are stored unflipped, since the attack
// targets the weights.

#include <cstdint>
#include <vector>

#include "golden/bits/bitvec.hpp"

namespace bf::golden {

// What a read through a protection reports for one word (parity, SECDED)
// or one group (checksum).
enum class CheckStatus : uint8_t {
  Ok,             // no error seen
  Detected,       // parity / checksum mismatch (never corrected)
  Corrected,      // SECDED: a single flip, corrected
  Uncorrectable,  // SECDED: detected (two flips, or a syndrome past the codeword)
};
const char* to_string(CheckStatus s);
// An error seen and not corrected (Detected or Uncorrectable): what
// on_detect acts on.
inline bool uncorrected(CheckStatus s) {
  return s == CheckStatus::Detected || s == CheckStatus::Uncorrectable;
}

// ---- Words ----------------------------------------------------------------

// The data bits of one memory word: `lanes` (1..64) int8 weights, lane i at
// bits [8i, 8i + 8).
BitVec weight_word(const int8_t* weights, int lanes);
// The inverse: the word's k / 8 weights into out[0 .. k / 8).
void word_weights(const BitVec& word, int8_t* out);

// ---- 1. Parity ------------------------------------------------------------

// Even parity: XOR of all data bits, 0 or 1.
int parity_bit(const BitVec& data);
// Detected when parity_bit(data) != stored (stored is 0 or 1), else Ok.
CheckStatus parity_check(const BitVec& data, int stored);

// ---- 2. SECDED ------------------------------------------------------------

// r + 1 for data width k (8..512, a multiple of 8): 5 for 8, 7 for 32, 8 for
// 64, 11 for 512.
int secded_check_bits(int k);

struct SecdedResult {
  CheckStatus status = CheckStatus::Ok;  // Ok, Corrected or Uncorrectable
  BitVec data;                           // the corrected data (k bits)
};

// The code for one data width, with its parity masks computed once; use it
// when encoding or decoding many words of the same width.
class Secded {
 public:
  explicit Secded(int k);  // k = 8..512, a multiple of 8

  int data_bits() const { return k_; }
  int hamming_bits() const { return r_; }            // r
  int check_bits() const { return r_ + 1; }          // r + 1
  int codeword_bits() const { return k_ + r_ + 1; }  // stored bits per word
  // Position (3..n, never a power of two) of data bit i in the Hamming code.
  int data_position(int i) const;

  // The r + 1 check bits of `data`.
  BitVec encode(const BitVec& data) const;
  // Reads `data` with its stored check bits (as encode() returned them, maybe
  // flipped since).
  SecdedResult decode(const BitVec& data, const BitVec& check) const;

 private:
  int k_;
  int r_;
  int words_;                    // 64-bit words per data word
  std::vector<uint64_t> masks_;  // r masks of words_ words: data bits under check bit j
};

// One-shot forms of Secded(data.width()).encode / .decode.
BitVec secded_encode(const BitVec& data);
SecdedResult secded_decode(const BitVec& data, const BitVec& check);

// ---- 3. Checksum (RADAR-style) -------------------------------------------

// Defaults: 8 words per group; the key is a fixed documented constant (the
// 64-bit golden-ratio constant 0x9e3779b97f4a7c15); a deployment draws its
// own secret key.
constexpr int kDefaultGroupWords = 8;
constexpr uint64_t kDefaultChecksumKey = 0x9e3779b97f4a7c15ull;

// The 2-bit signature (0..3) of `count` (>= 0) weights forming one group,
// weight i signed by bit (i mod 64) of key.
int group_signature(const int8_t* weights, int count, uint64_t key = kDefaultChecksumKey);
// Detected when group_signature(weights, count, key) != stored, else Ok.
CheckStatus group_check(const int8_t* weights, int count, uint64_t key, int stored);
// The signatures of every group of a memory image: memory holds words *
// lanes weights, word-major (memory.size() a multiple of lanes); groups of
// group_words consecutive words, the last one possibly shorter:
// ceil(words / group_words) signatures. lanes 1..64, group_words >= 1.
std::vector<uint8_t> group_signatures(const std::vector<int8_t>& memory, int lanes,
                                      int group_words = kDefaultGroupWords,
                                      uint64_t key = kDefaultChecksumKey);

// ---- What each protection sees of an attack -------------------------------

enum class Protection : uint8_t { Parity, Secded, Checksum };
const char* to_string(Protection p);

// What the engine does with a unit (word or group) whose check fired.
enum class OnDetect : uint8_t {
  Flag,  // computes with the read data as is (SECDED: the corrected data)
  Zero,  // a Detected word (parity), an Uncorrectable word (SECDED) or a
         // Detected group (checksum) reads as zeros: RADAR's recovery
};

struct ProtectionOutcome {
  Protection protection = Protection::Parity;
  // Units: words for parity and SECDED, groups for the checksum.
  int units = 0;
  int flipped = 0;                  // units whose weights differ between clean and flipped
  int detected = 0;                 // units whose status is not Ok (SECDED: Corrected included)
  int corrected = 0;                // units with status Corrected (SECDED only)
  int uncorrectable = 0;            // units with status Uncorrectable (SECDED only)
  int undetected = 0;               // flipped units whose status is Ok: silent corruption
  int miscorrected = 0;             // Corrected units whose data still differ from clean
  std::vector<CheckStatus> status;  // per unit
  // The image the engine computes with (same shape as the inputs):
  std::vector<int8_t> flag_image;  // under OnDetect::Flag
  std::vector<int8_t> zero_image;  // under OnDetect::Zero

  const std::vector<int8_t>& image(OnDetect a) const {
    return a == OnDetect::Flag ? flag_image : zero_image;
  }
};

// Encodes protection p's check bits from `clean` (words * lanes weights,
// word-major), then reads `flipped` (same size) through them, word by word
// (parity, SECDED) or group by group (checksum; group_words and key are used
// only by it). Check bits are never flipped (see above). Throws
// std::invalid_argument on lanes outside 1..64, group_words < 1, a size not a
// multiple of lanes or images of different sizes.
ProtectionOutcome protect_and_read(Protection p, const std::vector<int8_t>& clean,
                                   const std::vector<int8_t>& flipped, int lanes,
                                   int group_words = kDefaultGroupWords,
                                   uint64_t key = kDefaultChecksumKey);

}  // namespace bf::golden
