#pragma once
// zebra.int8_engine's weight memory with its protection (the unit's
// parameter `protection`): what the generated checker stores, computes and
// reports, transaction by transaction. The codes are weight_protection.hpp's:
// parity_bit, Secded, and the checksum's keyed signature.
//
// Stored state (no reset, like the weight memory, unless said):
//   data[a]   the word (lanes int8 weights), written by a write (op 0);
//   chk[a]    parity / secded: the word's check bits, encoded from the data
//             by every write (op 0) and overwritten by a check write (op 2);
//   sig[g]    checksum: group g's 2-bit signature, written only by a check
//             write (op 2) to any word of the group: the host computes it
//             (group_signatures) when it loads the weights, as RADAR does;
//   bad[g]    checksum: group g failed its last check (reset: 0);
//   cs        checksum: the running 9-bit sum of the group being checked
//             (reset: 0).
// A check write exists for two reasons: the checksum's signatures come from
// the host, and a test (or a fault-injection run) can store check bits that
// disagree with the data, as a bit flip after the write leaves them.
//
// Reading word a (a MAC beat, op 1) reports a status and the data used:
//   parity:   Detected when parity_bit(data) != chk; data as read.
//   secded:   Secded::decode(data, chk): Corrected (corrected data),
//             Uncorrectable (data as read) or Ok.
//   checksum: Detected when bad[g(a)]; data as read.
// and with on_detect = zero a Detected / Uncorrectable word reads as zeros.
// A check beat (op 3) reads word a without computing:
//   parity / secded: the word's status, as above (a scrub read);
//   checksum: cs = (a is its group's first word ? 0 : cs) + contribution(a)
//     (mod 2^9), where contribution(a) = sum over lanes l of s_i * w_l,
//     i = (a mod G) * lanes + l, s_i = -1 when key bit (i mod 64) is 1. When
//     a is its group's last word (a mod G = G - 1, or a = words - 1), the
//     group's signature is (cs >> 7) & 3 = group_signature() of its weights
//     when the check beats covered the group in order; then
//     bad[g] = (signature != sig[g]) and the status is Detected when they
//     differ (Ok otherwise: a re-check after a rewrite clears bad[g]).
//     With on_detect = stop a detecting check beat halts the unit and
//     updates neither cs nor bad[g].
//     Other check beats report Ok. G = group_words, a power of two >= 2.
// An address >= words names no word: a write or check write there is
// dropped, a read sees a zero word with status Ok, and a checksum check beat
// there changes nothing.

#include <cstdint>
#include <vector>

#include "golden/units/zebra_int8_engine/weight_protection.hpp"

namespace bf::golden {

struct Int8EngineParams;

class ProtectedWeightMemory {
 public:
  explicit ProtectedWeightMemory(const Int8EngineParams& p);

  struct Read {
    std::vector<int8_t> data;  // the weights the engine computes with
    CheckStatus status = CheckStatus::Ok;
  };

  // op 0: data and (parity, secded) the check bits encoded from it.
  void write(uint32_t addr, const int8_t* weights);
  // op 2: the low word_check_bits() (parity, secded) or 2 (checksum) bits of
  // `bits` into word addr's check bits or its group's signature. Without a
  // protection: nothing.
  void write_check(uint32_t addr, uint64_t bits);
  // op 1: the word a MAC beat uses (on_detect applied) and its status.
  Read read(uint32_t addr) const;
  // op 3: a check beat's status.
  CheckStatus check(uint32_t addr);

  // The stored data of word addr (zeros past the memory), as written.
  std::vector<int8_t> word(uint32_t addr) const;
  // A bit flip in the stored data (bit 0 .. 8 * lanes - 1), check bits left
  // as they were: the fault ZeBRA injects.
  void flip_bit(uint32_t addr, int bit);
  // The stored check bits of word addr (parity, secded) or the signature of
  // its group (checksum); 0 without a protection.
  uint64_t check_bits(uint32_t addr) const;
  bool group_bad(int group) const { return bad_[static_cast<std::size_t>(group)] != 0; }

  // The 9-bit contribution of word addr's data to its group's sum.
  int contribution(uint32_t addr) const;

 private:
  bool in_range(uint32_t addr) const { return addr < static_cast<uint32_t>(words_); }
  int group_of(uint32_t addr) const { return static_cast<int>(addr) / group_words_; }
  BitVec data_word(uint32_t addr) const;

  enum class Kind : uint8_t { None, Parity, Secded, Checksum } kind_;
  bool zero_on_detect_;
  bool stop_on_detect_;
  int lanes_;
  int words_;
  int group_words_;
  uint64_t key_;
  Secded secded_;
  std::vector<int8_t> data_;     // words * lanes, word-major
  std::vector<uint64_t> check_;  // per word (parity, secded)
  std::vector<uint8_t> sig_;     // per group (checksum)
  std::vector<uint8_t> bad_;     // per group (checksum)
  int cs_ = 0;                   // 0..511
};

}  // namespace bf::golden
