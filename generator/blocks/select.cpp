#include "generator/blocks/select.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/blocks/primitive.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

namespace {

// One comparison of the arg-max tree: the larger key wins, the left (lower
// index) one on ties; the index grows by the bit that says which side won.
vlog::Module argmax_node(int key_w, int idx_w, int data_w) {
  vlog::Module m;
  m.name = fmt::format("argmax_node_k{}_i{}{}", key_w, idx_w,
                       data_w ? fmt::format("_p{}", data_w) : std::string());
  m.header = primitive_header(
      fmt::format("argmax_node (key {} bits, index {} bits, payload {} bits)", key_w, idx_w,
                  data_w),
      {"The larger key and its index and payload; the left side wins ties, so a tree of",
       "these finds the largest key with the lowest index (golden: select_outliers)."});
  m.input("a_key_i", key_w, "left: lower indices");
  m.input("b_key_i", key_w);
  if (idx_w > 0) {
    m.input("a_idx_i", idx_w, "index within the left subtree");
    m.input("b_idx_i", idx_w);
  }
  if (data_w > 0) {
    m.input("a_data_i", data_w);
    m.input("b_data_i", data_w);
  }
  m.output("key_o", key_w);
  m.output("idx_o", idx_w + 1, "{right side won, index within the winning subtree}");
  if (data_w > 0) m.output("data_o", data_w);
  m.wire("left", 1, "left wins ties: lower index");
  m.assign("left", "a_key_i >= b_key_i");
  m.assign("key_o", "left ? a_key_i : b_key_i");
  m.assign("idx_o", idx_w > 0 ? "left ? {1'b0, a_idx_i} : {1'b1, b_idx_i}" : "~left");
  if (data_w > 0) m.assign("data_o", "left ? a_data_i : b_data_i");
  return m;
}

// A passed-through element keeps its value.
std::string same(const std::string& bus, int lsb, int width, int) {
  return vlog::part(bus, lsb, width);
}

vlog::Module argmax_tree_module(int n, int key_w, int data_w) {
  vlog::Module m;
  m.name = fmt::format("argmax_tree_n{}_k{}{}", n, key_w,
                       data_w ? fmt::format("_p{}", data_w) : std::string());
  const int levels = tree_levels(n);
  m.header = primitive_header(
      fmt::format("argmax_tree (n = {}, key {} bits, payload {} bits)", n, key_w, data_w),
      {"The largest of n unsigned keys, the lowest index among equal ones, and its payload:",
       "a balanced tree of argmax_node comparisons, one level per generate loop."});
  m.input("key_i", n * key_w, fmt::format("key e at key_i[{0}*e +: {0}]", key_w));
  if (data_w > 0)
    m.input("data_i", n * data_w, fmt::format("payload e at data_i[{0}*e +: {0}]", data_w));
  m.output("key_o", key_w, "the largest key");
  m.output("idx_o", std::max(levels, 1), "its index (the lowest on ties)");
  if (data_w > 0) m.output("data_o", data_w, "its payload");
  if (levels == 0) {
    m.assign("key_o", "key_i");
    m.assign("idx_o", "1'b0");
    if (data_w > 0) m.assign("data_o", "data_i");
    return m;
  }
  std::vector<TreeField> fields{
      {"key", [key_w](int) { return key_w; }, same},
      {"idx", [](int level) { return level; },
       [](const std::string& bus, int lsb, int w, int level) {
         // An element without a partner is the left one of its pair.
         return level == 1 ? std::string("1'b0") : vlog::concat({"1'b0", vlog::part(bus, lsb, w)});
       }}};
  if (data_w > 0) fields.push_back({"data", [data_w](int) { return data_w; }, same});
  reduction_tree(m, n, fields, [&](int level) { return argmax_node(key_w, level - 1, data_w); });
  return m;
}

}  // namespace

ArgMax argmax_tree(vlog::Module& m, const std::string& prefix, const std::string& keys, int n,
                   int key_width, int index_width, const std::string& payloads, int payload_width) {
  if (n < 1) throw std::logic_error("argmax_tree: no keys");
  const int levels = tree_levels(n);
  if (index_width < std::max(levels, 1)) throw std::logic_error("argmax_tree: index too narrow");
  const bool carry = !payloads.empty();
  const vlog::Module tree = argmax_tree_module(n, key_width, carry ? payload_width : 0);
  ArgMax r;
  r.key = m.wire(prefix + "_key", key_width);
  const std::string idx = m.wire(prefix + "_idx_raw", std::max(levels, 1));
  if (carry) r.payload = m.wire(prefix + "_data", payload_width);
  vlog::Instance inst{tree.name, "u_" + prefix, {{"key_i", keys}}, ""};
  if (carry) inst.connections.push_back({"data_i", payloads});
  inst.connections.push_back({"key_o", r.key});
  inst.connections.push_back({"idx_o", idx});
  if (carry) inst.connections.push_back({"data_o", r.payload});
  m.add(std::move(inst));
  m.use(tree);
  r.index = m.wire(prefix + "_idx", index_width);
  m.assign(r.index, vlog::zext(idx, std::max(levels, 1), index_width));
  return r;
}

ArgMax argmax_tree(vlog::Module& m, const std::string& prefix, const std::vector<std::string>& keys,
                   int key_width, int index_width, const std::vector<std::string>& payloads,
                   int payload_width) {
  if (!payloads.empty() && payloads.size() != keys.size())
    throw std::logic_error("argmax_tree: one payload per key");
  const std::string key_bus = bus(m, prefix + "_keys", keys, key_width);
  const std::string data_bus =
      payloads.empty() ? std::string() : bus(m, prefix + "_payloads", payloads, payload_width);
  return argmax_tree(m, prefix, key_bus, static_cast<int>(keys.size()), key_width, index_width,
                     data_bus, payload_width);
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
