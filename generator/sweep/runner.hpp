#pragma once
// Running a sweep: for each point generate, optionally verify in Verilator,
// run the area flow, and collect the metrics; in parallel; cached by content;
// resumable after an interruption; results as CSV and JSON (+ plots).
//
// Output directory layout (DIR = --out, default sweeps_out/<sweep name>):
//   DIR/results.json, DIR/results.csv   one row per point (atomically replaced)
//   DIR/plots/*.png, *.svg              (plots.hpp)
//   DIR/points/<key>/                   per-point work: rtl/, area/, verilator/,
//                                       result.json (written last, atomically:
//                                       its presence = the point is done)
// The cache key of a point is a hash of: its design text (unit + params), the
// unit's version, blockforge's version, the generated RTL bytes, the verify
// options (verify, vectors, seed) and the versions of Yosys and Verilator. A
// point whose result.json exists under its key is not recomputed.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "generator/sweep/sweep_spec.hpp"

namespace bf::sweep {

struct RunOptions {
  std::string out_dir;          // required
  int jobs = 0;                 // 0: number of cores
  bool verify = false;          // from the sweep file unless the CLI overrides
  std::size_t vectors = 20000;
  double timeout_seconds = 600;
  std::size_t shard_index = 0;  // 0-based
  std::size_t shard_count = 1;
  bool plots = true;
  enum class Progress { Auto, Bar, Lines, Quiet } progress = Progress::Auto;
};

// One row of results: the point's swept parameters, its status and metrics.
//   status: "ok" | "failed" (error says why: a verification mismatch, a Yosys
//   error, a timeout, a bad parameter combination)
// Row JSON keys: index, key, params (swept only), status, error, metrics
// (area_um2, nand2_eq, logic_depth, flops, cell_count, transistors, plus the
// unit's own metrics(), e.g. bits_per_element, sqnr_db), verify (null or
// {vectors, pass, vectors_per_second}), seconds, cached, tools
// {blockforge, yosys, verilator}.
using Row = nlohmann::ordered_json;

struct Summary {
  std::size_t total = 0;     // points in this shard
  std::size_t done = 0;      // finished (ok or failed) including cached
  std::size_t failed = 0;
  std::size_t cached = 0;
  std::size_t excluded = 0;  // by constraints
  bool interrupted = false;  // SIGINT/SIGTERM: partial results written, resumable
  double seconds = 0;
  std::vector<Row> rows;     // in point order
};

Summary run_sweep(const SweepSpec& spec, const RunOptions& opt);

// Results files (atomic: write a temporary, rename).
void write_results(const std::string& out_dir, const SweepSpec& spec, const std::vector<Row>& rows);

// Combines shard result directories into out_dir; throws std::runtime_error
// naming what is missing or duplicated (by point index) when the shards do
// not cover the sweep exactly once.
std::vector<Row> merge_results(const SweepSpec& spec, const std::vector<std::string>& shard_dirs,
                               const std::string& out_dir);

}  // namespace bf::sweep
