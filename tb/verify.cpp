#include "tb/verify.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "tb/icarus_flow.hpp"
#include "tb/mismatch_report.hpp"
#include "tb/vectors.hpp"
#include "tb/verilator_flow.hpp"

namespace bf::tb {

namespace fs = std::filesystem;

namespace {

void check_options(const Design& design, const std::vector<std::string>& rtl_files,
                   const VerifyOptions& opt) {
  if (opt.work_dir.empty()) throw std::invalid_argument("verify: work_dir is required");
  if (!(opt.bubble_prob >= 0 && opt.bubble_prob < 1))
    throw std::invalid_argument(
        fmt::format("verify: bubble_prob {} outside [0, 1)", opt.bubble_prob));
  if (!(opt.stall_prob >= 0 && opt.stall_prob < 1))
    throw std::invalid_argument(
        fmt::format("verify: stall_prob {} outside [0, 1)", opt.stall_prob));
  if (opt.max_errors < 1) throw std::invalid_argument("verify: max_errors must be at least 1");
  if (rtl_files.empty())
    throw std::invalid_argument("verify: no RTL files for " + design.top_name());
  for (const auto& f : rtl_files)
    if (!fs::is_regular_file(f)) throw std::invalid_argument("verify: RTL file not found: " + f);
  if (design.latency() < 0) throw std::invalid_argument("verify: negative latency");
}

}  // namespace

VerifyResult verify(const Design& design, const std::vector<std::string>& rtl_files,
                    const VerifyOptions& opt) {
  check_options(design, rtl_files, opt);
  const auto t0 = std::chrono::steady_clock::now();
  VectorSet vectors = make_vectors(design, opt.seed, opt.random_vectors);
  const double made = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  VerifyResult res = verify_vectors(design, rtl_files, std::move(vectors), opt);
  res.vector_seconds += made;  // plus writing them, counted by verify_vectors
  return res;
}

VerifyResult verify_vectors(const Design& design, const std::vector<std::string>& rtl_files,
                            VectorSet vectors, const VerifyOptions& opt) {
  check_options(design, rtl_files, opt);
  std::vector<std::string> rtl;
  for (const auto& f : rtl_files) rtl.push_back(fs::absolute(f).lexically_normal().string());
  fs::create_directories(opt.work_dir);
  const bool icarus = opt.simulator == VerifyOptions::Simulator::Icarus;

  // Expected outputs are in the vectors already.
  const auto t0 = std::chrono::steady_clock::now();
  if (vectors.size() == 0) throw std::invalid_argument("verify: no test vectors");
  std::string corrupted;
  if (opt.corrupt_expected_bit >= 0) {
    const std::size_t v =
        flip_expected_bit(vectors.data, static_cast<uint64_t>(opt.corrupt_expected_bit));
    corrupted = fmt::format("  test hook: expected bit {} flipped (vector {})\n",
                            opt.corrupt_expected_bit, v);
  }
  const std::string vectors_path = (fs::absolute(opt.work_dir) / "vectors.bin").string();
  vecfile::write(vectors_path, vectors.data);
  VerifyResult res;
  res.vector_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const SimRun run = icarus ? run_icarus(design, rtl, vectors, opt)
                            : run_verilator(design, rtl, vectors_path, opt);

  res.pass = run.pass;
  res.vectors = run.vectors;
  res.mismatches = run.mismatches;
  res.build_seconds = run.build_seconds;
  res.build_cached = run.build_cached;
  res.sim_seconds = run.sim_seconds;
  res.vectors_per_second =
      run.sim_seconds > 0 ? static_cast<double>(run.vectors) / run.sim_seconds : 0;
  res.latency_measured = run.latency_measured;
  res.cycles = run.cycles;
  res.errors = run.errors;

  // The report.
  const std::size_t planned =
      icarus ? std::min(opt.max_vectors_icarus, vectors.size()) : vectors.size();
  std::string& s = res.report;
  s += fmt::format("verify {} ({}): {} vectors ({} corner cases + {} random), seed {}, {}\n",
                   design.top_name(), design.unit_name(), planned,
                   std::min(vectors.corner, planned), planned - std::min(vectors.corner, planned),
                   opt.seed, icarus ? "icarus" : "verilator");
  s += corrupted;
  if (icarus) {
    s += fmt::format("  build: iverilog {:.2f} s\n", run.build_seconds);
  } else {
    s += fmt::format("  build: {:.2f} s{} ({})\n", run.build_seconds,
                     run.build_cached ? " (cached)" : "", verilator_build_dir(opt));
  }
  if (run.latency_measured >= 0)
    s += fmt::format("  latency: {} cycles measured, {} declared\n", run.latency_measured,
                     design.latency());
  s += fmt::format("  sim: {:.3f} s, {} cycles, {:.0f} vectors/s (log {})\n", run.sim_seconds,
                   run.cycles, res.vectors_per_second, run.log_path);
  for (const auto& e : run.errors) s += "ERROR: " + e + "\n";
  std::size_t shown = 0;
  for (const auto& rec : run.records) {
    if (shown == static_cast<std::size_t>(opt.max_errors)) break;
    s += describe_mismatch(design, vectors, rec, ++shown);
  }
  if (run.mismatches > shown)
    s += fmt::format("  ({} more mismatches not shown)\n", run.mismatches - shown);
  s += run.line + "\n";
  if (!opt.quiet) std::cout << s << std::flush;
  return res;
}

}  // namespace bf::tb
