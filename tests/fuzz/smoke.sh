#!/usr/bin/env bash
# The fuzz step of the test suite (ctest fuzz.smoke): builds the fuzz build in
# BUILD_DIR, then runs each target a fixed number of inputs from its seed
# corpus with a fixed seed, so the run is the same every time. Fails, naming
# the target and the crashing input, on any crash, hang, leak, sanitizer
# report or uncaught exception.
#   tests/fuzz/smoke.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/options.sh"
build=${1:?usage: tests/fuzz/smoke.sh BUILD_DIR}
"$FUZZ_SRC/tests/fuzz/build.sh" "$build"
failed=()
for t in "${FUZZ_TARGETS[@]}"; do
  runs=${FUZZ_SMOKE_RUNS:-${FUZZ_SMOKE_RUNS_OF[$t]}}
  work=$build/smoke/$t
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  echo "== fuzz_$t: $runs inputs, seed 1"
  # shellcheck disable=SC2046
  if "$build/fuzz_$t" "${FUZZ_COMMON_OPTS[@]}" $(fuzz_target_opts "$t") -seed=1 -runs="$runs" \
       -artifact_prefix="$work/artifacts/" "$work/corpus" "$FUZZ_SRC/tests/fuzz/corpus/$t" \
       > "$work/log" 2>&1; then
    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units)' "$work/log" || true
  else
    failed+=("$t")
    tail -n 60 "$work/log"
    for a in "$work"/artifacts/*; do
      [ -e "$a" ] || continue
      echo "FUZZ FAILURE in fuzz_$t: input saved as $a"
      echo "  reproduce: $build/fuzz_$t $a"
    done
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz smoke: FAILED: ${failed[*]} (full logs in $build/smoke/<target>/log)"
  exit 1
fi
echo "fuzz smoke: ${#FUZZ_TARGETS[@]} targets passed"
