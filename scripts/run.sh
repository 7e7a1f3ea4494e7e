#!/usr/bin/env bash
# The main job: set up, build, run the quick profile on the present GPU (--full: the full profile),
# write the results file under results/runs/, render the HTML report beside it, and end with the
# headline figures and the report's path.
# A first run waits only for what it can use. With a GPU and no preset named, it builds the
# `gpubench` tool alone, for the present GPUs' architectures only, and Hopper's sm_90a kernels only
# on a 9.0 card (scripts/native_archs.sh). Without a usable GPU it says so before building, builds
# the `gpubench` tool alone (preset "nogpu": sm_89 kernels, no sm_90a library, build-nogpu/),
# shows the documented RTX 4070 vs L4 comparison, renders the report of a real measured run kept
# in results/runs/ so a newcomer sees one, and exits 2. docs/development.md has the build times.
# Usage: scripts/run.sh [--full] [preset]
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
profile=--quick
if [ "${1:-}" = --full ]; then
  profile=--full
  shift
fi
if [ -z "${1:-}" ] && [ -z "${GPUBENCH_PRESET:-}" ]; then
  if native=$(bash "$repo/scripts/native_archs.sh"); then
    [ "${CI:-}" = true ] || export GPUBENCH_PRESET=native GPUBENCH_CMAKE_ARGS="$native"
  else
    export GPUBENCH_PRESET=nogpu
    if command -v nvidia-smi >/dev/null 2>&1; then why="nvidia-smi lists no GPU"
    else why="no NVIDIA driver, nvidia-smi is missing"; fi
    echo "run: no GPU to measure here ($why). Building only the gpubench tool, to show the" \
      "documented RTX 4070 vs L4 comparison and the report of a run kept in results/runs/."
  fi
fi
source "$repo/scripts/preset.sh"

bash "$repo/scripts/build.sh" "$preset" gpubench || exit $?
gpubench="$build_dir/gpubench"
cd "$repo"

# `info --json` prints a document only when there are devices to describe.
devices_json=$("$gpubench" info --json 2>/dev/null)
if [ -z "$devices_json" ]; then
  "$gpubench" info  # says why, in one sentence
  echo
  echo "No GPU to measure here; the documented comparison of the two target cards:"
  "$gpubench" specs compare rtx-4070 l4
  # The largest kept run: the one with the most suites in it.
  sample=$(find results/runs -name '*.json' -printf '%s %p\n' 2>/dev/null | sort -n | tail -n 1 |
    cut -d' ' -f2-)
  if [ -n "$sample" ]; then
    echo
    echo "What a report looks like, from a real run kept in $sample:"
    "$gpubench" report "$sample" --headline
    "$gpubench" report "$sample" -o "$build_dir/sample-report.html" ||
      echo "(the sample report could not be rendered)"
  fi
  echo
  echo "gpubench: $gpubench (the commands that need no GPU: gpubench --help)"
  exit 2
fi

marker=$(mktemp)
trap 'rm -f "$marker"' EXIT
"$gpubench" run "$profile"
status=$?
run_file=$(find results/runs -name '*.json' -newer "$marker" 2>/dev/null | sort | tail -n 1)
if [ -z "$run_file" ]; then
  echo "gpubench run wrote no results file (exit $status)." >&2
  exit $((status == 0 ? 1 : status))
fi
report="${run_file%.json}.html"
"$gpubench" report "$run_file" -o "$report" >/dev/null || status=$?
echo
"$gpubench" report "$run_file" --headline || status=$?
echo
echo "Results:  $repo/$run_file"
echo "Report:   $repo/$report"
echo "gpubench: $gpubench"
exit $status
