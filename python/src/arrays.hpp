#pragma once
// Checked views of numpy arrays for the bindings: the golden models take
// plain pointers, so an array must be exactly the dtype asked for and laid
// out as the model reads it. A mismatch is one clear Python exception naming
// the argument and the fix (TypeError for a dtype, ValueError for a shape or
// layout), never a silent conversion: a silent copy would hide the cost, and
// a silent cast would change the numbers.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bf::py {

namespace pyb = pybind11;

// The numpy dtype name of T ("float32", "uint32", ...).
template <class T>
std::string dtype_name() {
  return pyb::str(pyb::dtype::of<T>()).cast<std::string>();
}

// `obj` as a C-contiguous numpy array of T, without a copy. Throws TypeError
// when obj is not a numpy array of exactly that dtype, ValueError when it is
// not C-contiguous.
template <class T>
pyb::array_t<T> checked_array(const pyb::handle& obj, const std::string& arg) {
  if (!pyb::isinstance<pyb::array>(obj)) {
    throw pyb::type_error(arg + ": expected a numpy array of " + dtype_name<T>() + ", got " +
                          pyb::str(pyb::type::of(obj).attr("__name__")).cast<std::string>() +
                          "; pass np.asarray(" + arg + ", dtype=np." + dtype_name<T>() + ")");
  }
  auto a = pyb::reinterpret_borrow<pyb::array>(obj);
  if (!a.dtype().is(pyb::dtype::of<T>())) {
    throw pyb::type_error(arg + ": expected dtype " + dtype_name<T>() + ", got " +
                          pyb::str(a.dtype()).cast<std::string>() + "; convert with " + arg +
                          ".astype(np." + dtype_name<T>() + ")");
  }
  if (!(a.flags() & pyb::array::c_style)) {
    throw pyb::value_error(arg +
                           ": the array is not C-contiguous (a transposed or sliced view); "
                           "pass np.ascontiguousarray(" +
                           arg + ")");
  }
  return pyb::reinterpret_borrow<pyb::array_t<T>>(a);
}

// The shape as a tuple text "(2, 3)" for messages.
inline std::string shape_text(const pyb::array& a) {
  std::string s = "(";
  for (pyb::ssize_t i = 0; i < a.ndim(); ++i) {
    if (i) s += ", ";
    s += std::to_string(a.shape(i));
  }
  if (a.ndim() == 1) s += ",";
  return s + ")";
}

// Requires a.ndim() == ndim; ValueError naming the argument and the expected
// layout ("x: expected a 2-d array (M, K), got shape (3,)").
inline void require_ndim(const pyb::array& a, pyb::ssize_t ndim, const std::string& arg,
                         const std::string& layout) {
  if (a.ndim() != ndim) {
    throw pyb::value_error(arg + ": expected a " + std::to_string(ndim) + "-d array " + layout +
                           ", got shape " + shape_text(a));
  }
}

// A new C-contiguous array of T with the given shape.
template <class T>
pyb::array_t<T> new_array(const std::vector<pyb::ssize_t>& shape) {
  return pyb::array_t<T>(shape);
}

// A new (m, n) float32 result and its buffer as the fp32 bit patterns the
// golden GEMMs write (golden results are codes; numpy reads the same bits as
// floats).
struct Fp32Result {
  pyb::array_t<float> array;
  uint32_t* bits;
};
inline Fp32Result new_fp32_result(std::size_t m, std::size_t n) {
  Fp32Result r{new_array<float>({static_cast<pyb::ssize_t>(m), static_cast<pyb::ssize_t>(n)}),
               nullptr};
  r.bits = reinterpret_cast<uint32_t*>(r.array.mutable_data());
  return r;
}

// The shape of `a` as a vector (for new_array of the same shape).
inline std::vector<pyb::ssize_t> shape_of(const pyb::array& a) {
  return std::vector<pyb::ssize_t>(a.shape(), a.shape() + a.ndim());
}

}  // namespace bf::py
