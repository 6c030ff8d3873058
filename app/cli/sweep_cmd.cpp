// `blockforge sweep SWEEP.toml`: run every point of a sweep (generate,
// optionally verify, area, metrics) in parallel, cached and resumable;
// `--emit-slurm` writes a Slurm array job instead. `blockforge sweep-merge`
// combines the results of shards.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "app/cli/cli.hpp"
#include "app/sweep/plots.hpp"
#include "app/sweep/runner.hpp"
#include "app/sweep/slurm.hpp"
#include "app/sweep/sweep_spec.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/timing.hpp"

namespace bf::cli {

namespace {

// Exit status of an interrupted sweep (128 + SIGINT, as shells report Ctrl-C).
constexpr int kInterruptedExit = 130;

struct SweepArgs {
  std::string sweep;
  int jobs = 0;
  bool verify = false;
  bool no_verify = false;
  std::optional<std::size_t> vectors;
  std::string out;
  std::string shard;
  bool no_plots = false;
  std::optional<double> timeout;
  std::string progress = "auto";
  bool timing = false;
  double clock_ns = 0;
  std::string liberty;
  // --emit-slurm
  bool emit_slurm = false;
  std::size_t shards = 4;
  std::string shared;
  std::string partition;
  int cpus_per_task = 2;
  std::string time_limit = "02:00:00";
};

std::string params_text(const sweep::Row& row) {
  std::string s;
  if (!row.contains("params") || !row["params"].is_object()) return s;
  for (const auto& [k, v] : row["params"].items())
    s += fmt::format("{}{}={}", s.empty() ? "" : " ", k,
                     v.is_string() ? v.get<std::string>() : v.dump());
  return s;
}

void print_failures(const std::vector<sweep::Row>& rows) {
  std::size_t shown = 0, failed = 0;
  for (const auto& row : rows) {
    if (row.value("status", std::string()) == "ok") continue;
    if (++failed > 5) continue;
    ++shown;
    std::cerr << fmt::format("  failed point {} [{}]: {}\n", row.value("index", 0),
                             params_text(row), row.value("error", std::string()));
  }
  if (failed > shown)
    std::cerr << fmt::format("  ... and {} more failed points (see results.csv)\n", failed - shown);
}

int emit(const SweepArgs& a, const sweep::SweepSpec& spec, const sweep::RunOptions& run) {
  if (a.shared.empty())
    return fail("sweep", "--emit-slurm needs --shared DIR, a directory every node mounts");
  sweep::SlurmOptions so;
  so.shared_dir = a.shared;
  so.shards = a.shards;
  so.partition = a.partition;
  so.cpus_per_task = a.cpus_per_task;
  so.time_limit = a.time_limit;
  so.verify = run.verify;
  so.vectors = run.vectors;
  so.timing = run.timing;
  so.clock_ns = run.clock_ns;
  so.liberty = run.liberty;
  if (!so.liberty.empty() && !std::filesystem::is_regular_file(so.liberty))
    return fail("sweep", "--liberty " + so.liberty + ": no such file");
  const std::string submit = sweep::emit_slurm(spec, a.sweep, so);
  std::cout << fmt::format(
      "wrote the Slurm jobs of sweep {} ({} shards) to {}\nsubmit them with: bash {}\n", spec.name,
      a.shards, submit.substr(0, submit.rfind('/')), submit);
  return 0;
}

int run_sweep_command(const SweepArgs& a) {
  const sweep::SweepSpec spec = sweep::load_sweep(a.sweep);
  sweep::RunOptions opt;
  opt.verify = a.verify ? true : a.no_verify ? false : spec.verify;
  opt.vectors = a.vectors.value_or(spec.vectors);
  opt.timeout_seconds = a.timeout.value_or(spec.timeout_seconds);
  opt.timing = a.timing;
  opt.clock_ns = a.clock_ns;
  opt.liberty = a.liberty;
  if (a.emit_slurm) return emit(a, spec, opt);
  if (opt.timing || opt.clock_ns > 0) synth::find_sta();  // before any point runs

  opt.out_dir = a.out.empty() ? "sweeps_out/" + spec.name : a.out;
  opt.jobs = a.jobs;
  opt.plots = !a.no_plots;
  if (!a.shard.empty()) std::tie(opt.shard_index, opt.shard_count) = sweep::parse_shard(a.shard);
  using P = sweep::RunOptions::Progress;
  opt.progress = a.progress == "bar"     ? P::Bar
                 : a.progress == "lines" ? P::Lines
                 : a.progress == "quiet" ? P::Quiet
                                         : P::Auto;

  const sweep::Summary s = sweep::run_sweep(spec, opt);
  for (const auto& w : s.warnings) std::cerr << "blockforge sweep: warning: " << w << "\n";
  if (s.interrupted) {
    std::cerr << fmt::format("interrupted: {}/{} points done; rerun the same command to resume\n",
                             s.done, s.total);
    return kInterruptedExit;
  }
  std::string shard_text;
  if (opt.shard_count > 1)
    shard_text = fmt::format(" shard {}/{}", opt.shard_index + 1, opt.shard_count);
  std::cout << fmt::format(
      "sweep {}{}: {} points{}, {} ok, {} failed, {} cached; {:.1f} s{}\n", spec.name, shard_text,
      s.total,
      s.excluded ? fmt::format(" ({} excluded by constraints)", s.excluded) : std::string(),
      s.done - s.failed, s.failed, s.cached, s.seconds, opt.verify ? ", verified" : "");
  std::cout << fmt::format("results: {0}/results.csv, {0}/results.json{1}\n", opt.out_dir,
                           opt.plots && s.warnings.empty()
                               ? fmt::format("; plots in {}/plots", opt.out_dir)
                               : std::string());
  if (s.failed) print_failures(s.rows);
  return s.failed ? 1 : 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "sweep",
      "Run a parameter sweep: generate, optionally verify, and measure every point in parallel "
      "(cached, resumable); results as CSV/JSON and plots");
  auto a = std::make_shared<SweepArgs>();
  cmd->add_option("sweep", a->sweep, "sweep file (TOML)")->required();
  cmd->add_option("-j,--jobs", a->jobs, "points run in parallel (default: the number of cores)")
      ->check(CLI::NonNegativeNumber);
  auto* verify = cmd->add_flag("--verify", a->verify,
                               "also prove each point bit-exact in Verilator (default: the "
                               "sweep file's options.verify)");
  auto* no_verify = cmd->add_flag("--no-verify", a->no_verify, "do not verify the points");
  verify->excludes(no_verify);
  cmd->add_option("--vectors", a->vectors,
                  "random vectors per verified point (default: the sweep file's, else 20000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--out", a->out, "results directory (default sweeps_out/<sweep name>)");
  cmd->add_option("--shard", a->shard, "run only slice I of N (e.g. 2/4), for clusters");
  cmd->add_flag("--no-plots", a->no_plots, "do not draw plots (gnuplot)");
  cmd->add_flag("--timing", a->timing,
                "also time every point with OpenSTA: fmax_mhz, critical_path_ns, worst_slack_ns, "
                "clock_ns columns (area-oriented mapping, timed at a nominal period)");
  cmd->add_option("--clock-ns", a->clock_ns,
                  "map every point for this clock period (ABC -D) and time it there (implies "
                  "--timing): area_um2 is the area at that clock")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--liberty", a->liberty,
                  "map onto this Liberty cell library instead of synth/cells.lib")
      ->check(CLI::ExistingFile);
  cmd->add_option("--timeout", a->timeout,
                  "seconds per point before it fails as a timeout (default: the sweep file's, "
                  "else 600)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--progress", a->progress,
                  "progress on stderr: a bar on a terminal, else a line per point")
      ->check(CLI::IsMember({"auto", "bar", "lines", "quiet"}))
      ->capture_default_str();
  auto* emit = cmd->add_flag("--emit-slurm", a->emit_slurm,
                             "write a Slurm array job (one task per shard + a merge job) "
                             "instead of running; needs --shared");
  cmd->add_option("--shards", a->shards, "--emit-slurm: number of shards (array tasks)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->needs(emit);
  cmd->add_option("--shared", a->shared,
                  "--emit-slurm: results directory every node mounts (shard-i/, merged/, "
                  "slurm/)")
      ->needs(emit);
  cmd->add_option("--partition", a->partition, "--emit-slurm: Slurm partition")->needs(emit);
  cmd->add_option("--cpus-per-task", a->cpus_per_task, "--emit-slurm: CPUs (= -j) per shard")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->needs(emit);
  cmd->add_option("--time-limit", a->time_limit, "--emit-slurm: time limit of each job")
      ->capture_default_str()
      ->needs(emit);
  cmd->callback([a, &exit_code] {
    try {
      exit_code = run_sweep_command(*a);
    } catch (const std::exception& e) {
      exit_code = fail("sweep", e.what());
    }
  });
}

void add_sweep_merge_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "sweep-merge",
      "Combine the results of a sweep's shards (checks that every point is there exactly once)");
  auto sweep_file = std::make_shared<std::string>();
  auto dirs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto no_plots = std::make_shared<bool>(false);
  cmd->add_option("sweep", *sweep_file, "sweep file (TOML) the shards ran")->required();
  cmd->add_option("shard_dirs", *dirs, "results directories of the shards (their --out)")
      ->required();
  cmd->add_option("--out", *out, "merged results directory")->required();
  cmd->add_flag("--no-plots", *no_plots, "do not draw plots (gnuplot)");
  cmd->callback([=, &exit_code] {
    try {
      const sweep::SweepSpec spec = sweep::load_sweep(*sweep_file);
      const auto rows = sweep::merge_results(spec, *dirs, *out);
      std::size_t failed = 0;
      for (const auto& r : rows) failed += r.value("status", std::string()) != "ok";
      bool plotted = false;
      if (!*no_plots) {
        try {
          sweep::write_plots(*out, spec, rows);
          plotted = true;
        } catch (const std::exception& e) {
          std::cerr << "blockforge sweep-merge: warning: no plots: " << e.what() << "\n";
        }
      }
      std::cout << fmt::format(
          "merged {} shards of sweep {}: {} points, {} ok, {} failed\nresults: {}/results.csv, "
          "{}/results.json{}\n",
          dirs->size(), spec.name, rows.size(), rows.size() - failed, failed, *out, *out,
          plotted ? fmt::format("; plots in {}/plots", *out) : std::string());
      if (failed) print_failures(rows);
      exit_code = failed ? 1 : 0;
    } catch (const std::exception& e) {
      exit_code = fail("sweep-merge", e.what());
    }
  });
}

}  // namespace bf::cli
