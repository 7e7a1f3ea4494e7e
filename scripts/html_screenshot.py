"""Screenshots an HTML file with headless Chromium (no network, no GPU): the one place that knows
how to find and drive the browser, for the report tests (tests/render/screenshot_report.py) and the
README's picture (scripts/render_headline.py)."""

import os
import shutil
import subprocess
import tempfile

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chromium-headless-shell")


def find_browser():
    """The first headless-capable browser on PATH, or None."""
    return next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)


def screenshot(browser, html, png, width=1400, height=12000):
    """Renders html (a path) into png at the given window size; returns (ok, stderr tail)."""
    with tempfile.TemporaryDirectory() as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                   "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
                   f"--window-size={width},{height}", f"--screenshot={os.path.abspath(png)}",
                   "file://" + os.path.abspath(html)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return os.path.exists(png), f"exit {done.returncode}: {done.stderr[-2000:]}"
