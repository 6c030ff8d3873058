#include "generator/blocks/adder_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/verilog/expr.hpp"

namespace bf::blocks {

std::string adder_tree(vlog::Module& m, const std::string& prefix,
                       const std::vector<std::string>& inputs, int in_width, int out_width) {
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
      m.assign(s, fmt::format("{} + {}", vlog::zext(a.name, a.width, w),
                              vlog::zext(b.name, b.width, w)));
      next.push_back({s, w});
    }
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
    ++depth;
  }
  const Node& root = level[0];
  if (root.width == out_width && depth > 0) return root.name;
  const std::string out = m.wire(prefix + "_sum", out_width);
  m.assign(out, vlog::zext(root.name, root.width, out_width));
  return out;
}

}  // namespace bf::blocks
