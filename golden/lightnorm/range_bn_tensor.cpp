#include "golden/lightnorm/range_bn_tensor.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "golden/formats/small_float_convert.hpp"
#include "golden/formats/small_float_kernels.hpp"
#include "golden/lightnorm/range_bn_convert.hpp"

namespace bf::golden::lightnorm {

namespace {

SmallFloatConvert converter(const RangeBnParams& p, const FloatFormat& f) {
  return {f, p.exponent, p.convert_rounding};
}

// BFP over channel groups of an NCHW tensor (or of a C-vector as 1 x C x 1 x 1).
void bfp_inplace(const LightnormBfp& b, std::vector<float>& v, const Shape& s) {
  lightnorm_bfp_nchw(b, v.data(), v.data(), s.n, s.c, s.h, s.w);
}

// fp32 values -> codes of f (the values are converted by the parameters'
// policy; after a BFP step they are already values of f).
std::vector<uint32_t> encode(const RangeBnParams& p, const FloatFormat& f,
                             std::span<const float> v) {
  const small_float_detail::Consts c(converter(p, f));
  std::vector<uint32_t> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = c.encode(fp32_bits(v[i]));
  return out;
}

// Quantize fp32 values to f's values in place.
void quantize(const RangeBnParams& p, const FloatFormat& f, std::vector<float>& v) {
  small_quantize(converter(p, f), v.data(), v.data(), v.size());
}

// One channel's values in (b, h, w) order, and back.
void gather(const std::vector<uint32_t>& t, const Shape& s, std::size_t c,
            std::vector<uint32_t>& out) {
  const std::size_t hw = s.h * s.w;
  out.resize(s.per_channel());
  for (std::size_t b = 0; b < s.n; ++b)
    for (std::size_t i = 0; i < hw; ++i) out[b * hw + i] = t[(b * s.c + c) * hw + i];
}

void scatter(const std::vector<uint32_t>& ch, const RangeBnValues& value, const Shape& s,
             std::size_t c, std::vector<float>& t) {
  const std::size_t hw = s.h * s.w;
  for (std::size_t b = 0; b < s.n; ++b)
    for (std::size_t i = 0; i < hw; ++i) t[(b * s.c + c) * hw + i] = value(ch[b * hw + i]);
}

void check_shape(const Shape& s, std::size_t size, const char* what) {
  if (s.count() == 0 || s.count() != size)
    throw std::invalid_argument(
        fmt::format("range BN: {} has {} values, the shape {} x {} x {} x {} needs {}", what, size,
                    s.n, s.c, s.h, s.w, s.count()));
}

}  // namespace

void RangeBnTensorParams::validate() const {
  core.validate();
  io_bfp.validate();
  grad_bfp.validate();
}

namespace {

// x, gamma and beta as the forward's datapath reads them: x into io, then
// channel-group BFP; gamma into io, then BFP over the C-vector; beta in norm.
struct ForwardOperands {
  std::vector<uint32_t> x, gamma, beta;
};

ForwardOperands forward_operands(const RangeBnTensorParams& p, std::span<const float> x,
                                 const Shape& shape, std::span<const float> gamma,
                                 std::span<const float> beta) {
  p.validate();
  check_shape(shape, x.size(), "x");
  if (gamma.size() != shape.c || beta.size() != shape.c)
    throw std::invalid_argument(
        fmt::format("range BN: gamma has {} and beta {} values for {} channels", gamma.size(),
                    beta.size(), shape.c));
  const RangeBnParams& q = p.core;
  std::vector<float> xq(x.begin(), x.end());
  quantize(q, q.io, xq);
  if (p.bfp) bfp_inplace(p.io_bfp, xq, shape);
  std::vector<float> gq(gamma.begin(), gamma.end());
  quantize(q, q.io, gq);
  if (p.bfp) bfp_inplace(p.io_bfp, gq, {1, shape.c, 1, 1});
  return {encode(q, q.io, xq), encode(q, q.io, gq), encode(q, q.norm, beta)};
}

}  // namespace

std::vector<float> range_bn_forward(const RangeBnTensorParams& p, std::span<const float> x,
                                    const Shape& shape, std::span<const float> gamma,
                                    std::span<const float> beta, RangeBnSaved* saved) {
  const RangeBnParams& q = p.core;
  const ForwardOperands in = forward_operands(p, x, shape, gamma, beta);
  const RangeBnConstants k = range_bn_constants(q, static_cast<int64_t>(shape.per_channel()));

  RangeBnSaved local;
  RangeBnSaved& sv = saved ? *saved : local;
  sv.shape = shape;
  sv.constants = k;
  sv.gamma = in.gamma;
  sv.stats.assign(shape.c, {});
  sv.x_hat.assign(shape.c, {});
  std::vector<float> y(x.size());
  std::vector<uint32_t> ch, yc(shape.per_channel());
  const RangeBnValues io_values(q.io);
  for (std::size_t c = 0; c < shape.c; ++c) {
    gather(in.x, shape, c, ch);
    sv.stats[c] = range_bn_stats(q, k, ch);
    sv.x_hat[c].resize(ch.size());
    range_bn_normalize(q, sv.stats[c], in.gamma[c], in.beta[c], ch, sv.x_hat[c], yc);
    scatter(yc, io_values, shape, c, y);
  }
  if (p.bfp) bfp_inplace(p.io_bfp, y, shape);
  return y;
}

std::vector<float> range_bn_inference(const RangeBnTensorParams& p, std::span<const float> x,
                                      const Shape& shape, std::span<const float> gamma,
                                      std::span<const float> beta, std::span<const float> mean,
                                      std::span<const float> sigma) {
  const ForwardOperands in = forward_operands(p, x, shape, gamma, beta);
  if (mean.size() != shape.c || sigma.size() != shape.c)
    throw std::invalid_argument(
        fmt::format("range BN inference: mean has {} and sigma {} values for {} channels",
                    mean.size(), sigma.size(), shape.c));
  const RangeBnParams& q = p.core;
  std::vector<float> y(x.size());
  std::vector<uint32_t> ch, x_hat(shape.per_channel()), yc(shape.per_channel());
  const RangeBnValues io_values(q.io);
  for (std::size_t c = 0; c < shape.c; ++c) {
    const RangeBnStats s = range_bn_frozen_stats(q, fp32_bits(mean[c]), fp32_bits(sigma[c]));
    gather(in.x, shape, c, ch);
    range_bn_normalize(q, s, in.gamma[c], in.beta[c], ch, x_hat, yc);
    scatter(yc, io_values, shape, c, y);
  }
  if (p.bfp) bfp_inplace(p.io_bfp, y, shape);
  return y;
}

RangeBnTensorGrads range_bn_backward(const RangeBnTensorParams& p, std::span<const float> g,
                                     const RangeBnSaved& saved) {
  p.validate();
  const Shape& shape = saved.shape;
  check_shape(shape, g.size(), "the gradient");
  const RangeBnParams& q = p.core;
  std::vector<float> gq(g.begin(), g.end());
  if (p.bfp) bfp_inplace(p.grad_bfp, gq, shape);
  const std::vector<uint32_t> gcodes = encode(q, q.grad, gq);

  RangeBnTensorGrads r;
  r.dx.assign(g.size(), 0.0f);
  r.dgamma.assign(shape.c, 0.0f);
  r.dbeta.assign(shape.c, 0.0f);
  std::vector<uint32_t> ch, dx(shape.per_channel());
  const RangeBnValues grad_values(q.grad), stat_values(q.stat);
  for (std::size_t c = 0; c < shape.c; ++c) {
    gather(gcodes, shape, c, ch);
    const RangeBnGrads gr =
        range_bn_grad_sums(q, saved.constants, saved.stats[c], saved.gamma[c], ch, saved.x_hat[c]);
    range_bn_dx(q, saved.stats[c], gr, ch, dx);
    scatter(dx, grad_values, shape, c, r.dx);
    r.dgamma[c] = grad_values(gr.dgamma);
    r.dbeta[c] = stat_values(gr.dbeta);
  }
  if (p.bfp) {
    bfp_inplace(p.grad_bfp, r.dx, shape);
    bfp_inplace(p.grad_bfp, r.dgamma, {1, shape.c, 1, 1});
  }
  return r;
}

}  // namespace bf::golden::lightnorm
