#!/usr/bin/env python3
"""Prints the median of each benchmark's main counters from a gpubench results file."""
import json
import sys

KEYS = ("bandwidth_gbs", "tflops", "tops", "pct_of_clock_peak", "pct_of_spec", "vs_counterpart",
        "vs_cublas", "tensor_core_kernels", "tensor_pipe_active_pct", "latency_ns", "latency_cycles",
        "sm_clock_mhz", "samples", "throttled_samples", "noise_pct")


def cell(key, value):
    # A counter may be null: run writes google/benchmark's NaN (the cv of an all-zero counter) so.
    return f"{key}={value:.4g}" if isinstance(value, (int, float)) else f"{key}={value}"


def main(path):
    with open(path, encoding="utf-8") as handle:
        run = json.load(handle)
    context = run["context"]
    print(f"{context.get('gpu_name')} driver {context.get('driver_version')} "
          f"spec {context.get('gpu_spec_id')} vs {context.get('counterpart_spec_id')}, "
          f"{context.get('gpubench_profile')} profile in {context.get('gpubench_run_wall_s')} s")
    for bench in run["benchmarks"]:
        if bench.get("error_occurred"):
            print(f"{bench['name']:44} FAILED: {bench.get('error_message')}")
            continue
        if bench.get("aggregate_name") not in ("median", "cv"):
            continue
        cells = " ".join(cell(key, bench[key]) for key in KEYS if key in bench)
        label = f"  [{bench['label']}]" if bench.get("label") else ""
        print(f"{bench['name']:44} {cells}{label}")


if __name__ == "__main__":
    main(sys.argv[1])
