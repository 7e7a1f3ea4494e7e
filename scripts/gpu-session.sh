#!/usr/bin/env bash
# For a short session on a machine with a GPU (about 10 minutes of command time): the GPU tests of
# Hopper's own kernels (a family that fails them is left out of the runs), then the figures, then
# the checks. A quick and a full run of every suite (their wall time has targets too),
# every test (GPU ones included), compute-sanitizer's memcheck, racecheck, synccheck and initcheck
# over the in-process GPU tests, and last the open issues' targets (scripts/issue_targets.py), so
# that they end the output. Each step has a time limit, so one hang cannot cost the rest.
# Writes seven files (the device tool brings back at most eight): quick.json, full.json,
# cluster2.json (the Hopper HGEMM's 13.2 rows with clusters of two, an experiment until timed),
# runs.log, full-summary.txt (medians of the full run), ctest.log, sanitizer.log.
# The tests that disassemble with cuobjdump, which GPU machines may lack, are left to CI.
# Usage: scripts/gpu-session.sh BUILD_DIR OUT_DIR
set -uo pipefail
build=${1:?build dir}
out=${2:?output dir}
here=$(dirname "$0")
mkdir -p "$out"
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv,noheader
run() {  # NAME SECONDS ARGS...: one gpubench run into $out/NAME.json, its log appended to runs.log
  local name=$1 seconds=$2
  shift 2
  echo "=== gpubench run $* ($name)" >>"$out/runs.log"
  timeout "$seconds" "$build/gpubench" run "$@" --out "$out/$name.json" >>"$out/runs.log" 2>&1
  echo "$name run: exit $? ($(tail -n 1 "$out/runs.log"))"
}
passes() {  # GTEST_FILTER: whether those GPU tests pass within 90 s (their log into runs.log)
  echo "=== gpubench_tests --gtest_filter=$1" >>"$out/runs.log"
  timeout 90 "$build/gpubench_tests" --gtest_brief=1 --gtest_filter="$1" >>"$out/runs.log" 2>&1
}
# Hopper's own kernels had not run on a card before this script: their GPU tests go first. A
# kernel that faults or traps takes every later figure of its process with it, so the runs leave
# out the rows of a family whose tests fail (a negative --filter), and say so.
left_out=()
passes 'WgmmaKernels.*' || left_out+=('compute/peak/wgmma_')
passes 'OwnHgemmHopper.*' || left_out+=('gemm/own/fp16')
filter=()
if [ ${#left_out[@]} -gt 0 ]; then
  filter=(--filter "-($(IFS='|'; echo "${left_out[*]}"))")
  echo "Hopper kernels failed their GPU tests (runs.log); the runs leave out ${left_out[*]}"
fi
run quick 90 --quick ${filter[@]+"${filter[@]}"}
run full 300 --full ${filter[@]+"${filter[@]}"}
if passes 'OwnHgemmHopperClusters.*'; then
  GPUBENCH_HOPPER_HGEMM_CLUSTER=2 run cluster2 120 --suite gemm \
    --filter 'gemm/(cublas|own)/fp16_f32acc/(4096x4096x4096|8192x8192x8192)/'
else
  echo "the HGEMM's clusters of two failed their GPU tests (runs.log): not timed"
fi
[ -f "$out/full.json" ] && python3 "$here/summarize_run.py" "$out/full.json" >"$out/full-summary.txt"
(cd "$build" && timeout 240 ctest --output-on-failure -E '^(SassAudit\.|KernelClasses\.EveryOwnGemmKernelInThisBinaryClassifies$)' 2>&1) >"$out/ctest.log"
grep -E 'tests passed|\*\*\*Failed|Skipped' "$out/ctest.log"
# compute-sanitizer's four tools over the tests that launch kernels in-process. Left out: the
# tests that run the gpubench binary (covered above, and slow under the sanitizer) and CUPTI's
# (CUPTI and the sanitizer cannot both instrument one process).
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
if [ -x "$sanitizer" ]; then
  sanitized='ComputeKernelsGpu.*:MemoryKernelsGpu.*:CublasGemmGpu.*:ClockProbeGpu.*:DeviceProbeGpu.*:OwnGemm.*:OwnHgemm.*:OwnSgemm.*:WgmmaKernels.*:OwnHgemmHopper*.StructuredInputsGiveExactResults'
  for tool in memcheck racecheck synccheck initcheck; do
    echo "=== compute-sanitizer --tool $tool" >>"$out/sanitizer.log"
    timeout 120 "$sanitizer" --tool "$tool" --error-exitcode 1 "$build/gpubench_tests" \
      --gtest_filter="$sanitized" >>"$out/sanitizer.log" 2>&1
    echo "compute-sanitizer $tool: exit $? ($(grep -E 'ERROR SUMMARY' "$out/sanitizer.log" | tail -n 1))"
  done
else
  echo "compute-sanitizer: not found; the four sanitizer tools were not run"
fi
for name in quick full cluster2; do
  [ -f "$out/$name.json" ] && python3 "$here/issue_targets.py" "$out/$name.json"
done
