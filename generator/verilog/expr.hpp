#pragma once
// Helpers that spell Verilog expressions consistently.

#include <cstdint>
#include <string>
#include <vector>

namespace bf::vlog {

std::string lit(int width, uint64_t value);      // 8'd5 (decimal) for width <= 64
std::string hex_lit(int width, uint64_t value);  // 8'h05
std::string bits(const std::string& name, int msb,
                 int lsb);                            // name[msb:lsb] (name[i] if msb == lsb)
std::string bit(const std::string& name, int index);  // name[i]
std::string part(const std::string& name, int lsb, int width);  // name[lsb+width-1:lsb]
// Element of a bus indexed by a generate loop variable:
// name[stride*var+offset +: width], written as simply as it can be
// (name[var], name[2*var+1], name itself when the bus is that one element).
std::string lane(const std::string& name, int bus_width, const std::string& var, int stride,
                 int offset, int width);
std::string concat(const std::vector<std::string>& parts);             // {a, b, c} (MSB first)
std::string repeat(int count, const std::string& e);                   // {count{e}}
std::string zext(const std::string& e, int from_width, int to_width);  // {{n{1'b0}}, e}
// {{n{e[from-1]}}, e}: e must be a plain name (its top bit is selected).
std::string sext(const std::string& e, int from_width, int to_width);
std::string paren(const std::string& e);
std::string ternary(const std::string& c, const std::string& a, const std::string& b);

// Width in bits to hold values 0..n-1 (at least 1).
int clog2(uint64_t n);
// Width to hold the value n itself (at least 1).
int bits_for(uint64_t n);

}  // namespace bf::vlog
