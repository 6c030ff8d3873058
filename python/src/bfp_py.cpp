// blockforge.bfp_matmul: FlexBlock's bit-exact BFP GEMM
// (golden/flexblock/bfp_gemm.hpp) on float32 numpy arrays, C = A @ B with both
// operands quantized along K, the reduction dimension, in any of the three
// mantissa modes. The operands are read through their strides, so the
// transposed views a training step needs (dY @ W, dY.T @ X) cost no copy.
// It also reports each operand's zero-setting error (the fraction of its
// non-zero elements that BFP conversion flushes to zero), the quantity
// FlexBlock's dynamic precision control watches.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstring>
#include <string>
#include <thread>

#include "golden/flexblock/bfp_gemm.hpp"
#include "golden/formats/rounding.hpp"
#include "python/src/arrays.hpp"
#include "python/src/bindings.hpp"

namespace bf::py {

namespace {

namespace fb = golden::flexblock;

fb::Mode mode_of(int bits, const std::string& arg) {
  if (bits != 4 && bits != 8 && bits != 16)
    throw pyb::value_error(arg + "=" + std::to_string(bits) +
                           ": FlexBlock's mantissa modes are 4, 8 and 16 bits; pass one of them");
  return fb::mode_from_bits(bits);
}

int group_of(const pyb::object& g, fb::Mode m, const std::string& arg) {
  if (g.is_none()) return fb::default_group_size(m);
  const long long v = g.cast<long long>();
  if (v < 1 || v > 4096)
    throw pyb::value_error(arg + "=" + std::to_string(v) +
                           ": a BFP group holds 1..4096 elements along K");
  return static_cast<int>(v);
}

// A 2-d float32 array of any strides (in whole elements): the pointer and the
// element strides of its two axes.
struct Strided2d {
  const float* data;
  pyb::ssize_t rows, cols;
  std::ptrdiff_t row_stride, col_stride;
};

Strided2d strided_2d(const pyb::handle& obj, const std::string& arg, const std::string& layout) {
  if (!pyb::isinstance<pyb::array>(obj))
    throw pyb::type_error(arg + ": expected a numpy array of float32; pass np.asarray(" + arg +
                          ", dtype=np.float32)");
  auto a = pyb::reinterpret_borrow<pyb::array>(obj);
  if (!a.dtype().is(pyb::dtype::of<float>()))
    throw pyb::type_error(arg + ": expected dtype float32, got " +
                          pyb::str(a.dtype()).cast<std::string>() + "; convert with " + arg +
                          ".astype(np.float32)");
  require_ndim(a, 2, arg, layout);
  for (int d = 0; d < 2; ++d)
    if (a.strides(d) % static_cast<pyb::ssize_t>(sizeof(float)) != 0)
      throw pyb::value_error(arg + ": strides are not whole elements; pass np.ascontiguousarray(" +
                             arg + ")");
  return {static_cast<const float*>(a.data()), a.shape(0), a.shape(1),
          a.strides(0) / static_cast<std::ptrdiff_t>(sizeof(float)),
          a.strides(1) / static_cast<std::ptrdiff_t>(sizeof(float))};
}

pyb::object bfp_matmul_py(const pyb::object& a_obj, const pyb::object& b_obj, int a_bits,
                          int b_bits, const pyb::object& a_group_obj,
                          const pyb::object& b_group_obj, const std::string& rounding_name,
                          bool stats, const std::string& kernel) {
  const fb::Mode ma = mode_of(a_bits, "a_bits"), mb = mode_of(b_bits, "b_bits");
  const int ga = group_of(a_group_obj, ma, "a_group"), gb = group_of(b_group_obj, mb, "b_group");
  const auto rounding = golden::parse_rounding(rounding_name);
  if (!rounding || *rounding == golden::Rounding::Stochastic)
    throw pyb::value_error("rounding='" + rounding_name + "': accepted truncate (FlexBlock's), " +
                           "nearest_even, nearest_away");
  if (kernel != "auto" && kernel != "reference")
    throw pyb::value_error("kernel='" + kernel + "': accepted auto, reference");
  const Strided2d a = strided_2d(a_obj, "a", "(M, K)");
  const Strided2d b = strided_2d(b_obj, "b", "(K, N)");
  if (a.cols != b.rows)
    throw pyb::value_error("a @ b: a has K = " + std::to_string(a.cols) + " columns but b has " +
                           std::to_string(b.rows) + " rows; the inner dimensions must agree");
  const int m = static_cast<int>(a.rows), k = static_cast<int>(a.cols),
            n = static_cast<int>(b.cols);
  auto c = new_array<float>({a.rows, b.cols});
  double za = 0, zb = 0;
  {
    pyb::gil_scoped_release release;
    // B is quantized as its N columns of K (row stride = its column stride).
    const fb::BfpMatrix qa =
        fb::bfp_quantize(a.data, m, k, a.row_stride, a.col_stride, ma, ga, *rounding);
    const fb::BfpMatrix qb =
        fb::bfp_quantize(b.data, n, k, b.col_stride, b.row_stride, mb, gb, *rounding);
    auto* out = reinterpret_cast<uint32_t*>(c.mutable_data());
    if (m != 0 && n != 0) {
      if (kernel == "reference") {
        const auto r = fb::bfp_gemm_reference(qa, qb);
        std::memcpy(out, r.data(), r.size() * sizeof(uint32_t));
      } else {
        fb::bfp_gemm(qa, qb, out);
      }
    }
    za = qa.zero_setting_error();
    zb = qb.zero_setting_error();
  }
  if (!stats) return c;
  pyb::dict s;
  s["a_zero_fraction"] = za;
  s["b_zero_fraction"] = zb;
  return pyb::make_tuple(c, s);
}

}  // namespace

void bind_bfp(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("bfp_matmul", &bfp_matmul_py,
        "FlexBlock's bit-exact BFP GEMM: a @ b for float32 a (M, K) and b (K, N), any strides "
        "(transposed views cost no copy). Each operand is quantized along K into BFP groups of "
        "a_group / b_group elements (default 54, 108, 216 for 16-, 8-, 4-bit mantissas, BFPsim's) "
        "with a shared 8-bit exponent, a_bits / b_bits mantissa bits (4, 8 or 16), the given "
        "rounding (truncate, FlexBlock's); every output is the exact integer sum per segment, "
        "accumulated in fp32 in increasing K (golden/flexblock/bfp_dot.hpp). Returns the float32 "
        "(M, N) result, or with stats=True (result, {'a_zero_fraction', 'b_zero_fraction'}): the "
        "fraction of each operand's non-zero elements flushed to zero (the zero-setting error of "
        "dynamic precision control). kernel='reference' runs the slow contract for tests.",
        "a"_a, "b"_a, pyb::kw_only(), "a_bits"_a = 8, "b_bits"_a = 8, "a_group"_a = pyb::none(),
        "b_group"_a = pyb::none(), "rounding"_a = "truncate", "stats"_a = false,
        "kernel"_a = "auto");
}

}  // namespace bf::py
