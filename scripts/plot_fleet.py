#!/usr/bin/env python3
"""Draws the plots of a gpubench fleet report from the JSON `gpubench fleet` writes for it.

Usage: plot_fleet.py INPUT.json OUTDIR
INPUT.json: {"plots": [{"name", "title", "unit", "fleet_median", "threshold",
"higher_is_better", "nodes": [{"label", "value", "flagged"}]}]}.
Writes one PNG per plot into OUTDIR (each node's figure as a bar, flagged nodes in orange, the
fleet median and the threshold band as lines) and OUTDIR/plots.json, the list
[{"name", "file", "caption"}] of what it drew. gpubench compiles this file in and runs it itself.
Exit codes: 0 ok, 2 bad arguments or input, 3 matplotlib is not installed for this Python.
"""
import json
import os
import sys

NODE_COLOR = "#1f5fa8"
FLAGGED_COLOR = "#d9480f"
MEDIAN_COLOR = "#111111"


def node_plot(plt, plot, path):
    nodes = plot["nodes"]
    width = min(16.0, max(6.0, 0.35 * len(nodes) + 2.0))
    fig, ax = plt.subplots(figsize=(width, 4.2), dpi=100)
    xs = list(range(len(nodes)))
    colors = [FLAGGED_COLOR if n["flagged"] else NODE_COLOR for n in nodes]
    ax.bar(xs, [n["value"] for n in nodes], color=colors)
    median = plot["fleet_median"]
    ax.axhline(median, color=MEDIAN_COLOR, linewidth=1.2, label=f"fleet median {median:.4g}")
    limit = median * (1 - plot["threshold"]) if plot["higher_is_better"] else \
        median * (1 + plot["threshold"])
    ax.axhline(limit, color=FLAGGED_COLOR, linestyle="--", linewidth=1,
               label=f"{plot['threshold'] * 100:g}% from the median")
    if len(nodes) <= 60:
        ax.set_xticks(xs)
        ax.set_xticklabels([n["label"] for n in nodes], rotation=60, ha="right", fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{len(nodes)} nodes")
    ax.set_ylabel(plot["unit"])
    ax.set_title(plot["title"], fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print("usage: plot_fleet.py INPUT.json OUTDIR", file=sys.stderr)
        return 2
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"plot_fleet.py: matplotlib is not installed for {sys.executable}", file=sys.stderr)
        return 3
    try:
        with open(argv[1], encoding="utf-8") as handle:
            data = json.load(handle)
        plots = data["plots"]
    except (OSError, ValueError, KeyError) as error:
        print(f"plot_fleet.py: cannot read {argv[1]}: {error}", file=sys.stderr)
        return 2
    out = argv[2]
    made = []
    for index, plot in enumerate(plots):
        name = f"fleet{index}"
        node_plot(plt, plot, os.path.join(out, name + ".png"))
        made.append({"name": plot["name"], "file": name + ".png", "caption": plot["title"]})
    with open(os.path.join(out, "plots.json"), "w", encoding="utf-8") as handle:
        json.dump(made, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
