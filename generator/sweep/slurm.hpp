#pragma once
// `blockforge sweep SWEEP.toml --emit-slurm`: an sbatch array job with one
// task per shard (task i runs `blockforge sweep SWEEP --shard i/N --out
// SHARED/shard-i`), and a merge job that depends on the array
// (afterany) and runs `blockforge sweep-merge`.

#include <string>

#include "generator/sweep/sweep_spec.hpp"

namespace bf::sweep {

struct SlurmOptions {
  std::string blockforge;    // absolute path of the binary the jobs run
  std::string shared_dir;    // results directory visible to every node
  std::size_t shards = 4;
  int cpus_per_task = 2;
  std::string time_limit = "02:00:00";
  std::string partition;     // empty: the cluster default
  bool verify = false;
  std::size_t vectors = 20000;
};

// Writes <shared_dir>/slurm/array.sbatch, merge.sbatch and submit.sh (which
// submits both with the dependency) and returns the path of submit.sh.
std::string emit_slurm(const SweepSpec& spec, const std::string& sweep_path,
                       const SlurmOptions& opt);

}  // namespace bf::sweep
