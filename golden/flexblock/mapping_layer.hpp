#pragma once
// The three training GEMMs of a layer, im2col view, batch B. K is always the
// reduction the BFP groups lie along (the converter regroups each operand
// for each pass).
//
//   conv k x k, stride s, pad p, input H x W, output Ho x Wo:
//     forward          M = Cout  N = B*Ho*Wo  K = Cin*k*k     A = W,   B = X
//     data gradient    M = Cin   N = B*H*W    K = Cout*k*k    A = W^T, B = dY   (s = 1)
//     weight gradient  M = Cout  N = Cin*k*k  K = B*Ho*Wo     A = dY,  B = X^T
//   fc (in -> out): the conv with k = 1 and H = W = 1:
//     forward M = out, N = B, K = in; data gradient M = in, N = B, K = out;
//     weight gradient M = out, N = in, K = B.
//   dwconv (C channels): C GEMMs of the conv with Cin = Cout = 1
//     (forward M = 1, N = B*Ho*Wo, K = k*k), repeated C times.
//
// The data gradient of a strided layer is a transposed convolution. Run as
// the convolution of dY with s-1 zeros inserted between its elements, it
// would spend (s*s - 1)/(s*s) of its products on those zeros. The sub-pixel
// decomposition splits dX instead into s*s phases by (y + p) mod s (and
// likewise x): every position of phase f is reached by the same kernel taps,
// ky = f, f + s, f + 2s, ... < k, so each phase is a dense GEMM
//     M = Cin, N = B * (positions of the phase), K = Cout * taps_y * taps_x.
// A phase without taps (k < s: a 1x1 stride-2 shortcut reaches only one
// phase in four) gets a zero gradient and no GEMM. When H = s*Ho (every
// shipped layer) each phase has Ho*Wo positions and the phases' products add
// up to the forward pass's exactly; the stride-1 case is the single phase
// above. As in im2col, a tap that falls on the padding counts as a product.

#include <cstdint>
#include <string>
#include <vector>

#include "golden/flexblock/mapping.hpp"
#include "golden/flexblock/network.hpp"

namespace bf::golden::flexblock {

// `count` identical GEMMs (depthwise channels, or one phase per channel).
struct GemmJob {
  GemmShape shape;
  int64_t count = 1;
  std::string what;  // "" or "phase (fy, fx)" for a strided data gradient
};

// The GEMMs of one pass of one layer (batch >= 1). The caller skips the
// first layer's data gradient (mapping_network.hpp).
std::vector<GemmJob> layer_gemms(const Layer& layer, Pass pass, int64_t batch);

// The sub-pixel phase helpers, exposed for tests: kernel taps of phase f
// (0 <= f < s) of a k-wide kernel, and positions of [0, size) in phase f
// given padding p.
int phase_taps(int k, int stride, int phase);
int phase_positions(int size, int stride, int pad, int phase);

}  // namespace bf::golden::flexblock
