#!/usr/bin/env bash
# For a short session on a machine with a GPU: every test (GPU ones included), a quick run and a
# full run of every suite (the suites come from gpubench itself), each run's wall time (targets:
# quick 20 s, full 120 s on an H200-class card), and the medians of the full run.
# The tests that disassemble with cuobjdump, which GPU machines may lack, are left to CI.
# Usage: scripts/gpu-session.sh BUILD_DIR OUT_DIR
set -uo pipefail
build=${1:?build dir}
out=${2:?output dir}
here=$(dirname "$0")
mkdir -p "$out"
(cd "$build" && ctest --output-on-failure -E '^(SassAudit\.KernelsMatchTheRuleTable(ForOwnGemm)?|KernelClasses\.EveryOwnGemmKernelInThisBinaryClassifies)$' 2>&1) >"$out/ctest.log"
grep -E 'tests passed|\*\*\*Failed|Skipped' "$out/ctest.log"
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv,noheader
run() {  # NAME ARGS...: one gpubench run into $out/NAME.json, its log beside it
  local name=$1
  shift
  "$build/gpubench" run "$@" --out "$out/$name.json" >"$out/$name.log" 2>&1
  echo "$name: exit $? ($(tail -n 1 "$out/$name.log"))"
}
run quick --quick
run full --full
[ -f "$out/full.json" ] && python3 "$here/summarize_run.py" "$out/full.json"
