// read_config_file: a design or sweep file path names anything the user
// typed. Found while fuzzing the sweep reader (a sweep's base may name any
// path): `blockforge gen /dev/zero` and `base = "/dev/zero"` read until
// memory ran out (std::bad_alloc under a memory limit, the whole machine's
// memory without one), and a FIFO blocked forever. Each is now refused at once
// with a message naming the path.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "generator/config/config.hpp"

namespace {

namespace fs = std::filesystem;
using bf::cfg::ConfigError;

std::string error_of(const std::string& path) {
  try {
    (void)bf::cfg::load_design_file(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bf_config_file_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ConfigFileTest, DevicesAreRefusedWithoutReading) {
  EXPECT_EQ(error_of("/dev/zero"),
            "/dev/zero: cannot read design file: it is a device, expected a TOML text file");
  EXPECT_EQ(error_of("/dev/null"),
            "/dev/null: cannot read design file: it is a device, expected a TOML text file");
}

TEST_F(ConfigFileTest, AFifoIsRefusedWithoutBlocking) {
  const std::string fifo = (dir_ / "pipe.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of(fifo),
            fifo + ": cannot read design file: it is a FIFO, expected a TOML text file");
}

TEST_F(ConfigFileTest, ADirectoryIsNamedAsSuch) {
  EXPECT_EQ(
      error_of(dir_.string()),
      dir_.string() + ": cannot read design file: it is a directory, expected a TOML text file");
}

TEST_F(ConfigFileTest, AHugeFileIsRefusedAfterTheLimit) {
  const std::string big = (dir_ / "big.toml").string();
  {
    std::ofstream out(big, std::ios::binary);
    out << "unit = \"quant.block\"\n";
    const std::string comment = "# " + std::string(1 << 20, 'x') + "\n";
    for (int i = 0; i < 16; ++i) out << comment;
  }
  ASSERT_GT(fs::file_size(big), bf::cfg::kMaxConfigFileBytes);
  EXPECT_EQ(error_of(big), big +
                               ": the design file is larger than 16 MiB; a design file is a short "
                               "TOML text (is this the right file?)");
  // /proc files report size 0 and are read as text, up to the limit.
  EXPECT_EQ(bf::cfg::read_config_file("/proc/self/stat", "design file").empty(), false);
}

TEST_F(ConfigFileTest, AnOrdinaryFileReadsWhole) {
  const std::string path = (dir_ / "q.toml").string();
  const std::string text = "unit = \"quant.block\"\n# " + std::string(200000, 'y') + "\n";
  std::ofstream(path, std::ios::binary) << text;
  EXPECT_EQ(bf::cfg::read_config_file(path, "design file"), text);
  EXPECT_EQ(bf::cfg::load_design_file(path).unit, "quant.block");
}

}  // namespace
