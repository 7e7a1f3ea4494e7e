#!/usr/bin/env python3
"""Renders the README's picture: the headline section of the HTML report of a real run kept in
results/runs/, as gpubench draws it (table and bar chart), screenshot by headless Chromium and
cropped to what was drawn. Nothing is drawn by hand: rerun it when the report or the run changes.

Usage: render_headline.py [--gpubench PATH] [--run RUN.json] [--out PNG]
Defaults: the newest build*/gpubench, the kept run with the most headline figures, and
docs/report-headline.png. Needs a Python with matplotlib (to crop) and Chromium.
Exit 0 written, 1 the report or the screenshot failed, 2 bad arguments or a missing tool."""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from html_screenshot import find_browser, screenshot

REPO = Path(__file__).resolve().parent.parent
END_OF_HEADLINE = "<h2>Run</h2>"  # the section that follows the headline in every report
MARGIN_PX = 24


def newest_gpubench():
    built = [p for p in REPO.glob("build*/gpubench") if p.is_file()]
    return max(built, key=lambda p: p.stat().st_mtime) if built else None


def headline_count(gpubench, run):
    done = subprocess.run([str(gpubench), "report", str(run), "--json"], capture_output=True,
                          text=True, check=True)
    return len(json.loads(done.stdout)["headline"])


def default_run(gpubench):
    """The kept run whose report opens with the most headline figures (ties: the newest file)."""
    runs = sorted((REPO / "results" / "runs").rglob("*.json"))
    if not runs:
        return None
    return max(runs, key=lambda run: (headline_count(gpubench, run), run.name))


def crop_to_drawing(png):
    """Cuts the page's blank bottom and right, keeping a margin."""
    import matplotlib.image
    pixels = matplotlib.image.imread(png)
    ink = pixels[:, :, :3].min(axis=2) < 0.97
    rows = ink.any(axis=1).nonzero()[0]
    columns = ink.any(axis=0).nonzero()[0]
    if len(rows) == 0:
        return False
    bottom = min(pixels.shape[0], rows[-1] + MARGIN_PX)
    right = min(pixels.shape[1], columns[-1] + MARGIN_PX)
    matplotlib.image.imsave(png, pixels[:bottom, :right, :3])
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gpubench", type=Path, default=newest_gpubench())
    parser.add_argument("--run", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report-headline.png")
    args = parser.parse_args()
    try:
        import matplotlib.image  # noqa: F401 (crop_to_drawing's)
    except ImportError:
        print(f"render_headline: {sys.executable} lacks matplotlib; run this with a Python that "
              "has it (Debian's /usr/bin/python3 with python3-matplotlib).", file=sys.stderr)
        return 2
    browser = find_browser()
    if args.gpubench is None or browser is None:
        print("render_headline: needs a built gpubench (--gpubench) and Chromium on PATH.",
              file=sys.stderr)
        return 2
    run = args.run or default_run(args.gpubench)
    if run is None:
        print("render_headline: no run under results/runs/ to render.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "report.html"
        subprocess.run([str(args.gpubench), "report", str(run), "-o", str(report)], check=True,
                       stdout=subprocess.DEVNULL)
        html = report.read_text(encoding="utf-8")
        if END_OF_HEADLINE not in html:
            print(f"render_headline: the report has no {END_OF_HEADLINE}.", file=sys.stderr)
            return 1
        headline = Path(work) / "headline.html"
        headline.write_text(html[:html.index(END_OF_HEADLINE)] + "</body>\n</html>\n",
                            encoding="utf-8")
        taken, log = screenshot(browser, headline, args.out, width=1100, height=2400)
    if not taken or not crop_to_drawing(args.out):
        print(f"render_headline: no screenshot ({log})", file=sys.stderr)
        return 1
    print(f"{args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}: "
          f"the headline of {run.relative_to(REPO) if run.is_relative_to(REPO) else run}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
