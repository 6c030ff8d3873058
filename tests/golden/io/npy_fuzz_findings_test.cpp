// Inputs the .npy fuzzer (tests/fuzz/npy_fuzz.cpp) found to break the reader,
// byte for byte, each with the one-line error it must give instead.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "golden/io/npy.hpp"

namespace {

namespace fs = std::filesystem;

std::string read_error(const std::string& bytes, const std::string& name) {
  const fs::path path = fs::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::string message = "no error";
  try {
    bf::golden::read_npy_f32(path.string());
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  fs::remove(path);
  return message;
}

// A dtype size of 20 digits: npy_dtype_name multiplied it up in an int
// (signed overflow, UBSan: "418446744 * 10 cannot be represented in type
// 'int'") while naming the dtype for the message.
TEST(NpyFuzzFindings, HugeDtypeSizeIsNamedWithoutOverflow) {
  const std::string bytes(
      "\x93NUMPY\x01\x00v\x00{'descr': '<f418446744073709551615', 'fortran_order': Fals"
      "e, 'shape': (3 ,4,) }            \x01\x00`\xd0\x00Oq*                           "
      "               \x0a\x00\x00\x80?\x00\x00\x00@",
      160);
  const std::string message = read_error(bytes, "bf_npy_fuzz_dtype.npy");
  EXPECT_NE(message.find("bf_npy_fuzz_dtype.npy: dtype is <f418446744073709551615; float32 is "
                         "required: np.save(path, x.astype(np.float32))"),
            std::string::npos)
      << message;
  EXPECT_EQ(bf::golden::npy_dtype_name("<f418446744073709551615"), "");
  EXPECT_EQ(bf::golden::npy_dtype_name("<f99999"), "");
  EXPECT_EQ(bf::golden::npy_dtype_name("<f8"), "float64");  // real sizes still named
  EXPECT_EQ(bf::golden::npy_dtype_name("<c16"), "complex128");
}

}  // namespace
