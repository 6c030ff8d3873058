#pragma once
// Builds (or reuses) the Verilator simulation of a design and runs it on a
// vector file.

#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "tb/sim_run.hpp"
#include "tb/verify.hpp"

namespace bf::tb {

// The directory of the Verilator build for these options:
// opt.build_dir or <work_dir>/sim, with "-trace" appended for a traced build.
std::string verilator_build_dir(const VerifyOptions& opt);

// The cache key of a build: RTL file paths and contents, the generated
// driver and CMakeLists.txt, the harness sources and the Verilator version
// (`toolchain`: the text of its verilated_config.h).
std::string verilator_build_hash(const std::vector<std::string>& rtl_files,
                                 const std::string& driver, const std::string& cmakelists,
                                 const std::string& harness_sources,
                                 const std::string& toolchain = {});

// Copies the shared harness sources (tb/sim) into harness_dir; returns their
// text (part of every build hash).
std::string stage_harness(const std::string& harness_dir);

// Builds the CMake project in `dir` (CMakeLists.txt and driver.cpp written by
// the caller) into dir/build, unless it already holds a build with `hash`.
// `what` names the build in messages. The caller holds dir's lock.
struct VerilatorBuild {
  std::string binary;  // dir/build/bf_sim
  bool cached = false;
  double seconds = 0;
};
VerilatorBuild build_verilator_project(const std::string& dir, const std::string& hash,
                                       const std::string& what, const util::ToolBudget& budget);

// The harness' command-line arguments for a run of `design` on a vector
// file (tb/sim/harness.hpp parses them), without the binary.
std::vector<std::string> harness_arguments(const Design& design, const std::string& vectors_path,
                                           const std::string& results_path,
                                           const VerifyOptions& opt);

// Builds unless <build dir>/build holds a build with the same hash, then runs
// the binary on `vectors_path`. Results go to <work_dir>/results.json, the
// output to <work_dir>/sim.log, a trace to <work_dir>/trace.fst.
SimRun run_verilator(const Design& design, const std::vector<std::string>& rtl_files,
                     const std::string& vectors_path, const VerifyOptions& opt);

}  // namespace bf::tb
