// Running sweeps: results files, the content-addressed cache, failed points,
// time limits, shards and their merge, resuming, and a real Ctrl-C on the
// blockforge binary. The sweeps are tiny quant.block designs (k = 4/8, no
// verification except in the Ctrl-C test) so the whole file stays fast.

#include "app/sweep/runner.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/sweep/progress.hpp"
#include "app/sweep/results.hpp"
#include "app/sweep/sweep_spec.hpp"
#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace bf;
using json = nlohmann::ordered_json;
using sweep::Row;

// ---- a probe unit: quant.block whose points can be made to fail ----
// probe_fail = "generate": the generator rejects the combination (modules()
// throws); "yosys": the top module named to Yosys does not exist;
// "mismatch": the golden model disagrees with the RTL.

class ProbeDesign : public Design {
 public:
  ProbeDesign(std::unique_ptr<Design> inner, std::string fail)
      : inner_(std::move(inner)), fail_(std::move(fail)) {}
  std::string unit_name() const override { return "test.sweep_probe"; }
  std::string top_name() const override {
    return fail_ == "yosys" ? "probe_missing_top" : inner_->top_name();
  }
  json params_json() const override {
    json p = inner_->params_json();
    p["probe_fail"] = fail_;
    return p;
  }
  std::vector<vlog::Module> modules() const override {
    if (fail_ == "generate")
      throw std::invalid_argument("probe: this combination cannot be generated");
    return inner_->modules();
  }
  std::vector<PortSpec> data_inputs() const override { return inner_->data_inputs(); }
  std::vector<PortSpec> data_outputs() const override { return inner_->data_outputs(); }
  int latency() const override { return inner_->latency(); }
  std::vector<TestVector> corner_cases() const override { return inner_->corner_cases(); }
  TestVector random_case(std::mt19937_64& rng) const override { return inner_->random_case(rng); }
  PortValues emulate(const PortValues& in) const override {
    PortValues out = inner_->emulate(in);
    if (fail_ == "mismatch") out[0].set(0, 1, out[0].get(0, 1) ^ 1);  // a wrong model
    return out;
  }
  json metrics() const override { return inner_->metrics(); }

 private:
  std::unique_ptr<Design> inner_;
  std::string fail_;
};

UnitInfo probe_unit() {
  UnitInfo u;
  u.name = "test.sweep_probe";
  u.summary = "quant.block with failure injection (runner tests)";
  u.params = [] {
    auto p = find_unit("quant.block")->params();
    p.push_back({"probe_fail", "string", "\"none\"", "one of: none, generate, yosys, mismatch",
                 "where the point fails"});
    return p;
  };
  u.configure = [](const toml::table& params, const std::string& path, const std::string& name) {
    toml::table inner = params;
    std::string fail = "none";
    if (auto v = inner["probe_fail"].value<std::string>()) fail = *v;
    inner.erase("probe_fail");
    return std::unique_ptr<Design>(std::make_unique<ProbeDesign>(
        find_unit("quant.block")->configure(inner, path, name), fail));
  };
  u.self_test_sweep = [] { return std::vector<std::string>{}; };
  return u;
}
const UnitRegistration probe_registration(probe_unit());

// ---- helpers ----

class Sandbox {
 public:
  explicit Sandbox(const std::string& name)
      : dir_(fs::temp_directory_path() /
             ("bf_sweep_runner_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& rel) const { return (dir_ / rel).string(); }
  std::string write(const std::string& rel, const std::string& text) const {
    util::write_text(path(rel), text);
    return path(rel);
  }

 private:
  fs::path dir_;
};

// Four points: mxint4/mxint3 x block 4/8 (indices 0..3).
std::string tiny_sweep(const Sandbox& box, const std::string& extra = "") {
  box.write("base.toml", "unit = \"quant.block\"\n\n[params]\nformat = \"mxint4\"\nblock = 4\n");
  return box.write("tiny.toml",
                   "base = \"base.toml\"\nname = \"tiny\"\n\n[sweep]\n"
                   "format = [\"mxint4\", \"mxint3\"]\nblock = [4, 8]\n" +
                       extra);
}

sweep::RunOptions quiet_options(const std::string& out) {
  sweep::RunOptions o;
  o.out_dir = out;
  o.jobs = 2;
  o.plots = false;
  o.progress = sweep::RunOptions::Progress::Quiet;
  return o;
}

// A row without the fields that depend on timing or on the cache.
Row comparable(Row r) {
  r.erase("seconds");
  r.erase("cached");
  if (r.contains("verify") && r["verify"].is_object()) r["verify"].erase("vectors_per_second");
  return r;
}
std::vector<Row> comparable(const std::vector<Row>& rows) {
  std::vector<Row> out;
  for (const auto& r : rows) out.push_back(comparable(r));
  return out;
}

std::vector<Row> rows_of(const std::string& dir) {
  const json j = sweep::read_results_json(dir);
  return j["rows"].get<std::vector<Row>>();
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// ---- tests ----

TEST(SweepRunner, ResultsHaveOneRowPerPointWithMetrics) {
  const Sandbox box("results");
  const auto spec = sweep::load_sweep(tiny_sweep(box));
  const auto s = sweep::run_sweep(spec, quiet_options(box.path("out")));
  EXPECT_FALSE(s.interrupted);
  EXPECT_EQ(s.total, 4u);
  EXPECT_EQ(s.done, 4u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.cached, 0u);
  ASSERT_EQ(s.rows.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const Row& r = s.rows[i];
    EXPECT_EQ(r["index"], i);
    EXPECT_EQ(r["status"], "ok") << r.dump();
    EXPECT_EQ(r["key"].get<std::string>().size(), 16u);
    EXPECT_GT(r["metrics"]["area_um2"].get<double>(), 0);
    EXPECT_GT(r["metrics"]["nand2_eq"].get<double>(), 0);
    EXPECT_GT(r["metrics"]["logic_depth"].get<int>(), 0);
    EXPECT_GT(r["metrics"]["flops"].get<int>(), 0);
    EXPECT_TRUE(r["metrics"].contains("sqnr_db"));           // the unit's own
    EXPECT_TRUE(r["metrics"].contains("bits_per_element"));  // metrics
    EXPECT_TRUE(r["verify"].is_null());
    EXPECT_EQ(r["tools"]["blockforge"], "blockforge " BLOCKFORGE_VERSION);
    EXPECT_NE(r["tools"]["yosys"].get<std::string>().find("Yosys"), std::string::npos);
    EXPECT_TRUE(fs::exists(box.path("out/points/" + r["key"].get<std::string>() + "/result.json")));
  }
  EXPECT_EQ(s.rows[1]["params"], (json{{"format", "mxint4"}, {"block", 8}}));
  // A bigger block costs more area.
  EXPECT_GT(s.rows[1]["metrics"]["area_um2"].get<double>(),
            s.rows[0]["metrics"]["area_um2"].get<double>());

  const json j = sweep::read_results_json(box.path("out"));
  EXPECT_EQ(j["sweep"], "tiny");
  EXPECT_EQ(j["unit"], "quant.block");
  EXPECT_EQ(j["swept"], (json{"format", "block"}));
  EXPECT_EQ(j["rows"].size(), 4u);
  EXPECT_EQ(comparable(rows_of(box.path("out"))), comparable(s.rows));

  const std::string csv = util::read_text(box.path("out/results.csv"));
  EXPECT_EQ(count_lines(csv), 5u) << csv;
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_EQ(header.rfind("index,format,block,status,error,area_um2,nand2_eq,logic_depth,flops,"
                         "cell_count,transistors,",
                         0),
            0u)
      << header;
  // The unit's "format" metric is told apart from the swept parameter.
  EXPECT_NE(header.find(",metrics.format,"), std::string::npos) << header;
  EXPECT_NE(header.find(",sqnr_db,"), std::string::npos) << header;
  EXPECT_NE(header.find(",verified,vectors,vectors_per_second,seconds,cached,key,blockforge,yosys,"
                        "verilator"),
            std::string::npos)
      << header;
  EXPECT_NE(csv.find("\n1,mxint4,8,ok,,"), std::string::npos) << csv;
}

TEST(SweepRunner, SecondRunIsAllCachedAndResumesAfterALostPoint) {
  const Sandbox box("cache");
  const auto spec = sweep::load_sweep(tiny_sweep(box));
  const auto opt = quiet_options(box.path("out"));
  const auto first = sweep::run_sweep(spec, opt);
  ASSERT_EQ(first.failed, 0u);

  const auto second = sweep::run_sweep(spec, opt);
  ASSERT_EQ(second.rows.size(), 4u);
  EXPECT_EQ(second.cached, 4u);
  EXPECT_EQ(second.done, 4u);
  for (const auto& r : second.rows) EXPECT_TRUE(r["cached"].get<bool>());
  EXPECT_EQ(comparable(second.rows), comparable(first.rows));

  // An interrupted sweep: one point's result never got written (and the
  // results files are stale). The rerun computes only that point.
  fs::remove(box.path("out/points/" + first.rows[2]["key"].get<std::string>() + "/result.json"));
  fs::remove(box.path("out/results.json"));
  const auto resumed = sweep::run_sweep(spec, opt);
  EXPECT_EQ(resumed.cached, 3u);
  EXPECT_FALSE(resumed.rows[2]["cached"].get<bool>());
  EXPECT_EQ(comparable(resumed.rows), comparable(first.rows));
  EXPECT_EQ(comparable(rows_of(box.path("out"))), comparable(first.rows));

  // Verifying changes the key: nothing is reused for a verified run.
  auto verified = opt;
  verified.verify = true;
  verified.vectors = 100;
  verified.timeout_seconds = 0.001;  // and fails fast: only the keys matter here
  const auto v = sweep::run_sweep(spec, verified);
  EXPECT_EQ(v.cached, 0u);
  ASSERT_EQ(v.rows.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NE(v.rows[i]["key"], first.rows[i]["key"]);
}

TEST(SweepRunner, FailedPointsAreRecordedAndTheOthersSucceed) {
  const Sandbox box("failed");
  box.write("base.toml",
            "unit = \"test.sweep_probe\"\n\n[params]\nformat = \"mxint4\"\nblock = 4\n");
  const auto spec = sweep::load_sweep(
      box.write("probe.toml",
                "base = \"base.toml\"\n\n[sweep]\nprobe_fail = [\"none\", \"generate\", "
                "\"yosys\"]\n"));
  const auto opt = quiet_options(box.path("out"));
  const auto s = sweep::run_sweep(spec, opt);
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.failed, 2u);
  EXPECT_EQ(s.rows[0]["status"], "ok");
  EXPECT_GT(s.rows[0]["metrics"]["area_um2"].get<double>(), 0);
  EXPECT_EQ(s.rows[1]["status"], "failed");
  EXPECT_EQ(s.rows[1]["error"], "generation: probe: this combination cannot be generated");
  EXPECT_EQ(s.rows[2]["status"], "failed");
  const std::string yosys_error = s.rows[2]["error"].get<std::string>();
  EXPECT_NE(yosys_error.find("probe_missing_top"), std::string::npos) << yosys_error;
  EXPECT_EQ(yosys_error.find('\n'), std::string::npos);
  EXPECT_TRUE(s.rows[2]["metrics"].empty());

  const std::string csv = util::read_text(box.path("out/results.csv"));
  EXPECT_EQ(count_lines(csv), 4u);
  EXPECT_NE(csv.find(",failed,generation: probe: this combination cannot be generated,"),
            std::string::npos)
      << csv;

  // Only the ok point is cached: a tool error may come from the machine, and
  // the rerun retries it (and here fails the same way).
  const auto again = sweep::run_sweep(spec, opt);
  EXPECT_EQ(again.cached, 1u);
  EXPECT_TRUE(again.rows[0]["cached"].get<bool>());
  EXPECT_FALSE(again.rows[2]["cached"].get<bool>());
  EXPECT_EQ(comparable(again.rows), comparable(s.rows));
}

TEST(SweepRunner, AVerificationMismatchFailsThePointAndIsCached) {
  const Sandbox box("mismatch");
  box.write("base.toml",
            "unit = \"test.sweep_probe\"\n\n[params]\nformat = \"mxint4\"\nblock = 4\n");
  const auto spec = sweep::load_sweep(
      box.write("mismatch.toml", "base = \"base.toml\"\n\n[sweep]\nprobe_fail = [\"mismatch\"]\n"));
  auto opt = quiet_options(box.path("out"));
  opt.verify = true;
  opt.vectors = 50;
  const auto s = sweep::run_sweep(spec, opt);
  ASSERT_EQ(s.rows.size(), 1u);
  const Row& r = s.rows[0];
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["error"].get<std::string>().rfind("verification failed: FAIL: ", 0), 0u)
      << r["error"];
  EXPECT_EQ(r["verify"]["pass"], false);
  EXPECT_TRUE(r["metrics"].empty());
  EXPECT_TRUE(
      fs::exists(box.path("out/points/" + r["key"].get<std::string>() + "/verilator/report.txt")));
  EXPECT_NE(r["tools"]["verilator"].get<std::string>().find("Verilator"), std::string::npos);
  // A mismatch is a property of the design: the rerun does not recompute it.
  const auto again = sweep::run_sweep(spec, opt);
  EXPECT_EQ(again.cached, 1u);
  EXPECT_EQ(comparable(again.rows), comparable(s.rows));
}

TEST(SweepRunner, ATimeoutFailsThePointAndIsNotCached) {
  const Sandbox box("timeout");
  const auto spec = sweep::load_sweep(tiny_sweep(box));
  auto opt = quiet_options(box.path("out"));
  opt.timeout_seconds = 0.001;
  const auto s = sweep::run_sweep(spec, opt);
  EXPECT_EQ(s.failed, 4u);
  ASSERT_EQ(s.rows.size(), 4u);
  for (const auto& r : s.rows) {
    EXPECT_EQ(r["error"].get<std::string>().rfind("timeout: the point took more than 0.001 s", 0),
              0u)
        << r["error"];
    EXPECT_FALSE(
        fs::exists(box.path("out/points/" + r["key"].get<std::string>() + "/result.json")));
  }
  // With time enough the same points succeed (nothing stale was cached).
  opt.timeout_seconds = 600;
  const auto t = sweep::run_sweep(spec, opt);
  EXPECT_EQ(t.failed, 0u);
  EXPECT_EQ(t.cached, 0u);
}

TEST(SweepRunner, ShardsMergeToTheFullRun) {
  const Sandbox box("shards");
  const auto spec = sweep::load_sweep(tiny_sweep(box));
  const auto full = sweep::run_sweep(spec, quiet_options(box.path("full")));
  ASSERT_EQ(full.failed, 0u);

  std::vector<std::string> dirs;
  for (std::size_t i = 0; i < 2; ++i) {
    auto opt = quiet_options(box.path("shard-" + std::to_string(i + 1)));
    opt.shard_index = i;
    opt.shard_count = 2;
    opt.jobs = 1;
    const auto s = sweep::run_sweep(spec, opt);
    EXPECT_EQ(s.total, 2u);
    EXPECT_EQ(s.rows[0]["index"], i);  // round robin: 0, 2 and 1, 3
    dirs.push_back(opt.out_dir);
  }
  const auto merged = sweep::merge_results(spec, dirs, box.path("merged"));
  EXPECT_EQ(comparable(merged), comparable(full.rows));
  EXPECT_EQ(comparable(rows_of(box.path("merged"))), comparable(full.rows));
  // The CSV equals the full run's, but for the timing and cache columns.
  const auto strip_csv = [](const std::string& path) {
    const auto split = [](const std::string& line) {
      std::vector<std::string> cells(1);
      for (char ch : line) {
        if (ch == ',')
          cells.emplace_back();
        else
          cells.back() += ch;
      }
      return cells;
    };
    std::istringstream in(util::read_text(path));
    std::string line, out;
    std::getline(in, line);
    const auto header = split(line);
    const auto column = [&](const std::string& name) {
      return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                      header.begin());
    };
    const std::size_t seconds = column("seconds"), cached = column("cached");
    EXPECT_LT(cached, header.size());
    out += line + "\n";
    while (std::getline(in, line)) {
      auto cells = split(line);
      EXPECT_EQ(cells.size(), header.size()) << line;
      cells[seconds] = cells[cached] = "";
      for (const auto& c : cells) out += c + ",";
      out += "\n";
    }
    return out;
  };
  EXPECT_EQ(strip_csv(box.path("merged/results.csv")), strip_csv(box.path("full/results.csv")));

  // Missing and duplicated shards are named by point index.
  try {
    sweep::merge_results(spec, {dirs[0]}, box.path("bad"));
    ADD_FAILURE() << "a missing shard was not detected";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing points 1, 3"), std::string::npos) << e.what();
  }
  try {
    sweep::merge_results(spec, {dirs[0], dirs[1], dirs[1]}, box.path("bad"));
    ADD_FAILURE() << "a duplicated shard was not detected";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("duplicated points 1, 3"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(box.path("bad/results.json")));

  // Another sweep's results are refused.
  const std::string other = box.write(
      "other.toml", "base = \"base.toml\"\nname = \"other\"\n\n[sweep]\nblock = [4, 8]\n");
  EXPECT_THROW(sweep::merge_results(sweep::load_sweep(other), dirs, box.path("bad")),
               std::runtime_error);
}

TEST(SweepRunner, CsvQuotingAndProgressText) {
  EXPECT_EQ(sweep::csv_cell(json("plain")), "plain");
  EXPECT_EQ(sweep::csv_cell(json("a,b")), "\"a,b\"");
  EXPECT_EQ(sweep::csv_cell(json("say \"hi\"")), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(sweep::csv_cell(json("two\nlines")), "\"two\nlines\"");
  EXPECT_EQ(sweep::csv_cell(json(nullptr)), "");
  EXPECT_EQ(sweep::csv_cell(json(true)), "true");
  EXPECT_EQ(sweep::csv_cell(json(1.5)), "1.5");
  EXPECT_EQ(sweep::csv_cell(json::array({3, 5})), "\"[3,5]\"");

  using P = sweep::ProgressReporter;
  EXPECT_EQ(P::format_eta(42), "0:42");
  EXPECT_EQ(P::format_eta(3909), "1:05:09");
  EXPECT_EQ(P::format_eta(-1), "--:--");
  EXPECT_EQ(P::bar_line(7, 12, 1, 42), "[###########.........] 7/12 done, 1 failed, ETA 0:42");
  EXPECT_EQ(P::bar_line(0, 3, 0, -1), "[....................] 0/3 done, 0 failed, ETA --:--");

  std::ostringstream out;
  {
    P lines(sweep::RunOptions::Progress::Lines, 2, out);
    lines.point_done(Row{{"index", 0},
                         {"params", {{"block", 4}}},
                         {"status", "ok"},
                         {"metrics", {{"area_um2", 1234.51}}},
                         {"cached", true}});
    lines.point_done(Row{{"index", 1},
                         {"params", {{"block", 8}}},
                         {"status", "failed"},
                         {"error", "boom"},
                         {"cached", false}});
  }
  EXPECT_EQ(out.str(),
            "point 1/2 ok area=1234.5 um2 (cached) [block=4]\n"
            "point 2/2 failed: boom [block=8]\n");
}

TEST(UtilProcess, TimeoutKillsTheWholeProcessGroup) {
  const Sandbox box("process");
  const std::string pid_file = box.path("grandchild.pid");
  util::ProcessOptions opt;
  opt.log_path = box.path("log");
  opt.timeout_seconds = 0.3;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r =
      util::run_process({"sh", "-c", "sleep 30 & echo $! > '" + pid_file + "'; wait"}, opt);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(r.code, util::kTimeoutExitCode);
  EXPECT_LT(took, 10);
  EXPECT_THROW(util::throw_if_stopped(r, "sleeping", opt.log_path), util::ToolTimeout);
  // The grandchild went down with its group (gone, or a zombie until init
  // reaps it).
  const std::string pid = util::read_text(pid_file);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string state;
  try {
    const std::string stat = util::read_text("/proc/" + pid.substr(0, pid.find('\n')) + "/stat");
    state = stat.substr(stat.rfind(')') + 2, 1);
  } catch (const std::runtime_error&) {
    state = "gone";
  }
  EXPECT_TRUE(state == "gone" || state == "Z") << state;

  // Cancellation from another thread.
  std::atomic<bool> cancel{false};
  opt.timeout_seconds = 0;
  opt.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  const auto c = util::run_process({"sleep", "30"}, opt);
  canceller.join();
  EXPECT_TRUE(c.cancelled);
  EXPECT_FALSE(c.timed_out);
  EXPECT_LT(c.seconds, 10);
  EXPECT_THROW(util::throw_if_stopped(c, "sleeping", opt.log_path), util::ToolCancelled);

  // Unlimited calls report the exit status as before.
  const auto ok = util::run_process({"sh", "-c", "exit 3"}, {box.path("log"), false, {}});
  EXPECT_EQ(ok.code, 3);
  EXPECT_FALSE(ok.ok());
  // A budget hands each call what is left of it.
  const util::ToolBudget budget(1000);
  EXPECT_GT(budget.apply({}).timeout_seconds, 990);
  EXPECT_LE(budget.apply({}).timeout_seconds, 1000);
  EXPECT_EQ(util::ToolBudget().apply({}).timeout_seconds, 0);
}

// ---- the binary: Ctrl-C mid-sweep, then resume ----

struct Child {
  pid_t pid = -1;
  int err = -1;  // read end of its stderr
};

Child spawn_blockforge(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  // As from a terminal: SIGINT has its default action (a background job of
  // a non-interactive shell would inherit it ignored).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &sigs);
  sigemptyset(&sigs);
  posix_spawnattr_setsigmask(&attr, &sigs);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> argv = {BLOCKFORGE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  Child c;
  const int rc = posix_spawn(&c.pid, BLOCKFORGE_BINARY, &fa, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) throw std::runtime_error("cannot start " BLOCKFORGE_BINARY);
  c.err = fds[0];
  return c;
}

// Reads the child's stderr line by line, calling on_line for each; returns
// the exit status. Kills the child if it runs longer than `limit_seconds`.
int finish(Child c, const std::function<void(const std::string&)>& on_line, std::string& all,
           double limit_seconds = 900) {
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(limit_seconds));
  std::string pending;
  char buf[4096];
  for (;;) {
    pollfd p{c.err, POLLIN, 0};
    if (::poll(&p, 1, 1000) < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() > until) {
      ::kill(c.pid, SIGKILL);
      ADD_FAILURE() << "blockforge ran too long; output so far:\n" << all;
      break;
    }
    if (!(p.revents & (POLLIN | POLLHUP))) continue;
    const ssize_t n = ::read(c.err, buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      const std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      all += line + "\n";
      on_line(line);
    }
  }
  ::close(c.err);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(SweepBinary, CtrlCStopsCleanlyAndTheRerunResumes) {
  const Sandbox box("sigint");
  box.write("base.toml", "unit = \"quant.block\"\n\n[params]\nformat = \"mxint4\"\nblock = 4\n");
  const std::string sweep_file =
      box.write("sigint.toml",
                "base = \"base.toml\"\n\n[sweep]\nblock = [4, 6]\n\n[options]\nverify = true\n");
  const std::vector<std::string> args = {"sweep",      sweep_file, "-j",        "1",
                                         "--vectors",  "300",      "--out",     box.path("out"),
                                         "--progress", "lines",    "--no-plots"};
  std::string output;
  Child c = spawn_blockforge(args);
  bool sent = false;
  const int rc = finish(
      c,
      [&](const std::string& line) {
        if (!sent && line.rfind("point 1/2 ", 0) == 0) {
          ::kill(c.pid, SIGINT);  // the second point is being verified now
          sent = true;
        }
      },
      output);
  ASSERT_TRUE(sent) << output;
  EXPECT_EQ(rc, 130) << output;
  EXPECT_NE(output.find("interrupted: 1/2 points done; rerun the same command to resume"),
            std::string::npos)
      << output;
  // The results of the finished point, parsable; the interrupted one is not
  // recorded as failed.
  const auto partial = rows_of(box.path("out"));
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0]["status"], "ok");
  EXPECT_EQ(partial[0]["verify"]["pass"], true);
  std::size_t results = 0;
  for (const auto& e : fs::directory_iterator(box.path("out/points")))
    results += fs::exists(e.path() / "result.json");
  EXPECT_EQ(results, 1u);

  output.clear();
  const int rc2 = finish(
      spawn_blockforge(args), [](const std::string&) {}, output);
  EXPECT_EQ(rc2, 0) << output;
  const auto rows = rows_of(box.path("out"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0]["cached"].get<bool>());
  EXPECT_FALSE(rows[1]["cached"].get<bool>());
  for (const auto& r : rows) {
    EXPECT_EQ(r["status"], "ok") << r.dump();
    EXPECT_EQ(r["verify"]["pass"], true);
    EXPECT_GT(r["verify"]["vectors"].get<int>(), 300);  // corner cases + 300 random
  }
  EXPECT_EQ(comparable(rows[0]), comparable(partial[0]));
}

}  // namespace
