#include "generator/blocks/adder_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/blocks/primitive.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

namespace {

// x (from_width bits) widened to to_width bits, sign-extended or zero-extended.
std::string extend(const std::string& x, int from_width, int to_width, bool is_signed) {
  return is_signed ? vlog::sext(x, from_width, to_width) : vlog::zext(x, from_width, to_width);
}

vlog::Module add_node(int in_w, int out_w, bool is_signed) {
  vlog::Module m;
  m.name = fmt::format("add_node_{}_a{}_y{}", is_signed ? "s" : "u", in_w, out_w);
  m.header = primitive_header(
      fmt::format("add_node ({}, {} -> {} bits)", is_signed ? "signed" : "unsigned", in_w, out_w),
      {"One node of an adder tree: y = a + b, operands extended to the result width."});
  m.input("a_sum_i", in_w);
  m.input("b_sum_i", in_w);
  m.output("sum_o", out_w);
  m.assign("sum_o", fmt::format("{} + {}", extend("a_sum_i", in_w, out_w, is_signed),
                                extend("b_sum_i", in_w, out_w, is_signed)));
  return m;
}

// Width at tree level l: one bit more per level, at most out_w; the root is
// out_w wide.
int level_width(int level, int levels, int in_w, int out_w) {
  return level == levels ? out_w : std::min(in_w + level, out_w);
}

vlog::Module tree_module(int n, int in_w, int out_w, bool is_signed) {
  vlog::Module m;
  m.name = fmt::format("add_tree_{}_n{}_a{}_y{}", is_signed ? "s" : "u", n, in_w, out_w);
  m.header = primitive_header(
      fmt::format("add_tree ({}, n = {}, {} -> {} bits)", is_signed ? "signed" : "unsigned", n,
                  in_w, out_w),
      {"Sum of n operands by a balanced tree of add_node (one level per generate loop; an",
       "operand without a partner passes to the next level). The caller sizes the result to",
       "hold the total."});
  m.input("sum_i", n * in_w, fmt::format("operand e at sum_i[{0}*e +: {0}]", in_w));
  m.output("sum_o", out_w);
  const int levels = tree_levels(n);
  reduction_tree(m, n,
                 {{"sum", [=](int l) { return level_width(l, levels, in_w, out_w); },
                   [=](const std::string& bus, int lsb, int w, int l) {
                     const int to = level_width(l, levels, in_w, out_w);
                     if (to == w) return vlog::part(bus, lsb, w);
                     const std::string fill =
                         is_signed ? vlog::repeat(to - w, vlog::bit(bus, lsb + w - 1))
                                   : vlog::lit(to - w, 0);
                     return vlog::concat({fill, vlog::part(bus, lsb, w)});
                   }}},
                 [=](int l) {
                   return add_node(level_width(l - 1, levels, in_w, out_w),
                                   level_width(l, levels, in_w, out_w), is_signed);
                 });
  return m;
}

std::string tree(vlog::Module& m, const std::string& prefix, const std::vector<std::string>& inputs,
                 int in_width, int out_width, bool is_signed) {
  if (inputs.empty()) throw std::logic_error("adder_tree: no inputs");
  if (out_width < in_width) throw std::logic_error("adder_tree: out_width < in_width");
  const std::string out = m.wire(prefix + "_sum", out_width);
  if (inputs.size() == 1) {
    m.assign(out, extend(inputs[0], in_width, out_width, is_signed));
    return out;
  }
  const vlog::Module t =
      tree_module(static_cast<int>(inputs.size()), in_width, out_width, is_signed);
  const std::string in = bus(m, prefix + "_operands", inputs, in_width);
  m.add(vlog::instance_of(t, "u_" + prefix, {{"sum_i", in}, {"sum_o", out}}));
  m.use(t);
  return out;
}

}  // namespace

std::string adder_tree(vlog::Module& m, const std::string& prefix,
                       const std::vector<std::string>& inputs, int in_width, int out_width) {
  return tree(m, prefix, inputs, in_width, out_width, false);
}

std::string signed_adder_tree(vlog::Module& m, const std::string& prefix,
                              const std::vector<std::string>& inputs, int in_width, int out_width) {
  return tree(m, prefix, inputs, in_width, out_width, true);
}

}  // namespace bf::blocks
