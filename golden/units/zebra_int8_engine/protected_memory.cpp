#include "golden/units/zebra_int8_engine/protected_memory.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf::golden {

ProtectedWeightMemory::ProtectedWeightMemory(const Int8EngineParams& p)
    : kind_(p.is_parity()     ? Kind::Parity
            : p.is_secded()   ? Kind::Secded
            : p.is_checksum() ? Kind::Checksum
                              : Kind::None),
      zero_on_detect_(p.on_detect == "zero"),
      stop_on_detect_(p.on_detect == "stop"),
      lanes_(p.lanes),
      words_(p.words),
      group_words_(p.group_words),
      key_(p.is_checksum() ? p.key() : 0),
      secded_(8 * p.lanes),
      data_(static_cast<std::size_t>(p.words) * static_cast<std::size_t>(p.lanes), 0),
      check_(static_cast<std::size_t>(p.words), 0),
      sig_(static_cast<std::size_t>(p.groups()), 0),
      bad_(static_cast<std::size_t>(p.groups()), 0) {
  // The model starts the memories (no reset in the RTL) at zeros, with
  // check bits that match: the encoding of a zero word is zero for parity
  // and SECDED, and a zero group's signature is 0.
}

BitVec ProtectedWeightMemory::data_word(uint32_t addr) const {
  return weight_word(data_.data() + static_cast<std::size_t>(addr) * lanes_, lanes_);
}

void ProtectedWeightMemory::write(uint32_t addr, const int8_t* weights) {
  if (!in_range(addr)) return;
  std::copy_n(weights, lanes_, data_.begin() + static_cast<std::ptrdiff_t>(addr) * lanes_);
  const BitVec w = data_word(addr);
  if (kind_ == Kind::Parity) check_[addr] = static_cast<uint64_t>(parity_bit(w));
  if (kind_ == Kind::Secded) check_[addr] = secded_.encode(w).get(0, secded_.check_bits());
}

void ProtectedWeightMemory::write_check(uint32_t addr, uint64_t bits) {
  if (!in_range(addr)) return;
  if (kind_ == Kind::Parity) check_[addr] = bits & 1;
  if (kind_ == Kind::Secded) check_[addr] = bits & ((uint64_t{1} << secded_.check_bits()) - 1);
  if (kind_ == Kind::Checksum) sig_[static_cast<std::size_t>(group_of(addr))] = bits & 3;
}

ProtectedWeightMemory::Read ProtectedWeightMemory::read(uint32_t addr) const {
  Read r;
  r.data = word(addr);
  if (!in_range(addr)) return r;
  switch (kind_) {
    case Kind::None:
      break;
    case Kind::Parity:
      r.status = parity_check(data_word(addr), static_cast<int>(check_[addr]));
      break;
    case Kind::Secded: {
      BitVec c(secded_.check_bits());
      c.set(0, secded_.check_bits(), check_[addr]);
      const SecdedResult d = secded_.decode(data_word(addr), c);
      r.status = d.status;
      word_weights(d.data, r.data.data());
      break;
    }
    case Kind::Checksum:
      if (bad_[static_cast<std::size_t>(group_of(addr))]) r.status = CheckStatus::Detected;
      break;
  }
  const bool detected = uncorrected(r.status);
  if (detected && zero_on_detect_) std::fill(r.data.begin(), r.data.end(), int8_t{0});
  return r;
}

int ProtectedWeightMemory::contribution(uint32_t addr) const {
  const int offset = static_cast<int>(addr) % group_words_;
  const int8_t* w = data_.data() + static_cast<std::size_t>(addr) * lanes_;
  int sum = 0;
  for (int l = 0; l < lanes_; ++l) {
    const int i = (offset * lanes_ + l) % 64;
    sum += (key_ >> i) & 1 ? -w[l] : w[l];
  }
  return sum & 511;
}

CheckStatus ProtectedWeightMemory::check(uint32_t addr) {
  if (!in_range(addr)) return CheckStatus::Ok;
  if (kind_ != Kind::Checksum) return read(addr).status;
  const int offset = static_cast<int>(addr) % group_words_;
  const int cs = ((offset == 0 ? 0 : cs_) + contribution(addr)) & 511;
  const bool group_end = offset == group_words_ - 1 || static_cast<int>(addr) == words_ - 1;
  const int g = group_of(addr);
  const bool mismatch = group_end && ((cs >> 7) & 3) != sig_[static_cast<std::size_t>(g)];
  // With on_detect = stop the detecting beat halts the unit and changes
  // nothing.
  if (mismatch && stop_on_detect_) return CheckStatus::Detected;
  cs_ = cs;
  if (group_end) bad_[static_cast<std::size_t>(g)] = mismatch ? 1 : 0;
  return mismatch ? CheckStatus::Detected : CheckStatus::Ok;
}

std::vector<int8_t> ProtectedWeightMemory::word(uint32_t addr) const {
  std::vector<int8_t> w(static_cast<std::size_t>(lanes_), 0);
  if (in_range(addr))
    std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(addr) * lanes_, lanes_, w.begin());
  return w;
}

void ProtectedWeightMemory::flip_bit(uint32_t addr, int bit) {
  if (!in_range(addr) || bit < 0 || bit >= 8 * lanes_)
    throw std::out_of_range("Int8EngineModel::flip_bit: no bit " + std::to_string(bit) +
                            " in word " + std::to_string(addr));
  int8_t& w = data_[static_cast<std::size_t>(addr) * static_cast<std::size_t>(lanes_) +
                    static_cast<std::size_t>(bit / 8)];
  w = static_cast<int8_t>(static_cast<uint8_t>(w) ^ (1u << (bit % 8)));
}

uint64_t ProtectedWeightMemory::check_bits(uint32_t addr) const {
  if (!in_range(addr)) return 0;
  if (kind_ == Kind::Checksum) return sig_[static_cast<std::size_t>(group_of(addr))];
  return check_[addr];
}

}  // namespace bf::golden
