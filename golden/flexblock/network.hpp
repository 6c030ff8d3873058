#pragma once
// A network as the mapping model sees it: the layers whose GEMMs run on the
// array, read from a layer table (configs/networks/*.csv).
//
// Format: CSV, one layer per line, in execution order, after the header
//   name,type,cin,cout,k,stride,pad,h,w
// type is conv (k x k, groups = 1; a pointwise conv is k = 1), dwconv
// (depthwise k x k: groups = cin = cout) or fc (fully connected: cin inputs,
// cout outputs, k = stride = h = w = 1, pad = 0). h and w are the layer's
// INPUT spatial size; the output is (h + 2 pad - k) / stride + 1 (floor).
// Blank lines and lines starting with '#' are ignored; fields may carry
// spaces around them. Pooling, activations, BN and residual additions do
// not run on the array and are not listed. The first row is the first
// layer (its data gradient has no consumer).
//
// Every problem is one NetworkError "path:line: what; how to fix".

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bf::golden::flexblock {

class NetworkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class LayerType : uint8_t { Conv, Depthwise, FullyConnected };
std::string_view layer_type_name(LayerType t);  // "conv", "dwconv", "fc"

struct Layer {
  std::string name;
  LayerType type = LayerType::Conv;
  int cin = 1;
  int cout = 1;
  int k = 1;
  int stride = 1;
  int pad = 0;
  int h = 1;     // input height
  int w = 1;     // input width
  int line = 0;  // line in the table, for messages

  int ho() const { return (h + 2 * pad - k) / stride + 1; }
  int wo() const { return (w + 2 * pad - k) / stride + 1; }
  // conv and dwconv; fc is not.
  bool is_conv() const { return type != LayerType::FullyConnected; }
};

struct Network {
  std::string path;
  std::vector<Layer> layers;
};

// The largest size any column may hold; keeps every GEMM dimension and slot
// count of a sane batch within 64 bits.
inline constexpr int kMaxLayerSize = 1 << 20;

// Reads a layer table; throws NetworkError naming path:line for a malformed
// row and the path for a missing or unreadable file.
Network load_network(const std::string& path);
// The same from text (path is used in messages only).
Network parse_network(std::string_view text, const std::string& path);

}  // namespace bf::golden::flexblock
