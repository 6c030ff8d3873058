#pragma once
// Shared by the arith.fp_* units: the top module (lanes of one
// operator module, valid/ready, output register), port descriptions with
// decoded fields, and biased operand generators.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "generator/verilog/module.hpp"
#include "golden/formats/float_format.hpp"

namespace bf::fp_operand_io {

// "0x3f80 (s=0 e=127 m=0x0 = 1)", "... = NaN", "... = -inf".
std::string describe_code(const golden::FloatFormat& f, uint64_t code);

// A lanes x f.width() port with one decoded field per lane ("a[0]", ...).
PortSpec lane_port(const std::string& name, const std::string& field, int lanes,
                   const golden::FloatFormat& f, const std::string& doc);

// The streaming wrapper around `lanes` instances of `core` (ports a_i, b_i,
// y_o, plus clk_i/en_i when `core_pipelined`):
//   clk_i, rst_ni, in_valid_i/in_ready_o, a_i, b_i, out_valid_o/out_ready_i, y_o.
// One global enable (advance = out_ready_i | ~out_valid_q) moves the core's
// register stages and the output register; latency = core_stages + 1 (0
// stages unless core_pipelined). b_width = 0: a unary operator (no b_i).
struct TopSpec {
  std::string name;
  std::string core;
  bool core_pipelined = false;
  int core_stages = 1;  // register stages inside the core when core_pipelined
  int lanes = 1;
  int a_width = 32, b_width = 32, y_width = 32;
  std::string a_doc, b_doc, y_doc;
  std::vector<std::string> header;
};
vlog::Module top_module(const TopSpec& t);

// Codes a corner-case list always contains: signed zeros, smallest/largest
// subnormals, smallest/largest normals, 1, 1.5, 1 + ulp, 2 - ulp, Inf, NaNs.
std::vector<uint32_t> special_codes(const golden::FloatFormat& f);

// Finite code of f with sign s, exponent L = floor(log2 |x|) and mantissa
// bits `frac` (f.man_bits wide, below the leading one). L below emin gives a
// subnormal (frac shifted right, the leading one included; 0 when even that
// is gone or f has no subnormals), above emax the max normal.
uint32_t make_code(const golden::FloatFormat& f, bool s, int L, uint32_t frac);

// A random mantissa: uniform, or with its low bits cleared (rounding ties and
// exact results), all ones or zero.
uint32_t random_frac(const golden::FloatFormat& f, std::mt19937_64& rng);

// A random finite or special code: exponents near 1 (60%), anywhere (25%),
// near the subnormal range (10%), special values (5%).
uint32_t random_code(const golden::FloatFormat& f, std::mt19937_64& rng);

// Smallest / largest floor(log2 |x|) of a finite nonzero code of f.
int l_lo(const golden::FloatFormat& f);
int l_hi(const golden::FloatFormat& f);

// Packs per-lane codes into a BitVec of lanes x width bits.
BitVec pack(const std::vector<uint32_t>& codes, int width);

}  // namespace bf::fp_operand_io
