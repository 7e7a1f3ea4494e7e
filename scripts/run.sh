#!/usr/bin/env bash
# The main job: set up, build, run the quick profile on the present GPU (--full: the full profile),
# write the results file under results/runs/, render the HTML report beside it, and end with the
# headline figures and the report's path. With a GPU and no preset named, it builds for that GPU's
# architecture only (CMake's "native": one architecture instead of five, so a shorter build).
# Without a usable GPU: say why, show the documented RTX 4070 vs L4 comparison, render the report of
# a real measured run kept in results/runs/ so a newcomer sees one, and exit 2.
# Usage: scripts/run.sh [--full] [preset]
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
profile=--quick
if [ "${1:-}" = --full ]; then
  profile=--full
  shift
fi
if [ -z "${1:-}" ] && [ -z "${GPUBENCH_PRESET:-}" ] && [ "${CI:-}" != true ] &&
  nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  export GPUBENCH_PRESET=native
fi
source "$repo/scripts/preset.sh"

bash "$repo/scripts/build.sh" "$preset" || exit $?
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
echo "Results: $repo/$run_file"
echo "Report:  $repo/$report"
exit $status
