#!/usr/bin/env python3
"""Draws `gpubench history --json` output: one line per benchmark and metric across driver
versions, one panel per GPU model. Each line is relative to its first driver version (100 = the
median there), so metrics in different units share an axis; a significant step (SLOWER or
FASTER, as gpubench history marks it) is drawn as a filled marker.

Usage: plot_history.py HISTORY.json OUTPUT.png|OUTPUT.svg   (gpubench history --plot runs this)
"""

import json
import os
import sys
import tempfile


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    source, output = sys.argv[1], sys.argv[2]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "plot_history.py: matplotlib is not installed; install it with "
            "`python3 -m pip install matplotlib` (or your distribution's python3-matplotlib).",
            file=sys.stderr,
        )
        return 3  # tells gpubench to try another Python
    with open(source, encoding="utf-8") as handle:
        history = json.load(handle)

    groups = [g for g in history["groups"] if g["series"]]
    if not groups:
        print("plot_history.py: nothing to plot (no benchmark in the history).", file=sys.stderr)
        return 2
    figure, axes = plt.subplots(
        len(groups), 1, figsize=(11, 4.5 * len(groups)), squeeze=False, constrained_layout=True
    )
    for axis, group in zip(axes[:, 0], groups):
        drivers = [d["driver_version"] for d in group["drivers"]]
        for series in group["series"]:
            points = series["points"]
            first = next((p for p in points if p is not None and p["median"]), None)
            if first is None:
                continue
            xs, ys = [], []
            for column, point in enumerate(points):
                if point is not None:
                    xs.append(column)
                    ys.append(100.0 * point["median"] / first["median"])
            label = series["benchmark"] + " " + series["metric"]
            (line,) = axis.plot(xs, ys, marker="o", fillstyle="none", linewidth=1, label=label)
            marked = {s["to"] for s in series["steps"] if s["verdict"] in ("SLOWER", "FASTER")}
            for x, y in zip(xs, ys):
                if drivers[x] in marked:
                    axis.plot([x], [y], marker="o", color=line.get_color())
                    if len(group["series"]) > 20:  # no legend: name the line at its step
                        axis.annotate(label, (x, y), fontsize="x-small", color=line.get_color())
        axis.set_xticks(range(len(drivers)), drivers)
        axis.set_xlabel("driver version")
        axis.set_ylabel("median, % of the first driver version")
        axis.set_title(group["gpu_name"] + " (filled marker: significant step)")
        axis.grid(True, alpha=0.3)
        if len(group["series"]) <= 20:
            axis.legend(fontsize="small", loc="best")

    # Publish atomically: write beside the target, then rename over it.
    directory = os.path.dirname(os.path.abspath(output))
    suffix = os.path.splitext(output)[1]
    handle, temporary = tempfile.mkstemp(prefix=".plot-", suffix=suffix, dir=directory)
    os.close(handle)
    try:
        figure.savefig(temporary, format=suffix.lstrip(".").lower())
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
