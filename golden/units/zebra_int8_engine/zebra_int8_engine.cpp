#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bf::golden {

int Int8EngineParams::addr_bits() const {
  int a = 1;
  while ((int64_t{1} << a) < words) ++a;
  return a;
}

int Int8EngineParams::tree_levels() const {
  int d = 0;
  while ((1 << d) < lanes) ++d;
  return d;
}

int32_t int8_engine_dot(const int8_t* w, const int8_t* x, int n) {
  // Unsigned arithmetic wraps modulo 2^32 (no signed overflow); each product
  // is at most 2^14 in magnitude, exact in int32.
  uint32_t s = 0;
  for (int i = 0; i < n; ++i)
    s += static_cast<uint32_t>(static_cast<int32_t>(w[i]) * static_cast<int32_t>(x[i]));
  return static_cast<int32_t>(s);
}

int8_t int8_engine_requantize(int32_t t, uint32_t mult, int shift, bool relu) {
  // |t * mult| < 2^31 * 2^31 = 2^62: exact in int64, and adding the rounding
  // half (< 2^31) cannot overflow.
  const int64_t p = static_cast<int64_t>(t) * static_cast<int64_t>(mult);
  const int64_t half = shift > 0 ? int64_t{1} << (shift - 1) : 0;
  const int64_t r = (p + half) >> shift;  // arithmetic shift (C++20)
  return static_cast<int8_t>(std::clamp<int64_t>(r, relu ? 0 : -128, 127));
}

Int8EngineModel::Int8EngineModel(const Int8EngineParams& p)
    : lanes_(p.lanes),
      words_(p.words),
      mem_(static_cast<std::size_t>(p.words) * static_cast<std::size_t>(p.lanes), 0) {}

Int8EngineModel::Output Int8EngineModel::write(uint32_t addr, const int8_t* wdata) {
  if (in_range(addr))
    std::copy_n(wdata, lanes_, mem_.begin() + static_cast<std::ptrdiff_t>(addr) * lanes_);
  return {};
}

Int8EngineModel::Output Int8EngineModel::mac(const Beat& b) {
  const std::vector<int8_t> w = word(b.addr);
  const int32_t dot = int8_engine_dot(w.data(), b.x, lanes_);
  const int32_t base = b.first ? 0 : acc_;
  acc_ = static_cast<int32_t>(static_cast<uint32_t>(base) + static_cast<uint32_t>(dot));
  Output out;
  if (b.last) {
    out.done = true;
    out.acc = static_cast<int32_t>(static_cast<uint32_t>(acc_) + static_cast<uint32_t>(b.bias));
    out.y = int8_engine_requantize(out.acc, b.mult, b.shift, b.relu);
  }
  return out;
}

std::vector<int8_t> Int8EngineModel::word(uint32_t addr) const {
  std::vector<int8_t> w(static_cast<std::size_t>(lanes_), 0);
  if (in_range(addr))
    std::copy_n(mem_.begin() + static_cast<std::ptrdiff_t>(addr) * lanes_, lanes_, w.begin());
  return w;
}

void Int8EngineModel::flip_bit(uint32_t addr, int bit) {
  if (!in_range(addr) || bit < 0 || bit >= 8 * lanes_)
    throw std::out_of_range("Int8EngineModel::flip_bit: no bit " + std::to_string(bit) +
                            " in word " + std::to_string(addr));
  int8_t& w = mem_[static_cast<std::size_t>(addr) * static_cast<std::size_t>(lanes_) +
                   static_cast<std::size_t>(bit / 8)];
  w = static_cast<int8_t>(static_cast<uint8_t>(w) ^ (1u << (bit % 8)));
}

}  // namespace bf::golden
