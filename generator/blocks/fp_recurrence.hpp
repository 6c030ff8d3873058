#pragma once
// Pieces shared by the digit-recurrence floating-point operators (fp_div.hpp,
// fp_sqrt.hpp): their ports, their special-case flags (over nets that may be
// the constant 1'b0, e.g. is_inf of e4m3), and the register cuts that
// pipeline a recurrence array between its rows.

#include <string>
#include <vector>

#include "generator/blocks/flag_terms.hpp"
#include "generator/verilog/module.hpp"

namespace bf::blocks {

// clk_i and en_i when the operator has register cuts, then the operand
// inputs ({name, width, comment}) and y_o.
struct OperandPort {
  std::string name;
  int width = 0;
  std::string comment;
};
void recurrence_ports(vlog::Module& m, bool pipelined, const std::vector<OperandPort>& operands,
                      int y_width, const std::string& y_comment);

// The rows after which `cuts` registers go, spread evenly over `rows` rows
// (never after the last one): rows_done values in increasing order.
// Throws std::logic_error unless 0 <= cuts < rows.
std::vector<int> recurrence_cuts(int rows, int cuts);

// A value that travels through the cuts: `now` is its current name (first the
// wire, then its latest register <base>_q<k>), or the constant "1'b0".
struct Carried {
  std::string base;
  std::string now;
  int width = 1;
};
// Cut number k (1-based): a blank line, `comment`, and one resetless register
// bank on clk_i enabled by en_i loading <base>_q<k> from every non-constant
// value; updates their `now`.
void register_cut(vlog::Module& m, int k, std::vector<Carried>& values, const std::string& comment);

}  // namespace bf::blocks
