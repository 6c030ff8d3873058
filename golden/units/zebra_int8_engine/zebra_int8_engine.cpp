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

void Int8EngineParams::validate() const {
  if (!is_protected() && on_detect != "flag")
    throw ParamError("on_detect", "on_detect = \"" + on_detect +
                                      "\" needs a protection: set protection to parity, secded "
                                      "or checksum, or on_detect to \"flag\"");
  if (is_checksum()) {
    if ((group_words & (group_words - 1)) != 0 || group_words >= words)
      throw ParamError("group_words", "group_words = " + std::to_string(group_words) +
                                          " must be a power of two from 2 and smaller than "
                                          "words (" +
                                          std::to_string(words) + "): at least two groups");
    key();  // throws on a malformed key
  }
}

int Int8EngineParams::word_check_bits() const {
  if (is_parity()) return 1;
  if (is_secded()) return secded_check_bits(word_bits());
  return 0;
}

int Int8EngineParams::group_offset_bits() const {
  int g = 0;
  while ((1 << g) < group_words) ++g;
  return g;
}

int64_t Int8EngineParams::check_memory_bits() const {
  if (is_checksum()) return 2 * int64_t{groups()};
  return int64_t{words} * word_check_bits();
}

uint64_t Int8EngineParams::key() const {
  const std::string& k = checksum_key;
  const bool prefixed = k.size() > 2 && k[0] == '0' && (k[1] == 'x' || k[1] == 'X');
  const std::string digits = prefixed ? k.substr(2) : std::string();
  if (digits.empty() || digits.size() > 16 ||
      digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw ParamError("checksum_key", "checksum_key = \"" + k +
                                         "\" is not a 64-bit hex number: write 0x followed by "
                                         "1 to 16 hex digits");
  return std::stoull(digits, nullptr, 16);
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
    : lanes_(p.lanes), stop_on_detect_(p.on_detect == "stop"), mem_(p) {}

Int8EngineModel::Output Int8EngineModel::detected(bool det) {
  Output out;
  out.det = det;
  if (stop_on_detect_ && det) halted_ = true;
  out.halt = halted_;
  return out;
}

Int8EngineModel::Output Int8EngineModel::write(uint32_t addr, const int8_t* wdata) {
  if (halted_) return detected(false);
  mem_.write(addr, wdata);
  return {};
}

Int8EngineModel::Output Int8EngineModel::write_check(uint32_t addr, uint64_t bits) {
  halted_ = false;  // the host's acknowledgement resumes a halted unit
  mem_.write_check(addr, bits);
  return {};
}

Int8EngineModel::Output Int8EngineModel::check(uint32_t addr) {
  if (halted_) return detected(false);
  const CheckStatus s = mem_.check(addr);
  Output out = detected(uncorrected(s));
  out.cor = s == CheckStatus::Corrected && !out.halt;
  return out;
}

Int8EngineModel::Output Int8EngineModel::mac(const Beat& b) {
  if (halted_) return detected(false);
  const ProtectedWeightMemory::Read r = mem_.read(b.addr);
  Output out = detected(uncorrected(r.status));
  if (out.halt) return out;
  out.cor = r.status == CheckStatus::Corrected;
  const int32_t dot = int8_engine_dot(r.data.data(), b.x, lanes_);
  const int32_t base = b.first ? 0 : acc_;
  acc_ = static_cast<int32_t>(static_cast<uint32_t>(base) + static_cast<uint32_t>(dot));
  if (b.last) {
    out.done = true;
    out.acc = static_cast<int32_t>(static_cast<uint32_t>(acc_) + static_cast<uint32_t>(b.bias));
    out.y = int8_engine_requantize(out.acc, b.mult, b.shift, b.relu);
  }
  return out;
}

}  // namespace bf::golden
