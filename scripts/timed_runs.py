"""One timing loop for the scripts/bench_*.py scripts: runs a command several times and reports
each run's wall-clock and CPU seconds (the child's user + system time, from getrusage)."""

import resource
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
