#!/usr/bin/env bash
# Submits a gpubench fleet run to Slurm: the array job (scripts/slurm/gpubench.sbatch, one task per
# node) and its fleet step (gpubench-fleet.sbatch), which runs once every task has ended, whatever
# its exit code (--dependency=afterany).
# Usage: scripts/slurm/submit.sh SBATCH_OPTIONS...    e.g. --array=0-15 --partition=gpu
# Every option goes to the array job; --array is required (one index per node or GPU).
# Environment: GPUBENCH (default: this checkout's build/gpubench if built, else gpubench on PATH),
# GPUBENCH_RESULTS_ROOT (default ./results/fleet), GPUBENCH_DEVICES, GPUBENCH_RUN_ARGS (see
# gpubench.sbatch), GPUBENCH_FLEET_HOLD=1 to submit the fleet step held (scontrol release ID).
# Run it as yourself, not root: the jobs run as the submitting user, and their results are theirs.
# Prints "array=ID fleet=ID dir=PATH". Exit codes: 0 submitted, 2 bad usage or sbatch refused.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

case " $* " in
  *" --array="* | *" -a "* | *" --array "*) ;;
  *)
    echo "submit.sh: give --array=0-N (one task per node or GPU) among the sbatch options." >&2
    exit 2
    ;;
esac
if [ -z "${GPUBENCH:-}" ]; then
  GPUBENCH=gpubench
  for candidate in "$repo/build/gpubench" "$repo/build-ci/gpubench"; do
    if [ -x "$candidate" ]; then GPUBENCH=$candidate; break; fi
  done
fi
export GPUBENCH
# The tasks' push to a Pushgateway (gpubench.sbatch, when GPUBENCH_PUSHGATEWAY is set).
export GPUBENCH_PUSH_METRICS=${GPUBENCH_PUSH_METRICS:-$here/../push_metrics.sh}
export GPUBENCH_RESULTS_ROOT=${GPUBENCH_RESULTS_ROOT:-$PWD/results/fleet}
# One date for every task, fixed at submission, so a run that crosses midnight stays in one place.
export GPUBENCH_FLEET_DATE=${GPUBENCH_FLEET_DATE:-$(date -u +%Y-%m-%d)}

array=$(sbatch --parsable "$@" "$here/gpubench.sbatch") || exit 2
array=${array%%;*}
hold=()
[ "${GPUBENCH_FLEET_HOLD:-0}" = 1 ] && hold=(--hold)
fleet=$(sbatch --parsable "${hold[@]}" --dependency="afterany:$array" \
  --output="${GPUBENCH_FLEET_OUTPUT:-slurm-%j.out}" "$here/gpubench-fleet.sbatch" "$array") || exit 2
fleet=${fleet%%;*}
echo "array=$array fleet=$fleet dir=$GPUBENCH_RESULTS_ROOT/$GPUBENCH_FLEET_DATE-job$array"
