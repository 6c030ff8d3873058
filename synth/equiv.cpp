#include "synth/equiv.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <sstream>

#include "synth/yosys_run.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStructScript = "equiv_struct.ys";
constexpr const char* kMiterScript = "equiv_miter.ys";
constexpr const char* kStructStatus = "equiv_status.txt";
constexpr const char* kMiterFile = "miter.v";
constexpr const char* kCexVcd = "counterexample.vcd";

// Lines of the sat log (synth/equiv_miter.ys) that decide the verdict.
constexpr const char* kSatProven = "Induction step proven: SUCCESS!";
constexpr const char* kSatBaseFail = "model found for base case: FAIL!";
constexpr const char* kSatMaxSteps = "Reached maximum number of time steps";
constexpr const char* kSatTimeout = "Interrupted SAT solver: TIMEOUT!";

std::string quote(const std::string& path) { return fmt::format("\"{}\"", path); }

// Yosys commands that leave design `side` (side_a / side_b) in a stash.
std::string read_side(const EquivSide& s, const std::string& name) {
  std::string out = fmt::format("# design {}: {}\n", name == "side_a" ? "A" : "B", s.description);
  if (!s.liberty.empty()) out += fmt::format("read_liberty {}\n", quote(s.liberty));
  for (const auto& f : s.files) out += fmt::format("read_verilog {}\n", quote(f));
  out += fmt::format("prep -flatten -top {}\nmemory_map\nopt_clean\n", s.top);
  if (s.top != name) out += fmt::format("rename {} {}\n", s.top, name);
  out += fmt::format("design -stash {}\n", name);
  return out;
}

std::string read_sides(const EquivSide& a, const EquivSide& b) {
  return read_side(a, "side_a") + read_side(b, "side_b") +
         "design -copy-from side_a -as side_a side_a\n"
         "design -copy-from side_b -as side_b side_b";
}

void check_side(const EquivSide& s, const char* label) {
  if (s.files.empty()) throw std::runtime_error(fmt::format("design {}: no Verilog files", label));
  for (const auto& f : s.files) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec))
      throw std::runtime_error(fmt::format("design {}: no such file: {}", label, f));
  }
  if (s.top.empty()) throw std::runtime_error(fmt::format("design {}: no top module", label));
}

std::string read_log(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir / kYosysLog, ec)) return "";
  return util::read_text((dir / kYosysLog).string());
}

// The last "<prefix><number>" in text, or -1.
int last_number_after(const std::string& text, const std::string& prefix) {
  const auto at = text.rfind(prefix);
  if (at == std::string::npos) return -1;
  return std::atoi(text.c_str() + at + prefix.size());
}

struct Stage {
  bool decided = false;
  bool timed_out = false;
};

// Method 1: equivalence cells. Decides only Proven.
Stage run_struct(const std::string& sides, const std::vector<EquivPort>& outputs,
                 const fs::path& dir, const util::ToolBudget& budget, int depth, EquivResult& r) {
  fs::create_directories(dir);
  const int seq = std::max(1, std::min(depth, 4));
  util::write_text((dir / kStructScript).string(),
                   fill_template(read_script_template(kStructScript),
                                 {{"READ_SIDES", sides}, {"SEQ", std::to_string(seq)}}));
  Stage st;
  try {
    run_yosys(dir, kStructScript, "equiv (equiv_struct.ys)", budget);
  } catch (const util::ToolTimeout&) {
    r.log.push_back("equiv_make/equiv_induct: stopped by the time limit");
    st.timed_out = true;
    return st;
  }
  const std::string status = util::read_text((dir / kStructStatus).string());
  if (status.find("Equivalence successfully proven!") != std::string::npos) {
    r.log.push_back("equiv_make/equiv_simple/equiv_induct: every $equiv cell proven");
    st.decided = true;
    return st;
  }
  // Unproven cells: do any of them compare an output port?
  std::istringstream in(status);
  std::string line;
  int unproven = 0;
  std::vector<std::string> bad_outputs;
  const std::vector<std::string> control = {"in_ready_o", "out_valid_o"};
  while (std::getline(in, line)) {
    if (line.find("Unproven $equiv") == std::string::npos) continue;
    ++unproven;
    auto check = [&](const std::string& port) {
      const std::regex re("\\\\" + port + "(_gold|_gate)?([ \\[]|$)");
      if (std::regex_search(line, re) &&
          std::find(bad_outputs.begin(), bad_outputs.end(), port) == bad_outputs.end())
        bad_outputs.push_back(port);
    };
    for (const auto& p : outputs) check(p.name);
    for (const auto& p : control) check(p);
  }
  if (bad_outputs.empty() && unproven > 0) {
    r.log.push_back(fmt::format(
        "equiv_make/equiv_simple/equiv_induct: every output port proven ({} internal $equiv "
        "cell(s) unproven and not needed)",
        unproven));
    st.decided = true;
    return st;
  }
  std::string outs;
  for (const auto& p : bad_outputs) outs += (outs.empty() ? "" : ", ") + p;
  r.log.push_back(
      fmt::format("equiv_make/equiv_simple/equiv_induct: {} $equiv cell(s) unproven{}{} (not a "
                  "counterexample: the registers do not correspond one to one)",
                  unproven, outs.empty() ? "" : ", among them output ", outs));
  return st;
}

// Method 2: the miter with sat -tempinduct.
Stage run_miter(const std::string& sides, const MiterSpec& spec, const fs::path& dir,
                const util::ToolBudget& budget, const EquivOptions& options, EquivResult& r) {
  fs::create_directories(dir);
  util::write_text((dir / kMiterFile).string(), miter_verilog(spec));
  util::write_text(
      (dir / kMiterScript).string(),
      fill_template(read_script_template(kMiterScript),
                    {{"READ_SIDES", sides}, {"DEPTH", std::to_string(options.depth)}}));
  Stage st;
  try {
    run_yosys(dir, kMiterScript, "equiv (equiv_miter.ys)", budget);
  } catch (const util::ToolTimeout&) {
    st.timed_out = true;
  }
  const std::string log = read_log(dir);
  r.bounded_cycles = std::max(0, last_number_after(log, "Base case for induction length "));
  const int length = last_number_after(log, "** Trying induction with length ");
  if (!st.timed_out && log.find(kSatProven) != std::string::npos) {
    r.verdict = EquivVerdict::Proven;
    r.method = fmt::format(
        "sat -tempinduct on the miter (k-induction over loop-free paths), induction length {}",
        length);
    r.log.push_back(
        fmt::format("miter, sat -tempinduct: induction step proven at length {}", length));
    st.decided = true;
  } else if (!st.timed_out && log.find(kSatBaseFail) != std::string::npos) {
    r.verdict = EquivVerdict::NotProven;
    r.method = "sat -tempinduct on the miter: base case failed";
    if (const auto model = parse_sat_model(log, kSatBaseFail))
      r.cex = decode_counterexample(*model);
    std::error_code ec;
    if (fs::exists(dir / kCexVcd, ec)) r.cex_vcd = (dir / kCexVcd).string();
    r.detail = fmt::format("the designs differ in cycle {} from reset",
                           r.cex.empty() ? length : r.cex.cycles.back().cycle);
    r.log.push_back(
        fmt::format("miter, sat -tempinduct: counterexample of {} cycle(s)", r.cex.cycles.size()));
    st.decided = true;
  } else if (!st.timed_out && log.find(kSatMaxSteps) != std::string::npos) {
    r.log.push_back(fmt::format(
        "miter, sat -tempinduct: base case holds for {} cycles, induction step fails up to "
        "length {} (--depth)",
        r.bounded_cycles, options.depth));
  } else if (st.timed_out || log.find(kSatTimeout) != std::string::npos) {
    st.timed_out = true;
    r.log.push_back(fmt::format(
        "miter, sat -tempinduct: stopped by the time limit (base case held for {} cycle(s))",
        r.bounded_cycles));
  } else {
    throw std::runtime_error(fmt::format("equiv: sat printed no verdict ({})", log_hint(dir)));
  }
  return st;
}

}  // namespace

std::string verdict_name(EquivVerdict v) {
  switch (v) {
    case EquivVerdict::Proven:
      return "PROVEN";
    case EquivVerdict::NotProven:
      return "NOT PROVEN";
    case EquivVerdict::Unknown:
      break;
  }
  return "UNKNOWN";
}

EquivResult run_equiv(const EquivSide& a, const EquivSide& b,
                      const std::vector<EquivPort>& data_inputs,
                      const std::vector<EquivPort>& data_outputs, const std::string& work_dir,
                      const EquivOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  check_side(a, "A");
  check_side(b, "B");
  if (options.depth < 1) throw std::runtime_error("depth must be at least 1");
  const fs::path work = fs::absolute(work_dir);
  fs::create_directories(work);
  for (const char* sub : {"struct", "miter"}) fs::remove_all(work / sub);

  const util::ToolBudget budget(options.timeout_seconds, options.cancel);
  const std::string sides = read_sides(a, b);
  const MiterSpec spec{data_inputs, data_outputs, a.latency, b.latency};
  const bool equal_latency = a.latency == b.latency;

  EquivResult r;
  r.a = a.description;
  r.b = b.description;
  r.work_dir = work.string();
  bool timed_out = false;
  bool decided = false;
  if (options.method == EquivMethod::Struct) {
    if (!equal_latency)
      throw std::runtime_error(
          fmt::format("--method struct needs equal latencies (A {}, B {}); use --method sat",
                      a.latency, b.latency));
    const Stage st = run_struct(sides, data_outputs, work / "struct", budget, options.depth, r);
    timed_out = st.timed_out;
    if (st.decided) {
      decided = true;
      r.verdict = EquivVerdict::Proven;
      r.method = "Yosys equivalence cells (equiv_make, equiv_simple, equiv_induct)";
      r.claim = fmt::format(
          "equiv_induct's equivalence, weaker than a proof from reset: once every proven signal "
          "matched by name (the output ports among them) has agreed in A and B for {} "
          "consecutive cycles, they agree in every later cycle, for every input sequence "
          "(rst_ni, in_valid_i, out_ready_i and the data inputs free); the first cycles after "
          "reset are not checked (use --method sat for that)",
          std::max(1, std::min(options.depth, 4)));
    }
  } else {
    r.claim = miter_claim(spec);
    const Stage st = run_miter(sides, spec, work / "miter", budget, options, r);
    decided = st.decided;
    timed_out = st.timed_out;
  }
  if (!decided) {
    r.verdict = EquivVerdict::Unknown;
    r.method = "none decided";
    const std::string bounded =
        r.bounded_cycles > 0
            ? fmt::format("no difference within {} cycles (bounded check, not a proof)",
                          r.bounded_cycles)
            : "no proof and no counterexample";
    r.detail = timed_out ? fmt::format("{}; time limit of {:g} s reached", bounded,
                                       options.timeout_seconds)
                         : fmt::format("{}; induction did not close within {} cycles (--depth)",
                                       bounded, options.depth);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::string to_text(const EquivResult& r) {
  std::string out = verdict_name(r.verdict) + ": ";
  switch (r.verdict) {
    case EquivVerdict::Proven:
      out += fmt::format("by {}\n", r.method);
      out += fmt::format("  claim: {}\n", r.claim);
      break;
    case EquivVerdict::NotProven:
      out += fmt::format("{} ({})\n", r.detail, r.method);
      out += fmt::format("  environment: {}\n", r.claim);
      break;
    case EquivVerdict::Unknown:
      out += r.detail + "\n";
      break;
  }
  out += fmt::format("  A: {}\n  B: {}\n", r.a, r.b);
  for (const auto& l : r.log) out += fmt::format("  tried: {}\n", l);
  if (!r.cex.empty()) {
    out +=
        "  counterexample (A = first design, B = second; values hex; cycle 1 holds both in "
        "reset):\n";
    out += to_text(r.cex);
    if (!r.cex_vcd.empty()) out += fmt::format("  waveform: {}\n", r.cex_vcd);
  }
  out += fmt::format("  {:.1f} s; scripts and logs in {}\n", r.seconds, r.work_dir);
  return out;
}

nlohmann::ordered_json to_json(const EquivResult& r) {
  nlohmann::ordered_json j;
  j["verdict"] = verdict_name(r.verdict);
  j["a"] = r.a;
  j["b"] = r.b;
  j["method"] = r.method;
  j["claim"] = r.claim;
  j["detail"] = r.detail;
  j["bounded_cycles"] = r.bounded_cycles;
  j["tried"] = r.log;
  nlohmann::ordered_json cycles = nlohmann::ordered_json::array();
  for (const auto& c : r.cex.cycles) {
    nlohmann::ordered_json cj;
    cj["cycle"] = c.cycle;
    for (const auto& [key, vals] :
         {std::pair{"inputs", &c.inputs}, std::pair{"a", &c.a}, std::pair{"b", &c.b}}) {
      nlohmann::ordered_json o = nlohmann::ordered_json::object();
      for (const auto& v : *vals) o[v.port] = v.value;
      cj[key] = o;
    }
    cj["differing"] = c.differing;
    cycles.push_back(cj);
  }
  j["counterexample"] = cycles;
  j["counterexample_vcd"] = r.cex_vcd;
  j["seconds"] = r.seconds;
  j["work_dir"] = r.work_dir;
  return j;
}

}  // namespace bf::synth
