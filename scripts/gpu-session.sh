#!/usr/bin/env bash
# For a short session on a machine with a GPU (the device tool allows 600 s a command). Three
# parts, the open issue's first, so that a session cut short loses only what comes after:
#   bimodal: issue 27: the rows whose repetitions land in one of two states, with and without the
#            L2 flush, batched (cold and warm) and not, clock locked where allowed; then two pairs
#            of back-to-back quick runs (as of record, cold batches of 8) and their resolution;
#   figures: the GPU tests of Hopper's own kernels (a family that fails them is left out of the
#            runs), a quick and a full run of every suite (their wall time has targets too), on
#            compute capability 9.0 the HGEMM's clusters of two on the FP16 4096^3 and 8192^3 rows
#            (an experiment until timed), then the GPU-only issue targets (scripts/issue_targets.py);
#   checks:  every test but the SASS audits (cuobjdump is CI's), and compute-sanitizer's memcheck,
#            racecheck, synccheck and initcheck over the tests that launch kernels in-process.
# On the H200 a quick run took 20 s, a full run 147 s, the test binary 53 s and each sanitizer
# tool 20-40 s (../shared/device.md). The parts take about 2, 5 and 3 minutes: run each in its own
# device call. Every step has a time limit, so one hang cannot cost the rest, and a step whose
# limit would end past its part's deadline (GPUBENCH_SESSION_SECONDS after the part began, 570 s: a
# device call runs 600 s at most) is skipped and said, so the part still ends and packs its files.
# Writes up to eight files (the device tool brings back at most eight): quick.json, full.json,
# cluster2.json, runs.log, full-summary.txt (medians of the full run), bimodal.tar.gz, tests.log,
# sanitizer.log.
# Usage: scripts/gpu-session.sh BUILD_DIR OUT_DIR [all|figures|bimodal|checks]
set -uo pipefail
# A GPU test that cannot run here (no usable device, a build without the sm_90a kernels on a Hopper,
# no CUPTI) fails with its reason instead of skipping (tests/support/test_support.hpp).
export GPUBENCH_REQUIRE_GPU=1
build=${1:?build dir}
out=${2:?output dir}
part=${3:-all}
here=$(dirname "$0")
mkdir -p "$out"
deadline=0

in_time() {  # PART: runs it with its own deadline (each part is meant for a device call of its own)
  deadline=$((SECONDS + ${GPUBENCH_SESSION_SECONDS:-570}))
  "$1"
}
fits() {  # LIMIT_SECONDS WHAT: whether a step with that time limit ends before the deadline
  local left=$((deadline - SECONDS))
  [ "$1" -le "$left" ] && return 0
  echo "$2: skipped, $left s left in this call (its limit is $1 s)"
  return 1
}

run() {  # NAME SECONDS ARGS...: one gpubench run into $out/NAME.json, its log appended to runs.log
  local name=$1 seconds=$2
  shift 2
  fits "$seconds" "$name run" || return 0
  echo "=== gpubench run $* ($name)" >>"$out/runs.log"
  timeout "$seconds" "$build/gpubench" run "$@" --out "$out/$name.json" >>"$out/runs.log" 2>&1
  echo "$name run: exit $? ($(tail -n 1 "$out/runs.log"))"
}
passes() {  # GTEST_FILTER: whether those GPU tests ran and passed within 90 s (log into runs.log)
  # A skip is not a pass: GPUBENCH_REQUIRE_GPU=1 turns a GPU skip into a failure, and at least one
  # test must have passed (a filter that matches nothing, or only other hardware's tests, is not).
  # Skipped for time, they have not passed.
  fits 90 "the GPU tests $1" || return 1
  echo "=== gpubench_tests --gtest_filter=$1" >>"$out/runs.log"
  local log
  log=$(timeout 90 "$build/gpubench_tests" --gtest_brief=1 --gtest_filter="$1" 2>&1)
  local status=$?
  echo "$log" >>"$out/runs.log"
  [ "$status" -eq 0 ] && grep -qE '^\[  PASSED  \] [1-9][0-9]* test' <<<"$log"
}

hold=()  # (--no-stream-hold) when the stream hold failed its GPU tests
hold_checked=0
check_hold() {
  # The stream hold (bench/harness/stream_hold.hpp) had not run on a card before this script, and
  # a hold that times out fails every figure it holds: its GPU tests go first, and if they fail
  # the runs time without it, and say so.
  [ "$hold_checked" = 1 ] && return
  hold_checked=1
  passes 'StreamHoldGpu.*' && return
  hold=(--no-stream-hold)
  echo "the stream hold's GPU tests did not pass (runs.log); the runs time without it (--no-stream-hold)"
}

figures() {
  nvidia-smi --query-gpu=name,compute_cap,clocks.sm,clocks.max.sm,power.draw,temperature.gpu \
    --format=csv,noheader
  check_hold
  # Hopper's own kernels had not run on a card before this script: their GPU tests go first. A
  # kernel that faults or traps takes every later figure of its process with it, so the runs
  # leave out the rows of a family whose tests fail (a negative --filter), and say so.
  local left_out=() filter=()
  passes 'WgmmaKernels*.*' || left_out+=('compute/peak/wgmma_')
  passes 'OwnHgemmHopperGpu.*' || left_out+=('gemm/own/fp16')
  if [ ${#left_out[@]} -gt 0 ]; then
    filter=("--filter=-($(IFS='|'; echo "${left_out[*]}"))")
    echo "Hopper kernels failed their GPU tests (runs.log); the runs leave out ${left_out[*]}"
  fi
  run quick 90 --quick ${filter[@]+"${filter[@]}"} ${hold[@]+"${hold[@]}"}
  run full 300 --full ${filter[@]+"${filter[@]}"} ${hold[@]+"${hold[@]}"}
  if [ "$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader -i 0 2>/dev/null)" != 9.0 ]; then
    echo "clusters of two: not a compute capability 9.0 device, not timed"
  elif passes 'OwnHgemmHopperClusters*.*'; then
    GPUBENCH_HOPPER_HGEMM_CLUSTER=2 run cluster2 120 --suite gemm ${hold[@]+"${hold[@]}"} \
      --filter='gemm/(cublas|own)/fp16_f32acc/(4096x4096x4096|8192x8192x8192)/'
  else
    echo "clusters of two failed their GPU tests (runs.log): not timed"
  fi
  if [ -f "$out/full.json" ]; then
    python3 "$here/summarize_run.py" "$out/full.json" >"$out/full-summary.txt"
  fi
  for name in quick full cluster2; do
    if [ -f "$out/$name.json" ]; then python3 "$here/issue_targets.py" "$out/$name.json"; fi
  done
}

bimodal() {
  # Issue 27: the short rows that settle into one of two states about 8% apart (cuBLAS FP16 and
  # FP8 1024^3, the 1 MiB transfers), timed as of record and with each suspected cause removed in
  # turn, and with the stream hold taken away (as the fixture runs were timed): no L2 flush, a
  # cold batch of 8 launches per sample (each GEMM launch on its own copy of the operands,
  # model/cold_batch.hpp; 8, so that every launch of a sample is queued behind the hold:
  # kMaxHeldLaunches), a warm batch (no flush, one copy), and
  # (GPUBENCH_SESSION_LOCK_CLOCKS=1 where the driver allows, reset afterwards) the SM clock locked
  # at its maximum. Every run keeps its per-sample side file; bimodal_summary.py prints each
  # repetition's median, IQR and share of samples in the slow state. About 10 s a run.
  # Then the issue's target: two pairs of back-to-back quick runs of every row, as of record and
  # in cold batches of 8, each pair compared (compare --json); issue_targets.py prints each run's
  # wall time and each pair's resolution against 90%. About 80 s. bimodal.tar.gz holds the files.
  local rows='gemm/cublas/(fp16_f32acc|fp8_e4m3_f32acc)/1024x1024x1024/|memory/(h2d|d2h|bidirectional)/(pinned|pageable)/1MiB/'
  local dir="$out/bimodal"
  mkdir -p "$dir"
  check_hold
  variant() {  # NAME ARGS...: one quick run of the rows into $dir/NAME.json and NAME-samples.json
    local name=$1
    shift
    fits 40 "bimodal $name" || return 0
    echo "=== bimodal $name: gpubench run $*" >>"$out/runs.log"
    timeout 40 "$build/gpubench" run --quick --no-inspect --suite memory,gemm --filter "$rows" \
      --out "$dir/$name.json" --samples-out "$dir/$name-samples.json" "$@" >>"$out/runs.log" 2>&1
    echo "bimodal $name: exit $?"
  }
  variant record ${hold[@]+"${hold[@]}"}
  variant nohold --no-stream-hold
  variant noflush --no-l2-flush ${hold[@]+"${hold[@]}"}
  variant batch8 --batch 8 ${hold[@]+"${hold[@]}"}
  variant noflush-batch8 --no-l2-flush --batch 8 ${hold[@]+"${hold[@]}"}
  if [ "${GPUBENCH_SESSION_LOCK_CLOCKS:-0}" = 1 ] && fits 40 "bimodal locked"; then
    local max
    max=$(nvidia-smi --query-gpu=clocks.max.sm --format=csv,noheader,nounits -i 0 2>/dev/null)
    if [ -n "$max" ] && nvidia-smi -i 0 -lgc "$max,$max" >>"$out/runs.log" 2>&1; then
      # Reset however this script ends: a clock left locked would skew every later figure.
      trap 'nvidia-smi -i 0 -rgc >/dev/null 2>&1' EXIT
      variant locked ${hold[@]+"${hold[@]}"}
      nvidia-smi -i 0 -rgc >>"$out/runs.log" 2>&1 || echo "bimodal: could not reset the locked clock"
      trap - EXIT
    else
      echo "bimodal: the driver refused to lock the SM clock (runs.log); no locked variant"
    fi
  fi
  python3 "$here/bimodal_summary.py" "$dir"
  pair() {  # NAME ARGS...: two back-to-back quick runs of every row, then compare --json of them
    local name=$1 side
    shift
    for side in a b; do
      fits 60 "pair $name-$side" || return 0
      echo "=== pair $name-$side: gpubench run --quick $*" >>"$out/runs.log"
      timeout 60 "$build/gpubench" run --quick "$@" --out "$dir/$name-$side.json" \
        >>"$out/runs.log" 2>&1 || echo "pair $name-$side: exit $?"
    done
    [ -f "$dir/$name-a.json" ] && [ -f "$dir/$name-b.json" ] || return 0
    "$build/gpubench" compare --json "$dir/$name-a.json" "$dir/$name-b.json" \
      >"$dir/$name-compare.json" 2>>"$out/runs.log"
    python3 "$here/issue_targets.py" "$dir/$name-a.json" "$dir/$name-b.json" "$dir/$name-compare.json"
  }
  pair quick ${hold[@]+"${hold[@]}"}
  pair quick-batch8 --batch 8 ${hold[@]+"${hold[@]}"}
  tar -czf "$out/bimodal.tar.gz" -C "$out" bimodal && rm -rf "$dir"
}

checks() {
  fits 240 "the tests" && tests_step
  sanitizer_step
}

tests_step() {
  local report
  # Through CTest where the machine has it (each test in its own process, 120 s each), else the
  # test binary in one process.
  local not_here='SassAudit.*:KernelClasses.EveryOwnGemmKernelInThisBinaryClassifies'
  if command -v ctest >/dev/null; then
    # The label require_gpu is this same binary again under GPUBENCH_REQUIRE_GPU=1: left out.
    (cd "$build" && timeout 240 ctest --output-on-failure --output-junit tests-junit.xml \
      -LE require_gpu \
      -E '^(SassAudit\.|KernelClasses\.EveryOwnGemmKernelInThisBinaryClassifies$)' 2>&1) >"$out/tests.log"
    grep -E 'tests passed|\*\*\*Failed|\*\*\*Timeout' "$out/tests.log"
    report="$build/tests-junit.xml"
  else
    timeout 240 "$build/gpubench_tests" --gtest_brief=1 --gtest_filter="-$not_here" \
      --gtest_output="xml:$build/tests-gtest.xml" >"$out/tests.log" 2>&1
    echo "gpubench_tests (no ctest here): exit $? ($(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$out/tests.log" | tr '\n' ' '))"
    report="$build/tests-gtest.xml"
  fi
  # Every skip but another architecture's or the no-GPU path's is a GPU test that did not run.
  python3 "$here/test_skips.py" "$report" | tee -a "$out/tests.log"
}

sanitizer_step() {
  # Left out of the sanitizers: the tests that run the gpubench binary (covered above, and slow
  # under the sanitizer) and CUPTI's (CUPTI and the sanitizer cannot both instrument one process).
  local sanitizer
  sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
  if [ ! -x "$sanitizer" ]; then
    echo "compute-sanitizer: not found; the four sanitizer tools were not run"
    return
  fi
  local sanitized='ComputeKernelsGpu.*:MemoryKernelsGpu.*:StreamHoldGpu.*:CublasGemmGpu.*:ClockProbeGpu.*:DeviceProbeGpu.*:OwnGemm*.*:OwnHgemm.*:OwnHgemmGpu.*:OwnSgemmGpu.*:WgmmaKernels*.*:OwnHgemmHopper*.StructuredInputsGiveExactResults'
  for tool in memcheck racecheck synccheck initcheck; do
    fits 90 "compute-sanitizer $tool" || continue
    echo "=== compute-sanitizer --tool $tool" >>"$out/sanitizer.log"
    timeout 90 "$sanitizer" --tool "$tool" --error-exitcode 1 "$build/gpubench_tests" \
      --gtest_filter="$sanitized" >>"$out/sanitizer.log" 2>&1
    echo "compute-sanitizer $tool: exit $? ($(grep -E 'ERROR SUMMARY' "$out/sanitizer.log" | tail -n 1))"
  done
}

case "$part" in
  all) in_time bimodal; in_time figures; in_time checks ;;
  figures | bimodal | checks) in_time "$part" ;;
  *) echo "gpu-session.sh: the part is all, figures, bimodal or checks, not '$part'" >&2; exit 2 ;;
esac
