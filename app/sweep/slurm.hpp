#pragma once
// `blockforge sweep SWEEP.toml --emit-slurm`: an sbatch array job with one
// task per shard (task i runs `blockforge sweep SWEEP --shard i/N --out
// SHARED/shard-i -j $SLURM_CPUS_PER_TASK --verify|--no-verify [--timing]
// [--clock-ns T] [--liberty FILE]`), and a merge
// job that depends on the array and runs `blockforge sweep-merge SWEEP
// SHARED/shard-1 .. SHARED/shard-N --out SHARED/merged`.
//
// The dependency is afterany, not afterok: a shard whose sweep recorded failed
// points exits non-zero, and its results must still be merged; a shard that
// did not finish leaves no results.json, and sweep-merge then fails naming it.
// Job logs go to SHARED/slurm/shard-<i>-job<id>.out and merge-job<id>.out.
// Every path in the scripts is absolute and quoted (spaces, quotes and % are
// safe); the scripts check that blockforge and the sweep file are visible on
// the node. Throws std::invalid_argument on bad options (no shared dir, 0
// shards or CPUs, a time limit or partition Slurm would reject).

#include <string>

#include "app/sweep/sweep_spec.hpp"

namespace bf::sweep {

struct SlurmOptions {
  std::string blockforge;  // the binary the jobs run; empty: this process's
  std::string shared_dir;  // results directory visible to every node
  std::size_t shards = 4;
  int cpus_per_task = 2;
  std::string time_limit = "02:00:00";
  std::string partition;  // empty: the cluster default
  bool verify = false;
  std::size_t vectors = 20000;
  // The sweep's synthesis options, passed to every shard (--timing,
  // --clock-ns T, --liberty FILE with FILE made absolute: the nodes must
  // mount it too).
  bool timing = false;
  double clock_ns = 0;
  std::string liberty;
};

// Writes <shared_dir>/slurm/array.sbatch, merge.sbatch and submit.sh (which
// submits both with the dependency) and returns the path of submit.sh.
std::string emit_slurm(const SweepSpec& spec, const std::string& sweep_path,
                       const SlurmOptions& opt);

}  // namespace bf::sweep
