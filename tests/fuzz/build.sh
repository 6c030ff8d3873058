#!/usr/bin/env bash
# Configures and builds the libFuzzer targets with clang in BUILD_DIR
# (default: build-fuzz in the source tree): only the libraries the readers
# need, instrumented with AddressSanitizer and UndefinedBehaviorSanitizer.
#   tests/fuzz/build.sh [BUILD_DIR]
set -euo pipefail
. "$(dirname "$0")/options.sh"
build=${1:-$FUZZ_SRC/build-fuzz}
for tool in clang clang++; do
  if ! command -v "$tool" > /dev/null; then
    echo "tests/fuzz/build.sh: $tool not found; install the Debian packages clang and" \
         "libclang-rt-14-dev (listed in .ci/packages)" >&2
    exit 2
  fi
done
mkdir -p "$build"
cmake -S "$FUZZ_SRC" -B "$build" -DBLOCKFORGE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  > "$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" --target fuzz_targets -j "${FUZZ_JOBS:-2}"
