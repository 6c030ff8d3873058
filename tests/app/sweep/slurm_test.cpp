// The emitted Slurm scripts, checked as text (the real cluster run is
// tests/slurm/run_slurm_test.sh) and run through bash with a fake sbatch.

#include "app/sweep/slurm.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bf::sweep {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

SweepSpec spec_named(const std::string& name) {
  SweepSpec spec;
  spec.name = name;
  spec.unit = "quant.block";
  return spec;
}

TEST(EmitSlurm, ArrayJobRunsOneShardPerTask) {
  const fs::path dir = fresh_dir("bf_slurm_text");
  SlurmOptions opt;
  opt.blockforge = "/opt/bf/bin/blockforge";
  opt.shared_dir = (dir / "shared").string();
  opt.shards = 5;
  opt.cpus_per_task = 3;
  opt.time_limit = "01:30:00";
  const std::string submit = emit_slurm(spec_named("quant_formats"), "/src/sweeps/q.toml", opt);
  EXPECT_EQ(submit, (dir / "shared" / "slurm" / "submit.sh").string());

  const std::string array = slurp(dir / "shared" / "slurm" / "array.sbatch");
  EXPECT_EQ(array.rfind("#!/bin/bash\n", 0), 0u);
  EXPECT_TRUE(contains(array, "#SBATCH --array=1-5\n")) << array;
  EXPECT_TRUE(contains(array, "#SBATCH --cpus-per-task=3\n"));
  EXPECT_TRUE(contains(array, "#SBATCH --time=01:30:00\n"));
  EXPECT_TRUE(contains(array, "#SBATCH --job-name=bf-quant_formats\n"));
  EXPECT_TRUE(contains(array, "#SBATCH --output=\"" + (dir / "shared" / "slurm").string() +
                                  "/shard-%a-job%A.out\"\n"))
      << array;
  EXPECT_FALSE(contains(array, "--partition"));
  EXPECT_TRUE(contains(array, "BLOCKFORGE='/opt/bf/bin/blockforge'\n"));
  EXPECT_TRUE(contains(array, "SWEEP='/src/sweeps/q.toml'\n"));
  EXPECT_TRUE(contains(array, "SHARED='" + (dir / "shared").string() + "'\n"));
  EXPECT_TRUE(contains(array, "N=5\n"));
  EXPECT_TRUE(contains(array,
                       "exec \"$BLOCKFORGE\" sweep \"$SWEEP\" --shard \"$i/$N\" --out "
                       "\"$SHARED/shard-$i\" -j \"${SLURM_CPUS_PER_TASK:-3}\" --no-verify\n"))
      << array;
  EXPECT_TRUE(contains(array, "i=${SLURM_ARRAY_TASK_ID:?"));
  EXPECT_FALSE(contains(array, " --verify"));
  // Every #SBATCH line comes before the first command (sbatch stops there).
  EXPECT_LT(array.rfind("#SBATCH"), array.find("set -euo pipefail"));

  const std::string merge = slurp(dir / "shared" / "slurm" / "merge.sbatch");
  EXPECT_TRUE(contains(merge, "#SBATCH --job-name=bf-quant_formats-merge\n"));
  EXPECT_FALSE(contains(merge, "--array"));
  EXPECT_TRUE(contains(merge, "sweep-merge \"$SWEEP\" \"${shards[@]}\" --out \"$SHARED/merged\""));
  EXPECT_TRUE(contains(merge, "shards+=(\"$SHARED/shard-$i\")"));
  EXPECT_LT(merge.rfind("#SBATCH"), merge.find("set -euo pipefail"));

  const std::string sub = slurp(submit);
  EXPECT_TRUE(contains(sub, "sbatch --parsable \"$DIR/array.sbatch\""));
  EXPECT_TRUE(contains(sub, "--dependency=\"afterany:$array\""));
  EXPECT_TRUE(contains(sub, "\"$DIR/merge.sbatch\""));
  for (const char* f : {"array.sbatch", "merge.sbatch", "submit.sh"}) {
    const auto perms = fs::status(dir / "shared" / "slurm" / f).permissions();
    EXPECT_NE(perms & fs::perms::owner_exec, fs::perms::none) << f;
  }
}

TEST(EmitSlurm, VerifyPartitionAndRelativePaths) {
  const fs::path dir = fresh_dir("bf_slurm_opts");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  SlurmOptions opt;
  opt.blockforge = "bin/blockforge";
  opt.shared_dir = "out/../shared";
  opt.shards = 1;
  opt.verify = true;
  opt.vectors = 5000;
  opt.partition = "gpu-long";
  const std::string submit = emit_slurm(spec_named("s"), "sweeps/x.toml", opt);
  fs::current_path(cwd);
  const std::string array = slurp(dir / "shared" / "slurm" / "array.sbatch");
  EXPECT_TRUE(contains(array, "--verify --vectors 5000\n")) << array;
  EXPECT_TRUE(contains(array, "#SBATCH --partition=gpu-long\n"));
  EXPECT_TRUE(contains(array, "#SBATCH --array=1-1\n"));
  EXPECT_TRUE(contains(array, "BLOCKFORGE='" + (dir / "bin" / "blockforge").string() + "'"));
  EXPECT_TRUE(contains(array, "SWEEP='" + (dir / "sweeps" / "x.toml").string() + "'"));
  EXPECT_TRUE(contains(array, "SHARED='" + (dir / "shared").string() + "'")) << array;
  EXPECT_TRUE(
      contains(slurp(dir / "shared" / "slurm" / "merge.sbatch"), "#SBATCH --partition=gpu-long\n"));
}

TEST(EmitSlurm, ShardsGetTheTimingOptions) {
  const fs::path dir = fresh_dir("bf_slurm_timing");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  SlurmOptions opt;
  opt.blockforge = "/bin/blockforge";
  opt.shared_dir = "shared";
  opt.shards = 2;
  opt.timing = true;
  opt.clock_ns = 2.5;
  opt.liberty = "pdk/my lib.lib";
  emit_slurm(spec_named("t"), "/x.toml", opt);
  fs::current_path(cwd);
  const std::string array = slurp(dir / "shared" / "slurm" / "array.sbatch");
  EXPECT_TRUE(contains(array, " --no-verify --timing --clock-ns 2.5 --liberty '" +
                                  (dir / "pdk" / "my lib.lib").string() + "'\n"))
      << array;
  // Without them, nothing is added.
  opt.timing = false;
  opt.clock_ns = 0;
  opt.liberty.clear();
  opt.shared_dir = (dir / "plain").string();
  emit_slurm(spec_named("t"), "/x.toml", opt);
  EXPECT_FALSE(contains(slurp(dir / "plain" / "slurm" / "array.sbatch"), "--timing"));
  EXPECT_FALSE(contains(slurp(dir / "plain" / "slurm" / "array.sbatch"), "--liberty"));
}

TEST(EmitSlurm, QuotesAndPercentInPathsAreSafe) {
  const fs::path dir = fresh_dir("bf_slurm_quote");
  SlurmOptions opt;
  opt.blockforge = "/opt/it's here/blockforge";
  opt.shared_dir = (dir / "a dir with 'quotes' \"and\" 100%").string();
  opt.shards = 2;
  emit_slurm(spec_named("it's $(rm -rf /)"), "/s p/x.toml", opt);
  const fs::path sdir = fs::path(opt.shared_dir) / "slurm";
  const std::string array = slurp(sdir / "array.sbatch");
  EXPECT_TRUE(contains(array, "BLOCKFORGE='/opt/it'\\''s here/blockforge'\n")) << array;
  EXPECT_TRUE(contains(array, "NAME='it'\\''s $(rm -rf /)'\n")) << array;
  // #SBATCH values: double-quoted with \" escapes; % doubled in file patterns.
  EXPECT_TRUE(contains(array, "\\\"and\\\" 100%%/slurm/shard-%a-job%A.out\"")) << array;
  EXPECT_TRUE(contains(array, "#SBATCH --job-name=bf-it_s___rm_-rf___\n")) << array;

  // The shell sees exactly the paths: source the variable block in bash.
  const fs::path probe = dir / "probe.sh";
  {
    std::ofstream out(probe);
    std::string vars = array.substr(array.find("BLOCKFORGE="));
    vars = vars.substr(0, vars.find("if [ "));
    out << vars << "printf '%s\\n' \"$BLOCKFORGE\" \"$SHARED\" \"$NAME\" > \"$1\"\n";
  }
  const fs::path got = dir / "got.txt";
  ASSERT_EQ(std::system(("bash '" + probe.string() + "' '" + got.string() + "'").c_str()), 0);
  EXPECT_EQ(slurp(got), opt.blockforge + "\n" + opt.shared_dir + "\nit's $(rm -rf /)\n");
}

TEST(EmitSlurm, SubmitScriptChainsTheJobsWithAFakeSbatch) {
  const fs::path dir = fresh_dir("bf_slurm_fake");
  SlurmOptions opt;
  opt.blockforge = "/bin/true";
  opt.shared_dir = (dir / "shared").string();
  opt.shards = 3;
  const std::string submit = emit_slurm(spec_named("fake"), "/x.toml", opt);
  // A stand-in sbatch: logs its arguments, answers ids 41 and 42 ("id;cluster"
  // as --parsable prints on a multi-cluster setup).
  fs::create_directories(dir / "bin");
  {
    std::ofstream out(dir / "bin" / "sbatch");
    out << "#!/bin/sh\n"
           "n=$(cat \"$0.count\" 2>/dev/null || echo 41)\n"
           "echo $((n + 1)) > \"$0.count\"\n"
           "echo \"$@\" >> \"$0.log\"\n"
           "echo \"$n;cluster\"\n";
  }
  fs::permissions(dir / "bin" / "sbatch", fs::perms::owner_all);
  const fs::path out = dir / "submit.out";
  const std::string cmd = "PATH='" + (dir / "bin").string() + "':\"$PATH\" '" + submit + "' > '" +
                          out.string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(out);
  const std::string printed = slurp(out);
  EXPECT_TRUE(contains(printed, "array job 41: 3 shard tasks")) << printed;
  EXPECT_TRUE(contains(printed, "merge job 42: after the array")) << printed;
  const std::string log = slurp(dir / "bin" / "sbatch.log");
  const std::string sdir = (dir / "shared" / "slurm").string();
  EXPECT_EQ(log, "--parsable " + sdir + "/array.sbatch\n" +
                     "--parsable --dependency=afterany:41 --kill-on-invalid-dep=yes " + sdir +
                     "/merge.sbatch\n");
}

TEST(EmitSlurm, RejectsBadOptions) {
  const fs::path dir = fresh_dir("bf_slurm_bad");
  SlurmOptions opt;
  opt.blockforge = "/bin/true";
  opt.shared_dir = dir.string();
  const SweepSpec spec = spec_named("s");
  auto with = [&](auto change) {
    SlurmOptions o = opt;
    change(o);
    return o;
  };
  EXPECT_THROW(emit_slurm(spec, "/x.toml", with([](SlurmOptions& o) { o.shards = 0; })),
               std::invalid_argument);
  EXPECT_THROW(emit_slurm(spec, "/x.toml", with([](SlurmOptions& o) { o.shared_dir = ""; })),
               std::invalid_argument);
  EXPECT_THROW(emit_slurm(spec, "/x.toml", with([](SlurmOptions& o) { o.cpus_per_task = 0; })),
               std::invalid_argument);
  EXPECT_THROW(emit_slurm(spec, "/x.toml", with([](SlurmOptions& o) { o.time_limit = "2h"; })),
               std::invalid_argument);
  EXPECT_THROW(emit_slurm(spec, "/x.toml", with([](SlurmOptions& o) { o.partition = "a b"; })),
               std::invalid_argument);
  for (const char* t : {"90", "30:00", "02:00:00", "1-12", "1-12:30", "2-00:00:00", "UNLIMITED"})
    EXPECT_NO_THROW(emit_slurm(spec, "/x.toml", with([&](SlurmOptions& o) { o.time_limit = t; })))
        << t;
}

}  // namespace
}  // namespace bf::sweep
