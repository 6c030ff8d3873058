#include "generator/verilog/expr.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace bf::vlog {

std::string lit(int width, uint64_t value) { return fmt::format("{}'d{}", width, value); }

std::string hex_lit(int width, uint64_t value) {
  return fmt::format("{}'h{:0{}x}", width, value, (width + 3) / 4);
}

std::string bits(const std::string& name, int msb, int lsb) {
  if (msb < lsb) throw std::logic_error("vlog::bits: msb < lsb for " + name);
  if (msb == lsb) return bit(name, msb);
  return fmt::format("{}[{}:{}]", name, msb, lsb);
}

std::string bit(const std::string& name, int index) { return fmt::format("{}[{}]", name, index); }

std::string part(const std::string& name, int lsb, int width) {
  return bits(name, lsb + width - 1, lsb);
}

std::string lane(const std::string& name, int bus_width, const std::string& var, int stride,
                 int offset, int width) {
  if (bus_width == width) return name;  // the whole bus (a scalar cannot be selected)
  std::string base = stride == 1 ? var : fmt::format("{}*{}", stride, var);
  if (offset) base += fmt::format("+{}", offset);
  return width == 1 ? fmt::format("{}[{}]", name, base)
                    : fmt::format("{}[{} +: {}]", name, base, width);
}

std::string concat(const std::vector<std::string>& parts) {
  if (parts.size() == 1) return parts[0];
  return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

std::string repeat(int count, const std::string& e) {
  return fmt::format("{{{}{{{}}}}}", count, e);
}

std::string zext(const std::string& e, int from_width, int to_width) {
  if (to_width < from_width) throw std::logic_error("vlog::zext: narrowing " + e);
  if (to_width == from_width) return e;
  return concat({lit(to_width - from_width, 0), e});
}

std::string sext(const std::string& e, int from_width, int to_width) {
  if (to_width < from_width) throw std::logic_error("vlog::sext: narrowing " + e);
  if (to_width == from_width) return e;
  return concat({repeat(to_width - from_width, bit(e, from_width - 1)), e});
}

std::string paren(const std::string& e) { return "(" + e + ")"; }

std::string ternary(const std::string& c, const std::string& a, const std::string& b) {
  return fmt::format("{} ? {} : {}", c, a, b);
}

int clog2(uint64_t n) {
  int w = 0;
  while ((uint64_t{1} << w) < n) ++w;
  return w < 1 ? 1 : w;
}

int bits_for(uint64_t n) {
  int w = 1;
  while (w < 64 && (n >> w) != 0) ++w;
  return w;
}

}  // namespace bf::vlog
