#pragma once
// A 64-bit FNV-1a content hash: the key of the simulation build cache and of
// the sweep point cache. Not cryptographic; it only has to notice that an
// input changed.

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace bf::util {

class Hasher {
 public:
  // Adds a length-prefixed string, so ("ab", "c") and ("a", "bc") differ.
  Hasher& add(std::string_view s) {
    mix_u64(s.size());
    for (unsigned char c : s) mix(c);
    return *this;
  }
  uint64_t value() const { return h_; }
  std::string hex() const { return fmt::format("{:016x}", h_); }

 private:
  void mix(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ull;
  }
  void mix_u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(v >> (8 * i)));
  }
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace bf::util
