#include "generator/blocks/fp_recurrence.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace bf::blocks {

void recurrence_ports(vlog::Module& m, bool pipelined, const std::vector<OperandPort>& operands,
                      int y_width, const std::string& y_comment) {
  if (pipelined) {
    m.input("clk_i", 1);
    m.input("en_i", 1, "advance the internal register stages");
  }
  for (const auto& o : operands) m.input(o.name, o.width, o.comment);
  m.output("y_o", y_width, y_comment);
}

std::vector<int> recurrence_cuts(int rows, int cuts) {
  if (cuts < 0 || cuts >= rows)
    throw std::logic_error(fmt::format("recurrence_cuts: {} cuts in {} rows", cuts, rows));
  // Group g of cuts + 1 ends after round(rows * g / (cuts + 1)) rows: groups
  // differ by at most one row, and cuts < rows keeps every group non-empty.
  std::vector<int> after;
  const int groups = cuts + 1;
  for (int g = 1; g < groups; ++g) after.push_back((rows * g + groups / 2) / groups);
  return after;
}

void register_cut(vlog::Module& m, int k, std::vector<Carried>& values,
                  const std::string& comment) {
  m.blank();
  m.comment(comment);
  vlog::Registers regs{"clk_i", "rst_ni", "en_i", {}, ""};
  for (auto& v : values) {
    if (v.now == "1'b0") continue;
    const std::string q = m.reg(fmt::format("{}_q{}", v.base, k), v.width);
    regs.regs.push_back({q, v.now, ""});
    v.now = q;
  }
  m.add(regs);
}

}  // namespace bf::blocks
