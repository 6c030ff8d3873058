// `blockforge verify CONFIG`: generate, simulate against the golden model,
// exit non-zero on any mismatch.
#include <fmt/format.h>

#include <iostream>

#include "app/cli/cli.hpp"
#include "app/cli/library_options.hpp"
#include "app/cli/work_dir.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "tb/gate_level.hpp"
#include "tb/verify.hpp"

namespace bf::cli {

namespace {
struct VerifyArgs {
  std::string config;
  std::string work;
  std::string sim = "verilator";
  std::size_t vectors = 100000;
  std::size_t icarus_vectors = 20000;
  uint64_t seed = 1;
  int max_errors = 10;
  bool trace = false;
  long corrupt_bit = -1;
  bool netlist = false;
  bool fast_compile = false;
};
}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "verify", "Prove a design bit-exact against its golden model (Verilator and/or Icarus)");
  auto a = std::make_shared<VerifyArgs>();
  cmd->add_option("config", a->config, "design file (TOML)")->required();
  cmd->add_option("--sim", a->sim, "simulator")
      ->check(CLI::IsMember({"verilator", "icarus", "both"}))
      ->capture_default_str();
  cmd->add_option("-n,--vectors", a->vectors, "biased random vectors after the corner cases")
      ->capture_default_str();
  cmd->add_option("--icarus-vectors", a->icarus_vectors,
                  "Icarus runs the first N of the same vectors")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of the random vectors and handshake pattern")
      ->capture_default_str();
  cmd->add_option("--max-errors", a->max_errors, "stop after this many mismatches")
      ->capture_default_str();
  cmd->add_flag("--trace", a->trace, "dump an FST waveform to WORK/trace.fst");
  cmd->add_option("--work", a->work, "work directory (default .blockforge/<top>)");
  cmd->add_flag("--netlist", a->netlist,
                "simulate the gate-level netlist the area/timing/power flows map the design onto "
                "(hierarchical synthesis, cached; cell models generated from the library's "
                "functions) instead of the RTL");
  cmd->add_flag("--fast-compile", a->fast_compile,
                "compile the Verilator model without C++ optimization: a build several times "
                "shorter, a slower run (for few vectors, as the test suite runs; --netlist always "
                "does)");
  const LibraryOptions library = add_library_options(
      cmd, "with --netlist: verify the netlist mapped for this clock period (ABC -D)");
  cmd->add_option("--corrupt-expected-bit", a->corrupt_bit,
                  "self-test of the checker: flip this bit of the expected outputs")
      ->group("");  // hidden: used by the checker-can-fail test
  cmd->callback([a, library, &exit_code] {
    try {
      const auto design = load_design(a->config);
      const std::string work = a->work.empty() ? default_work_dir(design->top_name()) : a->work;
      const auto rtl = write_rtl(*design, work + "/rtl");
      std::vector<std::string> files = rtl.files;
      std::string prefix;
      if (a->netlist) {
        synth::AreaOptions options;
        library.apply(options);
        const auto gate =
            tb::gate_level_files(rtl.files, design->top_name(), work + "/gate", options);
        files = gate.files;
        prefix = "gate-";
        std::cout << fmt::format("gate-level netlist: {} ({} cells, {:.3f} um^2, {})\n",
                                 gate.area.netlist, gate.area.cell_count, gate.area.area_um2,
                                 gate.area.liberty);
      } else if (!library.liberty->empty() || !library.dont_use->empty() || *library.clock_ns > 0 ||
                 *library.async_reset != "async") {
        throw std::runtime_error(
            "--liberty, --dont-use, --clock-ns and --async-reset choose the netlist: add "
            "--netlist");
      }
      bool pass = true;
      const auto run = [&](tb::VerifyOptions::Simulator sim, const std::string& sub) {
        tb::VerifyOptions opt;
        opt.work_dir = work + "/" + prefix + sub;
        opt.seed = a->seed;
        opt.random_vectors = a->vectors;
        opt.max_errors = a->max_errors;
        opt.trace = a->trace;
        opt.simulator = sim;
        opt.corrupt_expected_bit = a->corrupt_bit;
        opt.max_vectors_icarus = a->icarus_vectors;
        opt.fast_compile = a->netlist || a->fast_compile;
        opt.netlist = a->netlist;
        const auto r = tb::verify(*design, files, opt);
        if (r.pass && sim == tb::VerifyOptions::Simulator::Verilator)
          std::cout << fmt::format("verilator: {:.0f} vectors/s, build {:.1f} s{}\n",
                                   r.vectors_per_second, r.build_seconds,
                                   r.build_cached ? " (cached)" : "");
        pass = pass && r.pass;
      };
      if (a->sim != "icarus") run(tb::VerifyOptions::Simulator::Verilator, "verilator");
      if (a->sim != "verilator") run(tb::VerifyOptions::Simulator::Icarus, "icarus");
      exit_code = pass ? 0 : 1;
    } catch (const std::exception& e) {
      exit_code = fail("verify", e.what());
    }
  });
}

}  // namespace bf::cli
