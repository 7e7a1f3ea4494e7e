#!/usr/bin/env python3
"""scripts/check_sizes.py by its exit code and output: an 81-line function fails the check (1) and
is named; a missing tree, or one without bench/ or kernels/, is refused (2) with a sentence rather
than reported clean. A crash of the checker (another exit code) fails every case."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "scripts" / "check_sizes.py"


def check(root):
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True,
                          check=False)


class CheckSizes(unittest.TestCase):
    def test_an_overlong_function_fails(self):
        result = check(REPO / "tests" / "fixtures" / "sizes")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("bench/overlong.cu:5: function overlong is 81 lines (limit 80)",
                      result.stdout)
        self.assertIn("1 size limit(s) broken", result.stdout)

    def test_a_missing_tree_is_refused(self):
        result = check("/nonexistent")
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("/nonexistent is not a directory", result.stderr)
        self.assertNotIn("keeps the size limits", result.stdout)

    def test_a_tree_without_sources_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            result = check(folder)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("holds no source file in bench/ or kernels/", result.stderr)


if __name__ == "__main__":
    unittest.main()
