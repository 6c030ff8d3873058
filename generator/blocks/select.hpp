#pragma once
// Selection building blocks: arg-max trees, prefix counts, and a small
// sorting network. Used by OPAL's outlier selection; generic enough for any
// top-n or compaction datapath.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

// The winner of a balanced binary tree over `keys` (each key_width bits,
// unsigned): at every node the left (lower-index) side wins ties, so the
// result is the largest key with the lowest index. `payloads` (optional, one
// expression of payload_width bits per key) ride along with their key.
struct ArgMax {
  std::string key;      // key_width bits
  std::string index;    // index_width bits
  std::string payload;  // payload_width bits (empty if none)
};
// Instantiates the primitive argmax_tree_n<n>_k<key>[_p<payload>] (a module
// of argmax_node comparisons, one generate loop per level) and returns the
// wires of its result; `index_width` >= ceil(log2 n) (zero-extended).
ArgMax argmax_tree(vlog::Module& m, const std::string& prefix, const std::vector<std::string>& keys,
                   int key_width, int index_width, const std::vector<std::string>& payloads = {},
                   int payload_width = 0);
// The same over buses: key e at keys[key_width*e +: key_width] (and payloads
// likewise; empty: none), n keys.
ArgMax argmax_tree(vlog::Module& m, const std::string& prefix, const std::string& keys, int n,
                   int key_width, int index_width, const std::string& payloads = {},
                   int payload_width = 0);

// Exclusive prefix counts of 1-bit `flags`: result[i] = number of flags set
// in [0, i), each `width` bits (the caller guarantees the total fits). A
// Kogge-Stone network: ceil(log2 n) levels of `width`-bit adders.
std::vector<std::string> prefix_counts(vlog::Module& m, const std::string& prefix,
                                       const std::vector<std::string>& flags, int width);

// Sorts records ascending by key with an odd-even transposition network
// (n stages of compare-exchange, n <= 16 is the intended use). Each record is
// {key (key_width bits), data (data_width bits)}; returns the sorted records'
// wires as {key, data} pairs.
std::vector<std::pair<std::string, std::string>> sort_network(
    vlog::Module& m, const std::string& prefix,
    const std::vector<std::pair<std::string, std::string>>& records, int key_width, int data_width);

}  // namespace bf::blocks
