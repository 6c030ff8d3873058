#pragma once
// Running a sweep: for each point generate, optionally verify in Verilator,
// run the area flow, and collect the metrics; in parallel; cached by content;
// resumable after an interruption; results as CSV and JSON (+ plots).
//
// Output directory layout (DIR = --out, default sweeps_out/<sweep name>):
//   DIR/results.json, DIR/results.csv   one row per point (atomically replaced;
//                                       format in results.hpp)
//   DIR/plots/*.png, *.svg              (plots.hpp)
//   DIR/points/<key>/                   per-point work: design.toml, rtl/,
//                                       area/, verilator/ (report.txt), and
//                                       result.json (written last, atomically:
//                                       its presence = the point is done)
//   DIR/.build/<id>/worker<i>/          Verilator build of worker i, reused
//                                       from point to point and run to run
//                                       (a new <id> after a killed run)
//   DIR/.lock                           held while a sweep writes to DIR
// The cache key of a point (cache.hpp) is a hash of: its unit and canonical
// parameters, the unit's version, blockforge's version, the generated RTL
// bytes, the area flow (Yosys' version, synth/area.ys, synth/cells.lib) and
// the verify options (verify, vectors, seed, Verilator's version). A point
// whose result.json exists under its key is not recomputed (cached = true;
// only the RTL is generated in memory, to compute the key). What is cached:
// ok points and verification mismatches (properties of the design); not
// tool errors or timeouts (they may come from the machine: a rerun retries
// them), nor points the generator rejects (they fail again at once).
//
// Time limit: timeout_seconds is the budget of one point; every tool call of
// the point (cmake, the simulation, yosys) gets what is left of it and is
// killed with its whole process group when it runs out; the point then fails
// with "timeout: ...".
//
// Interruption: while run_sweep runs, SIGINT/SIGTERM set a flag: no new point
// starts, the tool calls in flight are killed, the points they belonged to are
// not recorded (neither failed nor cached), and the finished points' results
// are written (Summary::interrupted; no plots). A second signal ends the
// process at once. Every file is replaced atomically, so even a kill -9
// leaves no partial result: rerunning the same sweep resumes it.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/sweep/sweep_spec.hpp"

namespace bf::sweep {

struct RunOptions {
  std::string out_dir;  // required
  int jobs = 0;         // 0: number of cores
  bool verify = false;  // from the sweep file unless the CLI overrides
  std::size_t vectors = 20000;
  double timeout_seconds = 600;
  std::size_t shard_index = 0;  // 0-based
  std::size_t shard_count = 1;
  bool plots = true;
  // Static timing of every point (OpenSTA, synth/timing.hpp): adds fmax_mhz,
  // critical_path_ns, worst_slack_ns and clock_ns (the period timed at) to
  // its metrics. clock_ns > 0 implies it and also maps every point for that
  // clock (abc -D): area_um2 is then the area at that clock. liberty: map
  // onto (and time with) this Liberty file instead of synth/cells.lib. All
  // three are part of the points' cache keys.
  bool timing = false;
  double clock_ns = 0;
  std::string liberty;
  // On stderr (progress.hpp). Auto: Bar when stderr is a terminal, else Lines.
  enum class Progress { Auto, Bar, Lines, Quiet } progress = Progress::Auto;
};

// One row of results: the point's swept parameters, its status and metrics.
//   status: "ok" | "failed" (error, one line, says why: a verification
//   mismatch, a Yosys error, a timeout, a combination the generator rejects)
// Row JSON keys: index, key, params (swept only), status, error, metrics
// (area_um2, nand2_eq, logic_depth, flops, cell_count, transistors, plus the
// unit's own metrics(), e.g. bits_per_element, sqnr_db), verify (null or
// {vectors, pass, vectors_per_second}), seconds (computing the point; a
// cached row keeps the time it took when computed), cached, tools
// {blockforge, yosys, verilator (empty when not verified)}.
using Row = nlohmann::ordered_json;

struct Summary {
  std::size_t total = 0;  // points in this shard
  std::size_t done = 0;   // finished (ok or failed) including cached
  std::size_t failed = 0;
  std::size_t cached = 0;
  std::size_t excluded = 0;  // by constraints
  bool interrupted = false;  // SIGINT/SIGTERM: partial results written, resumable
  double seconds = 0;
  std::vector<Row> rows;              // the finished points, in point order
  std::vector<std::string> warnings;  // e.g. plots that could not be drawn
};

Summary run_sweep(const SweepSpec& spec, const RunOptions& opt);

// Results files (atomic: write a temporary, rename); format in results.hpp.
void write_results(const std::string& out_dir, const SweepSpec& spec, const std::vector<Row>& rows);

// Combines shard result directories into out_dir's results files (plots are
// the caller's: write_plots on the returned rows); throws std::runtime_error
// naming what is missing or duplicated (by point index) when the shards do
// not cover the sweep exactly once, or when a shard holds another sweep's
// results.
std::vector<Row> merge_results(const SweepSpec& spec, const std::vector<std::string>& shard_dirs,
                               const std::string& out_dir);

}  // namespace bf::sweep
