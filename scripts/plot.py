#!/usr/bin/env python3
"""Draws the plots of a gpubench report from the JSON `gpubench report` writes (plot_input_json).

Usage: plot.py INPUT.json OUTDIR
Writes PNGs into OUTDIR and OUTDIR/plots.json, the list [{"name", "file", "caption"}] of what it
drew: the headline figures as % of this card's documented figures next to the counterpart's
documented and projected figures; bandwidth against working set with the L2 size marked (when the
run has an L2 sweep); a roofline with both cards' documented roofs and every measured compute row
as a point; GEMM TFLOPS against size, one panel per precision with own and cuBLAS side by side
(squares against their edge, every other shape, custom ones included, against FLOP per launch);
host-device bandwidth against transfer size. gpubench compiles this file in and runs it itself.
Exit codes: 0 ok, 2 bad arguments or input, 3 matplotlib is not installed for this Python.
"""
import json
import os
import sys

THIS_COLOR = "#1f5fa8"
OTHER_COLOR = "#c2571a"
MEASURED_COLOR = "#111111"
SERIES_COLORS = ["#2a9d8f", "#e76f51", "#8e44ad", "#f4a261", "#264653", "#d62828", "#3a86ff",
                 "#6a994e", "#b5179e", "#7f5539"]


def size_label(value):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= scale:
            return f"{value / scale:g} {unit}"
    return f"{value:g} B"


def working_set_plot(plt, data, path):
    ws = data["working_set"]
    this = data["this"]
    other = data.get("counterpart")
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    xs_all = []
    for series in ws["series"]:
        xs = [p[0] for p in series["points"]]
        ys = [p[1] for p in series["points"]]
        xs_all += xs
        ax.plot(xs, ys, marker="o", color=THIS_COLOR, label=f"measured: {series['name']}")
    ax.set_xscale("log", base=2)
    ticks = sorted(set(xs_all))
    ax.set_xticks(ticks)
    ax.set_xticklabels([size_label(t) for t in ticks], rotation=45, ha="right", fontsize=8)
    l2 = ws.get("l2_bytes") or this.get("l2_bytes")
    other_l2 = other.get("l2_bytes") if other else None
    same_l2 = bool(l2 and other_l2 and abs(l2 - other_l2) < 0.01 * l2)
    if l2:
        ax.axvline(l2, color=THIS_COLOR, linestyle="--", linewidth=1)
        both = " (both cards)" if same_l2 else ""
        ax.annotate(f"L2 {size_label(l2)}{both}", (l2, 0.02), xycoords=("data", "axes fraction"),
                    rotation=90, ha="right", va="bottom", fontsize=8, color=THIS_COLOR)
    if other_l2 and not same_l2:
        ax.axvline(other["l2_bytes"], color=OTHER_COLOR, linestyle=":", linewidth=1)
        ax.annotate(f"{other['id']} L2 {size_label(other['l2_bytes'])}", (other["l2_bytes"], 0.02),
                    xycoords=("data", "axes fraction"), rotation=90, ha="left", va="bottom",
                    fontsize=8, color=OTHER_COLOR)
    if this.get("memory_bandwidth_gbs"):
        ax.axhline(this["memory_bandwidth_gbs"], color=THIS_COLOR, linestyle="-.", linewidth=1,
                   label=f"{this['id']} documented DRAM {this['memory_bandwidth_gbs']:g} GB/s")
    if other and other.get("memory_bandwidth_gbs"):
        ax.axhline(other["memory_bandwidth_gbs"], color=OTHER_COLOR, linestyle="-.", linewidth=1,
                   label=f"{other['id']} documented DRAM {other['memory_bandwidth_gbs']:g} GB/s")
    ax.set_xlabel("working set")
    ax.set_ylabel("read bandwidth (GB/s)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{this['name']}: bandwidth against working set")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def roof_lines(ax, card, colors, style, intensities):
    bandwidth = card.get("memory_bandwidth_gbs")
    if not bandwidth:
        return
    for index, roof in enumerate(card["roofs"]):
        ys = [min(roof["tflops"], ai * bandwidth / 1000) for ai in intensities]
        ax.plot(intensities, ys, color=colors[index % len(colors)], linestyle=style, linewidth=1.4,
                label=f"{card['id']} documented {roof['label']} {roof['tflops']:g} TFLOPS, "
                      f"{bandwidth:g} GB/s")


def roofline_plot(plt, data, path):
    this = data["this"]
    other = data.get("counterpart")
    peaks = [r["tflops"] for card in (this, other) if card for r in card["roofs"]]
    if not peaks or not this.get("memory_bandwidth_gbs"):
        return False
    intensities = [2 ** (e / 4) for e in range(-16, 45)]  # 1/16 .. 2048 FLOP/byte
    fig, ax = plt.subplots(figsize=(11, 5), dpi=110)
    roof_lines(ax, this, (THIS_COLOR, "#7fb2e5"), "-", intensities)
    if other:
        roof_lines(ax, other, (OTHER_COLOR, "#f2a772"), "--", intensities)
    measured = data.get("measured_bandwidth_gbs")
    if measured:
        top = max(r["tflops"] for r in this["roofs"]) if this["roofs"] else max(peaks)
        xs = [ai for ai in intensities if ai * measured / 1000 <= top]
        ax.plot(xs, [ai * measured / 1000 for ai in xs], color=MEASURED_COLOR, linestyle=":",
                linewidth=2, label=f"measured DRAM {measured:.0f} GB/s "
                                   f"({data.get('measured_bandwidth_label', '')})")
    placed = [c for c in data["compute"] if c.get("flop_per_byte")]
    series_names = sorted({c.get("series", "") for c in placed})
    for index, name in enumerate(series_names):
        points = [c for c in placed if c.get("series", "") == name]
        marker = "^" if name.startswith("own/") else "o"
        ax.scatter([c["flop_per_byte"] for c in points], [c["tflops"] for c in points],
                   color=SERIES_COLORS[index % len(SERIES_COLORS)], marker=marker, zorder=5,
                   s=16, label=f"measured {name}" if name else "measured")
    unplaced = [c for c in data["compute"] if not c.get("flop_per_byte")]
    if unplaced:
        best = max(unplaced, key=lambda c: c["tflops"])
        ax.axhline(best["tflops"], color=MEASURED_COLOR, linestyle="-.", linewidth=1,
                   label=f"best measured {best['tflops']:.1f} TFLOPS ({best['label']})")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP per DRAM byte)")
    ax.set_ylabel("TFLOPS")
    kind = "documented roofs" if data.get("specs_only") else "documented roofs and measured figures"
    ax.set_title(f"Roofline: {kind}")
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def gemm_plot(plt, all_series, path, xlabel, title, cube_edges):
    """One panel per precision: TFLOPS against size, each implementation a line. cube_edges: x
    is M = N = K (ticks at each edge); otherwise FLOP per launch on a log scale."""
    by_precision = {}
    for series in all_series:
        implementation, _, precision = series["name"].partition("/")
        by_precision.setdefault(precision or implementation, []).append((implementation, series))
    precisions = sorted(by_precision)
    columns = min(3, len(precisions))
    rows = (len(precisions) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.2 * rows), dpi=100,
                             squeeze=False)
    for index, precision in enumerate(precisions):
        ax = axes[index // columns][index % columns]
        xs_all = []
        for implementation, series in sorted(by_precision[precision], key=lambda s: s[0]):
            points = sorted(series["points"])
            xs = [p[0] for p in points]
            xs_all += xs
            own = implementation == "own"
            ax.plot(xs, [p[1] for p in points], marker="^" if own else "o",
                    color=OTHER_COLOR if own else THIS_COLOR, label=implementation)
        if cube_edges:
            ax.set_xscale("log", base=2)
            ticks = sorted(set(xs_all))
            ax.set_xticks(ticks)
            ax.set_xticklabels([f"{t:g}" for t in ticks], fontsize=7, rotation=45)
        else:
            ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_title(precision, fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
        if index % columns == 0:
            ax.set_ylabel("TFLOPS (TOPS for INT8)", fontsize=8)
        ax.set_xlabel(xlabel, fontsize=8)
    for index in range(len(precisions), rows * columns):
        axes[index // columns][index % columns].axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def transfer_plot(plt, data, path):
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    xs_all = []
    for index, series in enumerate(data["transfers"]):
        points = sorted(series["points"])
        xs = [p[0] for p in points]
        xs_all += xs
        ax.plot(xs, [p[1] for p in points], marker="o",
                color=SERIES_COLORS[index % len(SERIES_COLORS)], label=series["name"])
    ax.set_xscale("log", base=2)
    ticks = sorted(set(xs_all))
    ax.set_xticks(ticks)
    ax.set_xticklabels([size_label(t) for t in ticks], rotation=45, ha="right", fontsize=8)
    ax.set_xlabel("transfer size")
    ax.set_ylabel("bandwidth (GB/s)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{data['this']['name']}: host-device bandwidth against transfer size")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def headline_plot(plt, data, path):
    bars = data["headline"]
    this_id = data["this"]["id"]
    other = data.get("counterpart")
    other_id = other["id"] if other else "counterpart"
    kinds = [("measured_pct", f"{this_id} measured", THIS_COLOR),
             ("counterpart_documented_pct", f"{other_id} documented", "#f2a772"),
             ("counterpart_projected_pct", f"{other_id} projected", OTHER_COLOR)]
    width = 0.27
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(bars) + 2), 4.6), dpi=110)
    for offset, (key, label, color) in enumerate(kinds):
        xs = [i + (offset - 1) * width for i, bar in enumerate(bars) if bar.get(key) is not None]
        ys = [bar[key] for bar in bars if bar.get(key) is not None]
        if not ys:
            continue
        drawn = ax.bar(xs, ys, width, color=color, label=label)
        ax.bar_label(drawn, labels=[f"{y:.0f}%" for y in ys], fontsize=7, padding=1)
    ax.axhline(100, color="#555555", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(bars)))
    ax.set_xticklabels([bar["label"] for bar in bars], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(f"% of the {this_id}'s documented figure")
    ax.set_title("Headline figures against the documented specs")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print("usage: plot.py INPUT.json OUTDIR", file=sys.stderr)
        return 2
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"plot.py: matplotlib is not installed for {sys.executable}", file=sys.stderr)
        return 3
    try:
        with open(argv[1], encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        print(f"plot.py: cannot read {argv[1]}: {error}", file=sys.stderr)
        return 2
    out = argv[2]
    os.makedirs(out, exist_ok=True)
    made = []
    if data.get("headline"):
        headline_plot(plt, data, os.path.join(out, "headline.png"))
        made.append({"name": "headline", "file": "headline.png",
                     "caption": "Each headline figure as a percentage of this card's documented "
                                "figure (100% = its spec), next to the counterpart's documented "
                                "figure and its projection (this card's efficiency applied to "
                                "the counterpart's spec) on the same scale."})
    if data["working_set"]["series"]:
        working_set_plot(plt, data, os.path.join(out, "working_set.png"))
        made.append({"name": "working_set", "file": "working_set.png",
                     "caption": "Read bandwidth against working set (L2 sweep), with this card's L2 "
                                "size and both cards' documented DRAM bandwidth marked."})
    if roofline_plot(plt, data, os.path.join(out, "roofline.png")):
        made.append({"name": "roofline", "file": "roofline.png",
                     "caption": "Roofline: both cards' documented roofs (solid: this card, dashed: "
                                "counterpart), the measured DRAM bandwidth, and every measured "
                                "compute row at its arithmetic intensity (triangles: own kernels)."})
    if data["gemm"]:
        gemm_plot(plt, data["gemm"], os.path.join(out, "gemm.png"), "M = N = K",
                  "GEMM throughput against size, own kernels and cuBLAS", True)
        made.append({"name": "gemm", "file": "gemm.png",
                     "caption": "GEMM TFLOPS against size, one panel per precision, own kernels "
                                "and cuBLAS side by side."})
    if data.get("gemm_shapes"):
        gemm_plot(plt, data["gemm_shapes"], os.path.join(out, "gemm_shapes.png"),
                  "FLOP per launch (2 M N K)", "GEMM throughput on the other shapes", False)
        made.append({"name": "gemm_shapes", "file": "gemm_shapes.png",
                     "caption": "GEMM TFLOPS against FLOP per launch for every shape other than "
                                "the square sweep (LLM and ResNet layers, custom shapes), one "
                                "panel per precision, own kernels and cuBLAS side by side."})
    if data.get("transfers"):
        transfer_plot(plt, data, os.path.join(out, "transfers.png"))
        made.append({"name": "transfers", "file": "transfers.png",
                     "caption": "Host-device bandwidth against transfer size (pinned and "
                                "pageable, each direction)."})
    with open(os.path.join(out, "plots.json"), "w", encoding="utf-8") as handle:
        json.dump(made, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
