#pragma once
// A fixed-width bit vector: the value of one port of a generated design.
// Bit 0 is the LSB of word 0. Bits above width() are always zero.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf {

class BitVec {
 public:
  BitVec() = default;
  explicit BitVec(int width) : width_(width), words_((width + 63) / 64, 0) {}

  int width() const { return width_; }
  int num_words() const { return static_cast<int>(words_.size()); }
  const std::vector<uint64_t>& words() const { return words_; }
  std::vector<uint64_t>& words() { return words_; }

  // Reads `count` (<= 64) bits starting at `lsb`.
  uint64_t get(int lsb, int count) const {
    check(lsb, count);
    uint64_t v = 0;
    for (int i = 0; i < count; ++i) v |= static_cast<uint64_t>(bit(lsb + i)) << i;
    return v;
  }
  // Writes the low `count` (<= 64) bits of `value` starting at `lsb`.
  void set(int lsb, int count, uint64_t value) {
    check(lsb, count);
    for (int i = 0; i < count; ++i) set_bit(lsb + i, (value >> i) & 1u);
  }
  bool bit(int i) const { return (words_[i / 64] >> (i % 64)) & 1u; }
  void set_bit(int i, bool v) {
    const uint64_t m = uint64_t{1} << (i % 64);
    words_[i / 64] = v ? (words_[i / 64] | m) : (words_[i / 64] & ~m);
  }
  void flip_bit(int i) { set_bit(i, !bit(i)); }

  // Verilog-style hex literal body, MSB first, exactly ceil(width/4) digits.
  std::string to_hex() const {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (int d = (width_ + 3) / 4 - 1; d >= 0; --d) {
      const int count = std::min(4, width_ - 4 * d);
      s.push_back(digits[get(4 * d, count)]);
    }
    return s;
  }

  friend bool operator==(const BitVec& a, const BitVec& b) {
    return a.width_ == b.width_ && a.words_ == b.words_;
  }

 private:
  void check(int lsb, int count) const {
    if (lsb < 0 || count < 0 || count > 64 || lsb + count > width_)
      throw std::out_of_range("BitVec: bit range [" + std::to_string(lsb) + ", " +
                              std::to_string(lsb + count) + ") outside width " +
                              std::to_string(width_));
  }
  int width_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace bf
