#!/usr/bin/env python3
"""scripts/check_sizes.py by its exit code and output: an 81-line function fails the check (1) and
is named, as does a 501-line file in tests/ (tests/fixtures/ alone is passed over); a digit
separator (1'000) is not taken for a character literal that would hide the braces after it; a
missing tree, or one without any of the checked folders, is refused (2) with a sentence rather than
reported clean. A crash of the checker (another exit code) fails every case."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "scripts" / "check_sizes.py"


def write_tree(folder, files):
    """files: {relative path: text}, written below folder."""
    for relative, text in files.items():
        path = Path(folder) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def function(name, lines):
    """A C++ function of exactly `lines` lines, header and closing brace included."""
    return f"int {name}() {{\n" + "  ++x;\n" * (lines - 2) + "}\n"


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

    def test_a_long_test_file_fails_but_fixtures_are_passed_over(self):
        with tempfile.TemporaryDirectory() as folder:
            write_tree(folder, {"tests/long_test.cpp": "// line\n" * 501,
                                "tests/fixtures/sizes/bench/long.cpp": "// line\n" * 501,
                                "include/short.hpp": "#pragma once\n"})
            result = check(folder)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("tests/long_test.cpp: 501 lines (limit 500)", result.stdout)
        self.assertNotIn("fixtures", result.stdout)
        self.assertIn("1 size limit(s) broken", result.stdout)

    def test_a_digit_separator_hides_no_brace(self):
        # Read as a character literal, the quote of 1'000 would blank the rest of its line, the
        # closing brace of short() with it, and the 81-line function after it would go unseen.
        with tempfile.TemporaryDirectory() as folder:
            write_tree(folder, {"bench/separated.cpp": "int short_one() { return 1'000; }\n" +
                                function("overlong", 81)})
            result = check(folder)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("bench/separated.cpp:2: function overlong is 81 lines (limit 80)",
                      result.stdout)
        self.assertNotIn("short_one", result.stdout)


if __name__ == "__main__":
    unittest.main()
