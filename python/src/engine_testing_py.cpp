// blockforge._core._testing: a second path to every engine GEMM, for the
// tests only. It feeds the same numbers beat by beat through the unit's cycle
// model (OpalPeModel, Bf16DotModel: the models the Verilator testbench
// compares the RTL with), as one continuous stream from reset, one dot
// product after another, the way the hardware would see a GEMM. The engines'
// gemm() computes each output with its own kernel (engine_kernels.cpp); the
// tests require the two to agree in every bit.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "golden/formats/float_format.hpp"
#include "golden/units/opal_core/opal_gemv.hpp"
#include "python/src/arrays.hpp"
#include "python/src/bindings.hpp"
#include "python/src/engine_kernels.hpp"
#include "python/src/engine_types.hpp"

namespace bf::py {

namespace {

struct Operands {
  pyb::array_t<float> x, w;
  std::size_t m, n, k;
};

Operands operands(const pyb::object& x_obj, const pyb::object& w_obj) {
  auto x = checked_array<float>(x_obj, "x");
  auto w = checked_array<float>(w_obj, "w");
  require_ndim(x, 2, "x", "(M, K)");
  require_ndim(w, 2, "w", "(N, K)");
  if (x.shape(1) != w.shape(1) || x.shape(1) == 0)
    throw pyb::value_error("x and w: expected the same K >= 1, got " + shape_text(x) + " and " +
                           shape_text(w));
  return {x, w, static_cast<std::size_t>(x.shape(0)), static_cast<std::size_t>(w.shape(0)),
          static_cast<std::size_t>(x.shape(1))};
}

// The fp32 bits of `count` floats, zero-padded to `padded`.
std::vector<uint32_t> padded_bits(const float* v, std::size_t count, std::size_t padded) {
  std::vector<uint32_t> out(padded, 0);
  for (std::size_t i = 0; i < count; ++i) out[i] = golden::fp32_bits(v[i]);
  return out;
}

pyb::array_t<float> opal_model_gemm(const OpalEngine& e, const pyb::object& x_obj,
                                    const pyb::object& w_obj, int mode) {
  const golden::OpalPeConfig& c = e.config;
  if (mode < 0 || mode >= static_cast<int>(c.act_bits.size()))
    throw pyb::value_error("mode out of range");
  const Operands o = operands(x_obj, w_obj);
  const std::size_t kb = static_cast<std::size_t>(c.block),
                    lanes = static_cast<std::size_t>(c.lanes);
  const std::size_t pk = (o.k + kb - 1) / kb * kb;
  auto [y, out] = new_fp32_result(o.m, o.n);
  const float* x = o.x.data();
  const float* w = o.w.data();
  {
    pyb::gil_scoped_release release;
    // Weight rows as the unit's weight inputs: codes zero-padded to whole blocks.
    std::vector<golden::IntWeightRow> weights;
    for (std::size_t r = 0; r < o.n; ++r) {
      weights.push_back(golden::quantize_weight_row({w + r * o.k, o.k}, c.weight_bits));
      weights.back().codes.resize(pk, 0);
    }
    golden::OpalPeModel pe(c);
    golden::OpalPeBeat beat;
    beat.mode = mode;
    for (std::size_t r = 0; r < o.m; ++r) {
      const auto act = golden::opal_quantize_activation(c, mode, padded_bits(x + r * o.k, o.k, pk));
      for (std::size_t col = 0; col < o.n; ++col) {
        bool done = false;
        for (std::size_t blk = 0; blk < act.blocks.size(); ++blk) {
          const golden::MxOpalBlock& q = act.blocks[blk];
          for (std::size_t first = blk * kb; first < (blk + 1) * kb; first += lanes) {
            const auto from = static_cast<std::ptrdiff_t>(first),
                       to = static_cast<std::ptrdiff_t>(first + lanes);
            beat.codes.assign(act.codes.begin() + from, act.codes.begin() + to);
            beat.weights.assign(weights[col].codes.begin() + from, weights[col].codes.begin() + to);
            beat.scale = q.scale;
            beat.indices = q.indices;
            beat.outliers = q.outliers;
            beat.wscale = weights[col].scale_bf16;
            beat.last = blk + 1 == act.blocks.size();
            const golden::OpalPeOutput step = pe.step(beat);
            if (step.done != (beat.last && first + lanes == (blk + 1) * kb))
              throw std::runtime_error("opal_model_gemm: done on an unexpected beat");
            if (step.done) {
              out[r * o.n + col] = step.y;
              done = true;
            }
          }
        }
        if (!done) throw std::runtime_error("opal_model_gemm: a row ended without done");
      }
    }
  }
  return y;
}

pyb::array_t<float> bf16_model_gemm(const Bf16DotEngine& e, const pyb::object& x_obj,
                                    const pyb::object& w_obj) {
  const Operands o = operands(x_obj, w_obj);
  const std::size_t lanes = static_cast<std::size_t>(e.p.lanes);
  const std::size_t padded = (o.k + lanes - 1) / lanes * lanes;
  auto [y, out] = new_fp32_result(o.m, o.n);
  const float* x = o.x.data();
  const float* w = o.w.data();
  {
    pyb::gil_scoped_release release;
    // bf16 codes, rows zero-padded (+0) to whole beats.
    auto bf16_rows = [&](const float* v, std::size_t rows) {
      std::vector<uint32_t> codes(rows * padded, 0);
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < o.k; ++i)
          codes[r * padded + i] = golden::fp32_to_bf16(golden::fp32_bits(v[r * o.k + i]));
      return codes;
    };
    const auto xb = bf16_rows(x, o.m), wb = bf16_rows(w, o.n);
    golden::Bf16DotModel unit(e.p);
    for (std::size_t r = 0; r < o.m; ++r)
      for (std::size_t col = 0; col < o.n; ++col)
        for (std::size_t first = 0; first < padded; first += lanes) {
          const bool last = first + lanes == padded;
          const auto step = unit.step(last, &xb[r * padded + first], &wb[col * padded + first]);
          if (step.done != last) throw std::runtime_error("bf16_model_gemm: done on a wrong beat");
          if (step.done) out[r * o.n + col] = step.y;
        }
  }
  return y;
}

}  // namespace

void bind_engine_testing(pyb::module_& m) {
  using namespace pybind11::literals;
  auto t = m.def_submodule(
      "_testing",
      "Test-only second paths: the engines' GEMMs fed beat by beat through the units' cycle "
      "models (slow; small matrices only).");
  t.def(
      "opal_model_gemm",
      [](const OpalPeEngine& e, const pyb::object& x, const pyb::object& w, int mode) {
        return opal_model_gemm(e, x, w, mode);
      },
      "OpalPe.gemm through OpalPeModel, one beat of lanes elements at a time.", "engine"_a, "x"_a,
      "w"_a, "mode"_a = 0);
  t.def(
      "opal_model_gemm",
      [](const MxDotEngine& e, const pyb::object& x, const pyb::object& w, int mode) {
        return opal_model_gemm(e, x, w, mode);
      },
      "MxDot.gemm through OpalPeModel, one beat of lanes elements at a time.", "engine"_a, "x"_a,
      "w"_a, "mode"_a = 0);
  t.def("use_host_float_arithmetic", &use_host_float_arithmetic,
        "Whether the engines' gemm may use host float operations where they equal the golden "
        "fp32 operators (the default), or must use the golden operators: both are tested.",
        "on"_a);
  t.def("host_float_arithmetic", &host_float_arithmetic,
        "Whether the engines' gemm uses host float operations now.");
  t.def("bf16_model_gemm", &bf16_model_gemm,
        "Bf16Dot.gemm through Bf16DotModel, one beat of lanes elements at a time.", "engine"_a,
        "x"_a, "w"_a);
}

}  // namespace bf::py
