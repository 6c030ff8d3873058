#include "tests/architecture/unit_names.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace bf::arch {

namespace fs = std::filesystem;

std::string unit_stem(const std::string& unit_name) {
  std::string s = unit_name;
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

namespace {

const char* const kUnitFolders[] = {"golden/units", "generator/units", "tests/units"};

// The unit whose stem is the longest prefix of a config file stem ("opal_pe"
// for opal_pe_a3, not a shorter stem that happens to match).
std::string stem_of_config(const std::string& file_stem, const std::set<std::string>& stems) {
  std::string best;
  for (const auto& s : stems)
    if (file_stem.rfind(s, 0) == 0 &&
        (file_stem.size() == s.size() || file_stem[s.size()] == '_') && s.size() > best.size())
      best = s;
  return best;
}

void check_configs(const fs::path& root, const std::set<std::string>& stems,
                   std::vector<std::string>& problems) {
  const fs::path dir = root / "configs";
  if (!fs::is_directory(dir)) return;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".toml") continue;
    const std::string file = "configs/" + e.path().filename().string();
    const std::string file_stem = e.path().stem().string();
    toml::table t;
    try {
      t = toml::parse_file(e.path().string());
    } catch (const toml::parse_error& err) {
      problems.push_back(fmt::format("{}: not TOML ({})", file, err.description()));
      continue;
    }
    const std::string unit = unit_stem(t["unit"].value_or(std::string{}));
    const std::string name = t["name"].value_or(std::string{});
    if (stem_of_config(file_stem, stems) != unit)
      problems.push_back(
          fmt::format("{}: unit stem '{}' must start the file name ({}_*.toml)", file, unit, unit));
    if (name != file_stem)
      problems.push_back(
          fmt::format("{}: name = \"{}\" must equal the file stem \"{}\"", file, name, file_stem));
    if (!fs::is_directory(root / "rtl_out" / file_stem))
      problems.push_back(fmt::format("{}: rtl_out/{}/ is missing (blockforge gen {} -o rtl_out)",
                                     file, file_stem, file));
  }
}

}  // namespace

std::vector<std::string> check_unit_names(const std::string& root_dir,
                                          const std::vector<std::string>& unit_names) {
  const fs::path root(root_dir);
  std::set<std::string> stems;
  for (const auto& n : unit_names) stems.insert(unit_stem(n));
  std::vector<std::string> problems;
  for (const char* folder : kUnitFolders) {
    for (const auto& s : stems)
      if (!fs::is_directory(root / folder / s))
        problems.push_back(
            fmt::format("{}/{}/ is missing: unit '{}' has a folder in every layer", folder, s, s));
    if (!fs::is_directory(root / folder)) continue;
    for (const auto& e : fs::directory_iterator(root / folder))
      if (e.is_directory() && !stems.count(e.path().filename().string()))
        problems.push_back(
            fmt::format("{}/{}/ names no registered unit: rename it to its unit's "
                        "stem or move it out of {}/",
                        folder, e.path().filename().string(), folder));
  }
  check_configs(root, stems, problems);
  std::sort(problems.begin(), problems.end());
  return problems;
}

}  // namespace bf::arch
