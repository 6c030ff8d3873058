#include "generator/units/zebra_int8_engine/zebra_int8_engine_protection_rtl.hpp"

#include <fmt/format.h>

#include <numeric>

#include "generator/blocks/adder_tree.hpp"
#include "generator/verilog/expr.hpp"
#include "golden/bits/bitvec.hpp"

namespace bf::zebra_int8_engine {

namespace {

using vlog::bits;
using vlog::lit;

std::string wide_hex(const BitVec& v) { return fmt::format("{}'h{}", v.width(), v.to_hex()); }

// Mask of the data bits checked by Hamming check bit j: those whose
// codeword position has bit j set.
BitVec hamming_mask(const golden::Secded& code, int j) {
  BitVec m(code.data_bits());
  for (int i = 0; i < code.data_bits(); ++i)
    if ((code.data_position(i) >> j) & 1) m.set_bit(i, true);
  return m;
}

void declare_masks(vlog::Module& m, const golden::Secded& code) {
  m.comment(
      "Hamming check bit j covers the data bits whose codeword position has bit j set (data bit "
      "i sits at the i-th position that is not a power of two: 3, 5, 6, 7, 9, ...).");
  for (int j = 0; j < code.hamming_bits(); ++j)
    m.localparam(fmt::format("MASK_{}", j), wide_hex(hamming_mask(code, j)));
}

std::string masked_xor(const std::string& data, int j) {
  return fmt::format("^({} & MASK_{})", data, j);
}

}  // namespace

vlog::Module secded_encoder(const golden::Int8EngineParams& p, const std::string& name,
                            std::vector<std::string> header) {
  const golden::Secded code(p.word_bits());
  const int k = code.data_bits(), r = code.hamming_bits();
  header.push_back("");
  header.push_back(fmt::format(
      "SECDED encoder ({}, {}) (golden: Secded::encode): check_o[j] (j < {}) = XOR of the data "
      "bits under MASK_j;",
      code.codeword_bits(), k, r));
  header.push_back(fmt::format(
      "check_o[{}] = overall parity of the data and the {} Hamming bits (the stored word has "
      "even parity). Combinational.",
      r, r));
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.input("data_i", k, "the word's data bits (lane i at [8i +: 8])");
  m.output("check_o", r + 1, "Hamming bits [r-1:0], overall parity [r]");
  declare_masks(m, code);
  m.wire("hamming", r);
  for (int j = 0; j < r; ++j) m.assign(vlog::bit("hamming", j), masked_xor("data_i", j));
  m.assign("check_o", fmt::format("{{^{{data_i, hamming}}, hamming}}"));
  return m;
}

vlog::Module secded_decoder(const golden::Int8EngineParams& p, const std::string& name,
                            std::vector<std::string> header) {
  const golden::Secded code(p.word_bits());
  const int k = code.data_bits(), r = code.hamming_bits(), n = k + r;
  header.push_back("");
  header.push_back(
      "SECDED decoder (golden: Secded::decode). syndrome = the XOR of the positions of the 1 bits "
      "of the read Hamming codeword,");
  header.push_back(
      "q = the parity of all read bits. q & syndrome <= n: one flip, Corrected (the data bit at "
      "position syndrome flipped back;");
  header.push_back(
      "syndrome 0 or a power of two: a check bit flipped, data as read). q & syndrome > n, or "
      "~q & syndrome != 0: Uncorrectable. Combinational.");
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.input("data_i", k, "the data bits as read");
  m.input("check_i", r + 1, "the check bits as read (as secded_enc wrote them, maybe flipped)");
  m.output("data_o", k, "the corrected data");
  m.output("cor_o", 1, "a single flip, corrected");
  m.output("unc_o", 1, "uncorrectable: two flips, or a syndrome past the codeword");
  declare_masks(m, code);
  m.wire("syndrome", r, "0 for a valid Hamming codeword");
  for (int j = 0; j < r; ++j)
    m.assign(vlog::bit("syndrome", j),
             fmt::format("{} ^ {}", vlog::bit("check_i", j), masked_xor("data_i", j)));
  m.wire("q", 1, "parity of all read bits: 1 after an odd number of flips");
  m.assign("q", "^{data_i, check_i}");
  m.wire("flip", k, "the data bit the syndrome names, when q");
  m.comment(
      fmt::format("Data bit i is at codeword position p(i); flip it when q and syndrome = "
                  "p(i) ({} bits).",
                  r));
  for (int i = 0; i < k; ++i)
    m.assign(
        vlog::bit("flip", i),
        fmt::format("q & (syndrome == {})", lit(r, static_cast<uint64_t>(code.data_position(i)))));
  m.assign("data_o", "data_i ^ flip");
  m.wire("in_code", 1, fmt::format("syndrome names a position of the codeword (0..{})", n));
  m.assign("in_code", fmt::format("syndrome <= {}", lit(r, static_cast<uint64_t>(n))));
  m.assign("cor_o", "q & in_code");
  m.assign("unc_o", "(q & ~in_code) | (~q & (|syndrome))");
  return m;
}

int gsum_patterns(const golden::Int8EngineParams& p) {
  const int period = 64 / std::gcd(p.lanes, 64);
  return std::min(p.group_words, period);
}

vlog::Module group_sum(const golden::Int8EngineParams& p, const std::string& name,
                       std::vector<std::string> header) {
  const int L = p.lanes, n = gsum_patterns(p);
  const int off_bits = vlog::clog2(static_cast<uint64_t>(n));
  const uint64_t key = p.key();
  header.push_back("");
  header.push_back(
      "Checksum sum of one word (golden: ProtectedWeightMemory::contribution): sum_o = sum over "
      "lanes l of s * w[l] mod 2^9,");
  header.push_back(fmt::format(
      "s = -1 when key bit ((offset * {} + l) mod 64) is 1, else +1; offset = the word's index in "
      "its group of {}.",
      L, p.group_words));
  header.push_back(fmt::format(
      "The signs repeat every {} offset(s): NEG holds lane l's sign at offset o in bit o * {} + l. "
      "Combinational.",
      n, L));
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.input("w_i", 8 * L, "int8 weights; lane i at w_i[8*i +: 8]");
  if (n > 1) m.input("off_i", off_bits, "the word's offset in its group, low bits");
  m.output("sum_o", 9, "the keyed sum modulo 2^9 (two's complement)");
  BitVec neg(n * L);
  for (int o = 0; o < n; ++o)
    for (int l = 0; l < L; ++l) neg.set_bit(o * L + l, (key >> ((o * L + l) % 64)) & 1);
  m.localparam("NEG", wide_hex(neg), "the key's signs, a lanes-bit row per offset");
  m.wire("neg", L, "lane l counts negated");
  m.assign("neg", n > 1 ? fmt::format("NEG[off_i * {} +: {}]", L, L) : "NEG");
  m.wire("term", 9 * L, "lane i's signed weight at term[9*i +: 9]");
  vlog::GenerateFor g;
  g.genvar = "i";
  g.count = L;
  g.label = "g_lane";
  g.comment = "Each lane's weight, sign-extended to 9 bits and negated when its key bit is 1.";
  g.body.push_back(vlog::Net{"w8", 8, false, false, ""});
  g.body.push_back(vlog::Assign{"w8", vlog::lane("w_i", 8 * L, "i", 8, 0, 8), ""});
  g.body.push_back(vlog::Net{"w", 9, false, false, ""});
  g.body.push_back(vlog::Assign{"w", vlog::sext("w8", 8, 9), ""});
  g.body.push_back(vlog::Assign{vlog::lane("term", 9 * L, "i", 9, 0, 9),
                                L == 1 ? "neg ? -w : w" : "neg[i] ? -w : w", ""});
  m.add(g);
  std::vector<std::string> terms;
  for (int l = 0; l < L; ++l) terms.push_back(L == 1 ? "term" : vlog::part("term", 9 * l, 9));
  m.comment("Sum modulo 2^9: only the signature's bits [8:7] are kept.");
  m.assign("sum_o", L == 1 ? "term" : blocks::adder_tree(m, "gsum", terms, 9, 9));
  return m;
}

}  // namespace bf::zebra_int8_engine
