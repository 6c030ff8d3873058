#include "generator/blocks/adder_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/verilog/expr.hpp"

namespace bf::blocks {

namespace {

// x (from_width bits) widened to to_width bits, sign-extended or zero-extended.
std::string extend(const std::string& x, int from_width, int to_width, bool is_signed) {
  return is_signed ? vlog::sext(x, from_width, to_width) : vlog::zext(x, from_width, to_width);
}

std::string tree(vlog::Module& m, const std::string& prefix, const std::vector<std::string>& inputs,
                 int in_width, int out_width, bool is_signed) {
  if (inputs.empty()) throw std::logic_error("adder_tree: no inputs");
  if (out_width < in_width) throw std::logic_error("adder_tree: out_width < in_width");
  struct Node {
    std::string name;
    int width;
  };
  std::vector<Node> level;
  for (const auto& in : inputs) level.push_back({in, in_width});
  int depth = 0;
  while (level.size() > 1) {
    std::vector<Node> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      const Node& a = level[i];
      const Node& b = level[i + 1];
      const int w = std::min(std::max(a.width, b.width) + 1, out_width);
      const std::string s = m.wire(fmt::format("{}_l{}_{}", prefix, depth + 1, i / 2), w);
      m.assign(s, fmt::format("{} + {}", extend(a.name, a.width, w, is_signed),
                              extend(b.name, b.width, w, is_signed)));
      next.push_back({s, w});
    }
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
    ++depth;
  }
  const Node& root = level[0];
  if (root.width == out_width && depth > 0) return root.name;
  const std::string out = m.wire(prefix + "_sum", out_width);
  m.assign(out, extend(root.name, root.width, out_width, is_signed));
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
