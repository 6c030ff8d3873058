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

// A float32 array of any strides (in whole elements) read as a matrix: its
// leading `row_axes` axes index the rows, the others the columns, each
// flattened row-major. The offsets of every row and every column are what
// bfp_quantize_gather reads the array through, in place.
struct StridedMatrix {
  const float* data = nullptr;
  std::vector<std::ptrdiff_t> row_offsets, col_offsets;
  std::vector<pyb::ssize_t> row_shape, col_shape;
};

std::vector<std::ptrdiff_t> offsets_of(const pyb::array& a, pyb::ssize_t first, pyb::ssize_t last) {
  std::vector<std::ptrdiff_t> out{0};
  for (pyb::ssize_t d = first; d < last; ++d) {
    const std::ptrdiff_t stride = a.strides(d) / static_cast<std::ptrdiff_t>(sizeof(float));
    std::vector<std::ptrdiff_t> next;
    next.reserve(out.size() * static_cast<std::size_t>(a.shape(d)));
    for (const std::ptrdiff_t base : out)
      for (pyb::ssize_t i = 0; i < a.shape(d); ++i) next.push_back(base + i * stride);
    out = std::move(next);
  }
  return out;
}

StridedMatrix strided_matrix(const pyb::handle& obj, const std::string& arg, int k_ndim,
                             bool k_first) {
  if (!pyb::isinstance<pyb::array>(obj))
    throw pyb::type_error(arg + ": expected a numpy array of float32; pass np.asarray(" + arg +
                          ", dtype=np.float32)");
  auto a = pyb::reinterpret_borrow<pyb::array>(obj);
  if (!a.dtype().is(pyb::dtype::of<float>()))
    throw pyb::type_error(arg + ": expected dtype float32, got " +
                          pyb::str(a.dtype()).cast<std::string>() + "; convert with " + arg +
                          ".astype(np.float32)");
  if (a.ndim() < k_ndim + 1) {
    const std::string layout = k_first ? "(K, N)" : "(M, K)";
    if (k_ndim == 1) require_ndim(a, 2, arg, layout);
    throw pyb::value_error(arg + ": expected at least " + std::to_string(k_ndim + 1) +
                           " axes (k_ndim = " + std::to_string(k_ndim) + " of K and one or more " +
                           (k_first ? "of N after them" : "of M before them") + "), got shape " +
                           shape_text(a));
  }
  for (pyb::ssize_t d = 0; d < a.ndim(); ++d)
    if (a.strides(d) % static_cast<pyb::ssize_t>(sizeof(float)) != 0)
      throw pyb::value_error(arg + ": strides are not whole elements; pass np.ascontiguousarray(" +
                             arg + ")");
  const pyb::ssize_t split = k_first ? k_ndim : a.ndim() - k_ndim;
  StridedMatrix m;
  m.data = static_cast<const float*>(a.data());
  // Rows of the matrix as bfp_quantize reads it are along K: for b that is
  // its trailing (N) axes, for a its leading (M) axes.
  const pyb::ssize_t k_begin = k_first ? 0 : split, k_end = k_first ? split : a.ndim();
  const pyb::ssize_t r_begin = k_first ? split : 0, r_end = k_first ? a.ndim() : split;
  for (pyb::ssize_t d = r_begin; d < r_end; ++d) m.row_shape.push_back(a.shape(d));
  for (pyb::ssize_t d = k_begin; d < k_end; ++d) m.col_shape.push_back(a.shape(d));
  m.row_offsets = offsets_of(a, r_begin, r_end);
  m.col_offsets = offsets_of(a, k_begin, k_end);
  return m;
}

pyb::object bfp_matmul_py(const pyb::object& a_obj, const pyb::object& b_obj, int a_bits,
                          int b_bits, const pyb::object& a_group_obj,
                          const pyb::object& b_group_obj, const std::string& rounding_name,
                          bool stats, const std::string& kernel, int k_ndim) {
  const fb::Mode ma = mode_of(a_bits, "a_bits"), mb = mode_of(b_bits, "b_bits");
  const int ga = group_of(a_group_obj, ma, "a_group"), gb = group_of(b_group_obj, mb, "b_group");
  const auto rounding = golden::parse_rounding(rounding_name);
  if (!rounding || *rounding == golden::Rounding::Stochastic)
    throw pyb::value_error("rounding='" + rounding_name + "': accepted truncate (FlexBlock's), " +
                           "nearest_even, nearest_away");
  if (kernel != "auto" && kernel != "reference")
    throw pyb::value_error("kernel='" + kernel + "': accepted auto, reference");
  if (k_ndim < 1 || k_ndim > 8)
    throw pyb::value_error("k_ndim=" + std::to_string(k_ndim) +
                           ": the number of K axes must be 1..8");
  const StridedMatrix a = strided_matrix(a_obj, "a", k_ndim, false);
  const StridedMatrix b = strided_matrix(b_obj, "b", k_ndim, true);
  if (a.col_shape != b.col_shape) {
    const auto text = [](const std::vector<pyb::ssize_t>& v) {
      std::string t;
      for (std::size_t i = 0; i < v.size(); ++i) t += (i ? " x " : "") + std::to_string(v[i]);
      return t;
    };
    if (k_ndim == 1)
      throw pyb::value_error("a @ b: a has K = " + text(a.col_shape) + " columns but b has " +
                             text(b.col_shape) + " rows; the inner dimensions must agree");
    throw pyb::value_error("a @ b: a's last k_ndim axes are " + text(a.col_shape) +
                           " but b's first are " + text(b.col_shape) + "; they must agree");
  }
  const std::size_t m = a.row_offsets.size(), n = b.row_offsets.size();
  std::vector<pyb::ssize_t> out_shape = a.row_shape;
  out_shape.insert(out_shape.end(), b.row_shape.begin(), b.row_shape.end());
  auto c = new_array<float>(out_shape);
  double za = 0, zb = 0;
  {
    pyb::gil_scoped_release release;
    // B is quantized as its N columns of K.
    auto* out = reinterpret_cast<uint32_t*>(c.mutable_data());
    if (kernel == "reference") {
      const auto qa =
          fb::bfp_quantize_gather(a.data, a.row_offsets, a.col_offsets, ma, ga, *rounding);
      const auto qb =
          fb::bfp_quantize_gather(b.data, b.row_offsets, b.col_offsets, mb, gb, *rounding);
      if (m != 0 && n != 0) {
        const auto r = fb::bfp_gemm_reference(qa, qb);
        std::memcpy(out, r.data(), r.size() * sizeof(uint32_t));
      }
      za = qa.zero_setting_error();
      zb = qb.zero_setting_error();
    } else {
      fb::BfpZeroSetting sa, sb;
      fb::bfp_gemm_gathered({a.data, a.row_offsets, a.col_offsets, ma, ga, *rounding},
                            {b.data, b.row_offsets, b.col_offsets, mb, gb, *rounding}, out, &sa,
                            &sb);
      za = sa.error();
      zb = sb.error();
    }
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
        "dynamic precision control). kernel='reference' runs the slow contract for tests. With "
        "k_ndim = n, like np.tensordot(a, b, n): a's last n axes and b's first n axes are K "
        "(flattened row-major), the result has a's other axes then b's; so a strided window view "
        "of a convolution's input (Cin, kh, kw, B, Ho, Wo) is an operand without an im2col copy.",
        "a"_a, "b"_a, pyb::kw_only(), "a_bits"_a = 8, "b_bits"_a = 8, "a_group"_a = pyb::none(),
        "b_group"_a = pyb::none(), "rounding"_a = "truncate", "stats"_a = false,
        "kernel"_a = "auto", "k_ndim"_a = 1);
}

}  // namespace bf::py
