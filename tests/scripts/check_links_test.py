#!/usr/bin/env python3
"""Unit tests of scripts/check_links.py on a synthetic tree: a missing file, a missing anchor and a
link out of the tree must each fail; links in code, to other sites, and to headings spelt the way
GitHub spells anchors must pass, whether the root is named absolute or relative to the working
directory."""

import os
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "scripts"))
import check_links  # noqa: E402


class LinkRules(unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.root = Path(self._dir.name)
        self.write("docs/guide.md", "# Guide\n\n## The `run` command (quick)\n\n## Hopper's path\n"
                   "\n## Repeat\n\n## Repeat\n")
        self.write("docs/picture.png", "")
        self.write("README.md",
                   "[guide](docs/guide.md) ![pic](docs/picture.png) [site](https://example.com)\n"
                   "[run](docs/guide.md#the-run-command-quick) [h](docs/guide.md#hoppers-path)\n"
                   "[second](docs/guide.md#repeat-1) [folder](docs/) `[code](nowhere.md)`\n"
                   "```sh\n[fenced](nowhere.md)\n```\n")

    def tearDown(self):
        self._dir.cleanup()

    def write(self, relative, text):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def add_to_readme(self, line):
        readme = self.root / "README.md"
        readme.write_text(readme.read_text() + line + "\n")

    def test_a_tree_whose_links_resolve_passes(self):
        self.assertEqual(check_links.check(self.root), [])

    def test_a_missing_file_fails(self):
        self.add_to_readme("[gone](docs/gone.md)")
        problems = check_links.check(self.root)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("README.md:7: docs/gone.md: no such file", problems[0])

    def test_a_missing_anchor_fails(self):
        self.write("docs/other.md", "[back](guide.md#no-such-section) [up](../README.md)\n")
        problems = check_links.check(self.root)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("docs/other.md:1: guide.md#no-such-section: no heading", problems[0])

    def test_an_anchor_on_the_same_page_is_checked(self):
        self.write("docs/self.md", "# Top\n\n[ok](#top) [bad](#bottom)\n")
        problems = check_links.check(self.root)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("#bottom", problems[0])

    def test_a_link_out_of_the_tree_fails(self):
        self.add_to_readme("[shared](../outside.md)")
        problems = check_links.check(self.root)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("outside the repository", problems[0])

    def test_a_relative_root_gives_the_same_answers(self):
        self.write("docs/self.md", "# Top\n\n[ok](#top) [bad](#bottom) [up](../README.md#x)\n")
        absolute = check_links.check(self.root)
        before = os.getcwd()
        os.chdir(self.root.parent)
        try:
            relative = check_links.check(Path(self.root.name))
            os.chdir(self.root)
            dot = check_links.check(Path("."))
        finally:
            os.chdir(before)
        self.assertEqual(len(absolute), 2, absolute)
        self.assertEqual(relative, absolute)
        self.assertEqual(dot, absolute)


if __name__ == "__main__":
    unittest.main()
