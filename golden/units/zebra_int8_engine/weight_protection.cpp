#include "golden/units/zebra_int8_engine/weight_protection.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace bf::golden {

namespace {

void check_width(int k, const char* who) {
  if (k < 8 || k > 512 || k % 8 != 0)
    throw std::invalid_argument(std::string(who) + ": data width " + std::to_string(k) +
                                " is not 8 * lanes with lanes 1..64");
}

void check_lanes(int lanes, const char* who) {
  if (lanes < 1 || lanes > 64)
    throw std::invalid_argument(std::string(who) + ": lanes " + std::to_string(lanes) +
                                " outside 1..64");
}

void check_memory(std::size_t size, int lanes, int group_words, const char* who) {
  check_lanes(lanes, who);
  if (group_words < 1)
    throw std::invalid_argument(std::string(who) + ": group_words " + std::to_string(group_words) +
                                " must be >= 1");
  if (size % static_cast<std::size_t>(lanes) != 0)
    throw std::invalid_argument(std::string(who) + ": memory of " + std::to_string(size) +
                                " weights is not a whole number of " + std::to_string(lanes) +
                                "-lane words");
}

// Number of powers of two in 1..p (p >= 1): floor(log2 p) + 1.
int powers_up_to(int p) { return static_cast<int>(std::bit_width(static_cast<unsigned>(p))); }

int parity_of(const std::vector<uint64_t>& w) {
  uint64_t x = 0;
  for (const uint64_t v : w) x ^= v;
  return std::popcount(x) & 1;
}

}  // namespace

const char* to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::Ok:
      return "ok";
    case CheckStatus::Detected:
      return "detected";
    case CheckStatus::Corrected:
      return "corrected";
    case CheckStatus::Uncorrectable:
      return "uncorrectable";
  }
  return "?";
}

const char* to_string(Protection p) {
  switch (p) {
    case Protection::Parity:
      return "parity";
    case Protection::Secded:
      return "secded";
    case Protection::Checksum:
      return "checksum";
  }
  return "?";
}

// ---- Words ----------------------------------------------------------------

BitVec weight_word(const int8_t* weights, int lanes) {
  check_lanes(lanes, "weight_word");
  BitVec v(8 * lanes);
  std::vector<uint64_t>& w = v.words();
  for (int i = 0; i < lanes; ++i)
    w[static_cast<std::size_t>(i / 8)] |= uint64_t{static_cast<uint8_t>(weights[i])}
                                          << (8 * (i % 8));
  return v;
}

void word_weights(const BitVec& word, int8_t* out) {
  check_width(word.width(), "word_weights");
  const std::vector<uint64_t>& w = word.words();
  for (int i = 0; i < word.width() / 8; ++i)
    out[i] = static_cast<int8_t>(
        static_cast<uint8_t>(w[static_cast<std::size_t>(i / 8)] >> (8 * (i % 8))));
}

// ---- 1. Parity ------------------------------------------------------------

int parity_bit(const BitVec& data) {
  check_width(data.width(), "parity_bit");
  return parity_of(data.words());
}

CheckStatus parity_check(const BitVec& data, int stored) {
  if (stored != 0 && stored != 1)
    throw std::invalid_argument("parity_check: stored parity " + std::to_string(stored) +
                                " is not 0 or 1");
  return parity_bit(data) != stored ? CheckStatus::Detected : CheckStatus::Ok;
}

// ---- 2. SECDED ------------------------------------------------------------

int secded_check_bits(int k) {
  check_width(k, "secded_check_bits");
  int r = 0;
  while ((1 << r) < k + r + 1) ++r;
  return r + 1;
}

Secded::Secded(int k) : k_(k), r_(secded_check_bits(k) - 1), words_((k + 63) / 64) {
  masks_.assign(static_cast<std::size_t>(r_) * static_cast<std::size_t>(words_), 0);
  for (int i = 0; i < k_; ++i) {
    const int pos = data_position(i);
    for (int j = 0; j < r_; ++j)
      if ((pos >> j) & 1)
        masks_[static_cast<std::size_t>(j * words_ + i / 64)] |= uint64_t{1} << (i % 64);
  }
}

int Secded::data_position(int i) const {
  // Data bit i is the (i + 1)-th position that is not a power of two.
  // Positions 1..p hold powers_up_to(p) powers of two, so position p (not a
  // power of two) holds data bit p - powers_up_to(p) - 1; invert by stepping.
  int p = i + 1;
  while (p - powers_up_to(p) < i + 1) ++p;
  return p;
}

BitVec Secded::encode(const BitVec& data) const {
  if (data.width() != k_)
    throw std::invalid_argument("Secded::encode: data of " + std::to_string(data.width()) +
                                " bits for a code of " + std::to_string(k_));
  BitVec check(r_ + 1);
  const std::vector<uint64_t>& d = data.words();
  int overall = parity_of(d);
  for (int j = 0; j < r_; ++j) {
    uint64_t x = 0;
    for (int w = 0; w < words_; ++w)
      x ^= d[static_cast<std::size_t>(w)] & masks_[static_cast<std::size_t>(j * words_ + w)];
    const int c = std::popcount(x) & 1;
    check.set_bit(j, c);
    overall ^= c;
  }
  check.set_bit(r_, overall);
  return check;
}

SecdedResult Secded::decode(const BitVec& data, const BitVec& check) const {
  if (data.width() != k_ || check.width() != r_ + 1)
    throw std::invalid_argument("Secded::decode: " + std::to_string(data.width()) + " data and " +
                                std::to_string(check.width()) + " check bits for a (" +
                                std::to_string(k_ + r_ + 1) + "," + std::to_string(k_) + ") code");
  const std::vector<uint64_t>& d = data.words();
  int syndrome = 0;
  for (int j = 0; j < r_; ++j) {
    uint64_t x = 0;
    for (int w = 0; w < words_; ++w)
      x ^= d[static_cast<std::size_t>(w)] & masks_[static_cast<std::size_t>(j * words_ + w)];
    syndrome |= ((std::popcount(x) & 1) ^ static_cast<int>(check.bit(j))) << j;
  }
  const int q = parity_of(d) ^ parity_of(check.words());
  const int n = k_ + r_;

  SecdedResult res{CheckStatus::Ok, data};
  if (q == 0) {
    if (syndrome != 0) res.status = CheckStatus::Uncorrectable;  // two flips
  } else if (syndrome > n) {
    res.status = CheckStatus::Uncorrectable;  // no single flip points here
  } else {
    res.status = CheckStatus::Corrected;
    // syndrome 0: the overall parity bit; a power of two: a Hamming check
    // bit; the data are right as read. Otherwise the data bit at that
    // position flipped.
    if (syndrome != 0 && !std::has_single_bit(static_cast<unsigned>(syndrome)))
      res.data.flip_bit(syndrome - powers_up_to(syndrome) - 1);
  }
  return res;
}

BitVec secded_encode(const BitVec& data) { return Secded(data.width()).encode(data); }

SecdedResult secded_decode(const BitVec& data, const BitVec& check) {
  return Secded(data.width()).decode(data, check);
}

// ---- 3. Checksum ----------------------------------------------------------

int group_signature(const int8_t* weights, int count, uint64_t key) {
  if (count < 0)
    throw std::invalid_argument("group_signature: count " + std::to_string(count) + " < 0");
  // |S| <= 128 * count < 2^62: exact in int64.
  int64_t s = 0;
  for (int i = 0; i < count; ++i) {
    const int64_t w = weights[i];
    s += ((key >> (i % 64)) & 1) ? -w : w;
  }
  return static_cast<int>((s >> 7) & 3);  // arithmetic shift (C++20): floor(S / 128)
}

CheckStatus group_check(const int8_t* weights, int count, uint64_t key, int stored) {
  if (stored < 0 || stored > 3)
    throw std::invalid_argument("group_check: stored signature " + std::to_string(stored) +
                                " outside 0..3");
  return group_signature(weights, count, key) != stored ? CheckStatus::Detected : CheckStatus::Ok;
}

std::vector<uint8_t> group_signatures(const std::vector<int8_t>& memory, int lanes, int group_words,
                                      uint64_t key) {
  check_memory(memory.size(), lanes, group_words, "group_signatures");
  const std::size_t group = static_cast<std::size_t>(group_words) * static_cast<std::size_t>(lanes);
  std::vector<uint8_t> sig;
  sig.reserve((memory.size() + group - 1) / group);
  for (std::size_t b = 0; b < memory.size(); b += group) {
    const std::size_t count = std::min(group, memory.size() - b);
    sig.push_back(
        static_cast<uint8_t>(group_signature(memory.data() + b, static_cast<int>(count), key)));
  }
  return sig;
}

// ---- protect_and_read -----------------------------------------------------

ProtectionOutcome protect_and_read(Protection p, const std::vector<int8_t>& clean,
                                   const std::vector<int8_t>& flipped, int lanes, int group_words,
                                   uint64_t key) {
  check_memory(clean.size(), lanes, group_words, "protect_and_read");
  if (flipped.size() != clean.size())
    throw std::invalid_argument("protect_and_read: flipped image of " +
                                std::to_string(flipped.size()) + " weights, clean image of " +
                                std::to_string(clean.size()));
  const std::size_t L = static_cast<std::size_t>(lanes);
  const std::size_t words = clean.size() / L;

  ProtectionOutcome out;
  out.protection = p;
  out.flag_image = flipped;
  out.zero_image = flipped;

  // Unit u covers weights [b, e); records its status and the zero action.
  const auto record = [&](std::size_t b, std::size_t e, CheckStatus st) {
    const bool differs = !std::equal(clean.begin() + static_cast<std::ptrdiff_t>(b),
                                     clean.begin() + static_cast<std::ptrdiff_t>(e),
                                     flipped.begin() + static_cast<std::ptrdiff_t>(b));
    out.status.push_back(st);
    ++out.units;
    out.flipped += differs;
    out.detected += st != CheckStatus::Ok;
    out.corrected += st == CheckStatus::Corrected;
    out.uncorrectable += st == CheckStatus::Uncorrectable;
    out.undetected += differs && st == CheckStatus::Ok;
    if (st == CheckStatus::Corrected)
      out.miscorrected += !std::equal(clean.begin() + static_cast<std::ptrdiff_t>(b),
                                      clean.begin() + static_cast<std::ptrdiff_t>(e),
                                      out.flag_image.begin() + static_cast<std::ptrdiff_t>(b));
    if (uncorrected(st))
      std::fill(out.zero_image.begin() + static_cast<std::ptrdiff_t>(b),
                out.zero_image.begin() + static_cast<std::ptrdiff_t>(e), int8_t{0});
  };

  switch (p) {
    case Protection::Parity:
      out.status.reserve(words);
      for (std::size_t a = 0; a < words; ++a) {
        const int stored = parity_bit(weight_word(clean.data() + a * L, lanes));
        record(a * L, (a + 1) * L,
               parity_check(weight_word(flipped.data() + a * L, lanes), stored));
      }
      break;
    case Protection::Secded: {
      out.status.reserve(words);
      const Secded code(8 * lanes);
      for (std::size_t a = 0; a < words; ++a) {
        const BitVec check = code.encode(weight_word(clean.data() + a * L, lanes));
        const SecdedResult r = code.decode(weight_word(flipped.data() + a * L, lanes), check);
        word_weights(r.data, out.flag_image.data() + a * L);
        std::copy_n(out.flag_image.begin() + static_cast<std::ptrdiff_t>(a * L), L,
                    out.zero_image.begin() + static_cast<std::ptrdiff_t>(a * L));
        record(a * L, (a + 1) * L, r.status);
      }
      break;
    }
    case Protection::Checksum: {
      const std::vector<uint8_t> stored = group_signatures(clean, lanes, group_words, key);
      const std::size_t group = static_cast<std::size_t>(group_words) * L;
      out.status.reserve(stored.size());
      for (std::size_t g = 0; g < stored.size(); ++g) {
        const std::size_t b = g * group;
        const std::size_t e = std::min(b + group, clean.size());
        record(b, e, group_check(flipped.data() + b, static_cast<int>(e - b), key, stored[g]));
      }
      break;
    }
  }
  return out;
}

}  // namespace bf::golden
