// libFuzzer target: the .npy reader (golden/io/npy.hpp), the file a user hands
// to `blockforge quantize --in` and `opal-accuracy --in`. Both entry points
// run on every input: the header parser on the bytes in memory, and the file
// reader on the same bytes written to a scratch file. The documented outcome
// for a bad file is a std::runtime_error with one line; anything else
// (another exception type, a sanitizer report, a hang, an allocation beyond
// the file's size) is a bug libFuzzer reports.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "golden/io/npy.hpp"
#include "tests/fuzz/scratch_dir.hpp"

namespace {

const bf::fuzz::ScratchDir& scratch() {
  static const bf::fuzz::ScratchDir dir("npy");
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const bf::golden::NpyHeader h = bf::golden::parse_npy_header(bytes, "fuzz.npy");
    (void)h.count();
    (void)bf::golden::npy_dtype_name(h.descr);
    (void)bf::golden::npy_shape_string(h.shape);
  } catch (const std::runtime_error&) {
  }
  const std::string path = scratch().write("input.npy", bytes);
  try {
    const bf::golden::NpyTensor t = bf::golden::read_npy_f32(path);
    // The reader promises shape and data agree.
    std::size_t n = 1;
    for (std::size_t d : t.shape) n *= d;
    if (n != t.data.size() || n == 0) __builtin_trap();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
