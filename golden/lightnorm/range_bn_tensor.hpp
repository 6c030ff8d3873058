#pragma once
// Range BN over NCHW fp32 tensors: what a training framework calls, and what
// the numerics study and the benchmark run. Per channel it is exactly the
// contract of range_bn.hpp; around it, the tensor-level conversions of
// LightNorm (reference/formats.md, last section):
//   forward   x -> io (convert) -> channel-group BFP (io_bfp) -> range BN
//             gamma -> io -> BFP over the C-vector; beta stays in norm
//             y -> channel-group BFP (io_bfp)
//   backward  g -> BFP (grad_bfp) on the fp32 values -> grad (convert)
//             dx -> grad (range_bn_dx) -> BFP (grad_bfp); dgamma -> BFP over
//             the C-vector
// BFP runs on fp32 values (lightnorm_bfp_nchw), before the conversion into
// grad for g as the authors' simulator does, after it for x and y. With
// bfp = false the BFP steps are skipped (small floats only).
//
// All values returned are fp32 (the exact values of the codes). Tensors
// are contiguous NCHW; n = N*H*W per channel must satisfy
// range_bn_constants() (a multiple of chunks, >= 2 per chunk).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "golden/formats/lightnorm_bfp.hpp"
#include "golden/lightnorm/range_bn.hpp"

namespace bf::golden::lightnorm {

struct RangeBnTensorParams {
  RangeBnParams core;
  bool bfp = true;
  LightnormBfp io_bfp{8, 5, LightnormBfp::Variant::KeepMax};
  LightnormBfp grad_bfp{8, 8, LightnormBfp::Variant::KeepMax};
  void validate() const;
};

struct Shape {
  std::size_t n = 0, c = 0, h = 0, w = 0;
  std::size_t count() const { return n * c * h * w; }
  std::size_t per_channel() const { return n * h * w; }
};

// What backward needs: per channel the statistics, x_hat (io codes in
// (b, h, w) order), and gamma as the forward used it.
struct RangeBnSaved {
  Shape shape;
  std::vector<RangeBnStats> stats;           // per channel
  std::vector<std::vector<uint32_t>> x_hat;  // per channel, n codes of io
  std::vector<uint32_t> gamma;               // io codes, per channel
  RangeBnConstants constants;
};

// y = range BN of x; throws std::invalid_argument for a bad shape (naming
// the sizes), bad parameters, or gamma/beta of the wrong length. The inputs
// are read in place (spans: the Python binding passes numpy buffers without
// a copy); the vector overload is for callers with braced lists.
std::vector<float> range_bn_forward(const RangeBnTensorParams& p, std::span<const float> x,
                                    const Shape& shape, std::span<const float> gamma,
                                    std::span<const float> beta, RangeBnSaved* saved);
inline std::vector<float> range_bn_forward(const RangeBnTensorParams& p,
                                           const std::vector<float>& x, const Shape& shape,
                                           const std::vector<float>& gamma,
                                           const std::vector<float>& beta, RangeBnSaved* saved) {
  return range_bn_forward(p, std::span<const float>(x), shape, std::span<const float>(gamma),
                          std::span<const float>(beta), saved);
}

// Inference with frozen statistics: y = range BN of x with the per-channel
// mean and sigma given (fp32 values, converted into stat) instead of
// measured, i.e. range_bn_normalize with scale = reciprocal(sigma + eps) in
// stat, the same steps as the forward's with the batch's C(n) * range
// replaced by sigma. x, gamma, beta and y take the forward's tensor-level
// conversions (io, BFP), so a network trained with range_bn_forward is
// evaluated in the numerics it was trained in. Any N*H*W >= 1 (there are
// no chunks to fill); throws std::invalid_argument for bad shapes.
std::vector<float> range_bn_inference(const RangeBnTensorParams& p, std::span<const float> x,
                                      const Shape& shape, std::span<const float> gamma,
                                      std::span<const float> beta, std::span<const float> mean,
                                      std::span<const float> sigma);

struct RangeBnTensorGrads {
  std::vector<float> dx;      // NCHW
  std::vector<float> dgamma;  // C
  std::vector<float> dbeta;   // C
};

RangeBnTensorGrads range_bn_backward(const RangeBnTensorParams& p, std::span<const float> g,
                                     const RangeBnSaved& saved);
inline RangeBnTensorGrads range_bn_backward(const RangeBnTensorParams& p,
                                            const std::vector<float>& g,
                                            const RangeBnSaved& saved) {
  return range_bn_backward(p, std::span<const float>(g), saved);
}

}  // namespace bf::golden::lightnorm
