#!/usr/bin/env bash
# Set-up, build, then the main job: describe every present GPU and compare it with its documented
# counterpart. Without a usable GPU: say why, show the documented RTX 4070 vs L4 comparison, exit 2.
# Usage: scripts/run.sh [preset]
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/scripts/preset.sh"

bash "$repo/scripts/build.sh" "$preset" || exit $?
gpubench="$build_dir/gpubench"

# `info --json` prints a document only when there are devices to describe.
devices_json=$("$gpubench" info --json 2>/dev/null)
if [ -z "$devices_json" ]; then
  "$gpubench" info  # says why, in one sentence
  echo
  echo "No GPU to measure here; the documented comparison of the two target cards:"
  "$gpubench" specs compare rtx-4070 l4
  exit 2
fi

"$gpubench" info
status=$?
count=$(printf '%s' "$devices_json" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["devices"]))')
for ((device = 0; device < count; device++)); do
  echo
  "$gpubench" specs compare --device "$device" || status=$?
done
exit $status
