#include "synth/timing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "synth/liberty.hpp"
#include "synth/yosys_run.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTimingScript = "timing.tcl";
constexpr const char* kStaLog = "sta.log";
constexpr const char* kPathReport = "path.txt";

std::string num(double v) { return fmt::format("{:.6g}", v); }

double to_double(const std::map<std::string, std::string>& results, const std::string& key,
                 const std::string& log) {
  const auto it = results.find(key);
  if (it == results.end())
    throw std::runtime_error(fmt::format("OpenSTA reported no {} (see {})", key, log));
  try {
    return std::stod(it->second);
  } catch (const std::exception&) {
    throw std::runtime_error(
        fmt::format("OpenSTA reported {} '{}', not a number (see {})", key, it->second, log));
  }
}

void check_period(double period_ns) {
  if (!(period_ns > 0) || !std::isfinite(period_ns))
    throw std::runtime_error(
        fmt::format("clock period {} ns is not positive; give --clock-ns a period > 0", period_ns));
}

// The instance part of an OpenSTA pin name ("u_a/_12_/Q" -> "u_a/_12_").
std::string instance_of(const std::string& pin) {
  const auto slash = pin.rfind('/');
  return slash == std::string::npos ? "" : pin.substr(0, slash);
}

// The register a flop instance holds: the net on its Q output (Yosys keeps
// the RTL register's name there). Empty when `inst` is not a flop.
std::string register_of(const NetlistFacts& facts, const LibertyLibrary& lib,
                        const std::string& top, const std::string& inst) {
  if (inst.empty()) return "";
  const auto it = lib.cells.find(facts.type_of(top, inst));
  if (it == lib.cells.end() || !it->second.ff) return "";
  for (const LibertyPin* p : it->second.outputs()) {
    if (p->function == it->second.ff->iq) {
      std::string net = facts.net_of(top, inst, p->name);
      if (!net.empty()) return net;
    }
  }
  return "";
}

}  // namespace

std::string find_sta() {
  const std::string sta = util::find_on_path("sta");
  if (sta.empty())
    throw std::runtime_error(fmt::format(
        "sta (OpenSTA) not found on PATH; install it with apt-get install {}", kOpenStaPackage));
  return sta;
}

TimingReport time_netlist(const std::string& netlist, const std::string& top,
                          const std::string& liberty, const std::string& work_dir, double period_ns,
                          const util::ToolBudget& budget) {
  check_period(period_ns);
  const std::string sta = find_sta();
  const fs::path work = fs::absolute(work_dir);
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work);

  const NetlistFacts facts = read_netlist_facts(netlist);
  const auto top_it = facts.inputs.find(top);
  if (top_it == facts.inputs.end())
    throw std::runtime_error(fmt::format("module '{}' is not in the netlist {}", top, netlist));
  const LibertyLibrary lib = read_liberty(liberty);

  TimingReport r;
  r.top = top;
  r.has_clock =
      std::find(top_it->second.begin(), top_it->second.end(), kClockPort) != top_it->second.end();
  r.clock_port = r.has_clock ? kClockPort : "";
  r.period_ns = period_ns;
  r.liberty = liberty;
  r.liberty_name = lib.name;
  r.nominal_voltage = lib.nominal_voltage;
  r.work_dir = work.string();

  const std::string script = fill_template(read_script_template(kTimingScript),
                                           {{"LIBERTY", fs::absolute(liberty).string()},
                                            {"NETLIST", fs::absolute(netlist).string()},
                                            {"TOP", top},
                                            {"CLOCK_PORT", r.clock_port},
                                            {"PERIOD_NS", num(period_ns)},
                                            {"CLOCK_TRANSITION_NS", num(kClockTransitionNs)},
                                            {"INPUT_DELAY_NS", num(kInputDelayNs)},
                                            {"INPUT_TRANSITION_NS", num(kInputTransitionNs)},
                                            {"OUTPUT_DELAY_NS", num(kOutputDelayNs)},
                                            {"OUTPUT_LOAD_FF", num(kOutputLoadFf)}});
  util::write_text((work / kTimingScript).string(), script);

  const std::string log = (work / kStaLog).string();
  util::ProcessOptions opt;
  opt.log_path = log;
  opt.cwd = work.string();
  const util::ProcessResult res =
      util::run_process({sta, "-no_splash", "-exit", kTimingScript}, budget.apply(opt));
  util::throw_if_stopped(res, "timing of " + top + ": sta", log);
  r.sta_seconds = res.seconds;
  std::string text;
  try {
    text = util::read_text(log);
  } catch (const std::exception&) {
  }
  const auto results = parse_sta_results(text);
  const std::string error = first_sta_error(text);
  if (!res.ok() || !error.empty() || !results.count("done")) {
    std::string why = error;
    if (why.empty())
      why = res.code > 128 ? fmt::format("sta killed by signal {}", res.code - 128)
            : res.ok()     ? "sta stopped before the end of its script"
                           : fmt::format("sta exited with status {}", res.code);
    throw std::runtime_error(fmt::format("OpenSTA failed: {} (see {})", why, log));
  }

  r.endpoints = static_cast<long>(to_double(results, "endpoints", log));
  if (to_double(results, "paths", log) == 0) {
    r.paths = false;
    return r;
  }
  r.worst_slack_ns = to_double(results, "worst_slack", log);
  r.tns_ns = to_double(results, "tns", log);
  r.failing_endpoints = static_cast<long>(to_double(results, "failing_endpoints", log));
  r.startpoint = unescape_name(results.at("startpoint"));
  r.endpoint = unescape_name(results.at("endpoint"));
  r.critical_path_ns = period_ns - r.worst_slack_ns;
  r.fmax_mhz = r.critical_path_ns > 0 ? 1000.0 / r.critical_path_ns : 0;
  r.path =
      parse_sta_path(util::read_text((work / kPathReport).string()), (work / kPathReport).string());

  for (auto& p : r.path.points) p.register_name = register_of(facts, lib, top, instance_of(p.pin));
  const TimingPoint& first = r.path.points.front();
  const TimingPoint& last = r.path.points.back();
  const bool from_port = first.cell == "in";
  const bool to_port = last.cell == "out";
  r.start_register = from_port ? "" : first.register_name;
  r.end_register = to_port ? "" : last.register_name;
  r.path_kind = std::string(from_port ? "in" : "reg") + "->" + (to_port ? "out" : "reg");
  return r;
}

TimingReport run_timing(const std::vector<std::string>& verilog_files, const std::string& top,
                        const std::string& work_dir, const TimingOptions& options) {
  if (options.clock_ns != 0) check_period(options.clock_ns);
  find_sta();  // before minutes of synthesis
  AreaOptions area = options.area;
  area.clock_ns = options.clock_ns;
  const fs::path work = fs::path(work_dir);
  AreaReport a = run_area(verilog_files, top, (work / "area").string(), area);
  const std::string liberty = area.liberty.empty() ? liberty_path() : area.liberty;
  const double period = options.clock_ns > 0 ? options.clock_ns : kNominalClockNs;
  TimingReport r =
      time_netlist(a.netlist, top, liberty, (work / "timing").string(), period, area.budget);
  r.target_clock = options.clock_ns > 0;
  r.area = std::move(a);
  return r;
}

nlohmann::ordered_json to_json(const TimingReport& r) {
  nlohmann::ordered_json j;
  j["top"] = r.top;
  j["clock"] = {{"port", r.has_clock ? nlohmann::ordered_json(r.clock_port) : nullptr},
                {"virtual", !r.has_clock},
                {"period_ns", r.period_ns},
                {"target", r.target_clock},
                {"transition_ns", kClockTransitionNs}};
  j["constrained_paths"] = r.paths;
  j["critical_path_ns"] = r.critical_path_ns;
  j["fmax_mhz"] = r.fmax_mhz;
  j["worst_slack_ns"] = r.worst_slack_ns;
  j["tns_ns"] = r.tns_ns;
  j["failing_endpoints"] = r.failing_endpoints;
  j["endpoints"] = r.endpoints;
  auto points = nlohmann::ordered_json::array();
  for (const auto& p : r.path.points) {
    nlohmann::ordered_json pj;
    pj["pin"] = p.pin;
    pj["cell"] = p.cell;
    pj["edge"] = p.edge == '^' ? "rise" : p.edge == 'v' ? "fall" : "";
    pj["slew_ns"] = p.slew_ns;
    pj["delay_ns"] = p.incr_ns;
    pj["arrival_ns"] = p.arrival_ns;
    pj["net"] = p.net;
    pj["fanout"] = p.fanout;
    pj["load_ff"] = p.load_ff;
    pj["register"] = p.register_name;
    points.push_back(pj);
  }
  j["path"] = {{"kind", r.path_kind},
               {"startpoint", r.startpoint},
               {"endpoint", r.endpoint},
               {"start_register", r.start_register},
               {"end_register", r.end_register},
               {"data_arrival_ns", r.path.data_arrival_ns},
               {"setup_ns", r.path.setup_ns},
               {"output_delay_ns", r.path.output_delay_ns},
               {"slack_ns", r.path.slack_ns},
               {"points", points}};
  j["area"] = {{"area_um2", r.area.area_um2},
               {"nand2_eq", r.area.nand2_eq},
               {"flops", r.area.flops},
               {"cells", r.area.cell_count},
               {"mode", r.area.mode},
               {"mapping", r.target_clock ? "delay-targeted" : "area-oriented"},
               {"mapping_clock_ns", r.area.clock_ns}};
  j["assumptions"] = {{"ports", "registered by the neighbour"},
                      {"input_delay_ns", kInputDelayNs},
                      {"input_transition_ns", kInputTransitionNs},
                      {"output_delay_ns", kOutputDelayNs},
                      {"output_load_ff", kOutputLoadFf},
                      {"clock", "ideal (no latency, no skew)"},
                      {"wire_load", "none (pin capacitances only)"}};
  j["tool"] = {{"liberty", r.liberty},
               {"library", r.liberty_name},
               {"nominal_voltage", r.nominal_voltage},
               {"corner", "the library's default operating conditions"},
               {"netlist", r.area.netlist},
               {"work_dir", r.work_dir},
               {"sta_seconds", r.sta_seconds},
               {"area_seconds", r.area.seconds}};
  return j;
}

std::string to_table(const TimingReport& r) {
  std::string out;
  out += fmt::format("timing of {}: OpenSTA on the mapped gate-level netlist ({})\n", r.top,
                     r.area.mode.empty() ? "given netlist" : r.area.mode + " synthesis");
  out += fmt::format("library      {} ({}), {:.2f} V, its default operating conditions\n",
                     r.liberty_name, r.liberty, r.nominal_voltage);
  if (r.has_clock)
    out += fmt::format("clock        {}, period {:.3f} ns, ideal ({:.0f} ps transition, no skew)\n",
                       r.clock_port, r.period_ns, kClockTransitionNs * 1000);
  else
    out += fmt::format(
        "clock        none: no {} port, a virtual clock of {:.3f} ns times input-to-output paths\n",
        kClockPort, r.period_ns);
  out += r.target_clock
             ? fmt::format("mapping      delay-targeted to {:.3f} ns (abc -D)\n", r.period_ns)
             : fmt::format("mapping      area-oriented; the {:.0f} ns period only measures paths\n",
                           r.period_ns);
  out += fmt::format(
      "assumptions  ports registered by the neighbour: inputs switch {:.3f} ns after the edge "
      "({:.0f} ps transition), outputs due {:.3f} ns before the next edge into {:.1f} fF; no "
      "wire load\n\n",
      kInputDelayNs, kInputTransitionNs * 1000, kOutputDelayNs, kOutputLoadFf);
  if (!r.paths) {
    out += "no constrained path (the design has no timing path between its ports and flops)\n";
    return out;
  }
  const char* tail =
      r.path_kind == "reg->reg" || r.path_kind == "in->reg" ? "setup" : "output delay";
  const double tail_ns =
      r.path_kind.size() >= 3 && r.path_kind.substr(r.path_kind.size() - 3) == "out"
          ? r.path.output_delay_ns
          : r.path.setup_ns;
  out += fmt::format("critical path  {:.3f} ns  (data arrival {:.3f} + {} {:.3f})\n",
                     r.critical_path_ns, r.path.data_arrival_ns, tail, tail_ns);
  out += fmt::format("fmax           {:.1f} MHz\n", r.fmax_mhz);
  out += fmt::format("worst slack    {:.3f} ns at {:.3f} ns{}\n", r.worst_slack_ns, r.period_ns,
                     r.worst_slack_ns < 0 ? " (VIOLATED)" : "");
  out += fmt::format("TNS            {:.3f} ns, {} of {} endpoints failing\n", r.tns_ns,
                     r.failing_endpoints, r.endpoints);
  if (!r.area.mode.empty())
    out += fmt::format("area           {:.1f} um^2 ({:.0f} NAND2-eq, {} flops) {}\n",
                       r.area.area_um2, r.area.nand2_eq, r.area.flops,
                       r.target_clock ? "at this clock" : "(area-oriented mapping)");
  auto who = [](const std::string& reg, const std::string& pin) {
    return reg.empty() ? pin : fmt::format("{} ({})", reg, pin);
  };
  out += fmt::format("\ncritical path ({}): from {} to {}\n", r.path_kind,
                     who(r.start_register, r.startpoint), who(r.end_register, r.endpoint));
  out += fmt::format("{:>9} {:>9} {:>8}  {:<1} {:<40} {:<8} {}\n", "arrival", "delay", "slew", "",
                     "pin", "cell", "net (fanout, load) / register");
  for (const auto& p : r.path.points) {
    std::string net;
    if (!p.register_name.empty())
      net = "reg " + p.register_name;
    else if (!p.net.empty())
      net = fmt::format("{} ({}, {:.1f} fF)", p.net, p.fanout, p.load_ff);
    out += fmt::format("{:>9.4f} {:>9.4f} {:>8.4f}  {:<1} {:<40} {:<8} {}\n", p.arrival_ns,
                       p.incr_ns, p.slew_ns, p.edge, p.pin, p.cell, net);
  }
  if (r.path.setup_ns != 0)
    out += fmt::format("{:>9} {:>9.4f} {:>8}    library setup time\n", "", r.path.setup_ns, "");
  out += fmt::format(
      "units: ns, fF. Work directory: {} (sta -no_splash -exit timing.tcl "
      "there reproduces the run; path.txt is OpenSTA's own report)\n",
      r.work_dir);
  return out;
}

}  // namespace bf::synth
