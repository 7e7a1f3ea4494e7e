#!/usr/bin/env python3
"""Times `gpubench history` on many synthetic results files.

Generates N files (default 1,000) shaped like a full gpubench memory-suite run (79 benchmarks,
5 repetitions each plus the mean/median/stddev/cv aggregates, the same counters; about 0.4 MB
each) spread over 2 GPU models and 5 driver versions, in a temporary directory, then runs
`gpubench history DIR` on them a few times and prints the wall-clock seconds. Every value in the
files is invented; nothing here is a measurement of a GPU.

Usage: scripts/bench_history.py [--files N] [--runs R] [--keep DIR] PATH/TO/gpubench
"""

import json
import os
import random
import shutil
import sys
import tempfile

from timed_runs import bench_arguments, describe, time_runs

DRIVERS = ["535.104.05", "550.54.15", "560.35.03", "570.86.10", "580.95.05"]
GPUS = ["Synthetic GPU A", "Synthetic GPU B"]
STREAM = ["read", "write", "copy", "scale", "add", "triad", "dot"]
SIZES = ["16KiB", "32KiB", "64KiB", "128KiB", "256KiB", "512KiB", "1MiB", "2MiB", "4MiB",
         "8MiB", "16MiB", "32MiB", "64MiB", "128MiB", "256MiB"]


def benchmark_shapes():
    """(name, counters) pairs in the shape of the memory suite's benchmarks."""
    shapes = []
    for op in STREAM:
        shapes.append((f"memory/stream/{op}/manual_time", ["bandwidth_gbs", "pct_of_spec",
                                                             "vs_counterpart", "array_bytes"]))
    for kind in ["copy_engine", "sm_kernel"]:
        shapes.append((f"memory/d2d/{kind}/manual_time", ["bandwidth_gbs", "pct_of_spec",
                                                           "vs_counterpart", "transfer_bytes"]))
    for size in SIZES[4:]:
        shapes.append((f"memory/l2_sweep/{size}/manual_time", ["bandwidth_gbs",
                                                                "working_set_bytes", "l2_bytes"]))
    for size in SIZES + ["512MiB", "1GiB"]:
        shapes.append((f"memory/latency/{size}/manual_time", ["latency_ns", "latency_cycles",
                                                               "working_set_bytes"]))
    for direction in ["h2d", "d2h", "bidirectional"]:
        for memory in ["pinned", "pageable"]:
            for size in ["64KiB", "256KiB", "1MiB", "4MiB", "16MiB", "64MiB", "256MiB"]:
                shapes.append((f"memory/{direction}/{memory}/{size}/manual_time",
                               ["bandwidth_gbs", "transfer_bytes"]))
    return shapes[:79]


def make_run(gpu, driver, index, rng):
    context = {
        "date": f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}T{index % 24:02d}:00:00+00:00",
        "host_name": "synthetic", "executable": "gpubench", "num_cpus": 16, "mhz_per_cpu": 2100,
        "cpu_scaling_enabled": False, "caches": [], "load_avg": [0.5, 0.4, 0.3],
        "library_build_type": "release", "gpubench_schema_version": "1", "gpu_name": gpu,
        "gpu_pci_device_id": "0x0000", "compute_capability": "8.9", "sm_count": "1",
        "driver_version": driver, "cuda_driver_version": "13.0", "cuda_runtime_version": "13.0",
        "cublas_version": "13.0.0", "gpubench_version": "0.1.0", "gpu_spec_id": "synthetic",
    }
    records = []
    for family, (name, counters) in enumerate(benchmark_shapes()):
        base_time = 0.1 + family * 0.01
        reps = []
        for rep in range(5):
            time_ms = base_time * (1 + rng.uniform(-0.01, 0.01))
            record = {"name": name, "family_index": family, "per_family_instance_index": 0,
                      "run_name": name, "run_type": "iteration", "repetitions": 5,
                      "repetition_index": rep, "threads": 1, "iterations": 1000,
                      "real_time": time_ms, "cpu_time": time_ms * 1.04, "time_unit": "ms"}
            for counter in counters:
                record[counter] = (1e8 if counter.endswith("_bytes") else 1000 / time_ms)
            record["sm_clock_mhz"] = 1980 + rng.uniform(-2, 2)
            reps.append(record)
        records.extend(reps)
        for aggregate in ["mean", "median", "stddev", "cv"]:
            record = dict(reps[0])
            del record["repetition_index"]
            record.update({"name": f"{name}_{aggregate}", "run_type": "aggregate",
                           "aggregate_name": aggregate,
                           "aggregate_unit": "percentage" if aggregate == "cv" else "time"})
            records.append(record)
    return {"context": context, "benchmarks": records}


def main():
    args = bench_arguments(__doc__)

    directory = args.keep or tempfile.mkdtemp(prefix="gpubench-history-bench-")
    try:
        rng = random.Random(7)
        total = 0
        for i in range(args.files):
            gpu = GPUS[i % len(GPUS)]
            driver = DRIVERS[(i // len(GPUS)) % len(DRIVERS)]
            path = os.path.join(directory, gpu.replace(" ", "_"), driver, f"run{i:05d}.json")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                json.dump(make_run(gpu, driver, i, rng), out, indent=2)
            total += os.path.getsize(path)
        os.sync()  # let the writes reach the disk first, so write-back does not share the timing
        seconds, cpu_seconds, result = time_runs([args.gpubench, "history", directory], args.runs)
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return result.returncode
        print(f"{args.files} files, {total / 1e6:.0f} MB, {os.cpu_count()} CPUs: gpubench history "
              f"{describe(seconds, cpu_seconds)}")
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
