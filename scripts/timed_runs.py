"""One timing loop for the scripts/bench_*.py scripts: runs a command several times and reports
each run's wall-clock and CPU seconds (the child's user + system time, from getrusage)."""

import argparse
import resource
import statistics
import subprocess
import time


def time_runs(command, runs):
    """Returns (wall seconds, CPU seconds, the last run's CompletedProcess), or stops at the first
    run whose exit code is neither 0 nor 1 and returns it as the last run."""
    seconds, cpu_seconds = [], []
    result = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seconds.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_seconds.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if result.returncode not in (0, 1):
            break
    return seconds, cpu_seconds, result


def describe(seconds, cpu_seconds):
    """'took W s wall clock, C s CPU (medians of N runs; wall: ...; files in the page cache)'."""
    return (f"took {statistics.median(seconds):.2f} s wall clock, "
            f"{statistics.median(cpu_seconds):.2f} s CPU (medians of {len(seconds)} runs; "
            f"wall: {', '.join(f'{s:.2f}' for s in seconds)}; files in the page cache)")


def bench_arguments(doc):
    """The command line both bench scripts take: PATH/TO/gpubench [--files N] [--runs R] [--keep DIR]."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("gpubench")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median is reported)")
    parser.add_argument("--keep", help="generate into this directory and keep it")
    return parser.parse_args()
