#include "app/sweep/runner.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "app/sweep/cache.hpp"
#include "app/sweep/plots.hpp"
#include "app/sweep/progress.hpp"
#include "app/sweep/results.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "synth/area.hpp"
#include "synth/timing.hpp"
#include "tb/verify.hpp"
#include "util/file_lock.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/stop_signals.hpp"

namespace bf::sweep {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

// Seed of the vectors and handshake pattern of every verified point (part of
// the cache key).
constexpr uint64_t kVerifySeed = 1;

// The timing/library part of a point's cache key; empty for the default
// area flow (keys of plain sweeps unchanged).
std::string flow_key(const RunOptions& o) {
  if (!o.timing && o.clock_ns <= 0 && o.liberty.empty()) return "";
  const std::string lib = o.liberty.empty() ? "" : synth::stable_hash(util::read_text(o.liberty));
  return fmt::format("timing={} clock_ns={:.6g} liberty={}", o.timing || o.clock_ns > 0, o.clock_ns,
                     lib);
}

// ---- one point ----

// Points with the same key share a directory: one computes, the other then
// finds its result (cannot happen within one sweep file, whose points are
// distinct, but costs nothing).
class KeyGate {
 public:
  class Hold {
   public:
    Hold(KeyGate& gate, std::string key) : gate_(gate), key_(std::move(key)) {
      std::unique_lock<std::mutex> lock(gate_.mu_);
      gate_.cv_.wait(lock, [&] { return gate_.busy_.count(key_) == 0; });
      gate_.busy_.insert(key_);
    }
    ~Hold() {
      {
        std::lock_guard<std::mutex> lock(gate_.mu_);
        gate_.busy_.erase(key_);
      }
      gate_.cv_.notify_all();
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    KeyGate& gate_;
    std::string key_;
  };

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> busy_;
};

struct Context {
  const SweepSpec& spec;
  const RunOptions& opt;
  fs::path out;
  fs::path build_root;  // Verilator builds: <build_root>/worker<i>
  ToolVersions tools;
  json tools_json;
  KeyGate gate;
};

// Moves a directory out of the way into DIR/.trash and removes it there. A
// tool left running by a killed sweep may still write into it through its
// working directory; it then writes into the trash, never into this run's
// files.
void move_aside(const fs::path& out, const fs::path& dir) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  fs::create_directories(out / ".trash", ec);
  const fs::path to =
      out / ".trash" / fmt::format("{}-{}-{}", dir.filename().string(), ::getpid(), counter++);
  fs::rename(dir, to, ec);
  fs::remove_all(ec ? dir : to, ec);
}

// The Verilator build root of this run, DIR/.build/<id>. The id is kept from
// run to run, so workers reuse the compiled Verilator runtime, unless the
// previous run did not end cleanly (killed: DIR/.build/running is left): its
// build tools may still be writing into their build directories (by absolute
// path), so this run builds in a new one. Old build roots are removed.
class BuildRoot {
 public:
  explicit BuildRoot(const fs::path& out) : build_(out / ".build") {
    fs::create_directories(build_);
    std::error_code ec;
    std::string id;
    if (fs::exists(build_ / "current", ec)) {
      try {
        id = util::read_text((build_ / "current").string());
      } catch (const std::runtime_error&) {
        id.clear();
      }
    }
    if (id.empty() || id.find_first_of("/\n") != std::string::npos ||
        fs::exists(build_ / "running", ec)) {
      id = fmt::format("r{}-{}", ::getpid(),
                       std::chrono::system_clock::now().time_since_epoch().count() % 1000000007);
      util::write_text_atomic((build_ / "current").string(), id);
    }
    for (const auto& e : fs::directory_iterator(build_, ec))
      if (e.is_directory(ec) && e.path().filename() != id) move_aside(out, e.path());
    util::write_text((build_ / "running").string(), std::to_string(::getpid()) + "\n");
    root_ = build_ / id;
  }
  ~BuildRoot() {
    std::error_code ec;
    fs::remove(build_ / "running", ec);
  }
  BuildRoot(const BuildRoot&) = delete;
  BuildRoot& operator=(const BuildRoot&) = delete;
  const fs::path& path() const { return root_; }

 private:
  fs::path build_, root_;
};

// The first line of a message, trimmed and bounded: one CSV cell.
std::string one_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  const auto b = line.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "unknown error";
  const auto e = line.find_last_not_of(" \t\r");
  line = line.substr(b, e - b + 1);
  if (line.size() > 400) line = line.substr(0, 397) + "...";
  return line;
}

// The last non-empty line of a text (the verify report's PASS/FAIL line).
std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\n\r ");
  if (end == std::string::npos) return {};
  const std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

// A point that failed for a reason found by the flow itself (not a tool
// error), e.g. a verification mismatch.
class PointFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs one point; nullopt when the sweep was interrupted before the point
// finished (it is then neither recorded nor cached).
std::optional<Row> run_point(Context& c, const Point& p, std::size_t worker) {
  const auto t0 = Clock::now();
  Row row;
  row["index"] = p.index;
  row["key"] = "";
  row["params"] = p.swept;
  row["status"] = "ok";
  row["error"] = "";
  row["metrics"] = json::object();
  row["verify"] = nullptr;
  row["seconds"] = 0.0;
  row["cached"] = false;
  row["tools"] = c.tools_json;

  const util::ToolBudget budget(c.opt.timeout_seconds, &util::stop_flag());
  std::string stage = "generation";
  bool store = true;
  std::optional<KeyGate::Hold> hold;
  fs::path dir;
  try {
    const auto design = load_design_text(p.design_text, fmt::format("<sweep point {}>", p.index));
    const UnitInfo* info = find_unit(design->unit_name());
    const auto rtl = rtl_sources(*design);
    const std::string key =
        point_key(*design, info ? info->version : "", rtl,
                  {c.opt.verify, c.opt.vectors, kVerifySeed, flow_key(c.opt)}, c.tools);
    row["key"] = key;
    hold.emplace(c.gate, key);
    dir = c.out / "points" / key;
    if (auto cached = load_cached_row((dir / "result.json").string(), key)) {
      Row r = std::move(*cached);
      r["index"] = p.index;
      r["params"] = p.swept;
      r["cached"] = true;
      return r;
    }
    if (util::stop_requested()) return std::nullopt;

    move_aside(c.out, dir);  // leftovers of an interrupted attempt
    util::write_text((dir / "design.toml").string(), p.design_text);
    const auto written = write_rtl(*design, (dir / "rtl").string());
    if (c.opt.verify) {
      stage = "verification";
      tb::VerifyOptions vo;
      vo.work_dir = (dir / "verilator").string();
      vo.build_dir = (c.build_root / fmt::format("worker{}", worker)).string();
      vo.seed = kVerifySeed;
      vo.random_vectors = c.opt.vectors;
      vo.quiet = true;
      vo.budget = budget;
      const auto r = tb::verify(*design, written.files, vo);
      util::write_text((dir / "verilator" / "report.txt").string(), r.report);
      row["verify"] = {
          {"vectors", r.vectors}, {"pass", r.pass}, {"vectors_per_second", r.vectors_per_second}};
      if (!r.pass) {
        std::string what = last_line(r.report);
        if (!r.errors.empty()) what += "; " + r.errors.front();
        throw PointFailed(fmt::format("verification failed: {} (see {})", what,
                                      (dir / "verilator" / "report.txt").string()));
      }
    }
    stage = "area";
    if (budget.expired()) throw util::ToolTimeout("no time left for the area flow");
    // Hierarchical, with the default module cache: points of a sweep share
    // most of their modules, so each unique module is synthesized once
    // across points, sweeps and runs.
    synth::AreaOptions area_options;
    area_options.budget = budget;
    area_options.liberty = c.opt.liberty;
    std::optional<synth::TimingReport> timing;
    synth::AreaReport area;
    if (c.opt.timing || c.opt.clock_ns > 0) {
      // The area flow (dir/area) and OpenSTA on its netlist (dir/timing).
      stage = "timing";
      synth::TimingOptions timing_options;
      timing_options.area = area_options;
      timing_options.clock_ns = c.opt.clock_ns;
      timing = synth::run_timing(written.files, design->top_name(), dir.string(), timing_options);
      area = timing->area;
    } else {
      area =
          synth::run_area(written.files, design->top_name(), (dir / "area").string(), area_options);
    }
    stage = "metrics";
    json metrics = {{"area_um2", area.area_um2},       {"nand2_eq", area.nand2_eq},
                    {"logic_depth", area.logic_depth}, {"flops", area.flops},
                    {"cell_count", area.cell_count},   {"transistors", area.transistors}};
    if (timing) {
      metrics["fmax_mhz"] = timing->fmax_mhz;
      metrics["critical_path_ns"] = timing->critical_path_ns;
      metrics["worst_slack_ns"] = timing->worst_slack_ns;
      metrics["clock_ns"] = timing->period_ns;
    }
    const json unit_metrics = design->metrics();
    for (const auto& [k, v] : unit_metrics.items())
      if (!metrics.contains(k)) metrics[k] = v;
    row["metrics"] = std::move(metrics);
  } catch (const util::ToolCancelled&) {
    return std::nullopt;
  } catch (const util::ToolTimeout& e) {
    if (util::stop_requested()) return std::nullopt;
    row["status"] = "failed";
    row["error"] = fmt::format("timeout: the point took more than {:g} s ({}: {})",
                               c.opt.timeout_seconds, stage, one_line(e.what()));
    store = false;  // not a property of the point: a rerun with more time retries it
  } catch (const PointFailed& e) {
    row["status"] = "failed";
    row["error"] = one_line(e.what());
  } catch (const std::exception& e) {
    if (util::stop_requested()) return std::nullopt;  // most likely a consequence of the stop
    row["status"] = "failed";
    row["error"] = one_line(stage + ": " + e.what());
    // A tool error may come from the machine (disk full, a killed tool), not
    // from the point: a rerun retries it.
    store = false;
  }
  row["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
  if (store && !dir.empty()) {
    try {
      store_row((dir / "result.json").string(), row);
    } catch (const std::exception& e) {
      row["status"] = "failed";
      row["error"] = one_line(std::string("cannot store the result: ") + e.what());
    }
  }
  return row;
}

std::string index_list(const std::vector<std::size_t>& indices) {
  std::string s;
  const std::size_t shown = std::min<std::size_t>(indices.size(), 20);
  for (std::size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + std::to_string(indices[i]);
  if (shown < indices.size()) s += fmt::format(", ... ({} in all)", indices.size());
  return s;
}

}  // namespace

Summary run_sweep(const SweepSpec& spec, const RunOptions& opt) {
  const auto t0 = Clock::now();
  if (opt.out_dir.empty()) throw std::invalid_argument("run_sweep: out_dir is required");
  Summary s;
  const std::vector<Point> points =
      shard(enumerate_points(spec, &s.excluded), opt.shard_index, opt.shard_count);
  s.total = points.size();

  const fs::path out = opt.out_dir;
  std::error_code ec;
  fs::create_directories(out / "points");
  const std::string lock_path = (out / ".lock").string();
  auto lock = util::FileLock::try_acquire(lock_path, util::FileLock::Mode::Exclusive);
  if (!lock) {
    if (opt.progress != RunOptions::Progress::Quiet)
      std::cerr << "waiting for another sweep writing to " << opt.out_dir << "\n";
    lock = std::make_unique<util::FileLock>(lock_path, util::FileLock::Mode::Exclusive);
  }

  const BuildRoot build_root(out);
  fs::remove_all(out / ".trash", ec);  // best effort: left-over tools may still write there
  Context c{spec,
            opt,
            out,
            build_root.path(),
            query_tool_versions(build_root.path().string(), opt.verify),
            {},
            {}};
  c.tools_json = {{"blockforge", c.tools.blockforge},
                  {"yosys", c.tools.yosys},
                  {"verilator", c.tools.verilator}};

  std::vector<std::optional<Row>> rows(points.size());
  {
    const util::StopSignals signals;
    ProgressReporter progress(opt.progress, points.size(), std::cerr);
    std::size_t jobs = opt.jobs > 0 ? static_cast<std::size_t>(opt.jobs)
                                    : std::max(1u, std::thread::hardware_concurrency());
    jobs = std::min(jobs, points.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < jobs; ++w) {
      workers.emplace_back([&, w] {
        while (!util::stop_requested()) {
          const std::size_t i = next++;
          if (i >= points.size()) return;
          std::optional<Row> row;
          try {
            row = run_point(c, points[i], w);
          } catch (const std::exception& e) {  // outside run_point's own handling
            if (util::stop_requested()) continue;
            row = Row{{"index", points[i].index},
                      {"key", ""},
                      {"params", points[i].swept},
                      {"status", "failed"},
                      {"error", one_line(e.what())},
                      {"metrics", json::object()},
                      {"verify", nullptr},
                      {"seconds", 0.0},
                      {"cached", false},
                      {"tools", c.tools_json}};
          }
          if (!row) continue;
          progress.point_done(*row);
          rows[i] = std::move(row);
        }
      });
    }
    for (auto& t : workers) t.join();
    progress.finish();
    s.interrupted = util::stop_requested();
  }

  for (auto& row : rows) {
    if (!row) continue;
    if (row->value("status", std::string()) != "ok") ++s.failed;
    if (row->value("cached", false)) ++s.cached;
    s.rows.push_back(std::move(*row));
  }
  s.done = s.rows.size();
  s.interrupted = s.interrupted && s.done < s.total;
  write_results(opt.out_dir, spec, s.rows);
  if (opt.plots && !s.interrupted) {
    try {
      write_plots(opt.out_dir, spec, s.rows);
    } catch (const std::exception& e) {
      s.warnings.push_back(std::string("no plots: ") + one_line(e.what()));
    }
  }
  s.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return s;
}

std::vector<Row> merge_results(const SweepSpec& spec, const std::vector<std::string>& shard_dirs,
                               const std::string& out_dir) {
  if (shard_dirs.empty()) throw std::invalid_argument("no shard directories to merge");
  std::map<std::size_t, const Point*> by_index;
  const std::vector<Point> points = enumerate_points(spec);
  for (const auto& p : points) by_index[p.index] = &p;

  std::map<std::size_t, std::vector<std::string>> seen;  // index -> shard dirs
  std::vector<Row> rows;
  std::vector<std::size_t> unknown;
  for (const auto& dir : shard_dirs) {
    const json j = read_results_json(dir);
    const std::string where = (fs::path(dir) / "results.json").string();
    if (j.value("sweep", std::string()) != spec.name || j.value("unit", std::string()) != spec.unit)
      throw std::runtime_error(fmt::format("{}: results of sweep '{}' ({}), not of '{}' ({})",
                                           where, j.value("sweep", std::string()),
                                           j.value("unit", std::string()), spec.name, spec.unit));
    if (j.contains("swept") && j["swept"] != json(spec.swept_keys()))
      throw std::runtime_error(
          fmt::format("{}: swept parameters {} differ from the sweep file's {}", where,
                      j["swept"].dump(), json(spec.swept_keys()).dump()));
    for (const auto& row : j["rows"]) {
      if (!row.is_object() || !row.contains("index") || !row["index"].is_number_unsigned())
        throw std::runtime_error(where + ": a row without a point index");
      const auto index = row["index"].get<std::size_t>();
      const auto it = by_index.find(index);
      if (it == by_index.end()) {
        unknown.push_back(index);
        continue;
      }
      if (row.value("params", json::object()) != it->second->swept)
        throw std::runtime_error(fmt::format(
            "{}: point {} has parameters {}, but the sweep file gives {} (edited since?)", where,
            index, row.value("params", json::object()).dump(), it->second->swept.dump()));
      seen[index].push_back(dir);
      rows.push_back(row);
    }
  }
  std::vector<std::size_t> missing, duplicated;
  for (const auto& p : points)
    if (!seen.count(p.index)) missing.push_back(p.index);
  std::string dup_where;
  for (const auto& [index, dirs] : seen) {
    if (dirs.size() < 2) continue;
    duplicated.push_back(index);
    if (dup_where.empty()) {
      for (const auto& d : dirs) dup_where += (dup_where.empty() ? "" : ", ") + d;
      dup_where = fmt::format(" (point {} is in {})", index, dup_where);
    }
  }
  if (!missing.empty() || !duplicated.empty() || !unknown.empty()) {
    std::string msg = fmt::format(
        "the shards do not cover sweep '{}' ({} points) exactly once:", spec.name, points.size());
    if (!missing.empty()) msg += " missing points " + index_list(missing) + ";";
    if (!duplicated.empty())
      msg += " duplicated points " + index_list(duplicated) + dup_where + ";";
    if (!unknown.empty())
      msg += " points not in the sweep (excluded or out of range) " + index_list(unknown) + ";";
    msg.pop_back();
    if (!missing.empty()) msg += "; rerun the shards that did not finish";
    throw std::runtime_error(msg);
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a["index"].get<std::size_t>() < b["index"].get<std::size_t>();
  });
  write_results(out_dir, spec, rows);
  return rows;
}

}  // namespace bf::sweep
