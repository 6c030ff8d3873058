// golden/io/npy: round trips, files laid out exactly as NumPy writes them
// (versions 1.0, 2.0, 3.0), and one clear error line for every bad input.

#include "golden/io/npy.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("bf_npy_test_" + std::to_string(rd()) + "_" +
                                         std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A .npy file as NumPy lays it out: magic, version, little-endian header
// length (2 bytes for 1.0, 4 for 2.0/3.0), the dict padded with spaces and a
// newline to a multiple of 64 bytes, then the data.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  const std::size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back('\0');
  for (std::size_t i = 0; i < prefix - 8; ++i) {
    out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xFF));
  }
  return out + header + data;
}

std::string float_data(const std::vector<float>& v) {
  std::string s(v.size() * sizeof(float), '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

// The message of the runtime_error `fn` throws (fails if it does not throw).
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::runtime_error thrown";
  return {};
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

TEST(Npy, RoundTripKeepsShapeAndBits) {
  TempDir dir;
  const std::vector<std::vector<std::size_t>> shapes = {{3, 4}, {5}, {}, {2, 3, 4}, {1, 1, 7}};
  std::mt19937 rng(3);
  for (const auto& shape : shapes) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> v(n);
    for (auto& x : v) x = std::bit_cast<float>(static_cast<uint32_t>(rng()));
    const std::string path = dir.file("rt.npy");
    bf::golden::write_npy_f32(path, shape, v.data());
    const auto t = bf::golden::read_npy_f32(path);
    EXPECT_EQ(t.shape, shape);
    ASSERT_EQ(t.data.size(), n);
    EXPECT_EQ(std::memcmp(t.data.data(), v.data(), n * sizeof(float)), 0);
  }
}

TEST(Npy, WritesTheLayoutNumPyWrites) {
  TempDir dir;
  const std::vector<float> v = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f};
  const std::vector<std::size_t> shape = {2, 3};
  bf::golden::write_npy_f32(dir.file("a.npy"), shape, v.data());
  const std::string expected =
      npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", float_data(v));
  EXPECT_EQ(read_file(dir.file("a.npy")), expected);
  const std::vector<std::size_t> shape1 = {6};
  bf::golden::write_npy_f32(dir.file("b.npy"), shape1, v.data());
  EXPECT_EQ(read_file(dir.file("b.npy")),
            npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", float_data(v)));
}

TEST(Npy, IntegerTensorsRoundTripAndNameTheirDtype) {
  TempDir dir;
  const std::vector<int32_t> v = {-2147483647 - 1, -1, 0, 7, 2147483647, 123456789};
  const std::vector<std::size_t> shape = {3, 2};
  bf::golden::write_npy_i32(dir.file("i.npy"), shape, v.data());
  std::string data(v.size() * 4, '\0');
  std::memcpy(data.data(), v.data(), data.size());
  EXPECT_EQ(read_file(dir.file("i.npy")),
            npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 2), }", data));
  const auto back = bf::golden::read_npy_i32(dir.file("i.npy"));
  EXPECT_EQ(back.shape, shape);
  EXPECT_EQ(back.data, v);
  // int8 as NumPy writes it ('|i1'), and the other spellings of one byte.
  for (const char* descr : {"|i1", "<i1"}) {
    write_file(dir.file("b.npy"), npy_bytes(std::string("{'descr': '") + descr +
                                                "', 'fortran_order': False, 'shape': (3,), }",
                                            std::string("\x80\x00\x7f", 3)));
    const auto b = bf::golden::read_npy_i8(dir.file("b.npy"));
    EXPECT_EQ(b.data, (std::vector<int8_t>{-128, 0, 127})) << descr;
  }
  // A wrong dtype names the one required, and the float reader still names float32.
  const std::string i8 = error_of([&] { bf::golden::read_npy_i8(dir.file("i.npy")); });
  EXPECT_NE(i8.find("dtype is <i4 (int32); int8 is required: np.save(path, x.astype(np.int8))"),
            std::string::npos)
      << i8;
  EXPECT_TRUE(one_line(i8));
  const std::string f32 = error_of([&] { bf::golden::read_npy_f32(dir.file("i.npy")); });
  EXPECT_NE(f32.find("float32 is required: np.save(path, x.astype(np.float32))"), std::string::npos)
      << f32;
  write_file(dir.file("big.npy"),
             npy_bytes("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", "abcd"));
  EXPECT_NE(error_of([&] {
              bf::golden::read_npy_i32(dir.file("big.npy"));
            }).find("dtype is >i4 (big-endian int32); little-endian int32 is required"),
            std::string::npos);
  write_file(dir.file("short.npy"),
             npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", "abcd"));
  EXPECT_NE(error_of([&] {
              bf::golden::read_npy_i32(dir.file("short.npy"));
            }).find("needs 12 bytes of int32 but only 4 follow"),
            std::string::npos);
}

TEST(Npy, ReadsVersions2And3AndHeaderVariants) {
  TempDir dir;
  const std::vector<float> v = {0.5f, -1.5f, 2.25f, 8.0f};
  const std::string data = float_data(v);
  const std::vector<std::string> dicts = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 2)}",
      "{'shape': (2L, 2L), 'fortran_order': False, 'descr': '<f4'}",
      "{ 'descr' : '<f4' ,'fortran_order':False,'shape':( 2 , 2 , ) , }",
  };
  for (int major : {1, 2, 3}) {
    for (const auto& dict : dicts) {
      const std::string path = dir.file("v.npy");
      write_file(path, npy_bytes(dict, data, major));
      const auto t = bf::golden::read_npy_f32(path);
      EXPECT_EQ(t.shape, (std::vector<std::size_t>{2, 2})) << dict;
      EXPECT_EQ(t.data, v) << dict;
      const auto h = bf::golden::parse_npy_header(read_file(path), path);
      EXPECT_EQ(h.major, major);
      EXPECT_EQ(h.data_offset % 64, 0u);
    }
  }
}

TEST(Npy, ShapeStringsAndDtypeNames) {
  const std::vector<std::size_t> s2 = {3, 4}, s1 = {5}, s0 = {};
  EXPECT_EQ(bf::golden::npy_shape_string(s2), "(3, 4)");
  EXPECT_EQ(bf::golden::npy_shape_string(s1), "(5,)");
  EXPECT_EQ(bf::golden::npy_shape_string(s0), "()");
  EXPECT_EQ(bf::golden::npy_dtype_name("<f8"), "float64");
  EXPECT_EQ(bf::golden::npy_dtype_name("<f2"), "float16");
  EXPECT_EQ(bf::golden::npy_dtype_name("<i8"), "int64");
  EXPECT_EQ(bf::golden::npy_dtype_name("|u1"), "uint8");
  EXPECT_EQ(bf::golden::npy_dtype_name("|b1"), "bool");
}

struct BadCase {
  const char* what;
  std::string bytes;
  std::vector<std::string> message_parts;
};

TEST(Npy, EveryBadInputIsOneClearLine) {
  TempDir dir;
  const std::string d6 = float_data({1, 2, 3, 4, 5, 6});
  const std::vector<BadCase> cases = {
      {"float64",
       npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", d6),
       {"dtype is <f8 (float64)", "float32 is required", "np.save(path, x.astype(np.float32))"}},
      {"int32",
       npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }", d6),
       {"dtype is <i4 (int32)", "x.astype(np.float32)"}},
      {"float16",
       npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }", d6),
       {"dtype is <f2 (float16)"}},
      {"big endian",
       npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", d6),
       {"big-endian", "astype('<f4')"}},
      {"structured",
       npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", d6),
       {"structured dtype"}},
      {"fortran",
       npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", d6),
       {"fortran_order is True", "np.ascontiguousarray(x)"}},
      {"empty",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", ""),
       {"empty tensor (shape (0, 4))"}},
      {"truncated data",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", d6),
       {"truncated data", "shape (3, 4) needs 48 bytes", "only 24 follow"}},
      {"huge shape",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                 d6),
       {"truncated data"}},
      {"bad magic", "PK\x03\x04 this is a zip file", {"not a .npy file (bad magic)"}},
      {"text file", "1.0, 2.0, 3.0\n", {"not a .npy file (bad magic)"}},
      {"empty file", "", {"not a .npy file (bad magic)"}},
      {"version",
       std::string("\x93NUMPY\x04\x00\x10\x00", 10) + std::string(16, ' '),
       {"unsupported .npy format version 4.0"}},
      {"truncated header",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", d6).substr(0, 30),
       {"truncated .npy header"}},
      {"missing key",
       npy_bytes("{'descr': '<f4', 'shape': (6,), }", d6),
       {"malformed .npy header", "'fortran_order'"}},
      {"bad shape",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6, x), }", d6),
       {"malformed .npy header"}},
      {"bad bool",
       npy_bytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,), }", d6),
       {"malformed .npy header", "True or False"}},
  };
  for (const auto& c : cases) {
    const std::string path = dir.file("bad.npy");
    write_file(path, c.bytes);
    const std::string msg = error_of([&] { bf::golden::read_npy_f32(path); });
    EXPECT_TRUE(one_line(msg)) << c.what << ": " << msg;
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << c.what << ": must start with the file: " << msg;
    for (const auto& part : c.message_parts) {
      EXPECT_NE(msg.find(part), std::string::npos)
          << c.what << ": '" << part << "' not in: " << msg;
    }
  }
}

TEST(Npy, MissingFileAndUnwritablePath) {
  TempDir dir;
  const std::string missing = dir.file("nope.npy");
  const std::string msg = error_of([&] { bf::golden::read_npy_f32(missing); });
  EXPECT_TRUE(one_line(msg));
  EXPECT_NE(msg.find(missing + ": cannot open (No such file or directory)"), std::string::npos)
      << msg;

  const std::vector<float> v = {1.0f};
  const std::vector<std::size_t> shape = {1};
  const std::string bad = dir.file("no_such_dir/y.npy");
  const std::string wmsg = error_of([&] { bf::golden::write_npy_f32(bad, shape, v.data()); });
  EXPECT_TRUE(one_line(wmsg));
  EXPECT_NE(wmsg.find(bad + ": cannot write"), std::string::npos) << wmsg;
  const std::string named =
      error_of([&] { bf::golden::write_npy_f32(bad, shape, v.data(), "y.npy"); });
  EXPECT_EQ(named.rfind("y.npy: cannot write", 0), 0u) << named;
}

TEST(Npy, DirectoryIsNotATensor) {
  TempDir dir;
  fs::create_directories(dir.file("sub.npy"));
  const std::string msg = error_of([&] { bf::golden::read_npy_f32(dir.file("sub.npy")); });
  EXPECT_TRUE(one_line(msg)) << msg;
  EXPECT_EQ(msg.rfind(dir.file("sub.npy") + ": ", 0), 0u) << msg;
}

}  // namespace
