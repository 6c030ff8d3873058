// The layer tables: the shipped networks load with the right layers and
// their sizes chain (each layer reads what an earlier one wrote), and a
// malformed table gets one message naming file:line and the fix.
#include "golden/flexblock/network.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace bf::golden::flexblock {
namespace {

namespace fs = std::filesystem;

Network shipped(const std::string& file) {
  return load_network(std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/networks/" + file);
}

int count(const Network& n, auto pred) {
  return static_cast<int>(std::count_if(n.layers.begin(), n.layers.end(), pred));
}

// Every layer reads (cin, h, w) that the network input or an earlier layer
// wrote (a shortcut reads its block's input, not the previous row); an fc
// reads an earlier layer's channels after global pooling (h = w = 1).
void expect_chained(const Network& n, int in_channels, int in_size) {
  for (std::size_t i = 0; i < n.layers.size(); ++i) {
    const Layer& l = n.layers[i];
    bool found = i == 0 && l.cin == in_channels && l.h == in_size && l.w == in_size;
    for (std::size_t j = 0; j < i && !found; ++j) {
      const Layer& p = n.layers[j];
      found =
          p.cout == l.cin && (l.type == LayerType::FullyConnected ? l.h == 1 && l.w == 1
                                                                  : p.ho() == l.h && p.wo() == l.w);
    }
    EXPECT_TRUE(found) << l.name << " (line " << l.line << ") reads " << l.cin << " x " << l.h
                       << " x " << l.w << ", which no earlier layer writes";
  }
}

TEST(Network, ResNet18Cifar) {
  const Network n = shipped("resnet18_cifar.csv");
  ASSERT_EQ(n.layers.size(), 21u);
  EXPECT_EQ(count(n, [](const Layer& l) { return l.type == LayerType::Conv && l.k == 3; }), 17);
  EXPECT_EQ(
      count(n,
            [](const Layer& l) { return l.type == LayerType::Conv && l.k == 1 && l.stride == 2; }),
      3);
  EXPECT_EQ(count(n, [](const Layer& l) { return l.type == LayerType::FullyConnected; }), 1);
  EXPECT_EQ(n.layers.front().name, "conv1");
  EXPECT_EQ(n.layers.front().stride, 1);  // CIFAR stem: no stride, no max pool
  EXPECT_EQ(n.layers.front().ho(), 32);
  // Stage outputs 32, 16, 8, 4.
  for (const auto& [name, size] :
       std::vector<std::pair<std::string, int>>{{"layer1.1.conv2", 32},
                                                {"layer2.1.conv2", 16},
                                                {"layer3.1.conv2", 8},
                                                {"layer4.1.conv2", 4},
                                                {"layer4.0.downsample", 4}}) {
    const auto it = std::find_if(n.layers.begin(), n.layers.end(),
                                 [&](const Layer& l) { return l.name == name; });
    ASSERT_NE(it, n.layers.end()) << name;
    EXPECT_EQ(it->ho(), size) << name;
  }
  EXPECT_EQ(n.layers.back().cin, 512);
  EXPECT_EQ(n.layers.back().cout, 10);
  expect_chained(n, 3, 32);
}

TEST(Network, MobileNetV2) {
  const Network n = shipped("mobilenetv2.csv");
  ASSERT_EQ(n.layers.size(), 53u);
  EXPECT_EQ(count(n, [](const Layer& l) { return l.is_conv(); }), 52);
  EXPECT_EQ(count(n, [](const Layer& l) { return l.type == LayerType::Depthwise; }), 17);
  // Expands: every block but the first (t = 1).
  EXPECT_EQ(count(n, [](const Layer& l) { return l.name.ends_with(".expand"); }), 16);
  EXPECT_EQ(
      count(n, [](const Layer& l) { return l.type == LayerType::Depthwise && l.stride == 2; }), 4);
  EXPECT_EQ(n.layers.front().ho(), 112);
  const Layer& last_conv = n.layers[n.layers.size() - 2];
  EXPECT_EQ(last_conv.name, "conv_last");
  EXPECT_EQ(last_conv.cin, 320);
  EXPECT_EQ(last_conv.cout, 1280);
  EXPECT_EQ(last_conv.ho(), 7);
  EXPECT_EQ(n.layers.back().cin, 1280);
  EXPECT_EQ(n.layers.back().cout, 1000);
  expect_chained(n, 3, 224);
}

std::string error_of(const std::string& text) {
  try {
    parse_network(text, "net.csv");
  } catch (const NetworkError& e) {
    return e.what();
  }
  return "no error";
}

constexpr const char* kHeader = "name,type,cin,cout,k,stride,pad,h,w\n";

TEST(Network, CommentsBlanksAndSpacesAreAllowed) {
  const Network n = parse_network(
      std::string("# a comment\n\n") + kHeader + " c1 , conv , 3 , 8 , 3 , 1 , 1 , 8 , 8 \r\n",
      "x.csv");
  ASSERT_EQ(n.layers.size(), 1u);
  EXPECT_EQ(n.layers[0].name, "c1");
  EXPECT_EQ(n.layers[0].line, 4);
  EXPECT_EQ(n.layers[0].ho(), 8);
}

TEST(Network, MalformedRowsArePositioned) {
  const std::string h = kHeader;
  EXPECT_EQ(error_of(h + "c1,conv,3,8,3,1,1,8,8\np,pool,8,8,2,2,0,8,8\n"),
            "net.csv:3: unknown layer type 'pool': use conv (k x k, a 1x1 for pointwise), dwconv "
            "(depthwise) or fc");
  EXPECT_EQ(error_of(h + "c1,conv,0,8,3,1,1,8,8\n"),
            "net.csv:2: column 'cin' is 0, expected 1..1048576 (sizes are positive)");
  EXPECT_EQ(error_of(h + "c1,conv,3,8,3,1,-1,8,8\n"),
            "net.csv:2: column 'pad' is -1, expected 0..1048576");
  EXPECT_EQ(error_of(h + "c1,conv,3,8,3,1,1,8\n"),
            "net.csv:2: 8 columns, expected 9 (name,type,cin,cout,k,stride,pad,h,w)");
  EXPECT_EQ(error_of(h + "c1,conv,3,8,3x,1,1,8,8\n"),
            "net.csv:2: column 'k' is '3x', expected a whole number");
  EXPECT_NE(error_of(h + "c1,conv,3,8,3,1,1,8,8\nc1,conv,8,8,3,1,1,8,8\n")
                .find("net.csv:3: layer name 'c1' is used twice"),
            std::string::npos);
  EXPECT_NE(error_of(h + "d,dwconv,8,16,3,1,1,8,8\n").find("net.csv:2: dwconv 'd' has cin = 8"),
            std::string::npos);
  EXPECT_NE(error_of(h + "f,fc,8,16,3,1,0,1,1\n").find("net.csv:2: fc 'f' must have k = 1"),
            std::string::npos);
  EXPECT_NE(
      error_of(h + "c,conv,8,16,7,1,0,4,4\n").find("net.csv:2: 'c': a 7x7 kernel does not fit"),
      std::string::npos);
  EXPECT_NE(error_of("name,type,cin\n").find("net.csv:1: the first row must be the header"),
            std::string::npos);
  EXPECT_NE(error_of("# only a comment\n").find("net.csv: empty layer table"), std::string::npos);
  EXPECT_NE(error_of(h).find("net.csv: no layers after the header"), std::string::npos);
}

TEST(Network, MissingOrNonRegularFile) {
  const std::string dir =
      (fs::temp_directory_path() / ("bf_net_" + std::to_string(::getpid()))).string();
  fs::create_directories(dir);
  try {
    load_network(dir + "/none.csv");
    ADD_FAILURE() << "no error";
  } catch (const NetworkError& e) {
    EXPECT_EQ(std::string(e.what()), dir + "/none.csv: no such layer table");
  }
  EXPECT_THROW(load_network(dir), NetworkError);
  std::ofstream(dir + "/bad.csv") << kHeader << "c,conv,3,8,3,1,1,8\n";
  try {
    load_network(dir + "/bad.csv");
    ADD_FAILURE() << "no error";
  } catch (const NetworkError& e) {
    EXPECT_NE(std::string(e.what()).find(dir + "/bad.csv:2: 8 columns"), std::string::npos);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bf::golden::flexblock
