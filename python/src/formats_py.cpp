// blockforge.quantize / quantize_packed / dequantize_packed / format_info:
// every block format of `blockforge quantize` on float32 numpy arrays, blocks
// along the last axis, through the same resolution of names and options
// (app/quantize/quantizer_spec.hpp), so results and messages match the CLI.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <optional>
#include <string>

#include "app/quantize/quantizer_spec.hpp"
#include "python/src/arrays.hpp"
#include "python/src/bindings.hpp"

namespace bf::py {

namespace {

using quantize::QuantizeOptions;
using quantize::Quantizer;

std::string text_of(const pyb::object& v, const std::string& key) {
  if (v.is_none()) return "";
  if (pyb::isinstance<pyb::bool_>(v))
    throw pyb::type_error(key + "=: expected an int or str, got bool");
  if (pyb::isinstance<pyb::int_>(v)) {
    const auto i = v.cast<long long>();
    // A negative number is spelt as text so that the shared parser rejects
    // it with its range message.
    return std::to_string(i);
  }
  if (pyb::isinstance<pyb::str>(v)) return v.cast<std::string>();
  throw pyb::type_error(key + "=: expected an int or str, got " +
                        pyb::str(pyb::type::of(v).attr("__name__")).cast<std::string>());
}

QuantizeOptions options(const std::string& format, const pyb::object& block,
                        const pyb::object& round, const pyb::object& int_encoding,
                        const pyb::object& bits, const pyb::object& outliers,
                        const pyb::object& seed) {
  QuantizeOptions o;
  o.format = format;
  o.block = text_of(block, "block");
  o.round = text_of(round, "round");
  o.int_encoding = text_of(int_encoding, "int_encoding");
  o.bits = text_of(bits, "bits");
  o.outliers = text_of(outliers, "outliers");
  o.seed = text_of(seed, "seed");
  return o;
}

// The quantizer, with QuantizeError turned into ValueError.
Quantizer resolve(const QuantizeOptions& o, uint64_t* seed) {
  try {
    Quantizer q = quantize::make_quantizer(o, quantize::Spelling::Python);
    if (seed) *seed = quantize::parse_seed(o, quantize::Spelling::Python);
    return q;
  } catch (const quantize::QuantizeError& e) {
    throw pyb::value_error(e.what());
  }
}

// rows x cols of a tensor whose blocks run along the last axis (a 0-d array
// is one element).
std::pair<std::size_t, std::size_t> rows_cols(const pyb::array& a) {
  const std::size_t cols = a.ndim() == 0 ? 1 : static_cast<std::size_t>(a.shape(a.ndim() - 1));
  const std::size_t n = static_cast<std::size_t>(a.size());
  return {cols == 0 ? 0 : n / cols, cols};
}

pyb::array_t<float> quantize_py(const pyb::object& x_obj, const std::string& format,
                                const pyb::object& block, const pyb::object& round,
                                const pyb::object& int_encoding, const pyb::object& bits,
                                const pyb::object& outliers, const pyb::object& seed,
                                const pyb::object& out_obj) {
  uint64_t s = 0;
  const Quantizer q =
      resolve(options(format, block, round, int_encoding, bits, outliers, seed), &s);
  const auto x = checked_array<float>(x_obj, "x");
  pyb::array_t<float> out;
  if (out_obj.is_none()) {
    out = new_array<float>(shape_of(x));
  } else {
    out = checked_array<float>(out_obj, "out");
    if (shape_of(out) != shape_of(x))
      throw pyb::value_error("out: shape " + shape_text(out) + " differs from x's " +
                             shape_text(x) + "; pass an array of x's shape (or x itself)");
    if (!out.writeable()) throw pyb::value_error("out: the array is read-only");
  }
  const auto [rows, cols] = rows_cols(x);
  const float* in = x.data();
  float* o = out.mutable_data();
  {
    pyb::gil_scoped_release release;
    if (rows != 0 && cols != 0) q.fake_quantize(in, o, rows, cols, s);
  }
  return out;
}

pyb::array_t<uint8_t> quantize_packed_py(const pyb::object& x_obj, const std::string& format,
                                         const pyb::object& block, const pyb::object& round,
                                         const pyb::object& int_encoding, const pyb::object& bits,
                                         const pyb::object& outliers, const pyb::object& seed) {
  uint64_t s = 0;
  const Quantizer q =
      resolve(options(format, block, round, int_encoding, bits, outliers, seed), &s);
  const auto x = checked_array<float>(x_obj, "x");
  const auto [rows, cols] = rows_cols(x);
  std::vector<uint8_t> bytes;
  {
    pyb::gil_scoped_release release;
    if (rows != 0 && cols != 0) bytes = q.pack(x.data(), rows, cols, s);
  }
  auto out = new_array<uint8_t>({static_cast<pyb::ssize_t>(bytes.size())});
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), out.mutable_data());
  return out;
}

pyb::array_t<float> dequantize_packed_py(const pyb::object& packed_obj, const pyb::object& shape,
                                         const std::string& format, const pyb::object& block,
                                         const pyb::object& round, const pyb::object& int_encoding,
                                         const pyb::object& bits, const pyb::object& outliers) {
  const Quantizer q =
      resolve(options(format, block, round, int_encoding, bits, outliers, pyb::none()), nullptr);
  const auto packed = checked_array<uint8_t>(packed_obj, "packed");
  std::vector<pyb::ssize_t> dims;
  for (const auto& d : shape) {
    if (!pyb::isinstance<pyb::int_>(d) || d.cast<long long>() < 0)
      throw pyb::value_error("shape: expected a tuple of non-negative ints, got " +
                             pyb::repr(shape).cast<std::string>());
    dims.push_back(d.cast<pyb::ssize_t>());
  }
  auto out = new_array<float>(dims);
  const auto [rows, cols] = rows_cols(out);
  try {
    pyb::gil_scoped_release release;
    if (rows != 0 && cols != 0)
      q.unpack(packed.data(), static_cast<std::size_t>(packed.size()), rows, cols,
               out.mutable_data());
    else if (packed.size() != 0)
      throw std::invalid_argument("packed: " + std::to_string(packed.size()) +
                                  " bytes for an empty shape; pass an empty array");
  } catch (const std::invalid_argument& e) {
    throw pyb::value_error(e.what());
  }
  return out;
}

pyb::dict format_info_py(const std::string& format, const pyb::object& block,
                         const pyb::object& round, const pyb::object& int_encoding,
                         const pyb::object& bits, const pyb::object& outliers) {
  const Quantizer q =
      resolve(options(format, block, round, int_encoding, bits, outliers, pyb::none()), nullptr);
  pyb::dict d;
  d["name"] = q.name;
  d["description"] = q.description;
  d["rounding"] = q.rounding;
  d["block_size"] = q.block_size;
  d["block_storage_bits"] = q.block_storage_bits;
  d["block_bytes"] = q.block_bytes();
  d["bits_per_element"] = q.bits_per_element;
  return d;
}

constexpr const char* kOptionsDoc =
    "format: mxint2..mxint8, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, "
    "bfp<m> (m = 2..24) or mx-opal; block: elements per block along the last axis (default 32, "
    "mx-opal 128); round: nearest_even (MX default), truncate (BFP default), nearest_away, "
    "stochastic...; int_encoding: mxint sign_magnitude (default) or twos_complement; bits, "
    "outliers: mx-opal inlier bits (default 3) and bf16 outliers per block (default 4). The "
    "options are those of `blockforge quantize`, with the same checks and messages.";

}  // namespace

void bind_formats(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("quantize", &quantize_py,
        (std::string("Quantize-dequantize a float32 array to a block format (blocks along the "
                     "last axis; a partial last block is zero-padded). Returns a new float32 "
                     "array of x's shape, or writes into out (which may be x). Bit-identical to "
                     "`blockforge quantize`. ") +
         kOptionsDoc)
            .c_str(),
        "x"_a, "format"_a, pyb::kw_only(), "block"_a = pyb::none(), "round"_a = pyb::none(),
        "int_encoding"_a = pyb::none(), "bits"_a = pyb::none(), "outliers"_a = pyb::none(),
        "seed"_a = pyb::none(), "out"_a = pyb::none());
  m.def("quantize_packed", &quantize_packed_py,
        (std::string("The packed storage bits of x in a block format, as `blockforge quantize "
                     "--packed` writes them: row-major blocks, each padded to whole bytes. "
                     "Returns a 1-d uint8 array. ") +
         kOptionsDoc)
            .c_str(),
        "x"_a, "format"_a, pyb::kw_only(), "block"_a = pyb::none(), "round"_a = pyb::none(),
        "int_encoding"_a = pyb::none(), "bits"_a = pyb::none(), "outliers"_a = pyb::none(),
        "seed"_a = pyb::none());
  m.def("dequantize_packed", &dequantize_packed_py,
        (std::string("The float32 values of packed blocks (the inverse of quantize_packed) as "
                     "an array of `shape`. ") +
         kOptionsDoc)
            .c_str(),
        "packed"_a, "shape"_a, "format"_a, pyb::kw_only(), "block"_a = pyb::none(),
        "round"_a = pyb::none(), "int_encoding"_a = pyb::none(), "bits"_a = pyb::none(),
        "outliers"_a = pyb::none());
  m.def("format_info", &format_info_py,
        (std::string("A block format's canonical name, description, rounding, block size and "
                     "storage bits. ") +
         kOptionsDoc)
            .c_str(),
        "format"_a, pyb::kw_only(), "block"_a = pyb::none(), "round"_a = pyb::none(),
        "int_encoding"_a = pyb::none(), "bits"_a = pyb::none(), "outliers"_a = pyb::none());
}

}  // namespace bf::py
