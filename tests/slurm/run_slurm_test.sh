#!/usr/bin/env bash
# The emitted Slurm array job on a real Slurm: starts a private one-node
# cluster on localhost (munged + slurmctld + slurmd, all under a temporary
# directory, no systemd, no cgroups), emits the array + merge jobs for a small
# quant.block sweep with `blockforge sweep --emit-slurm`, submits them with the
# emitted submit.sh, waits for both, and checks that the merged results equal a
# local `blockforge sweep` of the same sweep (timing columns ignored).
#
#   run_slurm_test.sh BLOCKFORGE SOURCE_DIR
#
# Needs root and Debian's slurm-wlm and munge (listed in .ci/packages, installed
# by .ci/install-deps); it installs nothing. Exits 77 (ctest: skipped) only when
# not root or when apt is unavailable (not a Debian machine). Everything it
# starts is stopped on exit; the temporary directory is kept on failure.
set -euo pipefail

BF=${1:?usage: run_slurm_test.sh BLOCKFORGE SOURCE_DIR}
SRC=${2:?usage: run_slurm_test.sh BLOCKFORGE SOURCE_DIR}
NODE_WAIT=${BF_SLURM_NODE_WAIT:-90} # seconds for the node to become idle
# Seconds for everything (below ctest's TIMEOUT of 1500, so that a stuck run
# still ends here, with the logs printed and the daemons stopped).
BUDGET=${BF_SLURM_BUDGET:-1320}

export PATH="$PATH:/usr/sbin:/sbin"

say() { printf '[slurm-test %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || skip "the Slurm test starts munged, slurmctld and slurmd and needs root (running as uid $(id -u))"
command -v apt-get > /dev/null 2>&1 || skip "apt-get is unavailable (not a Debian machine: slurm-wlm and munge come from Debian)"

missing=()
for tool in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$tool" > /dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] ||
  fail "missing ${missing[*]}: install the Debian packages slurm-wlm and munge (.ci/install-deps does, from .ci/packages)"
[ -x "$BF" ] || fail "blockforge binary '$BF' not found"
BF=$(cd "$(dirname "$BF")" && pwd)/$(basename "$BF")
SRC=$(cd "$SRC" && pwd)
[ -f "$SRC/configs/quant_block_mxint8_k32.toml" ] || fail "$SRC/configs/quant_block_mxint8_k32.toml not found"

# A world-traversable directory: munged refuses a socket whose directory path
# is not executable by all, so not under a 0700 home or build directory.
T=$(mktemp -d /tmp/bf-slurm.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/munge-key" "$T/munge-run" "$T/state" "$T/spool" "$T/log" "$T/run" "$T/shared"
chmod 700 "$T/munge-key"
chmod 755 "$T/munge-run"
export SLURM_CONF=$T/slurm.conf
ok=0
JOBS=()

pid_of() { if [ -s "$1" ]; then cat "$1" 2> /dev/null || true; fi; }
stop_pidfile() { # pidfile name
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2> /dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 0.2
  done
  say "$2 (pid $pid) did not stop on SIGTERM; killing it"
  kill -KILL "$pid" 2> /dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  if [ ${#JOBS[@]} -gt 0 ] && [ -f "$SLURM_CONF" ]; then
    scancel "${JOBS[@]}" > /dev/null 2>&1
    for _ in $(seq 1 25); do
      [ -z "$(squeue -h -o %i 2> /dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_pidfile "$T/run/slurmd.pid" slurmd
  stop_pidfile "$T/run/slurmctld.pid" slurmctld
  stop_pidfile "$T/munge-key/munged.pid" munged
  if [ "$ok" -eq 1 ]; then
    rm -rf "$T"
  elif [ "$rc" -ne 77 ]; then
    echo "--- slurmctld.log (tail) ---"
    tail -n 30 "$T/log/slurmctld.log" 2> /dev/null
    echo "--- slurmd.log (tail) ---"
    tail -n 30 "$T/log/slurmd.log" 2> /dev/null
    for f in "$T"/shared/slurm/*.out; do
      [ -f "$f" ] || continue
      echo "--- $f (tail) ---"
      tail -n 20 "$f"
    done
    echo "kept $T for inspection"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- munge: a private daemon with its own key and socket --------------------
say "starting munged (key and socket under $T)"
KEY=$T/munge-key/munge.key
if [ ! -s "$KEY" ]; then
  if command -v mungekey > /dev/null 2>&1; then
    mungekey --create --keyfile="$KEY"
  else
    dd if=/dev/urandom of="$KEY" bs=1 count=1024 status=none
  fi
fi
chmod 400 "$KEY"
MSOCK=$T/munge-run/munge.socket
munged --socket="$MSOCK" --key-file="$KEY" --pid-file="$T/munge-key/munged.pid" \
  --log-file="$T/munge-key/munged.log" --seed-file="$T/munge-key/munged.seed" ||
  fail "munged did not start: $(tail -n 3 "$T/munge-key/munged.log" 2> /dev/null)"
munge -S "$MSOCK" -n | unmunge -S "$MSOCK" > /dev/null || fail "munge credential round trip failed"

# ---- slurm.conf for a one-node cluster on localhost -------------------------
port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
free_port() { # first free port from $1
  local p=$1
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}
CTLD_PORT=$(free_port 16817)
SLURMD_PORT=$(free_port $((CTLD_PORT + 1)))
HOST=$(hostname -s 2> /dev/null || uname -n)
HOST=${HOST%%.*}
CPUS=$(nproc)
# RealMemory: 90% of MemTotal in MB (what free(1) reports; read directly, as
# minimal images lack procps). slurmd drains a node configured with more.
MEM=$(awk '/^MemTotal:/ { m = int($2 / 1024 * 0.9); print (m > 100 ? m : 100) }' /proc/meminfo)
PLUGIN_DIR=$(dirname "$(find /usr/lib /usr/lib64 -name 'select_linear.so' -path '*slurm*' 2> /dev/null | head -n 1)")
if [ -f "$PLUGIN_DIR/select_cons_tres.so" ]; then
  SELECT="SelectType=select/cons_tres
SelectTypeParameters=CR_CPU"
else
  SELECT="SelectType=select/linear"
fi
cat > "$SLURM_CONF" << EOF
# one-node test cluster written by tests/slurm/run_slurm_test.sh
ClusterName=bfci
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MSOCK
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
$SELECT
ReturnToService=2
MinJobAge=3600
MailProg=/bin/true
InactiveLimit=0
KillWait=5
SlurmctldTimeout=60
SlurmdTimeout=120
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
say "slurm.conf: node $HOST, $CPUS CPUs, ${MEM} MB, ports $CTLD_PORT/$SLURMD_PORT, $(echo "$SELECT" | head -n 1)"

# ---- daemons -----------------------------------------------------------------
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N "$HOST" || fail "slurmd did not start"
say "waiting for node $HOST to become idle (up to ${NODE_WAIT}s)"
state=
for _ in $(seq 1 $((NODE_WAIT * 2))); do
  state=$(sinfo -h -N -n "$HOST" -o '%t' 2> /dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
sinfo -N -l || true
[ "$state" = idle ] || fail "node $HOST is '${state:-unknown}' after ${NODE_WAIT}s, not idle"

# ---- the sweep: emitted array + merge jobs -----------------------------------
SWEEP=$T/slurm_ci.toml
cat > "$SWEEP" << EOF
# A small quant.block sweep for the Slurm test (no verification).
base = "$SRC/configs/quant_block_mxint8_k32.toml"
name = "slurm_ci"

[sweep]
format = ["mxint4", "mxint8"]
block = [16, 32]

[options]
verify = false
EOF
SHARED=$T/shared
# One CPU per task lets both shards run at once on a two-CPU machine.
slurm_args=(--emit-slurm --shards 2 --shared "$SHARED" --cpus-per-task 1 --time-limit 00:20:00)
say "emitting the Slurm jobs: blockforge sweep $SWEEP ${slurm_args[*]}"
"$BF" sweep "$SWEEP" "${slurm_args[@]}"
SUBMIT=$SHARED/slurm/submit.sh
[ -x "$SUBMIT" ] || fail "$SUBMIT was not written (or is not executable)"

say "submitting with $SUBMIT"
submit_out=$("$SUBMIT")
echo "$submit_out"
array_id=$(echo "$submit_out" | sed -nE 's/^array job ([0-9]+).*/\1/p')
merge_id=$(echo "$submit_out" | sed -nE 's/^merge job ([0-9]+).*/\1/p')
if [ -z "$array_id" ] || [ -z "$merge_id" ]; then
  fail "submit.sh did not print the array and merge job ids"
fi
JOBS=("$array_id" "$merge_id")

# Meanwhile, the same sweep locally: the reference.
say "running the same sweep locally"
local_start=$SECONDS
timeout $((BUDGET > SECONDS + 60 ? BUDGET - SECONDS : 60)) "$BF" sweep "$SWEEP" --out "$T/local" -j 2 > "$T/local.log" 2>&1 ||
  fail "local sweep failed: $(tail -n 5 "$T/local.log")"
say "local sweep took $((SECONDS - local_start))s"

JOB_WAIT=$((BUDGET - SECONDS))
say "waiting for jobs $array_id (array) and $merge_id (merge), up to ${JOB_WAIT}s"
start=$SECONDS
last_report=$SECONDS
while [ -n "$(squeue -h -j "$array_id,$merge_id" -o %i 2> /dev/null)" ]; do
  if [ $((SECONDS - start)) -ge "$JOB_WAIT" ]; then
    squeue || true
    fail "jobs still queued or running after ${JOB_WAIT}s"
  fi
  if [ $((SECONDS - last_report)) -ge 30 ]; then
    squeue -h -j "$array_id,$merge_id" -o '  %i %j %T %M %R' || true
    last_report=$SECONDS
  fi
  sleep 2
done
say "jobs finished after $((SECONDS - start))s"
echo "--- squeue -t all ---"
squeue -a -t all -o '%.10i %.9P %.22j %.6u %.10T %.8M %.5D %R' || true
echo "--- job records (scontrol) ---"
states_ok=1
for j in "${JOBS[@]}"; do
  while read -r line; do
    summary=$(echo "$line" | grep -oE '(^| )(JobId|ArrayJobId|ArrayTaskId|JobName|JobState|ExitCode|RunTime)=[^ ]+' | tr -d '\n')
    echo "  $summary"
    case "$summary" in
      *"JobState=COMPLETED"*"ExitCode=0:0"*) ;;
      *) states_ok=0 ;;
    esac
  done < <(scontrol -o show job "$j")
done
echo "--- sacct ---"
sacct -j "$array_id,$merge_id" -X -o JobID,JobName%22,State,ExitCode,Elapsed 2>&1 ||
  echo "(no accounting storage on this test cluster: the scontrol records above are the job states)"
[ "$states_ok" -eq 1 ] || fail "a job did not complete with exit code 0"

# ---- merged == local ---------------------------------------------------------
MERGED=$SHARED/merged/results.csv
[ -f "$MERGED" ] || fail "$MERGED missing"
echo "--- merged results ($MERGED) ---"
cat "$MERGED"
# The rows without the columns that legitimately differ between two runs
# (timing, cache hits); RFC 4180 fields, so quoted commas stay in their cell.
strip() {
  awk '
    function split_csv(line, f,    n, i, c, q, cur) {
      n = 0; cur = ""; q = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
          if (c == "\"") {
            if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ } else q = 0
          } else cur = cur c
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = cur; cur = "" }
        else cur = cur c
      }
      f[++n] = cur
      return n
    }
    {
      nf = split_csv($0, f)
      if (NR == 1) for (i = 1; i <= nf; i++) if (f[i] !~ /(^|_)(seconds|cached|time|per_second)$/) keep[++nk] = i
      line = ""
      for (k = 1; k <= nk; k++) line = line (k > 1 ? " | " : "") f[keep[k]]
      print line
    }' "$1"
}
strip "$MERGED" > "$T/merged.cmp"
strip "$T/local/results.csv" > "$T/local.cmp"
echo "--- compared columns ---"
head -n 1 "$T/merged.cmp"
if ! diff "$T/local.cmp" "$T/merged.cmp"; then
  fail "merged Slurm results differ from the local run (above: < local, > merged)"
fi
rows=$(($(wc -l < "$T/merged.cmp") - 1))
[ "$rows" -eq 4 ] || fail "expected 4 result rows, found $rows"
ok=1
say "PASS: Slurm array job $array_id (2 shards) + merge job $merge_id: $rows rows equal to the local run (${SECONDS}s in all)"
