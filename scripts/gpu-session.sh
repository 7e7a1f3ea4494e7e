#!/usr/bin/env bash
# For a short session on a machine with a GPU: every test (GPU ones included), compute-sanitizer's
# memcheck, racecheck, synccheck and initcheck over the in-process GPU tests, a quick run and a
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
# compute-sanitizer's four tools over the tests that launch kernels in-process. Left out: the
# tests that run the gpubench binary (covered above, and slow under the sanitizer) and CUPTI's
# (CUPTI and the sanitizer cannot both instrument one process).
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
if [ -x "$sanitizer" ]; then
  filter='ComputeKernelsGpu.*:MemoryKernelsGpu.*:CublasGemmGpu.*:ClockProbeGpu.*:DeviceProbeGpu.*:OwnGemm.*:OwnHgemm.*:OwnSgemm.*'
  for tool in memcheck racecheck synccheck initcheck; do
    timeout 900 "$sanitizer" --tool "$tool" --error-exitcode 1 "$build/gpubench_tests" \
      --gtest_filter="$filter" >"$out/sanitizer-$tool.log" 2>&1
    echo "compute-sanitizer $tool: exit $? ($(grep -E 'ERROR SUMMARY' "$out/sanitizer-$tool.log" | tail -n 1))"
  done
else
  echo "compute-sanitizer: not found; the four sanitizer tools were not run"
fi
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
