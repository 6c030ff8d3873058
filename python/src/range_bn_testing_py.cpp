// blockforge._core._testing_range_bn_reference: a second C++ path through
// range BN for the tests of blockforge.RangeBn. It composes the tensor level
// again from the per-channel contract of golden/lightnorm/range_bn.hpp with
// none of range_bn_tensor.cpp's code: its own NCHW indexing, the scalar
// conversions (small_quantize / small_encode / small_to_fp32 one value at a
// time instead of the array kernels), LightNorm's BFP group by group with
// the rule's reference function lightnorm_bfp_group (instead of the tiled
// lightnorm_bfp_nchw), and dx element by element with RangeBnDxElement and
// the flags taken from the statistics' argmax / argmin (instead of
// range_bn_dx). The order of the steps is range_bn_tensor.hpp's header.
// Slow and simple on purpose; not part of the public API.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "golden/formats/lightnorm_bfp.hpp"
#include "golden/formats/small_float_convert.hpp"
#include "golden/lightnorm/range_bn.hpp"
#include "python/src/range_bn_arrays.hpp"
#include "python/src/range_bn_params.hpp"

namespace bf::py {

namespace {

namespace pyb = pybind11;
namespace ln = golden::lightnorm;
using golden::FloatFormat;

uint32_t bits_of(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

float float_of(uint32_t u) {
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

// fp32 value of a code of f (fp32 codes are their own values).
float value(const FloatFormat& f, uint32_t code) {
  return float_of(f == FloatFormat::fp32() ? code : golden::small_to_fp32(f, code));
}

struct Tensor {
  ln::Shape s;
  std::vector<float> v;  // NCHW
  float& at(std::size_t b, std::size_t c, std::size_t i) {
    return v[(b * s.c + c) * s.h * s.w + i];
  }
};

// LightNorm's BFP over the channel groups at every (b, h, w) position, one
// group at a time, on the fp32 codes (range_bn_tensor.hpp: BFP on fp32 values).
void bfp_groups(const golden::LightnormBfp& p, Tensor& t) {
  std::vector<uint32_t> group;
  for (std::size_t b = 0; b < t.s.n; ++b)
    for (std::size_t i = 0; i < t.s.h * t.s.w; ++i)
      for (std::size_t c0 = 0; c0 < t.s.c; c0 += static_cast<std::size_t>(p.group)) {
        const std::size_t end = std::min(t.s.c, c0 + static_cast<std::size_t>(p.group));
        group.clear();
        for (std::size_t c = c0; c < end; ++c) group.push_back(bits_of(t.at(b, c, i)));
        golden::lightnorm_bfp_group(p, FloatFormat::fp32(), group);
        for (std::size_t c = c0; c < end; ++c) t.at(b, c, i) = float_of(group[c - c0]);
      }
}

// Every value converted into f (fake quantization, value by value).
void quantize(const golden::SmallFloatConvert& conv, Tensor& t) {
  for (float& x : t.v) x = float_of(golden::small_quantize(conv, bits_of(x)));
}

pyb::tuple reference(const pyb::handle& x_obj, const pyb::handle& gamma_obj,
                     const pyb::handle& beta_obj, const pyb::handle& g_obj,
                     const pyb::kwargs& kwargs) {
  const RangeBnPyParams pp = read_range_bn_params(pyb::none(), kwargs);
  const ln::RangeBnTensorParams tp = pp.tensor();
  const ln::RangeBnParams& q = tp.core;
  const RangeBnInputs in = checked_forward_inputs(x_obj, gamma_obj, beta_obj, q);
  const auto g_arr = checked_gradient(g_obj, in.shape);
  const ln::Shape s = in.shape;
  const std::size_t n = s.per_channel(), hw = s.h * s.w;
  const golden::SmallFloatConvert io{q.io, q.exponent, q.convert_rounding},
      grad{q.grad, q.exponent, q.convert_rounding}, norm{q.norm, q.exponent, q.convert_rounding};

  Tensor x{s, {in.x.data(), in.x.data() + s.count()}};
  Tensor gamma{{1, s.c, 1, 1}, {in.gamma.data(), in.gamma.data() + s.c}};
  Tensor g{s, {g_arr.data(), g_arr.data() + s.count()}};
  Tensor y{s, std::vector<float>(s.count())}, dx{s, std::vector<float>(s.count())};
  Tensor dgamma{{1, s.c, 1, 1}, std::vector<float>(s.c)};
  std::vector<float> dbeta(s.c);
  {
    pyb::gil_scoped_release release;
    quantize(io, x);
    quantize(io, gamma);
    if (tp.bfp) {
      bfp_groups(tp.io_bfp, x);
      bfp_groups(tp.io_bfp, gamma);
      bfp_groups(tp.grad_bfp, g);  // g: BFP before the conversion into grad
    }
    const ln::RangeBnConstants k = ln::range_bn_constants(q, static_cast<int64_t>(n));
    const int64_t len = static_cast<int64_t>(n) / q.chunks;
    std::vector<uint32_t> xc(n), gc(n), x_hat(n), yc(n);
    for (std::size_t c = 0; c < s.c; ++c) {
      for (std::size_t b = 0; b < s.n; ++b)
        for (std::size_t i = 0; i < hw; ++i) {
          xc[b * hw + i] = golden::small_encode(io, bits_of(x.at(b, c, i)));
          gc[b * hw + i] = golden::small_encode(grad, bits_of(g.at(b, c, i)));
        }
      const uint32_t gamma_code = golden::small_encode(io, bits_of(gamma.v[c]));
      const uint32_t beta_code = golden::small_encode(norm, bits_of(in.beta.data()[c]));
      const ln::RangeBnStats st = ln::range_bn_stats(q, k, xc);
      ln::range_bn_normalize(q, st, gamma_code, beta_code, xc, x_hat, yc);
      const ln::RangeBnGrads gr = ln::range_bn_grad_sums(q, k, st, gamma_code, gc, x_hat);
      const ln::RangeBnDxElement element(q, gr);
      for (std::size_t b = 0; b < s.n; ++b)
        for (std::size_t i = 0; i < hw; ++i) {
          const std::size_t p = b * hw + i;
          const auto chunk = static_cast<std::size_t>(static_cast<int64_t>(p) / len);
          const bool at_max = st.argmax[chunk] == static_cast<int64_t>(p);
          const bool at_min = st.argmin[chunk] == static_cast<int64_t>(p);
          y.at(b, c, i) = value(q.io, yc[p]);
          dx.at(b, c, i) = value(q.grad, element(gc[p], at_max, at_min));
        }
      dgamma.v[c] = value(q.grad, gr.dgamma);
      dbeta[c] = value(q.stat, gr.dbeta);
    }
    if (tp.bfp) {
      bfp_groups(tp.io_bfp, y);
      bfp_groups(tp.grad_bfp, dx);
      bfp_groups(tp.grad_bfp, dgamma);
    }
  }
  const auto c = static_cast<pyb::ssize_t>(s.c);
  return pyb::make_tuple(adopt(std::move(y.v), dims(s)), adopt(std::move(dx.v), dims(s)),
                         adopt(std::move(dgamma.v), {c}), adopt(std::move(dbeta), {c}));
}

}  // namespace

void bind_range_bn_testing(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("_testing_range_bn_reference", &reference,
        "Tests only: (y, dx, dgamma, dbeta) of range BN forward then backward through a second "
        "C++ path built from the per-channel contract (range_bn.hpp), to compare bit for bit "
        "with RangeBn(**params).forward / backward.",
        "x"_a, "gamma"_a, "beta"_a, "g"_a);
}

}  // namespace bf::py
