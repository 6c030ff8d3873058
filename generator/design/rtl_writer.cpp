#include "generator/design/rtl_writer.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "generator/config/config.hpp"
#include "generator/verilog/module.hpp"
#include "generator/verilog/module_set.hpp"

namespace bf {

namespace fs = std::filesystem;

nlohmann::ordered_json manifest(const Design& d, const std::vector<std::string>& file_names,
                                const std::vector<std::string>& simulation_models) {
  nlohmann::ordered_json j;
  j["unit"] = d.unit_name();
  j["top"] = d.top_name();
  j["generator"] = "blockforge " BLOCKFORGE_VERSION;
  j["config_hash"] = cfg::stable_hash(d.unit_name() + d.params_json().dump());
  j["params"] = d.params_json();
  j["latency_cycles"] = d.latency();
  j["handshake"] = "valid/ready: in_valid_i/in_ready_o, out_valid_o/out_ready_i";
  j["clock"] = "clk_i";
  j["reset"] = "rst_ni (asynchronous, active low)";
  const auto ports = [](const std::vector<PortSpec>& specs) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& p : specs) a.push_back({{"name", p.name}, {"width", p.width}, {"doc", p.doc}});
    return a;
  };
  j["data_inputs"] = ports(d.data_inputs());
  j["data_outputs"] = ports(d.data_outputs());
  j["metrics"] = d.metrics();
  j["files"] = file_names;
  if (!simulation_models.empty()) {
    j["simulation_models"] = simulation_models;
    j["simulation_models_note"] =
        "behavioural models of hard macros, for simulation only: synthesis reads them as black "
        "boxes (no area); replace them with the macros' own views in a tapeout flow";
  }
  return j;
}

std::vector<vlog::Module> design_modules(const Design& d) {
  return vlog::finalize_modules(d.modules(), d.top_name());
}

WrittenDesign write_rtl(const Design& d, const std::string& out_dir) {
  const auto modules = design_modules(d);
  const fs::path final_dir = fs::path(out_dir) / d.top_name();
  const fs::path tmp_dir = fs::path(out_dir) / ("." + d.top_name() + ".partial");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", out_dir, ec.message()));
  fs::remove_all(tmp_dir, ec);
  fs::create_directories(tmp_dir, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot create {}: {}", tmp_dir.string(), ec.message()));
  std::vector<std::string> names, models;
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream f(tmp_dir / name, std::ios::binary);
    f << text;
    if (!f.flush()) throw std::runtime_error("cannot write " + (tmp_dir / name).string());
  };
  for (const auto& m : modules) {
    names.push_back(m.name + ".v");
    if (m.simulation_model) models.push_back(names.back());
    write(names.back(), vlog::print(m));
  }
  write("manifest.json", manifest(d, names, models).dump(2) + "\n");
  fs::remove_all(final_dir, ec);
  fs::rename(tmp_dir, final_dir, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot move {} into place: {}", final_dir.string(), ec.message()));
  WrittenDesign w{final_dir.string(), {}};
  for (const auto& n : names) w.files.push_back((final_dir / n).string());
  return w;
}

}  // namespace bf
