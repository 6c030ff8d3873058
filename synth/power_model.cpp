#include "synth/power_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <unordered_map>

#include "synth/yosys_run.hpp"
#include "util/files.hpp"

namespace bf::synth {

namespace {

namespace fs = std::filesystem;

std::vector<long> json_bits(const nlohmann::json& bits) {
  std::vector<long> out;
  for (const auto& b : bits) out.push_back(b.is_number_integer() ? b.get<long>() : kConstBit);
  return out;
}

// Energy (fJ) of one transition of `pin`: each arc's mean of rise and fall at
// (transition, load), averaged over the arcs.
double pin_energy_fj(const LibertyPin& pin, double transition_ns, double load_ff) {
  double sum = 0;
  int arcs = 0;
  for (const auto& arc : pin.power) {
    if (!arc.rise && !arc.fall) continue;
    const double r = arc.rise ? arc.rise->at(transition_ns, load_ff) : 0;
    const double f = arc.fall ? arc.fall->at(transition_ns, load_ff) : 0;
    sum += arc.rise && arc.fall ? (r + f) / 2 : r + f;
    ++arcs;
  }
  return arcs ? sum / arcs : 0;
}

// Energy (fJ) of one clock cycle at a clock pin: rise + fall, averaged over
// its arcs.
double clock_cycle_energy_fj(const LibertyPin& pin, double transition_ns) {
  double sum = 0;
  int arcs = 0;
  for (const auto& arc : pin.power) {
    if (!arc.rise && !arc.fall) continue;
    sum += (arc.rise ? arc.rise->at(transition_ns, 0) : 0) +
           (arc.fall ? arc.fall->at(transition_ns, 0) : 0);
    ++arcs;
  }
  return arcs ? sum / arcs : 0;
}

std::string port_bit_name(const GatePort& p, std::size_t i) {
  if (p.bits.size() == 1 && p.offset == 0) return p.name;
  return fmt::format("{}[{}]", p.name, p.offset + static_cast<long>(i));
}

class Walker {
 public:
  Walker(const LibertyLibrary& lib, const GateNetlist& n, const ToggleCounts& t,
         const PowerOptions& o)
      : lib_(lib), net_(n), toggles_(t), opt_(o), v2_(lib.nominal_voltage * lib.nominal_voltage) {}

  void run(PowerReport& r, uint64_t cycles) {
    cycles_ = cycles;
    const GateModule& top = module(net_.top);
    std::unordered_map<long, double> ext;
    for (const auto& p : top.ports)
      if (p.direction != "input")
        for (long b : p.bits)
          if (b >= 0) ext[b] += opt_.output_port_load_ff;
    walk(top, "", ext, r);
    // The top's output port loads, charged with the port's own toggles.
    for (const auto& p : top.ports) {
      if (p.direction == "input") continue;
      for (std::size_t i = 0; i < p.bits.size(); ++i) {
        if (p.bits[i] < 0) continue;
        const double e = count("", port_bit_name(p, i)) * 0.5 * opt_.output_port_load_ff * v2_;
        r.energy.switching_fj += e;
        per_module_[top.name].energy.switching_fj += e;
      }
    }
    if (!missing_.empty()) {
      std::string list;
      for (std::size_t i = 0; i < std::min<std::size_t>(3, missing_.size()); ++i)
        list += (i ? ", " : "") + missing_[i];
      throw std::runtime_error(fmt::format(
          "{} cell pins of the netlist have no toggle count in the simulation (first: {}); the "
          "simulated netlist is not the one analysed",
          missing_.size(), list));
    }
    for (auto& [name, m] : per_module_) r.modules.push_back(m);
    std::sort(r.modules.begin(), r.modules.end(), [](const ModuleEnergy& a, const ModuleEnergy& b) {
      return a.energy.total_fj() > b.energy.total_fj();
    });
  }

 private:
  const GateModule& module(const std::string& name) const {
    const auto it = net_.modules.find(name);
    if (it == net_.modules.end()) throw std::runtime_error("netlist has no module " + name);
    return it->second;
  }
  const GateModule* child(const std::string& type) const {
    const auto it = net_.modules.find(type);
    return it == net_.modules.end() ? nullptr : &it->second;
  }
  const LibertyCell& lib_cell(const GateModule& m, const GateCell& c) const {
    const auto it = lib_.cells.find(c.type);
    if (it == lib_.cells.end())
      throw std::runtime_error(fmt::format(
          "cell {} of module {} has type {}, neither a module of the netlist nor a cell of {}",
          c.name, m.name, c.type, lib_.path));
    return it->second;
  }

  // Capacitance (fF) on each net bit of `m` from the pins inside its subtree
  // (library input pins + wire per pin; children's port loads).
  const std::unordered_map<long, double>& local_load(const GateModule& m) {
    const auto found = local_.find(m.name);
    if (found != local_.end()) return found->second;
    std::unordered_map<long, double> load;
    for (const auto& c : m.cells) {
      if (const GateModule* sub = child(c.type)) {
        const auto& sub_load = local_load(*sub);
        for (const auto& p : sub->ports) {
          const auto conn = c.pins.find(p.name);
          if (conn == c.pins.end()) continue;
          for (std::size_t i = 0; i < p.bits.size() && i < conn->second.size(); ++i) {
            if (conn->second[i] < 0 || p.bits[i] < 0) continue;
            const auto l = sub_load.find(p.bits[i]);
            if (l != sub_load.end()) load[conn->second[i]] += l->second;
          }
        }
        continue;
      }
      const LibertyCell& cell = lib_cell(m, c);
      for (const auto& [pin_name, bits] : c.pins) {
        const LibertyPin* pin = cell.pin(pin_name);
        if (!pin || pin->direction != "input") continue;
        for (long b : bits)
          if (b >= 0) load[b] += pin->capacitance_ff + opt_.wire_cap_per_fanout_ff;
      }
    }
    return local_[m.name] = std::move(load);
  }

  double count(const std::string& instance, const std::string& signal) {
    const auto it = toggles_.find(instance + ":" + signal);
    if (it == toggles_.end()) {
      missing_.push_back(instance + ":" + signal);
      return 0;
    }
    return static_cast<double>(it->second);
  }

  void walk(const GateModule& m, const std::string& path,
            const std::unordered_map<long, double>& ext, PowerReport& r) {
    const auto& local = local_load(m);
    auto total_load = [&](long b) {
      double l = 0;
      if (const auto it = local.find(b); it != local.end()) l += it->second;
      if (const auto it = ext.find(b); it != ext.end()) l += it->second;
      return l;
    };
    ModuleEnergy& me = per_module_[m.name];
    me.module = m.name;
    ++me.instances;
    long own_cells = 0;
    for (const auto& c : m.cells) {
      const std::string inst = path.empty() ? c.name : path + "." + c.name;
      if (const GateModule* sub = child(c.type)) {
        const auto& sub_local = local_load(*sub);
        std::unordered_map<long, double> sub_ext;
        for (const auto& p : sub->ports) {
          const auto conn = c.pins.find(p.name);
          if (conn == c.pins.end()) continue;
          for (std::size_t i = 0; i < p.bits.size() && i < conn->second.size(); ++i) {
            if (conn->second[i] < 0 || p.bits[i] < 0) continue;
            double own = 0;
            if (const auto it = sub_local.find(p.bits[i]); it != sub_local.end()) own = it->second;
            sub_ext[p.bits[i]] += total_load(conn->second[i]) - own;
          }
        }
        walk(*sub, inst, sub_ext, r);
        continue;
      }
      const LibertyCell& cell = lib_cell(m, c);
      ++own_cells;
      ++r.cells;
      const bool flop = cell.sequential && !cell.latch;
      if (flop) ++r.flops;
      EnergySplit e;
      e.leakage_fj = cell.leakage_nw * opt_.clock_ns * static_cast<double>(cycles_) * 1e-3;
      r.leakage_nw += cell.leakage_nw;
      for (const auto& [pin_name, bits] : c.pins) {
        const LibertyPin* pin = cell.pin(pin_name);
        if (!pin || bits.size() != 1 || bits[0] < 0) continue;  // unknown, bus or constant
        if (pin->direction == "input") {
          const double t = count(inst, pin_name);
          const double sw = t * 0.5 * (pin->capacitance_ff + opt_.wire_cap_per_fanout_ff) * v2_;
          (pin->clock ? e.clock_fj : e.switching_fj) += sw;
        } else if (pin->direction == "output") {
          const double t = count(inst, pin_name);
          r.toggles += static_cast<uint64_t>(t);
          e.internal_fj += t * pin_energy_fj(*pin, opt_.input_transition_ns, total_load(bits[0]));
        }
      }
      if (flop)
        for (const auto& pin : cell.pins)
          if (pin.clock && pin.direction == "input")
            e.clock_fj +=
                static_cast<double>(cycles_) * clock_cycle_energy_fj(pin, opt_.input_transition_ns);
      me.energy += e;
      r.energy += e;
    }
    me.cells = own_cells;
  }

  const LibertyLibrary& lib_;
  const GateNetlist& net_;
  const ToggleCounts& toggles_;
  const PowerOptions& opt_;
  const double v2_;
  uint64_t cycles_ = 0;
  std::map<std::string, std::unordered_map<long, double>> local_;
  std::map<std::string, ModuleEnergy> per_module_;
  std::vector<std::string> missing_;
};

nlohmann::ordered_json split_json(const EnergySplit& e) {
  nlohmann::ordered_json j;
  j["total_fj"] = e.total_fj();
  j["internal_fj"] = e.internal_fj;
  j["switching_fj"] = e.switching_fj;
  j["clock_fj"] = e.clock_fj;
  j["leakage_fj"] = e.leakage_fj;
  return j;
}

}  // namespace

EnergySplit& EnergySplit::operator+=(const EnergySplit& o) {
  internal_fj += o.internal_fj;
  switching_fj += o.switching_fj;
  clock_fj += o.clock_fj;
  leakage_fj += o.leakage_fj;
  return *this;
}

GateNetlist parse_yosys_netlist_json(const std::string& text, const std::string& top) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("netlist JSON does not parse: ") + e.what());
  }
  if (!j.is_object() || !j.contains("modules") || !j["modules"].is_object())
    throw std::runtime_error("not a Yosys JSON netlist (no \"modules\")");
  GateNetlist n;
  n.top = top;
  for (const auto& [name, mj] : j["modules"].items()) {
    if (mj.contains("attributes") && mj["attributes"].contains("blackbox")) continue;
    GateModule m;
    m.name = name;
    if (mj.contains("ports"))
      for (const auto& [pname, pj] : mj["ports"].items()) {
        GatePort p;
        p.name = pname;
        p.direction = pj.value("direction", "input");
        p.bits = json_bits(pj.at("bits"));
        if (mj.contains("netnames") && mj["netnames"].contains(pname))
          p.offset = mj["netnames"][pname].value("offset", 0);
        m.ports.push_back(std::move(p));
      }
    if (mj.contains("cells"))
      for (const auto& [cname, cj] : mj["cells"].items()) {
        GateCell c;
        c.name = cname;
        c.type = cj.at("type").get<std::string>();
        if (cj.contains("connections"))
          for (const auto& [pin, bits] : cj["connections"].items()) c.pins[pin] = json_bits(bits);
        m.cells.push_back(std::move(c));
      }
    n.modules[name] = std::move(m);
  }
  if (!n.modules.count(top))
    throw std::runtime_error(fmt::format("the netlist has no module {}", top));
  return n;
}

PowerReport compute_power(const LibertyLibrary& lib, const GateNetlist& netlist,
                          const ToggleCounts& toggles, uint64_t cycles,
                          const PowerOptions& options) {
  if (!(lib.nominal_voltage > 0))
    throw std::runtime_error(fmt::format(
        "{}: the library has no nom_voltage; energy needs the supply voltage", lib.path));
  if (!(options.clock_ns > 0)) throw std::invalid_argument("power: the clock period must be > 0");
  PowerReport r;
  r.cycles = cycles;
  r.clock_ns = options.clock_ns;
  r.time_ns = options.clock_ns * static_cast<double>(cycles);
  r.voltage = lib.nominal_voltage;
  Walker(lib, netlist, toggles, options).run(r, cycles);
  return r;
}

nlohmann::ordered_json to_json(const PowerReport& r) {
  nlohmann::ordered_json j;
  j["energy"] = split_json(r.energy);
  j["cycles"] = r.cycles;
  j["clock_ns"] = r.clock_ns;
  j["time_ns"] = r.time_ns;
  j["average_power_uw"] = r.average_power_uw();
  j["voltage"] = r.voltage;
  j["cells"] = r.cells;
  j["flops"] = r.flops;
  j["output_toggles"] = r.toggles;
  j["leakage_nw"] = r.leakage_nw;
  auto mods = nlohmann::ordered_json::array();
  for (const auto& m : r.modules) {
    nlohmann::ordered_json mj;
    mj["module"] = m.module;
    mj["instances"] = m.instances;
    mj["cells_per_instance"] = m.cells;
    mj["energy"] = split_json(m.energy);
    mods.push_back(mj);
  }
  j["modules"] = mods;
  return j;
}

GateNetlist read_gate_netlist(const std::string& netlist_v, const std::string& liberty_path,
                              const std::string& top, const std::string& work_dir) {
  const fs::path work = fs::absolute(work_dir);
  fs::create_directories(work);
  const std::string script = fmt::format(
      "# blockforge power: the mapped netlist's connectivity\n"
      "read_liberty -lib {}\nread_verilog {}\nhierarchy -top {}\nwrite_json netlist.json\n",
      fs::absolute(liberty_path).string(), fs::absolute(netlist_v).string(), top);
  util::write_text((work / "connectivity.ys").string(), script);
  run_yosys(work, "connectivity.ys", fmt::format("reading the netlist of {}", top), {});
  return parse_yosys_netlist_json(util::read_text((work / "netlist.json").string()), top);
}

}  // namespace bf::synth
