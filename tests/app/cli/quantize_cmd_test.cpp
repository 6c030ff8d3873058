// `blockforge quantize` end to end in a temporary directory, through the
// subcommand's CLI11 registration (add_quantize_command): output shape and
// values equal the golden quantize_dequantize, the packed file has the right
// size and bytes, and every bad input gives exit code 1, one line on stderr and
// no output file.

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "golden/formats/block_format.hpp"
#include "golden/formats/tensor_quant.hpp"
#include "golden/io/npy.hpp"

namespace {

namespace fs = std::filesystem;
using bf::golden::BlockFormat;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("bf_quantize_test_" + std::to_string(rd()) + "_" +
                                         std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Names of the entries in the directory (to spot leftover temporaries).
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  fs::path path_;
};

struct RunResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

RunResult run(const std::vector<std::string>& args) {
  CLI::App app{"blockforge"};
  int exit_code = -1;
  bf::cli::add_quantize_command(app, exit_code);
  std::vector<std::string> argv_s = {"blockforge", "quantize"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  RunResult r;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    r.exit_code = exit_code;
  } catch (const CLI::ParseError& e) {
    r.exit_code = app.exit(e);
  }
  r.out = testing::internal::GetCapturedStdout();
  r.err = testing::internal::GetCapturedStderr();
  return r;
}

std::vector<float> test_tensor(std::size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = g(rng);
  v[3] = 0.0f;
  v[5] = 25.0f;  // an outlier
  return v;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(QuantizeCommand, WritesTheGoldenTensorAndPackedBits) {
  TempDir dir;
  const std::vector<std::size_t> shape = {2, 3, 70};  // 70 = 2 full blocks + a partial one
  const auto x = test_tensor(2 * 3 * 70, 1);
  bf::golden::write_npy_f32(dir.file("x.npy"), shape, x.data());

  struct Case {
    std::vector<std::string> opts;
    std::string name;
    std::string rounding;
  };
  const std::vector<Case> cases = {
      {{"--format", "mxint8"}, "mxint8", "nearest_even"},
      {{"--format", "mxfp4_e2m1"}, "mxfp4_e2m1", "nearest_even"},
      {{"--format", "mxfp8_e4m3", "--round", "nearest_away"}, "mxfp8_e4m3", "nearest_away"},
      {{"--format", "mxint4", "--int-encoding", "twos_complement", "--round", "truncate"},
       "mxint4",
       "truncate"},
      {{"--format", "bfp8", "--block", "16"}, "bfp8", "truncate"},
      {{"--format", "mxfp6_e2m3", "--round", "stochastic", "--seed", "7"},
       "mxfp6_e2m3",
       "stochastic"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.opts;
    args.insert(args.end(), {"--in", dir.file("x.npy"), "--out", dir.file("y.npy"), "--packed",
                             dir.file("y.bin")});
    const RunResult r = run(args);
    ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find(c.name), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rounding        " + c.rounding), std::string::npos) << r.out;
    for (const char* field : {"bits/element", "MSE", "SQNR", "dB", "max abs error", "packed"}) {
      EXPECT_NE(r.out.find(field), std::string::npos) << field << " missing in:\n" << r.out;
    }

    // The golden result for the same format.
    BlockFormat f = BlockFormat::parse(c.name);
    for (std::size_t i = 0; i + 1 < c.opts.size(); i += 2) {
      if (c.opts[i] == "--round") f.rounding = *bf::golden::parse_rounding(c.opts[i + 1]);
      if (c.opts[i] == "--block") f.block_size = std::stoi(c.opts[i + 1]);
      if (c.opts[i] == "--int-encoding") {
        f.int_encoding = *bf::golden::parse_int_encoding(c.opts[i + 1]);
      }
    }
    const uint64_t seed = f.rounding == bf::golden::Rounding::Stochastic ? 7 : 0;
    std::vector<float> expected(x.size());
    bf::golden::quantize_dequantize(f, x.data(), expected.data(), 6, 70, seed);

    const auto y = bf::golden::read_npy_f32(dir.file("y.npy"));
    EXPECT_EQ(y.shape, shape);
    ASSERT_EQ(y.data.size(), x.size());
    EXPECT_EQ(std::memcmp(y.data.data(), expected.data(), x.size() * sizeof(float)), 0) << c.name;

    const auto packed = bf::golden::quantize_packed(f, x.data(), 6, 70, seed);
    const std::size_t k = static_cast<std::size_t>(f.block_size);
    const std::size_t block_bytes = (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8;
    EXPECT_EQ(fs::file_size(dir.file("y.bin")), 6 * ((70 + k - 1) / k) * block_bytes) << c.name;
    EXPECT_EQ(read_file(dir.file("y.bin")),
              std::string(reinterpret_cast<const char*>(packed.data()), packed.size()));
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"x.npy", "y.bin", "y.npy"}));
  }
}

TEST(QuantizeCommand, OneDimensionalAndScalarTensors) {
  TempDir dir;
  const std::vector<float> x = {1.0f, -0.3f, 0.7f};
  const std::vector<std::size_t> s1 = {3};
  bf::golden::write_npy_f32(dir.file("v.npy"), s1, x.data());
  RunResult r = run({"--format", "mxint8", "--in", dir.file("v.npy"), "--out", dir.file("o.npy")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto o = bf::golden::read_npy_f32(dir.file("o.npy"));
  EXPECT_EQ(o.shape, s1);
  // One row of three: a single partial block.
  std::vector<float> expected(3);
  bf::golden::quantize_dequantize(BlockFormat::parse("mxint8"), x.data(), expected.data(), 1, 3);
  EXPECT_EQ(o.data, expected);

  const std::vector<std::size_t> s0 = {};
  bf::golden::write_npy_f32(dir.file("s.npy"), s0, x.data());
  r = run({"--format", "mxfp4_e2m1", "--in", dir.file("s.npy"), "--out", dir.file("so.npy")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto so = bf::golden::read_npy_f32(dir.file("so.npy"));
  EXPECT_TRUE(so.shape.empty());
  EXPECT_EQ(so.data, std::vector<float>{1.0f});
}

TEST(QuantizeCommand, ExactQuantizationPrintsInfiniteSqnr) {
  TempDir dir;
  const std::vector<float> x = {1.0f, 0.5f, -0.25f, 0.0f};
  const std::vector<std::size_t> s = {4};
  bf::golden::write_npy_f32(dir.file("x.npy"), s, x.data());
  const RunResult r =
      run({"--format", "mxint8", "--in", dir.file("x.npy"), "--out", dir.file("y.npy")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("inf dB (exact)"), std::string::npos) << r.out;
}

TEST(QuantizeCommand, OutputMayReplaceTheInput) {
  TempDir dir;
  const auto x = test_tensor(64, 2);
  const std::vector<std::size_t> s = {2, 32};
  bf::golden::write_npy_f32(dir.file("x.npy"), s, x.data());
  const RunResult r =
      run({"--format", "mxint4", "--in", dir.file("x.npy"), "--out", dir.file("x.npy")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<float> expected(x.size());
  bf::golden::quantize_dequantize(BlockFormat::parse("mxint4"), x.data(), expected.data(), 2, 32);
  EXPECT_EQ(bf::golden::read_npy_f32(dir.file("x.npy")).data, expected);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.npy"});
}

struct BadInput {
  const char* what;
  std::vector<std::string> args;  // {IN}, {OUT}, {BIN} are replaced by paths
  std::string message_part;
};

TEST(QuantizeCommand, BadInputExitsWithOneLineAndNoOutput) {
  TempDir dir;
  const auto x = test_tensor(64, 3);
  const std::vector<std::size_t> s = {2, 32};
  bf::golden::write_npy_f32(dir.file("x.npy"), s, x.data());
  {
    std::ofstream(dir.file("text.npy")) << "1, 2, 3\n";
    // float64 / empty tensors as NumPy writes them.
    auto npy = [](const std::string& dict, const std::string& data) {
      std::string header = dict;
      const std::size_t total = 10 + header.size() + 1;
      header.append((64 - total % 64) % 64, ' ');
      header.push_back('\n');
      std::string out = std::string("\x93NUMPY\x01\x00", 8);
      out.push_back(static_cast<char>(header.size() & 0xFF));
      out.push_back(static_cast<char>(header.size() >> 8));
      return out + header + data;
    };
    std::ofstream(dir.file("f64.npy"), std::ios::binary)
        << npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", std::string(16, '\0'));
    std::ofstream(dir.file("empty.npy"), std::ios::binary)
        << npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 32), }", "");
    fs::create_directories(dir.file("outdir.npy"));
  }
  const std::vector<BadInput> cases = {
      {"not npy", {"--format", "mxint8", "--in", "TEXT", "--out", "{OUT}"}, "bad magic"},
      {"float64",
       {"--format", "mxint8", "--in", "F64", "--out", "{OUT}"},
       "dtype is <f8 (float64)"},
      {"empty", {"--format", "mxint8", "--in", "EMPTY", "--out", "{OUT}"}, "empty tensor"},
      {"missing input", {"--format", "mxint8", "--in", "MISSING", "--out", "{OUT}"}, "cannot open"},
      {"unknown format",
       {"--format", "mxint9", "--in", "{IN}", "--out", "{OUT}"},
       "unknown block format 'mxint9'"},
      {"no format", {"--in", "{IN}", "--out", "{OUT}"}, "--format is required"},
      {"block 0",
       {"--format", "mxint8", "--block", "0", "--in", "{IN}", "--out", "{OUT}"},
       "block_size = 0"},
      {"block 5000",
       {"--format", "bfp8", "--block", "5000", "--in", "{IN}", "--out", "{OUT}"},
       "block_size = 5000"},
      {"block not a number",
       {"--format", "mxint8", "--block", "3x", "--in", "{IN}", "--out", "{OUT}"},
       "--block '3x' is not a block size"},
      {"seed not a number",
       {"--format", "mxint8", "--seed", "-1", "--in", "{IN}", "--out", "{OUT}"},
       "--seed '-1' is not a seed"},
      {"packed same as out",
       {"--format", "mxint8", "--in", "{IN}", "--out", "{OUT}", "--packed", "{OUT}"},
       "same file"},
      {"unknown rounding",
       {"--format", "mxint8", "--round", "nearest", "--in", "{IN}", "--out", "{OUT}"},
       "unknown rounding 'nearest'"},
      {"int encoding on float",
       {"--format", "mxfp4_e2m1", "--int-encoding", "twos_complement", "--in", "{IN}", "--out",
        "{OUT}"},
       "--int-encoding applies to mxint formats only"},
      {"bad int encoding",
       {"--format", "mxint8", "--int-encoding", "ones", "--in", "{IN}", "--out", "{OUT}"},
       "unknown integer encoding 'ones'"},
      {"no input", {"--format", "mxint8", "--out", "{OUT}"}, "--in is required"},
      {"no output", {"--format", "mxint8", "--in", "{IN}"}, "--out is required"},
      {"unwritable output",
       {"--format", "mxint8", "--in", "{IN}", "--out", "NODIR"},
       "cannot write"},
      {"output is a directory",
       {"--format", "mxint8", "--in", "{IN}", "--out", "OUTDIR"},
       "cannot write"},
      {"unwritable packed",
       {"--format", "mxint8", "--in", "{IN}", "--out", "{OUT}", "--packed", "NODIRBIN"},
       "cannot write"},
  };
  const auto before = dir.entries();
  for (const auto& c : cases) {
    std::vector<std::string> args = c.args;
    for (auto& a : args) {
      if (a == "{IN}") a = dir.file("x.npy");
      if (a == "{OUT}") a = dir.file("y.npy");
      if (a == "TEXT") a = dir.file("text.npy");
      if (a == "F64") a = dir.file("f64.npy");
      if (a == "EMPTY") a = dir.file("empty.npy");
      if (a == "MISSING") a = dir.file("missing.npy");
      if (a == "NODIR") a = dir.file("no_such_dir/y.npy");
      if (a == "OUTDIR") a = dir.file("outdir.npy");
      if (a == "NODIRBIN") a = dir.file("no_such_dir/y.bin");
    }
    const RunResult r = run(args);
    EXPECT_EQ(r.exit_code, 1) << c.what << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.what;
    EXPECT_EQ(r.err.rfind("blockforge quantize: ", 0), 0u) << c.what << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.message_part), std::string::npos) << c.what << ": " << r.err;
    EXPECT_EQ(dir.entries(), before) << c.what << ": an output or temporary file was left";
  }
}

TEST(QuantizeCommand, FailedRunKeepsAnExistingOutput) {
  TempDir dir;
  const auto x = test_tensor(32, 4);
  const std::vector<std::size_t> s = {32};
  bf::golden::write_npy_f32(dir.file("x.npy"), s, x.data());
  std::ofstream(dir.file("y.npy")) << "previous result";
  const RunResult r = run({"--format", "mxint8", "--in", dir.file("x.npy"), "--out",
                           dir.file("y.npy"), "--packed", dir.file("nodir/y.bin")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_file(dir.file("y.npy")), "previous result");
}

TEST(QuantizeCommand, StochasticIsReproducibleWithTheSeed) {
  TempDir dir;
  const auto x = test_tensor(256, 5);
  const std::vector<std::size_t> s = {8, 32};
  bf::golden::write_npy_f32(dir.file("x.npy"), s, x.data());
  auto go = [&](const std::string& seed, const std::string& out) {
    return run({"--format", "mxint4", "--round", "stochastic", "--seed", seed, "--in",
                dir.file("x.npy"), "--out", dir.file(out)});
  };
  ASSERT_EQ(go("11", "a.npy").exit_code, 0);
  ASSERT_EQ(go("11", "b.npy").exit_code, 0);
  ASSERT_EQ(go("12", "c.npy").exit_code, 0);
  EXPECT_EQ(read_file(dir.file("a.npy")), read_file(dir.file("b.npy")));
  EXPECT_NE(read_file(dir.file("a.npy")), read_file(dir.file("c.npy")));
  EXPECT_NE(go("11", "d.npy").out.find("seed 11"), std::string::npos);
}

}  // namespace
