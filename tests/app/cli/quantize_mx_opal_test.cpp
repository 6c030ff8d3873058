// `blockforge quantize --format mx-opal`: the dequantized tensor and packed
// bits equal the golden MX-OPAL model; MX-only options are rejected.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "golden/data/synthetic.hpp"
#include "golden/formats/mx_opal.hpp"
#include "golden/io/npy.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

std::pair<int, std::string> run(const std::string& args) {
  FILE* p = popen((std::string(BLOCKFORGE_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  return {WEXITSTATUS(pclose(p)), out};
}

TEST(QuantizeMxOpal, MatchesTheGoldenModel) {
  const fs::path dir = fs::temp_directory_path() / "bf_q_mxopal";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto x = golden::llm_like_activations({.rows = 6, .cols = 300, .seed = 3});
  const std::vector<std::size_t> shape{6, 300};
  golden::write_npy_f32((dir / "x.npy").string(), shape, x.data());
  const auto [code, out] = run("quantize --format mx-opal --bits 4 --outliers 2 --block 128 --in " +
                               (dir / "x.npy").string() + " --out " + (dir / "q.npy").string() +
                               " --packed " + (dir / "q.bin").string());
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("SQNR"), std::string::npos) << out;

  golden::MxOpalFormat f;
  f.bits = 4;
  f.outliers = 2;
  std::vector<float> expect(x.size());
  golden::mx_opal_quantize_dequantize(f, x.data(), expect.data(), 6, 300);
  const auto q = golden::read_npy_f32((dir / "q.npy").string());
  EXPECT_EQ(q.shape, shape);
  EXPECT_EQ(q.data, expect);
  const auto packed = golden::mx_opal_quantize_packed(f, x.data(), 6, 300);
  std::ifstream bin(dir / "q.bin", std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(bin)),
                                   std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, packed);
  // 3 blocks per row (the last zero-padded), ceil(bits/8) bytes each.
  EXPECT_EQ(bytes.size(), 6u * 3u * ((f.block_storage_bits() + 7) / 8));
}

TEST(QuantizeMxOpal, BadOptionsAreOneLineAndWriteNothing) {
  const fs::path dir = fs::temp_directory_path() / "bf_q_mxopal_bad";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::vector<float> x(64, 1.0f);
  const std::vector<std::size_t> shape{64};
  golden::write_npy_f32((dir / "x.npy").string(), shape, x.data());
  const std::string io = " --in " + (dir / "x.npy").string() + " --out " + (dir / "q.npy").string();
  for (const char* args : {"--format mx-opal --outliers 17", "--format mx-opal --bits 9",
                           "--format mx-opal --block 8 --outliers 8", "--format mxint4 --bits 3"}) {
    const auto [code, out] = run(std::string("quantize ") + args + io);
    EXPECT_EQ(code, 1) << args;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_FALSE(fs::exists(dir / "q.npy")) << args;
  }
}

}  // namespace
}  // namespace bf
