#pragma once
// NumPy .npy files (format versions 1.0, 2.0 and 3.0): the exchange format of
// `blockforge quantize` and of the accuracy studies. Tensors are C-order
// little-endian float32 ('<f4'); the header dictionary ({'descr': ...,
// 'fortran_order': ..., 'shape': (...), }) is parsed as the Python literal it
// is. Every error is a std::runtime_error with one line that names the file,
// what is wrong and how to fix it, e.g.
//   "x.npy: dtype is <f8 (float64); float32 is required: np.save(path, x.astype(np.float32))"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bf::golden {

// The parsed header of a .npy file.
struct NpyHeader {
  int major = 1;  // format version
  int minor = 0;
  std::string descr;  // dtype string, e.g. "<f4"; a structured dtype is an error
  bool fortran_order = false;
  std::vector<std::size_t> shape;  // () for a 0-d array
  std::size_t data_offset = 0;     // bytes before the array data

  std::size_t count() const;  // product of shape (1 for a 0-d array)
};

struct NpyTensor {
  std::vector<std::size_t> shape;
  std::vector<float> data;  // C order
};

// "(3, 4)", "(5,)", "()": the shape as NumPy prints it.
std::string npy_shape_string(std::span<const std::size_t> shape);

// "float64" for "<f8", "int32" for "<i4", ...; empty if unknown.
std::string npy_dtype_name(std::string_view descr);

// Parses the magic, version, header length and header dictionary at the start
// of `bytes` (at least the whole header). `name` is used in error messages.
// Checks the syntax only (not the dtype or the order).
NpyHeader parse_npy_header(std::string_view bytes, std::string_view name);

// Reads a C-order '<f4' tensor with at least one element. Errors: missing or
// unreadable file, not a .npy file (bad magic), unsupported version, malformed
// header, any dtype other than float32, fortran_order True, empty tensor,
// truncated data.
NpyTensor read_npy_f32(const std::string& path);

// Integer tensors, with the same checks ('|i1' int8, '<i4' int32; the
// messages name the dtype required).
template <class T>
struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<T> data;  // C order
};
NpyArray<int8_t> read_npy_i8(const std::string& path);
NpyArray<int32_t> read_npy_i32(const std::string& path);

// Writes `data` (C order, product(shape) floats) as a version 1.0 file (2.0 if
// the header needs it), '<f4', the header padded to a multiple of 64 bytes as
// NumPy does. Writes `path` directly; callers that must not leave a partial file
// write to a temporary and rename it (`display_name`, if given, is the name
// used in error messages instead of `path`). Errors: cannot create or write.
void write_npy_f32(const std::string& path, std::span<const std::size_t> shape, const float* data,
                   std::string_view display_name = {});
// The same for int32 ('<i4').
void write_npy_i32(const std::string& path, std::span<const std::size_t> shape, const int32_t* data,
                   std::string_view display_name = {});

}  // namespace bf::golden
