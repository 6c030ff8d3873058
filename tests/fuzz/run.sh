#!/usr/bin/env bash
# A longer fuzzing run of one target (or all, one after the other), for a
# developer: builds the fuzz build, then fuzzes for SECONDS per target. New
# inputs accumulate in BUILD_DIR/corpus/TARGET across runs (the committed
# seeds in tests/fuzz/corpus/TARGET are only read); a crash, hang or
# sanitizer report leaves BUILD_DIR/artifacts/TARGET-<kind>-<hash> and a
# non-zero exit.
#   tests/fuzz/run.sh design_file|sweep_file|npy|all SECONDS [BUILD_DIR]
# Reproduce a finding: BUILD_DIR/fuzz_TARGET ARTIFACT
set -euo pipefail
. "$(dirname "$0")/options.sh"
if [ $# -lt 2 ]; then
  echo "usage: tests/fuzz/run.sh design_file|sweep_file|npy|all SECONDS [BUILD_DIR]" >&2
  exit 2
fi
target=$1 seconds=$2 build=${3:-$FUZZ_SRC/build-fuzz}
if [ "$target" = all ]; then targets=("${FUZZ_TARGETS[@]}"); else targets=("$target"); fi
for t in "${targets[@]}"; do
  if [ ! -d "$FUZZ_SRC/tests/fuzz/corpus/$t" ]; then
    echo "tests/fuzz/run.sh: unknown target '$t' (targets: ${FUZZ_TARGETS[*]} all)" >&2
    exit 2
  fi
done
"$FUZZ_SRC/tests/fuzz/build.sh" "$build"
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/artifacts"
  # shellcheck disable=SC2046
  "$build/fuzz_$t" "${FUZZ_COMMON_OPTS[@]}" $(fuzz_target_opts "$t") -max_total_time="$seconds" \
    -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$FUZZ_SRC/tests/fuzz/corpus/$t"
done
