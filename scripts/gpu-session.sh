#!/usr/bin/env bash
# For a short session on a machine with a GPU: every test (GPU ones included), then a quick and a
# full memory run, with a summary of the medians. The SASS audits need cuobjdump, which GPU
# machines may lack; they run in CI. Usage: scripts/gpu-session.sh BUILD_DIR OUT_DIR
set -uo pipefail
build=${1:?build dir}
out=${2:?output dir}
mkdir -p "$out"
(cd "$build" && ctest --output-on-failure -E '^SassAudit\.KernelsMatchTheRuleTable(ForOwnGemm)?$' 2>&1) >"$out/ctest.log"
grep -E 'tests passed|\*\*\*Failed|Skipped' "$out/ctest.log"
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv,noheader
for profile in quick full; do
  start=$(date +%s.%N)
  flag=$([ "$profile" = quick ] && echo --quick || echo --full)
  "$build/gpubench" run --suite memory "$flag" --out "$out/$profile.json" >"$out/$profile.log" 2>&1
  status=$?
  echo "$profile: exit $status in $(echo "$(date +%s.%N) - $start" | bc) s"
done
python3 "$(dirname "$0")/summarize_run.py" "$out/full.json"
