#!/usr/bin/env python3
"""Unit tests of scripts/gen_docs.py with a real gpubench (argument 1): a page regenerated from the
same inputs checks clean; a page one byte off, a run added to results/runs/, and a run removed
each make --check fail; and no kept run at all still makes a page.

Usage: gen_docs_test.py GPUBENCH"""

import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "scripts" / "gen_docs.py"
RUNS = sorted((REPO / "results" / "runs").rglob("*.json"))
GPUBENCH = None


class Generators(unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.docs = Path(self._dir.name) / "docs"
        self.results = Path(self._dir.name) / "runs"
        self.docs.mkdir()
        self.results.mkdir()

    def tearDown(self):
        self._dir.cleanup()

    def gen(self, *args):
        return subprocess.run([sys.executable, str(SCRIPT), "--gpubench", GPUBENCH, "--docs",
                               str(self.docs), "--results", str(self.results), *args],
                              capture_output=True, text=True, timeout=300)

    def keep(self, run):
        target = self.results / run.parent.parent.name / run.parent.name / run.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(run, target)
        return target

    def test_a_page_one_byte_off_the_help_fails(self):
        self.assertEqual(self.gen("cli").returncode, 0)
        self.assertEqual(self.gen("--check", "cli").returncode, 0)
        page = self.docs / "cli.md"
        page.write_text(page.read_text().replace("--help", "--hlep", 1))
        checked = self.gen("--check", "cli")
        self.assertEqual(checked.returncode, 1, checked.stdout + checked.stderr)
        self.assertIn("cli.md is stale", checked.stderr)

    def test_every_command_is_in_the_reference(self):
        self.gen("cli")
        page = (self.docs / "cli.md").read_text()
        for command in ("gpubench run", "gpubench report", "gpubench specs compare",
                        "gpubench compare", "gpubench history", "gpubench fleet"):
            self.assertIn(f"## {command}\n", page)
        self.assertNotIn(GPUBENCH, page, "the program must be named gpubench, not by its path")

    def test_a_run_added_or_removed_makes_the_validation_page_stale(self):
        self.assertGreaterEqual(len(RUNS), 2, "needs two kept runs in results/runs/")
        self.keep(RUNS[0])
        self.assertEqual(self.gen("validation").returncode, 0)
        self.assertEqual(self.gen("--check", "validation").returncode, 0)
        added = self.keep(RUNS[1])
        self.assertEqual(self.gen("--check", "validation").returncode, 1)
        self.gen("validation")
        page = (self.docs / "validation.md").read_text()
        self.assertIn(RUNS[1].name, page)
        self.assertIn("% of documented", page)
        added.unlink()
        self.assertEqual(self.gen("--check", "validation").returncode, 1)

    def test_no_kept_run_still_makes_a_page(self):
        self.assertEqual(self.gen("validation").returncode, 0)
        self.assertIn("No run is kept", (self.docs / "validation.md").read_text())

    def test_an_unknown_page_is_bad_input(self):
        self.assertEqual(self.gen("nonsense").returncode, 2)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    GPUBENCH = sys.argv.pop(1)
    unittest.main()
