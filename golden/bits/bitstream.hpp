#pragma once
// Little-endian bit streams: the storage order of every packed block format
// (a field is written LSB first; bit j of the stream is bit j % 8 of byte
// j / 8).

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace bf {

class BitWriter {
 public:
  explicit BitWriter(std::size_t total_bits) : out_((total_bits + 7) / 8, 0) {}

  // Appends the low `width` (<= 32) bits of value; throws if value is wider.
  void put(uint32_t value, int width) {
    if (width < 32 && (value >> width) != 0)
      throw std::invalid_argument("BitWriter: value wider than its field");
    acc_ |= uint64_t{value} << pending_;
    pending_ += width;
    for (; pending_ >= 8; pending_ -= 8, acc_ >>= 8) out_.at(pos_++) = static_cast<uint8_t>(acc_);
  }
  // The bytes; unused high bits of the last byte are 0.
  std::vector<uint8_t> finish() {
    if (pending_ > 0) out_.at(pos_) = static_cast<uint8_t>(acc_);
    pending_ = 0;
    return std::move(out_);
  }

 private:
  std::vector<uint8_t> out_;
  std::size_t pos_ = 0;
  uint64_t acc_ = 0;
  int pending_ = 0;
};

class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  uint32_t get(int width) {
    while (avail_ < width) {
      acc_ |= uint64_t{bytes_[pos_++]} << avail_;
      avail_ += 8;
    }
    const uint32_t v = static_cast<uint32_t>(acc_ & ((uint64_t{1} << width) - 1));
    acc_ >>= width;
    avail_ -= width;
    return v;
  }

 private:
  std::span<const uint8_t> bytes_;
  std::size_t pos_ = 0;
  uint64_t acc_ = 0;
  int avail_ = 0;
};

}  // namespace bf
