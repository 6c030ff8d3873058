#include "tests/architecture/layering.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <regex>
#include <utility>

namespace bf::arch {

namespace fs = std::filesystem;

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::optional<int> layer_of(const std::string& p) {
  static const std::array<std::pair<const char*, int>, 11> kLayers{{
      {"util/", 0},
      {"golden/", 1},
      {"generator/verilog/", 2},
      {"generator/blocks/", 2},
      {"generator/config/", 2},
      {"generator/design/", 3},
      {"generator/units/", 3},
      {"tb/", 4},
      {"synth/", 4},
      {"app/", 5},
      {"python/", 5},
  }};
  for (const auto& [prefix, layer] : kLayers)
    if (starts_with(p, prefix)) return layer;
  return std::nullopt;
}

std::vector<Violation> check_layering(const std::string& root) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<Violation> out;
  std::vector<fs::path> files;
  for (const char* top : {"util", "golden", "generator", "tb", "synth", "app", "python"}) {
    const fs::path dir = fs::path(root) / top;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".hpp" || ext == ".cpp")) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    const std::string rel = fs::relative(path, root).generic_string();
    const auto layer = layer_of(rel);
    std::ifstream in(path);
    std::string text;
    int line_no = 0;
    while (std::getline(in, text)) {
      ++line_no;
      std::smatch m;
      if (!std::regex_search(text, m, kInclude)) continue;
      const std::string inc = m[1];
      // Project includes are written from the repository root; a name that
      // resolves only next to the file is a local include of its own layer.
      if (!fs::exists(fs::path(root) / inc)) continue;
      const auto target = layer_of(inc);
      std::string why;
      if (starts_with(rel, "golden/") && !starts_with(inc, "golden/")) {
        why = "golden/ includes only golden/";
      } else if (!target) {
        why = "includes a file outside the layered tree";
      } else if (*target > *layer) {
        why = fmt::format("layer {} includes layer {}", *layer, *target);
      } else {
        continue;
      }
      out.push_back({rel, line_no, inc,
                     fmt::format("{}:{}: includes {} ({}); move the code it needs down a layer "
                                 "or this file up",
                                 rel, line_no, inc, why)});
    }
  }
  return out;
}

}  // namespace bf::arch
