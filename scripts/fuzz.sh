#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/; preset "fuzz", the clang ASan + UBSan tree build-sanitize/)
# and runs each for a bounded time from its seed corpus, its dictionary and every input a fuzzer ever broke gpubench
# with (tests/fixtures/fuzz/). Exit 0: nothing found; 1: a crash, leak, hang or broken invariant,
# saved under build-sanitize/artifacts/ (turn it into a regression test, see fuzz/README.md).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [TARGET...]
# New inputs the fuzzers find accumulate in build-sanitize/corpus/, so runs go on where they
# stopped.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_results_file fuzz_spec_sheet fuzz_cli_text)

bash "$repo/scripts/build.sh" fuzz
build="$repo/build-sanitize"

# The seed folders of one target: its corpus, its past findings, and for spec sheets the real ones.
seeds_of() {
  local name=${1#fuzz_}
  [ ! -d "$repo/fuzz/corpus/$name" ] || echo "$repo/fuzz/corpus/$name"
  [ ! -d "$repo/tests/fixtures/fuzz/$name" ] || echo "$repo/tests/fixtures/fuzz/$name"
  [ "$name" != spec_sheet ] || echo "$repo/results/specs"
}

status=0
for target in "${targets[@]}"; do
  name=${target#fuzz_}
  mkdir -p "$build/corpus/$name" "$build/artifacts/$name"
  dict=()
  [ ! -f "$repo/fuzz/dict/$name.dict" ] || dict=(-dict="$repo/fuzz/dict/$name.dict")
  mapfile -t seeds < <(seeds_of "$target")
  echo "fuzz: $target for ${seconds}s"
  # -timeout: a hang is > 1 s for 1 MB unsanitized; 20 s leaves room for ASan and a loaded CI box.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$repo/cmake/lsan.supp" \
    "$build/fuzz/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$build/artifacts/$name/" "$build/corpus/$name" "${seeds[@]}" \
    >"$build/artifacts/$name.log" 2>&1; then
    echo "fuzz: $target FAILED; input and log under $build/artifacts/ (last lines below)" >&2
    tail -n 40 "$build/artifacts/$name.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units|^Done' "$build/artifacts/$name.log" | tr '\n' ' '
    echo
  fi
done
exit $status
