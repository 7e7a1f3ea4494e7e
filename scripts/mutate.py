#!/usr/bin/env python3
"""Mutation check of the decision functions (issue 31, item 15): applies each mutation below to
the source tree, builds gpubench_tests, runs it, and reports whether the suite caught it (failed)
or let it survive (passed). Run it before a change that touches these functions; it is not part of
CI (each mutation costs a rebuild and a whole test run).

Every mutation is an exact text replacement that must match once; one that no longer matches is
reported "stale" (the code moved: update its text). The original file is restored after each
mutation, also on Ctrl-C or an error; a copy is kept under BUILD/mutate-backup/ until then, and a
later run that finds one (the process was killed) restores it first and stops. While it runs, the
tree holds a mutation: commit nothing from this checkout until it ends (or run it in a clone).

Usage: scripts/mutate.py [--build BUILD_DIR] [--only ID ...] [--filter GTEST_FILTER] [--list]
Exit 0 when every mutation was caught, 1 when any survived, was stale or did not build, 2 when the
suite fails without mutations or the tree cannot be used.
"""
import argparse
import shutil
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (id, file, original text, mutated text, what the mutation does)
MUTATIONS = [
    ("verdict-iqr-factor", "bench/analysis/verdict.cpp",
     "return 2.0 * stats::relative_iqr(values);", "return 1.0 * stats::relative_iqr(values);",
     "the repetition spread beyond 5 repetitions is 1 x IQR instead of 2 x"),
    ("verdict-range-cutoff", "bench/analysis/verdict.cpp",
     "constexpr std::size_t kRangeMaxRepetitions = 5;",
     "constexpr std::size_t kRangeMaxRepetitions = 3;",
     "the range/IQR cut-off moves from 5 repetitions to 3"),
    ("power-limit-margin", "bench/model/sustained_power.cpp",
     "watts > *limit_w * (1 + policy.limit_margin)", "watts > *limit_w * (1 - policy.limit_margin)",
     "a reading is over the limit from limit - 10% instead of limit + 10%"),
    ("power-half-window", "bench/model/sustained_power.cpp",
     "if (joules <= 0 || covered_s < result.window_s / 2) return;", "if (joules <= 0) return;",
     "a counter covering less than half the window still gives the figure"),
    ("contention-container-listed", "bench/model/contention.cpp",
     "if (!own_pid && listed.compute.size() == 1) own_pid = *listed.compute.begin();",
     "if (!own_pid && listed.compute.size() >= 1) own_pid = *listed.compute.begin();",
     "in a container (own PID unseen) the first of several listed processes is taken for gpubench"),
    ("contention-container-active", "bench/model/contention.cpp",
     "  if (active.size() >= 2) {  // at most one of them is gpubench",
     "  if (active.size() >= 1) {  // at most one of them is gpubench",
     "in a container (own PID unseen) gpubench alone on the SMs is flagged as contended"),
    ("compare-own-noise", "bench/analysis/compare_metrics.cpp",
     "  return std::find(kOwnMeasurements.begin(), kOwnMeasurements.end(), metric) ==",
     "  return true || std::find(kOwnMeasurements.begin(), kOwnMeasurements.end(), metric) ==",
     "every metric is judged by the launch times' noise, as before issue 27"),
    ("reasons-launch-time", "bench/analysis/reasons.cpp",
     "if (seconds < kLaunchBoundSeconds) {", "if (seconds < 0.0 * kLaunchBoundSeconds) {",
     "the time-based launch_bound branch never fires"),
    ("reasons-tiles-boundary", "bench/analysis/reasons.cpp",
     "tiles < context.sm_count", "tiles <= context.sm_count",
     "as many output tiles as SMs counts as launch-bound"),
    ("series-median-every-sample", "bench/model/sample_series.cpp",
     "next_check_ = kept_ + std::max<std::size_t>(1, kept_ / 16);",
     "next_check_ = kept_ + 1;",
     "the median's interval is checked on every sample, not as the kept count grows by 1/16"),
    ("series-lend-hopeless", "bench/model/sample_series.cpp",
     "return elapsed_s * ratio * ratio > 2 * allowance_s_;",
     "return false && elapsed_s * ratio * ratio > 2 * allowance_s_;",
     "a repetition past its share takes lent time even where it cannot reach the target"),
    ("budget-lend-unfunded", "bench/model/sampling_budget.cpp",
     "std::clamp(pool_s_, 0.0, (max_share_multiple_ - 1.0) * share);",
     "(max_share_multiple_ - 1.0) * share;",
     "every repetition may sample for 4x its share, whatever earlier ones left"),
    ("cold-batch-reuses-copies", "bench/model/cold_batch.hpp",
     "return operand_copies >= requested ? requested : 1;", "return requested;",
     "a cold batch without a copy per launch still batches, on copies its own launches warmed"),
    ("cold-batch-memory-share", "bench/model/cold_batch.hpp",
     "return more_bytes <= kOperandCopiesMemoryShare * static_cast<double>(free_bytes)",
     "return more_bytes <= 2 * static_cast<double>(free_bytes)",
     "copies may take twice the free memory instead of half of it"),
    ("hold-first-launch", "bench/model/stream_hold_rule.hpp",
     "return benchmark_allows && run_allows && launched_before;",
     "return benchmark_allows && run_allows && (launched_before || true);",
     "a benchmark's first launch is held, though loading its kernel may wait for the hold"),
    ("hold-timeout-no-retake", "bench/model/stream_hold_rule.hpp",
     "return timeouts_in_a_row < kHoldTimeoutTries;", "return timeouts_in_a_row < 1;",
     "one timed-out hold fails the row again, so one host stall costs a whole benchmark"),
    ("hold-poll-hoisted", "kernels/probe/stream_hold.cu",
     "const volatile unsigned int* release = &flags->release_generation;",
     "const unsigned int* release = &flags->release_generation;",
     "the stream hold reads its release flag once, so a held stream waits out the timeout "
     "(caught by the SASS audit)"),
    ("wgmma-d-column-groups", "kernels/common/wgmma_layout.hpp",
     "return {16 * warp + lane / 4 + 8 * ((i / 2) % 2), 8 * (i / 4) + 2 * (lane % 4) + i % 2};",
     "return {16 * warp + lane / 4 + 8 * ((i / 2) % 2),\n"
     "          8 * (i / 4 == 2 ? 3 : i / 4 == 3 ? 2 : i / 4) + 2 * (lane % 4) + i % 2};",
     "accumulator_coord swaps D's column groups 2 and 3, which the older hand-picked checks "
     "miss (issue 31 item 14)"),
]


def run(command, log, timeout_s):
    """Runs command (its output into log); the exit status, or None when it ran out of time."""
    with open(log, "w", encoding="utf-8") as out:
        try:
            return subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                  timeout=timeout_s, check=False).returncode
        except subprocess.TimeoutExpired:
            return None


class Mutated:
    """The file with one mutation applied, restored on exit however the block ends."""

    def __init__(self, path, original, mutated, backup_dir):
        self.path, self.original, self.mutated = path, original, mutated
        self.backup = backup_dir / path.relative_to(REPO)

    def __enter__(self):
        self.backup.parent.mkdir(parents=True, exist_ok=True)
        self.backup.write_bytes(self.original)
        self.path.write_bytes(self.mutated)
        return self

    def __exit__(self, *exception):
        self.path.write_bytes(self.original)
        self.backup.unlink()
        return False


def restore_leftovers(backup_dir):
    """Restores what a killed run left mutated; True when there was any."""
    leftovers = [p for p in backup_dir.rglob("*") if p.is_file()] if backup_dir.exists() else []
    for backup in leftovers:
        target = REPO / backup.relative_to(backup_dir)
        shutil.copyfile(backup, target)
        backup.unlink()
        print(f"mutate.py: restored {target.relative_to(REPO)} from an interrupted run")
    return bool(leftovers)


def build_and_test(build, gtest_filter, log_dir, name):
    """'caught', 'survived', 'did not build' or 'timed out', with the log that says why."""
    build_log = log_dir / f"{name}.build.log"
    status = run(["cmake", "--build", str(build), "--target", "gpubench_tests"], build_log, 1800)
    if status != 0:
        return ("did not build" if status is not None else "timed out"), build_log
    test_log = log_dir / f"{name}.test.log"
    command = [str(build / "gpubench_tests"), "--gtest_brief=1"]
    if gtest_filter:
        command.append(f"--gtest_filter={gtest_filter}")
    status = run(command, test_log, 900)
    if status is None:
        return "caught (timed out)", test_log
    return ("caught" if status != 0 else "survived"), test_log


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(REPO / "build-ci"), help="build directory")
    parser.add_argument("--only", nargs="*", help="mutation ids to apply (default: all)")
    parser.add_argument("--filter", default="", help="gtest filter (default: every test)")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    return parser.parse_args()


def main():
    args = parse_arguments()
    if args.list:
        for ident, path, _, _, what in MUTATIONS:
            print(f"{ident:30} {path}: {what}")
        return 0
    build = Path(args.build).resolve()
    if not (build / "CMakeCache.txt").exists():
        print(f"mutate.py: {build} is not a configured build directory; configure it first.",
              file=sys.stderr)
        return 2
    backup_dir, log_dir = build / "mutate-backup", build / "mutate-logs"
    if restore_leftovers(backup_dir):
        print("mutate.py: the tree is restored; run again to check the mutations.")
        return 2
    log_dir.mkdir(parents=True, exist_ok=True)
    # Ctrl-C or a kill: unwind through Mutated.__exit__, which restores the file.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    chosen = [m for m in MUTATIONS if not args.only or m[0] in args.only]
    outcome, log = build_and_test(build, args.filter, log_dir, "baseline")
    if outcome != "survived":
        state = "fails" if outcome.startswith("caught") else outcome
        print(f"mutate.py: without mutations the suite {state} ({log}); fix that first.",
              file=sys.stderr)
        return 2
    results = []
    try:
        for ident, relative, old, new, what in chosen:
            path = REPO / relative
            original = path.read_bytes()
            text = original.decode("utf-8")
            if text.count(old) != 1:
                results.append((ident, "stale", f"{relative}: the text matches "
                                f"{text.count(old)} times, not once"))
                continue
            with Mutated(path, original, text.replace(old, new).encode("utf-8"), backup_dir):
                outcome, log = build_and_test(build, args.filter, log_dir, ident)
            results.append((ident, outcome, f"{what} ({log.name})"))
            print(f"{ident}: {outcome}", flush=True)
    finally:
        # The build directory back in step with the restored sources.
        run(["cmake", "--build", str(build), "--target", "gpubench_tests"],
            log_dir / "restored.build.log", 1800)
    print("\nmutation                        outcome")
    for ident, outcome, detail in results:
        print(f"{ident:31} {outcome:14} {detail}")
    caught = sum(1 for _, outcome, _ in results if outcome.startswith("caught"))
    print(f"{caught} of {len(results)} mutations caught (logs: {log_dir})")
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
