// The Slurm array job of a sweep: three small scripts under
// <shared_dir>/slurm/. Every path in them is absolute and single-quoted for
// the shell (double-quoted for #SBATCH lines, which sbatch parses itself), so
// directories with spaces or quotes work; the submit script needs nothing but
// sbatch on PATH.

#include "app/sweep/slurm.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <stdexcept>

#include "util/files.hpp"

namespace bf::sweep {

namespace {

namespace fs = std::filesystem;

// A word for the shell: '...' with each ' written as '\''.
std::string sh(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// A value on an #SBATCH line: sbatch reads double quotes and backslash
// escapes there.
std::string sbatch_word(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A literal path inside a Slurm filename pattern (--output): % starts a
// replacement symbol (%A, %a, %j), %% is a literal %.
std::string pattern_literal(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

// Text for a comment line.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string absolute(const std::string& p) {
  return fs::absolute(fs::path(p)).lexically_normal().string();
}

// A job name Slurm and squeue display cleanly.
std::string job_name(const std::string& sweep_name) {
  std::string out = "bf-";
  for (char c : sweep_name) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.';
    out += safe ? c : '_';
  }
  return out;
}

void check(const SlurmOptions& opt, const std::string& sweep_path) {
  auto bad = [](const std::string& what) { throw std::invalid_argument(what); };
  if (opt.shared_dir.empty()) bad("--emit-slurm needs --shared DIR (a directory every node sees)");
  if (sweep_path.empty()) bad("--emit-slurm needs the sweep file");
  if (opt.shards < 1) bad("--shards must be at least 1");
  if (opt.cpus_per_task < 1) bad("--cpus-per-task must be at least 1");
  if (opt.clock_ns < 0) bad("--clock-ns must be positive");
  for (const auto* p : {&opt.shared_dir, &opt.blockforge, &sweep_path, &opt.liberty})
    if (p->find_first_of("\n\r") != std::string::npos)
      bad("paths for the Slurm scripts cannot contain line breaks: '" + *p + "'");
  // Slurm's time formats: minutes, minutes:seconds, hours:minutes:seconds,
  // days-hours, days-hours:minutes, days-hours:minutes:seconds.
  static const std::regex time_re(
      R"(^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|)"
      R"(\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|infinite)$)");
  if (!std::regex_match(opt.time_limit, time_re))
    bad(fmt::format("--time-limit '{}' is not a Slurm time limit (minutes, HH:MM:SS or D-HH:MM:SS)",
                    opt.time_limit));
  static const std::regex partition_re(R"(^[A-Za-z0-9_.,-]*$)");
  if (!std::regex_match(opt.partition, partition_re))
    bad(fmt::format("--partition '{}' is not a Slurm partition name", opt.partition));
}

std::string blockforge_path(const SlurmOptions& opt) {
  if (!opt.blockforge.empty()) return absolute(opt.blockforge);
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::invalid_argument("cannot tell where the blockforge binary is; give its path");
  return self.string();
}

}  // namespace

std::string emit_slurm(const SweepSpec& spec, const std::string& sweep_path,
                       const SlurmOptions& opt) {
  check(opt, sweep_path);
  const std::string bf = blockforge_path(opt);
  const std::string sweep = absolute(sweep_path);
  const std::string shared = absolute(opt.shared_dir);
  const std::string dir = (fs::path(shared) / "slurm").string();
  const std::string name = job_name(spec.name);
  const std::string title = one_line(spec.name);
  const std::size_t n = opt.shards;

  std::string common;
  if (!opt.partition.empty()) common += "#SBATCH --partition=" + opt.partition + "\n";
  common += "#SBATCH --chdir=" + sbatch_word(shared) + "\n";

  std::string vars = fmt::format(
      "BLOCKFORGE={}\n"
      "SWEEP={}\n"
      "SHARED={}\n"
      "N={}\n"
      "NAME={}\n"
      "if [ ! -x \"$BLOCKFORGE\" ] || [ ! -f \"$SWEEP\" ]; then\n"
      "  echo \"$BLOCKFORGE or $SWEEP is missing on $(hostname): both must be on a \"\\\n"
      "\"file system every node mounts\" >&2\n"
      "  exit 2\n"
      "fi\n",
      sh(bf), sh(sweep), sh(shared), n, sh(spec.name));

  // One task per shard.
  // Explicit either way, so the shards do what was asked even when the sweep
  // file's options.verify says otherwise.
  std::string verify_args =
      opt.verify ? fmt::format(" --verify --vectors {}", opt.vectors) : " --no-verify";
  if (opt.timing) verify_args += " --timing";
  if (opt.clock_ns > 0) verify_args += fmt::format(" --clock-ns {}", opt.clock_ns);
  if (!opt.liberty.empty()) verify_args += " --liberty " + sh(absolute(opt.liberty));
  std::string array = "#!/bin/bash\n";
  array += fmt::format(
      "# Generated by `blockforge sweep --emit-slurm`: sweep '{}' ({}{}) in {} shards.\n"
      "# Task i of this array job runs shard i/{} of the sweep into SHARED/shard-i;\n"
      "# merge.sbatch combines the shards. Submit both with submit.sh.\n",
      title, spec.unit.empty() ? "sweep" : one_line(spec.unit), opt.verify ? ", verified" : "", n,
      n);
  array += "#SBATCH --job-name=" + name + "\n";
  array += fmt::format("#SBATCH --array=1-{}\n", n);
  array += "#SBATCH --ntasks=1\n";
  array += fmt::format("#SBATCH --cpus-per-task={}\n", opt.cpus_per_task);
  array += "#SBATCH --time=" + opt.time_limit + "\n";
  array += "#SBATCH --output=" + sbatch_word(pattern_literal(dir) + "/shard-%a-job%A.out") + "\n";
  array += common;
  array += "set -euo pipefail\n";
  array += vars;
  array +=
      "i=${SLURM_ARRAY_TASK_ID:?run this with sbatch (see submit.sh): it is a Slurm array job}\n";
  array += "echo \"shard $i/$N of $NAME on $(hostname), ${SLURM_CPUS_PER_TASK:-?} CPUs\"\n";
  array += fmt::format(
      "exec \"$BLOCKFORGE\" sweep \"$SWEEP\" --shard \"$i/$N\" --out \"$SHARED/shard-$i\" "
      "-j \"${{SLURM_CPUS_PER_TASK:-{}}}\"{}\n",
      opt.cpus_per_task, verify_args);

  // The merge: runs after every task ended (afterany), so that a sweep whose
  // shards recorded failed points is still merged; sweep-merge itself fails,
  // naming the missing points, when a shard did not finish.
  std::string merge = "#!/bin/bash\n";
  merge += fmt::format(
      "# Generated by `blockforge sweep --emit-slurm`: merges the {} shards of sweep '{}'\n"
      "# into SHARED/merged (results.csv, results.json, plots/). Submitted by submit.sh\n"
      "# with a dependency on the array job.\n",
      n, title);
  merge += "#SBATCH --job-name=" + name + "-merge\n";
  merge += "#SBATCH --ntasks=1\n";
  merge += "#SBATCH --cpus-per-task=1\n";
  merge += "#SBATCH --time=" + opt.time_limit + "\n";
  merge += "#SBATCH --output=" + sbatch_word(pattern_literal(dir) + "/merge-job%j.out") + "\n";
  merge += common;
  merge += "set -euo pipefail\n";
  merge += vars;
  merge += "shards=()\n";
  merge += "for i in $(seq 1 \"$N\"); do shards+=(\"$SHARED/shard-$i\"); done\n";
  merge +=
      "exec \"$BLOCKFORGE\" sweep-merge \"$SWEEP\" \"${shards[@]}\" --out \"$SHARED/merged\"\n";

  // Submission: the array, then the merge depending on it.
  std::string submit = "#!/usr/bin/env bash\n";
  submit += fmt::format(
      "# Generated by `blockforge sweep --emit-slurm`: submits the {}-task array job of\n"
      "# sweep '{}' and its merge job; prints both job ids. Results: SHARED/merged/.\n",
      n, title);
  submit += "set -euo pipefail\n";
  submit += "DIR=" + sh(dir) + "\n";
  submit += "SHARED=" + sh(shared) + "\n";
  submit +=
      "command -v sbatch > /dev/null || { echo 'sbatch not found: run this on a Slurm login "
      "node' >&2; exit 2; }\n";
  submit += "array=$(sbatch --parsable \"$DIR/array.sbatch\")\n";
  submit += "array=${array%%;*}  # --parsable prints id[;cluster]\n";
  submit +=
      "merge=$(sbatch --parsable --dependency=\"afterany:$array\" --kill-on-invalid-dep=yes "
      "\"$DIR/merge.sbatch\")\n";
  submit += "merge=${merge%%;*}\n";
  submit += fmt::format("echo \"array job $array: {} shard task{}, logs in $DIR/\"\n", n,
                        n == 1 ? "" : "s");
  submit += "echo \"merge job $merge: after the array; results in $SHARED/merged/\"\n";
  submit += "echo \"watch: squeue -j $array,$merge\"\n";

  fs::create_directories(dir);
  const std::string submit_path = (fs::path(dir) / "submit.sh").string();
  const std::pair<std::string, const std::string*> files[] = {
      {(fs::path(dir) / "array.sbatch").string(), &array},
      {(fs::path(dir) / "merge.sbatch").string(), &merge},
      {submit_path, &submit}};
  for (const auto& [path, text] : files) {
    util::write_text_atomic(path, *text);
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
  }
  return submit_path;
}

}  // namespace bf::sweep
