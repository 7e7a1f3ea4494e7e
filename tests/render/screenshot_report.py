#!/usr/bin/env python3
"""Renders a gpubench HTML report in a headless browser and checks what a person would see.

Usage: screenshot_report.py REPORT.html OUT.png [MIN_PLOTS]
Takes a full-width screenshot with Chromium (headless, no network) and checks that the page drew
text (dark pixels) and, when MIN_PLOTS > 0, the plots' coloured lines and markers (saturated
pixels that neither text nor table rules have). Prints "ok: ..."; exit 0 ok, 1 the page looks
wrong, 2 bad arguments, 3 this Python lacks matplotlib (gpubench's script runner then tries the
next Python), 77 no headless browser here (the test is skipped).
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "scripts"))
from html_screenshot import find_browser, screenshot  # noqa: E402


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    report, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    min_plots = int(sys.argv[3]) if len(sys.argv) == 4 else 0
    try:
        import matplotlib.image
        import numpy  # noqa: F401 (matplotlib's images are numpy arrays)
    except ImportError:
        print("this Python lacks matplotlib, needed to read the screenshot")
        return 3
    browser = find_browser()
    if browser is None:
        print("skip: no headless browser (chromium) on PATH")
        return 77
    taken, log = screenshot(browser, report, out)
    if not taken:
        print(f"no screenshot ({log})")
        return 1
    pixels = matplotlib.image.imread(out)[:, :, :3]
    height, width = pixels.shape[:2]
    brightness = pixels.mean(axis=2)
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    dark = float((brightness < 0.35).mean())
    coloured = int((saturation > 0.35).sum())
    summary = f"{width}x{height}, {dark:.2%} dark pixels, {coloured} coloured pixels"
    if dark < 0.002:
        print(f"blank page: {summary}")
        return 1
    # A plot's lines and markers in matplotlib's default colours cover thousands of pixels.
    if min_plots > 0 and coloured < 2000 * min_plots:
        print(f"no plots drawn: {summary}")
        return 1
    print(f"ok: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
