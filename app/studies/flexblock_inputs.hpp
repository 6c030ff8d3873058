#pragma once
// The inputs the FlexBlock studies (`blockforge map`, `blockforge
// train-step`) share: a network named on the command line and the array's
// design file.
//
// Shipped networks (configs/networks/) are found through the source tree
// this binary was built from, or $BLOCKFORGE_NETWORKS_DIR.

#include <string>
#include <utility>

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

}  // namespace bf::cli
