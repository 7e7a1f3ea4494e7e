#!/usr/bin/env python3
"""Times `gpubench fleet` on 1,000 full-profile results files, on one core.

Generates N files (default 1,000) from the real full-profile H200 run
(tests/fixtures/runs/h200-b376421/full.json: 248 benchmarks, 5 repetitions each plus the
aggregates, 2.8 MB): each is that run under its own host name, its figures scaled by one of ten
node factors within +-2% (so nodes differ) and, for 1% of the nodes, 10% slower. Then runs
`gpubench fleet DIR` pinned to one CPU (taskset) a few times and prints the wall-clock and CPU
seconds. The scaled values are invented; only the shape of the files is a real run's.

Usage: scripts/bench_fleet.py [--files N] [--runs R] [--keep DIR] PATH/TO/gpubench
"""

import json
import os
import shutil
import sys
import tempfile

from timed_runs import bench_arguments, describe, time_runs

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(REPO, "tests", "fixtures", "runs", "h200-b376421", "full.json")
RATES = ("bandwidth_gbs", "tflops", "tops", "pct_of_spec")
TIMES = ("real_time", "latency_ns", "latency_cycles")
PLACEHOLDER = "@@GPUBENCH_HOST@@"


def variant(run, factor):
    """The run's text with every rate divided and every time multiplied by factor."""
    copy = json.loads(json.dumps(run))
    copy["context"]["host_name"] = PLACEHOLDER
    copy["context"]["gpu_index"] = "0"
    for record in copy["benchmarks"]:
        if record.get("run_type") != "iteration":
            continue
        for key in RATES:
            if isinstance(record.get(key), (int, float)):
                record[key] = record[key] / factor
        for key in TIMES:
            if isinstance(record.get(key), (int, float)):
                record[key] = record[key] * factor
    return json.dumps(copy)


def generate(directory, files):
    with open(SOURCE, encoding="utf-8") as handle:
        run = json.load(handle)
    healthy = [variant(run, 1.0 + (k - 5) * 0.004) for k in range(10)]
    slow = variant(run, 1.10)
    total = 0
    for i in range(files):
        host = f"node{i:04d}"
        text = (slow if i % 100 == 37 else healthy[i % len(healthy)]).replace(PLACEHOLDER, host)
        path = os.path.join(directory, "580.159.04", host, "run.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        total += len(text)
    return total


def main():
    args = bench_arguments(__doc__)

    directory = args.keep or tempfile.mkdtemp(prefix="gpubench-fleet-bench-")
    try:
        total = generate(directory, args.files)
        os.sync()  # let the writes reach the disk first, so write-back does not share the timing
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        seconds, cpu_seconds, result = time_runs(pin + [args.gpubench, "fleet", directory],
                                                 args.runs)
        if result.returncode not in (0, 1):
            print(result.stderr, file=sys.stderr)
            return result.returncode
        flagged = sum(1 for line in result.stdout.splitlines() if "FLAGGED" in line)
        cpus = "one CPU (taskset -c 0)" if pin else "all CPUs"
        expected = len([i for i in range(args.files) if i % 100 == 37])
        print(f"{args.files} files, {total / 1e6:.0f} MB, {cpus}: gpubench fleet "
              f"{describe(seconds, cpu_seconds)}; {flagged} nodes flagged (expected {expected})")
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
