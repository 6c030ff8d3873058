// blockforge.RangeBn: LightNorm's range batch normalization, forward and
// backward over float32 NCHW numpy arrays, bit-exact with the golden model
// (golden/lightnorm/range_bn_tensor.hpp) that lightnorm.bn_fwd and
// lightnorm.bn_bwd are verified against. Parameters are the configuration
// language's keys (range_bn_params.hpp); the forward hands back an opaque
// RangeBnSaved (the per-channel statistics, x_hat and gamma codes) that any
// number of backward calls read. x, gamma, beta and g are read straight from
// the numpy buffers and the results adopted by numpy, both without copies;
// the computation runs with the GIL released.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

#include "golden/formats/small_float_convert.hpp"
#include "golden/lightnorm/range_bn_tensor.hpp"
#include "python/src/arrays.hpp"
#include "python/src/bindings.hpp"
#include "python/src/range_bn_arrays.hpp"
#include "python/src/range_bn_params.hpp"

namespace bf::py {

namespace {

namespace ln = golden::lightnorm;

// What a forward call leaves for backward, with the parameters that made it
// (a backward under other parameters would read codes of other formats).
struct PySaved {
  std::shared_ptr<const ln::RangeBnSaved> saved;
  RangeBnPyParams params;
};

// The fp32 value of a code of f.
float value_of(const golden::FloatFormat& f, uint32_t code) {
  return golden::fp32_from_bits(f == golden::FloatFormat::fp32() ? code
                                                                 : golden::small_to_fp32(f, code));
}

// One per-channel statistic as float32 values (C,).
template <class Get>
pyb::array_t<float> per_channel(const PySaved& s, const golden::FloatFormat& f, Get get) {
  std::vector<float> v;
  for (const auto& st : s.saved->stats) v.push_back(value_of(f, get(st)));
  const auto c = static_cast<pyb::ssize_t>(v.size());
  return adopt(std::move(v), {c});
}

class PyRangeBn {
 public:
  explicit PyRangeBn(RangeBnPyParams p) : params_(std::move(p)), tensor_(params_.tensor()) {}

  const RangeBnPyParams& params() const { return params_; }

  pyb::tuple forward(const pyb::handle& x, const pyb::handle& gamma,
                     const pyb::handle& beta) const {
    const RangeBnInputs in = checked_forward_inputs(x, gamma, beta, tensor_.core);
    auto saved = std::make_shared<ln::RangeBnSaved>();
    std::vector<float> y;
    {
      pyb::gil_scoped_release release;
      y = ln::range_bn_forward(tensor_, in.x_values(), in.shape, in.gamma_values(),
                               in.beta_values(), saved.get());
    }
    return pyb::make_tuple(adopt(std::move(y), dims(in.shape)), PySaved{saved, params_});
  }

  pyb::array_t<float> inference(const pyb::handle& x, const pyb::handle& gamma,
                                const pyb::handle& beta, const pyb::handle& mean,
                                const pyb::handle& sigma) const {
    const RangeBnInferenceInputs in = checked_inference_inputs(x, gamma, beta, mean, sigma);
    std::vector<float> y;
    {
      pyb::gil_scoped_release release;
      y = ln::range_bn_inference(tensor_, in.x_values(), in.shape, in.gamma_values(),
                                 in.beta_values(), in.mean_values(), in.sigma_values());
    }
    return adopt(std::move(y), dims(in.shape));
  }

  pyb::tuple backward(const pyb::handle& g, const pyb::handle& saved_obj) const {
    if (!pyb::isinstance<PySaved>(saved_obj))
      throw pyb::type_error(
          "saved: expected the RangeBnSaved that RangeBn.forward returned, got " +
          pyb::str(pyb::type::of(saved_obj).attr("__name__")).cast<std::string>());
    const PySaved& s = saved_obj.cast<const PySaved&>();
    if (!range_bn_params_dict(s.params).equal(range_bn_params_dict(params_)))
      throw pyb::value_error("saved: made by a RangeBn with other parameters (" +
                             pyb::repr(range_bn_params_dict(s.params)).cast<std::string>() +
                             "); call backward on the RangeBn whose forward returned it");
    const auto ga = checked_gradient(g, s.saved->shape);
    ln::RangeBnTensorGrads r;
    {
      pyb::gil_scoped_release release;
      r = ln::range_bn_backward(tensor_, std::span<const float>(ga.data(), s.saved->shape.count()),
                                *s.saved);
    }
    const auto c = static_cast<pyb::ssize_t>(s.saved->shape.c);
    return pyb::make_tuple(adopt(std::move(r.dx), dims(s.saved->shape)),
                           adopt(std::move(r.dgamma), {c}), adopt(std::move(r.dbeta), {c}));
  }

  std::string repr() const {
    std::string out = "RangeBn(";
    bool first = true;
    for (const auto& [k, v] : range_bn_params_dict(params_)) {
      out += (first ? "" : ", ") + pyb::str(k).cast<std::string>() + "=" +
             pyb::repr(v).cast<std::string>();
      first = false;
    }
    return out + ")";
  }

 private:
  RangeBnPyParams params_;
  ln::RangeBnTensorParams tensor_;
};

}  // namespace

void bind_range_bn(pyb::module_& m) {
  using namespace pybind11::literals;
  pyb::class_<PySaved>(m, "RangeBnSaved",
                       "What RangeBn.forward keeps for backward: per channel the statistics, "
                       "x_hat (io codes) and gamma as the forward used it. Opaque; backward may "
                       "read it any number of times. The properties expose the statistics.")
      .def_property_readonly(
          "shape",
          [](const PySaved& s) {
            const ln::Shape& x = s.saved->shape;
            return pyb::make_tuple(x.n, x.c, x.h, x.w);
          },
          "the forward's x shape (N, C, H, W)")
      .def_property_readonly(
          "n", [](const PySaved& s) { return s.saved->constants.n; }, "values per channel, N*H*W")
      .def_property_readonly(
          "range_constant",
          [](const PySaved& s) { return golden::fp32_from_bits(s.saved->constants.c); },
          "C(n) = 1/sqrt(2 ln(n / chunks)) as the fp32 value the model uses")
      .def_property_readonly(
          "mean",
          [](const PySaved& s) {
            return per_channel(s, ln::range_bn_params(s.params.rb).stat,
                               [](const ln::RangeBnStats& st) { return st.mean; });
          },
          "per-channel mean, float32 (C,) (values of stat codes)")
      .def_property_readonly(
          "range",
          [](const PySaved& s) {
            return per_channel(s, ln::range_bn_params(s.params.rb).stat,
                               [](const ln::RangeBnStats& st) { return st.range; });
          },
          "per-channel range = (sum of chunk maxima - sum of chunk minima) / chunks, (C,)")
      .def_property_readonly(
          "scale",
          [](const PySaved& s) {
            return per_channel(s, ln::range_bn_params(s.params.rb).stat,
                               [](const ln::RangeBnStats& st) { return st.scale; });
          },
          "per-channel scale = 1 / (C(n) * range + eps) by the reciprocal parameter, (C,)")
      .def("__repr__", [](const PySaved& s) {
        return "RangeBnSaved(shape=" + shape_text(s.saved->shape) + ")";
      });

  pyb::class_<PyRangeBn>(
      m, "RangeBn",
      "LightNorm's range batch normalization, bit-exact with the golden model the "
      "lightnorm.bn_fwd / lightnorm.bn_bwd RTL is verified against.\n\n"
      "RangeBn(design=None, **params): params are the keys of `blockforge list` "
      "lightnorm.bn_fwd (chunks, io, grad, stat, norm, exponent, convert_rounding, "
      "arith_rounding, reciprocal, table_bits, newton_steps, bfp, bfp_group, bfp_bits) plus "
      "grad_bfp_bits (the BFP of g, dx and dgamma); design is a lightnorm.bn_fwd or bn_bwd design "
      "file whose arithmetic keys are taken (lanes, len_bits and div_stages are hardware only and "
      "ignored; params override the file). eps is the model's fixed fp32 1e-5. "
      "RangeBn.fp32() is fp32 arithmetic without BFP, the exactness baseline.")
      .def(pyb::init([](const pyb::object& design, const pyb::kwargs& kwargs) {
             return PyRangeBn(read_range_bn_params(design, kwargs));
           }),
           "design"_a = pyb::none())
      .def_static(
          "fp32", [](const pyb::kwargs& kwargs) { return PyRangeBn(fp32_range_bn_params(kwargs)); },
          "fp32 io, grad, stat and norm, bfp = 'none' (params override): range BN's formula in "
          "fp32 arithmetic, the exactness baseline")
      .def_property_readonly(
          "params", [](const PyRangeBn& r) { return range_bn_params_dict(r.params()); },
          "every parameter and its value (a new dict)")
      .def("forward", &PyRangeBn::forward,
           "forward(x, gamma, beta) -> (y, saved): x float32 (N, C, H, W) C-contiguous, gamma "
           "and beta float32 (C,); n = N*H*W must be a multiple of chunks with >= 2 per chunk. "
           "y is float32 NCHW (values of io codes after the BFP of y); saved feeds backward.",
           "x"_a, "gamma"_a, "beta"_a)
      .def("inference", &PyRangeBn::inference,
           "inference(x, gamma, beta, mean, sigma) -> y: range BN with frozen statistics "
           "(eval mode): the forward's datapath and formats with the batch's mean and "
           "C(n) * range replaced by the float32 (C,) mean and sigma given (scale = "
           "1 / (sigma + eps) in stat). Any N*H*W >= 1. With a forward's saved.mean and "
           "saved.range * saved.range_constant it returns that forward's y, bit for bit.",
           "x"_a, "gamma"_a, "beta"_a, "mean"_a, "sigma"_a)
      .def("backward", &PyRangeBn::backward,
           "backward(g, saved) -> (dx, dgamma, dbeta): g float32 of x's shape, saved from this "
           "RangeBn's forward. dx NCHW in grad, dgamma (C,) in grad, dbeta (C,) in stat, all "
           "float32 values (after the gradient BFP).",
           "g"_a, "saved"_a)
      .def("__repr__", &PyRangeBn::repr)
      // Pickled as its parameters (copy.deepcopy and torch.save of a model
      // holding a RangeBatchNorm2d go through this).
      .def(pyb::pickle([](const PyRangeBn& r) { return range_bn_params_dict(r.params()); },
                       [](const pyb::dict& d) {
                         return PyRangeBn(read_range_bn_params(
                             pyb::none(), pyb::reinterpret_borrow<pyb::kwargs>(d)));
                       }));

  bind_range_bn_testing(m);
}

}  // namespace bf::py
