#!/usr/bin/env python3
"""Prints, for a gpubench results file, each issue target that only a GPU can measure (issue 13's,
still unmeasured): the benchmark's median, the target, and whether it was met; a target no row of
the file measures is listed as such (a card without that path, or a profile that does not run
it); the profile's wall time against its target; and how the run spent its sampling time (issue
27: the loops' total, the repetitions that converged, those whose median is known to the 0.25%
target). For a `gpubench compare --json` of two back-to-back runs of one build, issue 27's target:
the share of rows that resolve a 3% change (at least 90%), and the verdicts that call a change
between them (none should). Run by scripts/gpu-session.sh right after its runs.

Usage: scripts/issue_targets.py RESULTS_OR_COMPARE.json [...]
"""

import json
import re
import sys

# (issue, what, benchmark regex on run_name, counter, lowest value that meets the target)
TARGETS = (
    ("13.1", "wgmma peak, % of rate x measured clock", r"^compute/peak/wgmma_", "pct_of_clock_peak",
     95.0),
    ("13.2", "wgmma HGEMM / cuBLAS", r"^gemm/own/fp16_f32acc/(4096x4096x4096|8192x8192x8192)/",
     "vs_cublas", 0.95),
    ("13.3", "own SGEMM / cuBLAS", r"^gemm/own/fp32/4096x4096x4096/", "vs_cublas", 0.95),
)
# The wall-clock budget of each profile on an H200-class card, seconds (docs/methodology.md,
# "Profiles").
PROFILE_SECONDS = {"quick": 20.0, "full": 120.0}


def medians(run):
    """run_name -> the median aggregate (or the only iteration) of each benchmark that did not fail."""
    found = {}
    for record in run.get("benchmarks", []):
        name = record.get("run_name", record.get("name", ""))
        if record.get("error_occurred"):
            found[name] = record
        elif record.get("aggregate_name") == "median" or name not in found:
            found[name] = record
    return found


def target_lines(run):
    lines = []
    rows = medians(run)
    for issue, what, pattern, counter, lowest in TARGETS:
        matched = [name for name in sorted(rows) if re.search(pattern, name)]
        if not matched:
            lines.append(f"{issue} {what}: no row in this run (>= {lowest:g} {counter} to measure)")
        for name in matched:
            record = rows[name]
            if record.get("error_occurred"):
                lines.append(f"{issue} {name}: FAILED ({record.get('error_message', '')})")
                continue
            value = record.get(counter)
            if not isinstance(value, (int, float)):
                lines.append(f"{issue} {name}: no {counter} recorded")
                continue
            verdict = "met" if value >= lowest else "MISSED"
            label = f" [{record['label']}]" if record.get("label") else ""
            lines.append(f"{issue} {name}: {counter} {value:.3g} (target >= {lowest:g}) "
                         f"{verdict}{label}")
    context = run.get("context", {})
    profile = context.get("gpubench_profile")
    wall = context.get("gpubench_run_wall_s")
    if profile in PROFILE_SECONDS and wall is not None:
        budget = PROFILE_SECONDS[profile]
        verdict = "met" if float(wall) <= budget else "MISSED"
        lines.append(f"{profile} profile: {float(wall):.1f} s (target <= {budget:g} s) {verdict}")
    if line := sampling_line(run):
        lines.append(line)
    return lines


# The stopping rule's target for a repetition's median, percent (docs/methodology.md).
MEDIAN_TARGET_PCT = 0.25


def sampling_line(run):
    """How the repetitions spent the sampling budget; None for a run that predates sampling_s."""
    repetitions = [record for record in run.get("benchmarks", [])
                   if record.get("run_type") == "iteration" and "sampling_s" in record]
    if not repetitions:
        return None
    total_s = sum(float(record["sampling_s"]) for record in repetitions)
    converged = sum(1 for record in repetitions if record.get("converged") == 1)
    known = sum(1 for record in repetitions
                if isinstance(record.get("median_ci_pct"), (int, float))
                and record["median_ci_pct"] <= MEDIAN_TARGET_PCT)
    return (f"sampling: {total_s:.2f} s in {len(repetitions)} repetitions' loops; "
            f"{converged} converged; {known} with the median known to "
            f"+/-{MEDIAN_TARGET_PCT:g}%")


# Issue 27's target for two back-to-back runs of one build: the share of rows that can resolve a
# 3% change.
RESOLUTION_TARGET = 0.90


def pair_lines(comparison):
    """Issue 27's target on a compare --json of two runs of one build, minutes apart."""
    summary = comparison.get("summary", {})
    resolution = summary.get("resolution", {})
    rows, resolving = resolution.get("rows", 0), resolution.get("resolving", 0)
    share = resolving / rows if rows else 0.0
    verdict = "met" if rows and share >= RESOLUTION_TARGET else "MISSED"
    change = resolution.get("change", 0.03) * 100
    lines = [f"27 resolution: {resolving} of {rows} rows ({share:.0%}) resolve a {change:g}% "
             f"change (target >= {RESOLUTION_TARGET:.0%}) {verdict}"]
    called = {name: summary.get(name, 0) for name in ("SLOWER", "FASTER", "ERROR")}
    verdict = "met" if not any(called.values()) else "MISSED"
    lines.append("27 verdicts between two runs of one build: " +
                 ", ".join(f"{count} {name}" for name, count in called.items()) +
                 f" (target: none) {verdict}")
    return lines


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                run = json.load(handle)
        except (OSError, ValueError) as error:
            print(f"{path}: not read ({error})")
            continue
        if run.get("schema") == "gpubench-compare":
            print(f"{path}: {run['base']['path']} -> {run['candidate']['path']}")
            for line in pair_lines(run):
                print("  " + line)
            continue
        context = run.get("context", {})
        print(f"{path}: {context.get('gpu_name', 'unknown GPU')}, driver "
              f"{context.get('driver_version', 'unknown')}")
        for line in target_lines(run):
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
