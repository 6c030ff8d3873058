#include "generator/blocks/select.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/verilog/expr.hpp"

namespace bf::blocks {

ArgMax argmax_tree(vlog::Module& m, const std::string& prefix, const std::vector<std::string>& keys,
                   int key_width, int index_width, const std::vector<std::string>& payloads,
                   int payload_width) {
  if (keys.empty()) throw std::logic_error("argmax_tree: no keys");
  const bool carry = !payloads.empty();
  if (carry && payloads.size() != keys.size())
    throw std::logic_error("argmax_tree: one payload per key");
  struct Node {
    std::string key, index, payload;
  };
  std::vector<Node> level;
  for (std::size_t i = 0; i < keys.size(); ++i)
    level.push_back({keys[i], vlog::lit(index_width, i), carry ? payloads[i] : ""});
  int depth = 0;
  while (level.size() > 1) {
    std::vector<Node> next;
    ++depth;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      const Node& a = level[i];
      const Node& b = level[i + 1];
      const std::string base = fmt::format("{}_l{}_{}", prefix, depth, i / 2);
      const std::string left = m.wire(base + "_left", 1, "left wins ties: lower index");
      m.assign(left, fmt::format("{} >= {}", a.key, b.key));
      Node n;
      n.key = m.wire(base + "_key", key_width);
      m.assign(n.key, vlog::ternary(left, a.key, b.key));
      n.index = m.wire(base + "_idx", index_width);
      m.assign(n.index, vlog::ternary(left, a.index, b.index));
      if (carry) {
        n.payload = m.wire(base + "_data", payload_width);
        m.assign(n.payload, vlog::ternary(left, a.payload, b.payload));
      }
      next.push_back(n);
    }
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  return {level[0].key, level[0].index, level[0].payload};
}

std::vector<std::string> prefix_counts(vlog::Module& m, const std::string& prefix,
                                       const std::vector<std::string>& flags, int width) {
  const std::size_t n = flags.size();
  // Inclusive sums s[i] = flags[0] + ... + flags[i], then shift by one.
  std::vector<std::string> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = vlog::zext(flags[i], 1, width);
  int level = 0;
  for (std::size_t dist = 1; dist < n; dist *= 2, ++level) {
    std::vector<std::string> next = s;
    for (std::size_t i = dist; i < n; ++i) {
      next[i] = m.wire(fmt::format("{}_s{}_{}", prefix, level + 1, i), width);
      m.assign(next[i], fmt::format("{} + {}", s[i], s[i - dist]));
    }
    s = std::move(next);
  }
  std::vector<std::string> out(n);
  out[0] = vlog::lit(width, 0);
  for (std::size_t i = 1; i < n; ++i) out[i] = s[i - 1];
  if (n > 0) {
    // The total (inclusive sum of the last flag) is not needed by callers.
    const std::string unused = m.wire("unused_" + prefix + "_total", 1);
    m.assign(unused, "|" + s[n - 1]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> sort_network(
    vlog::Module& m, const std::string& prefix,
    const std::vector<std::pair<std::string, std::string>>& records, int key_width,
    int data_width) {
  auto cur = records;
  const std::size_t n = cur.size();
  for (std::size_t stage = 0; stage < n; ++stage) {
    for (std::size_t i = stage % 2; i + 1 < n; i += 2) {
      const std::string base = fmt::format("{}_st{}_{}", prefix, stage, i);
      const std::string swap = m.wire(base + "_swap", 1);
      m.assign(swap, fmt::format("{} > {}", cur[i].first, cur[i + 1].first));
      const std::string lo_k = m.wire(base + "_lo_key", key_width);
      m.assign(lo_k, vlog::ternary(swap, cur[i + 1].first, cur[i].first));
      const std::string hi_k = m.wire(base + "_hi_key", key_width);
      m.assign(hi_k, vlog::ternary(swap, cur[i].first, cur[i + 1].first));
      const std::string lo_d = m.wire(base + "_lo_data", data_width);
      m.assign(lo_d, vlog::ternary(swap, cur[i + 1].second, cur[i].second));
      const std::string hi_d = m.wire(base + "_hi_data", data_width);
      m.assign(hi_d, vlog::ternary(swap, cur[i].second, cur[i + 1].second));
      cur[i] = {lo_k, lo_d};
      cur[i + 1] = {hi_k, hi_d};
    }
  }
  return cur;
}

}  // namespace bf::blocks
