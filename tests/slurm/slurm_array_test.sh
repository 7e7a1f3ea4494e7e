#!/usr/bin/env bash
# The Slurm fleet run, for real: starts a one-node cluster on this machine (munged, slurmctld and
# slurmd from Debian's packages, all in a temporary directory, on free ports), submits
# scripts/slurm/gpubench.sbatch as a 3-task array through scripts/slurm/submit.sh, and checks that
# every task ran and wrote its status where it should. The GPUs are hidden from the tasks, so each
# `gpubench run` exits 2, which the fleet step must report per task as "no usable GPU on this node".
# Before the (held) fleet step is released, real H200 results (tests/fixtures/runs/h200-b376421/)
# are copied into the task directories under four host names, one node's STREAM figures made 10%
# slower; the fleet step must read them and flag exactly that node.
# The jobs are submitted by an unprivileged user the test creates (and deletes), with a umask of
# 000: every job must run as that user, and every directory and file the tasks and the fleet step
# create must be that user's and group-writable (its umask) but not world-writable (the scripts
# take write permission from others). The binary, the scripts and the fixtures are copied where
# that user can read them.
# Usage: slurm_array_test.sh PATH/TO/gpubench. Exit codes: 0 pass, 1 fail, 77 skipped (reason on
# stdout: Slurm or MUNGE not installed, or not root: the daemons run as root, as on a real
# cluster, to start each job as its submitter).
set -uo pipefail
gpubench=${1:?usage: slurm_array_test.sh PATH/TO/gpubench}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
deadline=$((SECONDS + ${SLURM_TEST_TIMEOUT_S:-240}))

skip() { echo "SKIPPED: $*"; exit 77; }
fail() {
  echo "FAILED: $*"
  if [ -n "${SLURM_CONF:-}" ]; then
    squeue -a -o '%i %j %T %r' 2>&1
    scontrol show node 2>&1 | grep -E 'State|Reason'
  fi
  for log in "$tmp"/*.log; do echo "--- $log"; tail -n 20 "$log"; done
  exit 1
}
for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo useradd userdel runuser; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool is not installed (scripts/slurm/install.sh installs slurmctld, slurmd, slurm-client and munge)"
done
[ "$(id -u)" -eq 0 ] ||
  skip "the one-node cluster runs its daemons as root (slurmd starts each job as its submitter); run as root"

# Others may pass through the directory (the submitting user reaches its own subdirectories, the
# copies and MUNGE's socket) but not list or change it.
tmp=$(mktemp -d /tmp/gpubench-slurm.XXXXXX)
chmod 711 "$tmp"
pids=()
user="gpubench-slurm-test"
created_user=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  [ "$created_user" = 1 ] && userdel "$user" 2>/dev/null
  [ -n "${SLURM_TEST_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $limit ] && [ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The submitting user: unprivileged, no home, no login shell; left in place if it already existed.
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    "$user" || fail "cannot create the user $user"
  created_user=1
fi
[ "$(id -u "$user")" -ne 0 ] || fail "$user is root"
as_user() { runuser -u "$user" -- env PATH="$PATH" SLURM_CONF="${SLURM_CONF:-}" "$@"; }
mkdir -p "$tmp/bin" "$tmp/fixtures"
install -m 755 "$gpubench" "$tmp/bin/gpubench"
cp -r "$repo/scripts/slurm" "$tmp/slurm" && chmod -R a+rX "$tmp/slurm"
install -m 644 "$repo/tests/fixtures/runs/h200-b376421/quick"[12].json "$tmp/fixtures/"
as_user "$tmp/bin/gpubench" --help >/dev/null 2>&1 ||
  fail "$user cannot run gpubench: its shared libraries must be readable by every user"

# MUNGE with its own key and socket, so a system munged (if any) is left alone.
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge.key"
munged --force --foreground --key-file="$tmp/munge.key" --socket="$tmp/munge.socket" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" &
pids+=($!)
wait_for 20 "munged" test -S "$tmp/munge.socket"

host=$(hostname -s)
node_line=$(slurmd -C | head -n1 | sed 's/ RealMemory=[0-9]*/ RealMemory=500/')
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/results" "$tmp/out"
chown "$user:" "$tmp/results" "$tmp/out"
chmod 755 "$tmp/results" "$tmp/out"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=gpubenchtest
SlurmctldHost=$host
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$tmp/jobcomp.log
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
chmod 644 "$tmp/slurm.conf"
export SLURM_CONF=$tmp/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.stdout.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/slurmd.stdout.log" 2>&1 &
pids+=($!)
idle() { sinfo -h -N -o '%t' | grep -x 'idle' >/dev/null; }
wait_for 60 "the node to come up idle in sinfo" idle

# The array: three tasks, GPUs hidden (CUDA_VISIBLE_DEVICES="" travels with sbatch's --export=ALL),
# submitted by the unprivileged user with the laxest umask (sbatch hands it on to the jobs).
cd "$tmp/out" || fail "no $tmp/out"
submitted=$(as_user CUDA_VISIBLE_DEVICES="" GPUBENCH="$tmp/bin/gpubench" \
  GPUBENCH_RESULTS_ROOT="$tmp/results" GPUBENCH_FLEET_HOLD=1 \
  GPUBENCH_FLEET_OUTPUT="$tmp/out/fleet-%j.out" bash -c 'umask 000 && exec "$@"' submit \
  "$tmp/slurm/submit.sh" --array=0-2 --output="$tmp/out/task-%A_%a.out" 2>&1) ||
  fail "submit.sh: $submitted"
echo "$submitted"
array=$(sed -n 's/.*array=\([0-9]*\).*/\1/p' <<<"$submitted")
fleet=$(sed -n 's/.*fleet=\([0-9]*\).*/\1/p' <<<"$submitted")
dir=$(sed -n 's/.*dir=\(.*\)$/\1/p' <<<"$submitted")
[ -n "$array" ] && [ -n "$fleet" ] && [ -n "$dir" ] || fail "submit.sh printed no job ids: $submitted"

array_done() { [ -z "$(squeue -h -j "$array" -o %i 2>/dev/null)" ]; }
wait_for 120 "the array's tasks to end" array_done

# Every task ran, exited 2 (no usable GPU), and left its status where the layout says.
for task in 0 1 2; do
  status=$(ls "$dir"/*/"$host"/task$task/gpubench-run.status 2>/dev/null | head -n1)
  [ -n "$status" ] || fail "task $task wrote no status under $dir/<driver>/$host/task$task"
  grep -qx 'exit_code=2' "$status" || fail "task $task: $(cat "$status")"
  grep -qx "host_name=$host" "$status" || fail "task $task: $(cat "$status")"
  grep -q "^message=.*No CUDA device" "$status" || fail "task $task did not fail for want of a GPU: $(cat "$status")"
  [ -s "$tmp/out/task-${array}_$task.out" ] || fail "task $task's Slurm output is empty"
done
completed=$(grep -c "JobState=FAILED" "$tmp/jobcomp.log" 2>/dev/null || echo 0)
[ "$completed" -ge 3 ] || fail "Slurm's completion log lists $completed failed tasks, not 3"
as_submitter=$(grep -c "UserId=$user(" "$tmp/jobcomp.log" 2>/dev/null || echo 0)
[ "$as_submitter" -ge 3 ] ||
  fail "Slurm ran $as_submitter of the 3 tasks as $user: $(cat "$tmp/jobcomp.log")"
# The tasks' directories and files: the submitter's, its umask (000) less others' write permission.
not_theirs=$(find "$dir" ! -user "$user" -printf '%p ')
[ -z "$not_theirs" ] || fail "not created by $user: $not_theirs"
world_writable=$(find "$dir" -perm -0002 -printf '%m %p ')
[ -z "$world_writable" ] || fail "world-writable: $world_writable"
[ "$(stat -c %a "$status")" = 664 ] ||
  fail "the status file is $(stat -c %a "$status"), not 664 (umask 000 less o+w)"

# Real results from four hosts, placed in the task directories; node-d is 10% slower on STREAM.
driver_dir=$(dirname "$(dirname "$(dirname "$status")")")
as_user bash -c 'umask 022 && exec python3 - "$@"' place "$tmp/fixtures" "$driver_dir/$host" <<'PY' ||
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
for task, (host, name, slow) in enumerate([("node-a", "quick1.json", 1.0),
                                           ("node-b", "quick2.json", 1.0),
                                           ("node-c", "quick1.json", 1.0),
                                           ("node-d", "quick2.json", 1.10)]):
    with open(os.path.join(src, name)) as f:
        run = json.load(f)
    run["context"]["host_name"] = host
    run["context"]["gpu_index"] = "0"
    for record in run["benchmarks"]:
        if record["run_name"].startswith("memory/stream/") and "bandwidth_gbs" in record:
            record["bandwidth_gbs"] /= slow
    with open(os.path.join(dst, f"task{task % 3}", f"{host}.json"), "w") as f:
        json.dump(run, f)
PY
  fail "could not place the real results"

# The fleet step was held until now; it depends on the whole array (afterany).
scontrol show job "$fleet" | grep "Dependency=afterany:${array}" >/dev/null ||
  scontrol show job "$fleet" | grep "JobState=PENDING" >/dev/null || fail "fleet job $fleet lost"
scontrol release "$fleet" || fail "cannot release the fleet step $fleet"
fleet_done() { [ -z "$(squeue -h -j "$fleet" -o %i 2>/dev/null)" ]; }
wait_for 120 "the fleet step to end" fleet_done

report="$dir/fleet.txt"
[ -s "$report" ] || fail "the fleet step wrote no $report"
cat "$report"
[ "$(grep -c "$host (task [0-2]): no usable GPU on this node (gpubench: No CUDA device" "$report")" -eq 3 ] ||
  fail "the fleet report does not list each of the 3 tasks as 'no usable GPU on this node'"
grep -q "NVIDIA H200, quick profile: 4 nodes" "$report" || fail "the fleet step did not read the 4 real runs"
grep -q "FLAGGED node-d/gpu0" "$report" || fail "the slower node-d is not flagged"
if grep "FLAGGED" "$report" | grep -v "node-d/gpu0" >/dev/null; then fail "a healthy node is flagged"; fi
[ -s "$dir/fleet.html" ] || fail "no fleet.html"
[ -s "$dir/fleet.csv" ] || fail "no fleet.csv"
for report in "$dir"/fleet.*; do
  [ "$(stat -c %U "$report")" = "$user" ] || fail "$report is $(stat -c %U "$report")'s, not $user's"
  [ "$(stat -c %a "$report")" = 664 ] || fail "$report is $(stat -c %a "$report"), not 664"
done
grep -q "JobId=$fleet .*UserId=$user(" "$tmp/jobcomp.log" || fail "the fleet step did not run as $user"
grep -q "JobName=gpubench-fleet.*ExitCode=1\|ExitCode=1.*JobName=gpubench-fleet" "$tmp/jobcomp.log" ||
  grep -q "JobId=$fleet .*ExitCode=1" "$tmp/jobcomp.log" ||
  fail "the fleet step did not exit 1 (flagged and failed nodes): $(grep "JobId=$fleet " "$tmp/jobcomp.log")"
echo "PASSED: $array's 3 tasks ran as $user and reported no usable GPU; the fleet step $fleet read them and the real runs"
