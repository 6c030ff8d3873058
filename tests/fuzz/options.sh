# Sourced by build.sh, run.sh and smoke.sh: the fuzz build's place and the
# libFuzzer options every run shares.
#   -timeout:          one input taking longer is a hang (a reader must answer
#                      a small file at once; the slowest seeds take ~0.1 s)
#   -rss_limit_mb,
#   -malloc_limit_mb:  a reader that allocates far beyond its input is a bug
#   -max_len:          the largest shipped config is under 2 KB
# shellcheck shell=bash
FUZZ_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUZZ_TARGETS=(design_file sweep_file npy)
# Inputs per target in the test suite's smoke run (tests/fuzz/smoke.sh): a few
# seconds each. The sweep target is the slowest (it writes a file and
# configures every point of a small sweep).
declare -A FUZZ_SMOKE_RUNS_OF=([design_file]=30000 [sweep_file]=6000 [npy]=30000)
FUZZ_COMMON_OPTS=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=8192
                  -print_final_stats=1)

# The options of one target: its dictionary, when it has one.
fuzz_target_opts() {
  local dict="$FUZZ_SRC/tests/fuzz/$1.dict"
  if [ -f "$dict" ]; then echo "-dict=$dict"; fi
}
