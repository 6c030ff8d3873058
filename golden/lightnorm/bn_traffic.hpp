#pragma once
// Off-chip traffic of batch normalization in training: the bytes one BN layer
// reads and writes in its forward and backward passes, for the conventional
// fp32 unit (baseline.bn_fp32) and for LightNorm's formats
// (lightnorm.bn_fwd / lightnorm.bn_bwd). `blockforge bn-traffic` tabulates
// it over a network's BN layers.
//
// The dataflow counted is the units' own (one channel group streamed twice
// per pass, statistics on chip between the two passes):
//   forward   pass 1 (statistics)  reads x
//             pass 2 (normalize)   reads x, writes y and what backward keeps
//   backward  pass 1 (sums)        reads g and the forward's kept tensor
//             pass 2 (dx)          reads g (and what it needs per element),
//                                  writes dx
// What backward needs per element differs:
//   fp32       nothing is kept: backward re-reads x in both passes and
//              recomputes x_hat = (x - mean) * inv_std from the per-channel
//              statistics (how frameworks keep BN's input, not its output).
//   LightNorm  forward writes x_hat (io codes) and two flag bits per element
//              (the element is its chunk's argmax / argmin: range BN's range
//              term reaches only those); backward pass 1 reads x_hat, pass 2
//              only the flags.
// With `fused` the first pass of each direction reads nothing: the statistics
// (forward) and the gradient sums (backward) are gathered as the producing
// layer writes x or g, the LightNorm paper's "statistics stay on chip". The
// option applies to both schemes alike.
// Per channel: forward reads gamma and beta and writes the statistics
// backward loads (fp32: mean and inv_std; LightNorm: scale, the stat code),
// backward reads gamma and those statistics and writes dgamma and dbeta.
// Tensors stored in LightNorm's channel-group BFP cost its storage's bits per
// element (golden/formats/lightnorm_bfp_storage.hpp: the header shared by
// the group included); the others their format's width. Bytes are bits / 8,
// not rounded per tensor (a bound for packed storage).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/formats/lightnorm_bfp.hpp"

namespace bf::golden::lightnorm {

// How one tensor is stored off-chip.
struct TensorStorage {
  FloatFormat format = FloatFormat::fp32();
  std::optional<LightnormBfp> bfp;  // channel-group BFP over the codes, or none
  // Throws std::invalid_argument naming the problem (an invalid BFP).
  double bits_per_element() const;
  std::string label() const;  // "fp32", "fp10_e5m4", "fp10_e5m4 BFP g8 5-bit keep-max"
};

// A way of running BN in training.
struct BnTrafficScheme {
  std::string id;     // "fp32", "fp10", "fp10_bfp_io", "fp10_bfp_all"
  std::string label;  // for tables
  bool lightnorm = false;
  TensorStorage x, y, g, dx;
  // LightNorm: x_hat as forward writes it (io codes), plus the two flag bits.
  TensorStorage x_hat;
  FloatFormat stat = FloatFormat::fp32();  // the per-channel statistics
  FloatFormat gamma = FloatFormat::fp32(), beta = FloatFormat::fp32();
};

// The schemes of the table: fp32; LightNorm's small floats without BFP;
// with BFP on x and y only; with BFP on every tensor (the authors' BFP
// settings, golden/lightnorm/range_bn_tensor.hpp).
std::vector<BnTrafficScheme> bn_traffic_schemes();

// One BN layer: n*h*w values per channel, c channels.
struct BnLayerShape {
  std::string name;
  int64_t n = 0, c = 0, h = 0, w = 0;
  int64_t elements() const { return n * c * h * w; }
};

struct PassBytes {
  double read = 0, write = 0;
  double total() const { return read + write; }
};
struct BnLayerTraffic {
  PassBytes forward, backward;
  double total() const { return forward.total() + backward.total(); }
};

// Throws std::invalid_argument for a shape with a non-positive size.
BnLayerTraffic bn_layer_traffic(const BnTrafficScheme& s, const BnLayerShape& layer, bool fused);

}  // namespace bf::golden::lightnorm
