// blockforge.OpalPe, MxDot and Bf16Dot: the exact dot-product arithmetic of
// the opal.pe, baseline.mx_dot and baseline.bf16_dot units as GEMMs on
// float32 numpy arrays, bit for bit the golden models the generated RTL is
// verified against (python/src/engine_kernels.hpp says how each output is
// defined). An engine is built from the unit's parameters (keyword arguments
// named as in the design files) or from a design file, so a study computes
// with the numerics of exactly the hardware it generates.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "generator/config/config.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/units/baseline_mx_dot/baseline_mx_dot.hpp"
#include "python/src/arrays.hpp"
#include "python/src/bindings.hpp"
#include "python/src/engine_kernels.hpp"
#include "python/src/engine_params.hpp"
#include "python/src/engine_types.hpp"

namespace bf::py {

namespace {

template <class E, class P>
E make_opal_engine(const pyb::object& design, const pyb::kwargs& kwargs, const std::string& cls,
                   const std::string& unit) {
  const P p = read_engine_params<P>(design, kwargs, cls, unit);
  E e;
  e.unit = unit;
  e.params = cfg::params_to_json(p);
  e.config = p.config();
  return e;
}

Bf16DotEngine make_bf16_engine(const pyb::object& design, const pyb::kwargs& kwargs) {
  Bf16DotEngine e;
  e.p = read_engine_params<golden::Bf16DotParams>(design, kwargs, "Bf16Dot", e.unit);
  e.params = cfg::params_to_json(e.p);
  return e;
}

// "OpalPe(block=128, act_bits=[3, 5], ...)": every parameter, Python spelling.
std::string repr(const std::string& cls, const nlohmann::ordered_json& params) {
  std::string s = cls + "(";
  bool first = true;
  for (const auto& [key, value] : params_dict(params)) {
    s += (first ? "" : ", ") + pyb::str(key).cast<std::string>() + "=" +
         pyb::repr(value).cast<std::string>();
    first = false;
  }
  return s + ")";
}

void check_mode(const OpalEngine& e, int mode) {
  const int modes = static_cast<int>(e.config.act_bits.size());
  if (mode >= 0 && mode < modes) return;
  std::string bits;
  for (int b : e.config.act_bits) bits += (bits.empty() ? "" : ", ") + std::to_string(b);
  throw pyb::value_error("mode=" + std::to_string(mode) + ": this " + e.unit + " has act_bits = [" +
                         bits + "], so mode is an index 0.." + std::to_string(modes - 1) +
                         " into that list");
}

// x (M, K) and w (N, K) float32, C-contiguous, the same K >= 1.
struct GemmOperands {
  pyb::array_t<float> x, w;
  std::size_t m, n, k;
};

std::size_t checked_k(const pyb::array& x, const pyb::array& w, const std::string& w_name) {
  if (w.shape(1) != x.shape(1))
    throw pyb::value_error(
        w_name + ": expected shape (N, K) with K = " + std::to_string(x.shape(1)) + " like x " +
        shape_text(x) + ", got " + shape_text(w) + "; each row of " + w_name +
        " is one output channel's weights over x's K inputs");
  if (x.shape(1) == 0)
    throw pyb::value_error("x: K = 0 (shape " + shape_text(x) +
                           "); a dot product needs at least one element");
  return static_cast<std::size_t>(x.shape(1));
}

pyb::array_t<float> checked_x(const pyb::object& obj) {
  auto x = checked_array<float>(obj, "x");
  require_ndim(x, 2, "x", "(M, K) of activations");
  return x;
}

GemmOperands gemm_operands(const pyb::object& x_obj, const pyb::object& w_obj) {
  auto x = checked_x(x_obj);
  auto w = checked_array<float>(w_obj, "w");
  require_ndim(w, 2, "w", "(N, K) of weights, one row per output channel");
  const std::size_t k = checked_k(x, w, "w");
  return {x, w, static_cast<std::size_t>(x.shape(0)), static_cast<std::size_t>(w.shape(0)), k};
}

pyb::array_t<float> opal_gemm_py(const OpalEngine& e, const pyb::object& x_obj,
                                 const pyb::object& w_obj, int mode) {
  check_mode(e, mode);
  const GemmOperands g = gemm_operands(x_obj, w_obj);
  auto [y, out] = new_fp32_result(g.m, g.n);
  const float* x = g.x.data();
  const float* w = g.w.data();
  {
    pyb::gil_scoped_release release;
    const OpalWeights q = quantize_opal_weights(e.config, w, g.n, g.k);
    opal_gemm(e.config, mode, x, g.m, q, out);
  }
  return y;
}

pyb::tuple quantize_weights_py(const OpalEngine& e, const pyb::object& w_obj) {
  auto w = checked_array<float>(w_obj, "w");
  require_ndim(w, 2, "w", "(N, K) of weights, one row per output channel");
  const std::size_t n = static_cast<std::size_t>(w.shape(0)),
                    k = static_cast<std::size_t>(w.shape(1));
  auto codes = new_array<int8_t>({w.shape(0), w.shape(1)});
  auto scales = new_array<float>({w.shape(0)});
  const float* wp = w.data();
  int8_t* cp = codes.mutable_data();
  float* sp = scales.mutable_data();
  {
    pyb::gil_scoped_release release;
    const OpalWeights q = quantize_opal_weights(e.config, wp, n, k);
    for (std::size_t r = 0; r < n; ++r) {
      sp[r] = golden::fp32_from_bits(q.scales_bf16[r] << 16);
      for (std::size_t i = 0; i < k; ++i)
        cp[r * k + i] = static_cast<int8_t>(q.values[r * q.padded_k + i]);
    }
  }
  return pyb::make_tuple(codes, scales);
}

pyb::array_t<uint16_t> checked_scales(const pyb::object& obj, std::size_t n) {
  if (pyb::isinstance<pyb::array>(obj) &&
      pyb::reinterpret_borrow<pyb::array>(obj).dtype().is(pyb::dtype::of<float>()))
    throw pyb::type_error(
        "scales_bf16: expected the bf16 codes as uint16, got float32 values; convert bf16-exact "
        "float32 scales (as quantize_weights returns them) with "
        "(scales.view(np.uint32) >> 16).astype(np.uint16)");
  auto s = checked_array<uint16_t>(obj, "scales_bf16");
  require_ndim(s, 1, "scales_bf16", "(N,) of bf16 codes, one per output channel");
  if (static_cast<std::size_t>(s.shape(0)) != n)
    throw pyb::value_error("scales_bf16: expected one scale per row of codes (N = " +
                           std::to_string(n) + "), got shape " + shape_text(s));
  return s;
}

pyb::array_t<float> opal_gemm_codes_py(const OpalEngine& e, const pyb::object& x_obj,
                                       const pyb::object& codes_obj, const pyb::object& scales_obj,
                                       int mode) {
  check_mode(e, mode);
  auto x = checked_x(x_obj);
  auto codes = checked_array<int8_t>(codes_obj, "codes");
  require_ndim(codes, 2, "codes", "(N, K) of weight integers, one row per output channel");
  const std::size_t k = checked_k(x, codes, "codes");
  const std::size_t m = static_cast<std::size_t>(x.shape(0)),
                    n = static_cast<std::size_t>(codes.shape(0));
  auto scales = checked_scales(scales_obj, n);
  const int bits = e.config.weight_bits;
  const int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  const int8_t* cp = codes.data();
  for (std::size_t i = 0; i < n * k; ++i)
    if (cp[i] < lo || cp[i] > hi)
      throw pyb::value_error("codes: codes[" + std::to_string(i / k) + ", " +
                             std::to_string(i % k) + "] = " + std::to_string(cp[i]) +
                             " does not fit weight_bits = " + std::to_string(bits) + " (" +
                             std::to_string(lo) + ".." + std::to_string(hi) +
                             "); quantize to the engine's weight width");
  auto [y, out] = new_fp32_result(static_cast<std::size_t>(x.shape(0)), n);
  const float* xp = x.data();
  const uint16_t* sp = scales.data();
  {
    pyb::gil_scoped_release release;
    const OpalWeights q = opal_weights_from_values(e.config, cp, sp, n, k);
    opal_gemm(e.config, mode, xp, m, q, out);
  }
  return y;
}

pyb::array_t<float> bf16_gemm_py(const Bf16DotEngine& e, const pyb::object& x_obj,
                                 const pyb::object& w_obj, const pyb::kwargs& kwargs) {
  if (kwargs.size() != 0)
    throw pyb::type_error(
        "Bf16Dot.gemm() takes no keyword arguments (got " +
        pyb::str(pyb::list(kwargs.attr("keys")())).cast<std::string>() +
        "): baseline.bf16_dot has a single arithmetic, bf16 x bf16 with fp32 accumulation; mode= "
        "selects opal.pe's activation widths");
  const GemmOperands g = gemm_operands(x_obj, w_obj);
  auto [y, out] = new_fp32_result(g.m, g.n);
  const float* x = g.x.data();
  const float* w = g.w.data();
  {
    pyb::gil_scoped_release release;
    bf16_gemm(e.p, x, g.m, w, g.n, g.k, out);
  }
  return y;
}

constexpr const char* kParamsDoc =
    "Every parameter of the unit by its design-file name, defaults filled in (a new dict).";

constexpr const char* kOpalGemmDoc =
    "gemm(x, w, *, mode=0) -> float32 (M, N): out[m, n] is what the unit outputs for the dot "
    "product of x[m] (float32 activations, (M, K)) with w[n] (float32 weights, (N, K), one row "
    "per output channel), both C-contiguous. Each x row is quantized once to MX-OPAL (MXINT for "
    "MxDot) blocks of act_bits[mode] bits, each w row once to weight_bits two's complement "
    "integers with a bf16 scale (symmetric, max |w| / (2^(b-1) - 1)); the blocks' exact integer "
    "sums, outlier products and fp32 accumulation are the unit's, bit for bit. K need not be a "
    "multiple of block: rows are zero-padded to whole blocks, as the unit must be fed, which "
    "changes neither a block's scale nor its sum.";

constexpr const char* kQuantizeWeightsDoc =
    "quantize_weights(w) -> (codes int8 (N, K), scales float32 (N,)): the weight quantization "
    "gemm applies, per row: codes are the two's complement integer values, scales the bf16 "
    "per-channel scales (exact bf16 values as float32).";

constexpr const char* kGemmCodesDoc =
    "gemm_codes(x, codes, scales_bf16, *, mode=0) -> float32 (M, N): gemm with pre-quantized "
    "weights: codes int8 (N, K) integer values that fit weight_bits, scales_bf16 uint16 (N,) bf16 "
    "codes (from quantize_weights' float32 scales: (scales.view(np.uint32) >> 16)"
    ".astype(np.uint16)).";

template <class E, class P>
void bind_opal_engine(pyb::module_& m, const char* cls, const char* unit, const char* doc) {
  using namespace pybind11::literals;
  const std::string name = cls, unit_name = unit;
  pyb::class_<E>(m, cls, doc)
      .def(pyb::init([name, unit_name](const pyb::object& design, const pyb::kwargs& kwargs) {
             return make_opal_engine<E, P>(design, kwargs, name, unit_name);
           }),
           "design"_a = pyb::none())
      .def_property_readonly(
          "params", [](const E& e) { return params_dict(e.params); }, kParamsDoc)
      .def_property_readonly(
          "unit", [](const E& e) { return e.unit; }, "The unit's registry name.")
      .def("__repr__", [name](const E& e) { return repr(name, e.params); })
      .def(
          "gemm",
          [](const E& e, const pyb::object& x, const pyb::object& w, int mode) {
            return opal_gemm_py(e, x, w, mode);
          },
          kOpalGemmDoc, "x"_a, "w"_a, pyb::kw_only(), "mode"_a = 0)
      .def(
          "quantize_weights",
          [](const E& e, const pyb::object& w) { return quantize_weights_py(e, w); },
          kQuantizeWeightsDoc, "w"_a)
      .def(
          "gemm_codes",
          [](const E& e, const pyb::object& x, const pyb::object& codes, const pyb::object& scales,
             int mode) { return opal_gemm_codes_py(e, x, codes, scales, mode); },
          kGemmCodesDoc, "x"_a, "codes"_a, "scales_bf16"_a, pyb::kw_only(), "mode"_a = 0);
}

}  // namespace

void bind_engines(pyb::module_& m) {
  using namespace pybind11::literals;
  bind_opal_engine<OpalPeEngine, golden::OpalPeParams>(
      m, "OpalPe", "opal.pe",
      "OpalPe(design=None, **params): OPAL's PE arithmetic (MX-OPAL activations with bf16 "
      "outliers x low-bit integer weights, fp32 accumulation). params are opal.pe's parameters by "
      "their design-file names (`blockforge list`), e.g. OpalPe(block=128, act_bits=[3, 5], "
      "outliers=4, weight_bits=4); or design='configs/opal_pe.toml'. Bad parameters raise "
      "ValueError with the config language's message.");
  bind_opal_engine<MxDotEngine, golden::MxDotParams>(
      m, "MxDot", "baseline.mx_dot",
      "MxDot(design=None, **params): baseline.mx_dot, opal.pe's engine for plain MXINT "
      "activations (no outliers). params are baseline.mx_dot's (`blockforge list`); or design=.");
  pyb::class_<Bf16DotEngine>(
      m, "Bf16Dot",
      "Bf16Dot(design=None, **params): baseline.bf16_dot, bf16 activations x bf16 weights with "
      "fp32 accumulation (accumulation = \"tree\" or \"fused\", subnormals, lanes: "
      "`blockforge list`); or design=.")
      .def(pyb::init([](const pyb::object& design, const pyb::kwargs& kwargs) {
             return make_bf16_engine(design, kwargs);
           }),
           "design"_a = pyb::none())
      .def_property_readonly(
          "params", [](const Bf16DotEngine& e) { return params_dict(e.params); }, kParamsDoc)
      .def_property_readonly(
          "unit", [](const Bf16DotEngine& e) { return e.unit; }, "The unit's registry name.")
      .def("__repr__", [](const Bf16DotEngine& e) { return repr("Bf16Dot", e.params); })
      .def("gemm", &bf16_gemm_py,
           "gemm(x, w) -> float32 (M, N): x (M, K) and w (N, K) float32, C-contiguous, both "
           "rounded to bf16 (nearest even); out[m, n] is the unit's dot product of the two rows "
           "fed as ceil(K / lanes) beats, the last zero-padded (bf16_dot_row).",
           "x"_a, "w"_a);
  bind_engine_testing(m);
}

}  // namespace bf::py
