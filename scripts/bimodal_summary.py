#!/usr/bin/env python3
"""Summarises scripts/gpu-session.sh's bimodal step (issue 27): for each timing variant (L2 flush or
not, one launch or a batch per sample, clock locked or not) and each row, the median time of each
repetition, its noise_pct, and the share of its samples in a slow state (more than SLOW_MARGIN
above the row's fast state, the 10th percentile of every kept sample of the row in that variant).

A row that settles into one of two states shows repetition medians about 8% apart and slow shares
near 0 or 1 per repetition; the variant in which the medians agree and the shares vanish is the
one that removes the cause.

Usage: bimodal_summary.py DIR   (DIR holds VARIANT.json and VARIANT-samples.json pairs)
"""
import json
import os
import statistics
import sys

SLOW_MARGIN = 0.04  # the two states of issue 27 were about 8% apart; noise inside one about 2%


def quantile(values, q):
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def kept(repetition):
    dropped = set(repetition["throttled"])
    return [s for i, s in enumerate(repetition["seconds"]) if i not in dropped]


def rows_of(samples_path):
    with open(samples_path, encoding="utf-8") as handle:
        log = json.load(handle)
    rows = {}
    for repetition in log["repetitions"]:
        rows.setdefault(repetition["run_name"], []).append(repetition)
    return rows


def summarise(variant, rows, timing):
    print(f"{variant}: {timing}")
    for name, repetitions in rows.items():
        everything = [s for r in repetitions for s in kept(r)]
        if not everything:
            continue
        fast = quantile(everything, 0.10)
        cells = []
        for r in sorted(repetitions, key=lambda r: r["repetition"]):
            values = kept(r)
            if not values:
                cells.append("-")
                continue
            median = statistics.median(values)
            iqr = quantile(values, 0.75) - quantile(values, 0.25)
            slow = sum(1 for v in values if v > fast * (1 + SLOW_MARGIN)) / len(values)
            cells.append(f"{median * 1e6:8.2f} us iqr {iqr / median * 100:4.1f}% "
                         f"slow {slow * 100:3.0f}% n={len(values)}")
        short = name.replace("/manual_time", "")
        print(f"  {short:46} " + " | ".join(cells))


def main(directory):
    # The figures of record first, then the variants that each remove one suspected cause.
    variants = sorted((f[:-len("-samples.json")] for f in os.listdir(directory)
                       if f.endswith("-samples.json")), key=lambda v: (v != "record", v))
    if not variants:
        print(f"bimodal_summary: no *-samples.json in {directory}")
        return 1
    for variant in variants:
        timing = "figures of record (L2 flushed, one launch per sample)"
        results = os.path.join(directory, variant + ".json")
        if os.path.exists(results):
            with open(results, encoding="utf-8") as handle:
                timing = json.load(handle)["context"].get("gpubench_timing", timing)
        summarise(variant, rows_of(os.path.join(directory, variant + "-samples.json")), timing)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
