#pragma once
// The inputs the FlexBlock studies (`blockforge map`, `blockforge
// train-step`) share: a network named on the command line and the array's
// design file.
//
// Shipped networks (configs/networks/) are found through the source tree
// this binary was built from, or $BLOCKFORGE_NETWORKS_DIR.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "golden/flexblock/mapping_network.hpp"
#include "golden/units/flexblock_array/flexblock_array_params.hpp"

namespace bf::cli {

// A shipped name (resnet18-cifar, mobilenetv2), else the path of a layer
// table: {name, path}. Throws std::runtime_error naming the shipped
// networks (with a did-you-mean) when it is neither.
std::pair<std::string, std::string> resolve_network(const std::string& arg);

// The parameters of a flexblock.array design file, read and checked by the
// shared config reader (messages carry positions and did-you-means); `name`
// gets the design's name. Throws when the file describes another unit.
golden::FlexblockArrayParams read_flexblock_array(const std::string& path, std::string& name);

// A network's training step mapped on an array under mode schedules, as
// both studies start.
struct MappingRequest {
  std::string config;   // the array's design file
  std::string network;  // a shipped name or a layer table
  int64_t batch = 128;
  std::vector<std::string> schedules;  // empty: `defaults`
  std::vector<std::string> defaults;
};

struct MappedNetwork {
  golden::FlexblockArrayParams array;
  std::string array_name;
  std::string network, network_path;  // as resolve_network gives them
  golden::flexblock::Network net;
  std::vector<golden::flexblock::NetworkMapping> maps;  // one per schedule
};

// Checks the batch (1..65536) and parses the schedules before any file is
// read (a typo there fails first), then reads the array and the network and
// maps every schedule. Throws with one message naming the argument.
MappedNetwork map_request(const MappingRequest& r);

}  // namespace bf::cli
