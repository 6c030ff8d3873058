#include "app/studies/flexblock_inputs.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "generator/config/config.hpp"

#ifndef BLOCKFORGE_NETWORKS_DIR
#error "BLOCKFORGE_NETWORKS_DIR must point at the configs/networks source folder"
#endif

namespace bf::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kUnit = "flexblock.array";

struct ShippedNetwork {
  const char* name;
  const char* file;
};
constexpr ShippedNetwork kShipped[] = {{"resnet18-cifar", "resnet18_cifar.csv"},
                                       {"mobilenetv2", "mobilenetv2.csv"}};

std::string networks_dir() {
  if (const char* dir = std::getenv("BLOCKFORGE_NETWORKS_DIR"); dir && *dir) return dir;
  return BLOCKFORGE_NETWORKS_DIR;
}

}  // namespace

std::pair<std::string, std::string> resolve_network(const std::string& arg) {
  std::vector<std::string> names;
  for (const auto& s : kShipped) {
    names.emplace_back(s.name);
    if (arg != s.name) continue;
    const std::string path = (fs::path(networks_dir()) / s.file).string();
    if (!fs::exists(path))
      throw std::runtime_error(fmt::format(
          "network '{}': its table {} is missing; set BLOCKFORGE_NETWORKS_DIR to the folder "
          "holding {} (configs/networks/ of the source tree)",
          arg, path, s.file));
    return {arg, path};
  }
  if (fs::exists(arg)) return {fs::path(arg).stem().string(), arg};
  std::string hint = cfg::did_you_mean(arg, names);
  // A shortened name ("resnet18", "mobilenet") is too far for an edit
  // distance but plainly means the shipped network that contains it.
  for (const auto& n : names)
    if (hint.empty() && arg.size() >= 3 && n.find(arg) != std::string::npos)
      hint = "did you mean '" + n + "'?";
  throw std::runtime_error(fmt::format(
      "unknown network '{}': not a shipped network ({}) nor an existing file{}; give a shipped "
      "name or the path of a layer table (CSV name,type,cin,cout,k,stride,pad,h,w, see "
      "configs/networks/)",
      arg, fmt::join(names, ", "), hint.empty() ? "" : " (" + hint + ")"));
}

golden::FlexblockArrayParams read_flexblock_array(const std::string& path, std::string& name) {
  const cfg::DesignFile f = cfg::load_design_file(path);
  if (f.unit != kUnit)
    throw std::runtime_error(
        fmt::format("{}: unit is '{}', expected '{}': the FlexBlock studies model the FlexBlock "
                    "array (e.g. configs/flexblock_array.toml)",
                    f.unit_where, f.unit, kUnit));
  name = f.name.empty() ? "flexblock_array" : f.name;
  return cfg::read_params<golden::FlexblockArrayParams>(f.params, path, kUnit);
}

MappedNetwork map_request(const MappingRequest& r) {
  constexpr int64_t kMaxBatch = 1 << 16;
  if (r.batch < 1 || r.batch > kMaxBatch)
    throw std::invalid_argument(
        fmt::format("--batch {}: expected 1..{} (images per training step)", r.batch, kMaxBatch));
  std::vector<golden::flexblock::Schedule> schedules;
  for (const auto& text : r.schedules.empty() ? r.defaults : r.schedules)
    schedules.push_back(golden::flexblock::parse_schedule(text));
  MappedNetwork m;
  m.array = read_flexblock_array(r.config, m.array_name);
  std::tie(m.network, m.network_path) = resolve_network(r.network);
  m.net = golden::flexblock::load_network(m.network_path);
  for (const auto& s : schedules) {
    try {
      m.maps.push_back(golden::flexblock::map_network(m.net, s, r.batch, m.array));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(
          fmt::format("schedule {} on {} ({}): {}", s.name, m.array_name, r.config, e.what()));
    }
  }
  return m;
}

}  // namespace bf::cli
