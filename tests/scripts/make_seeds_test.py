#!/usr/bin/env python3
"""fuzz/make_seeds.py regenerates the fuzz dictionaries without losing an entry of the committed
ones (fuzz/dict/*.dict): the spec-sheet dictionary's units ("GB/s", "TFLOPS") and names once went
missing when the code that spells them moved out of the files the generator read. New entries are
fine (the sources name a new key); a lost one fails, naming it. Nothing is written."""

import sys
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "fuzz"))
import make_seeds  # noqa: E402


def entries(text):
    return {line for line in text.splitlines() if line.strip()}


class Dictionaries(unittest.TestCase):
    def test_regenerating_keeps_every_committed_entry(self):
        generated = make_seeds.dictionaries()
        committed = sorted((REPO / "fuzz" / "dict").glob("*.dict"))
        self.assertEqual(sorted(generated), [path.stem for path in committed])
        for path in committed:
            lost = entries(path.read_text(encoding="utf-8")) - entries(generated[path.stem])
            self.assertEqual(lost, set(), f"make_seeds.py would drop these from {path.name}")

    def test_the_spec_sheet_dictionary_holds_the_units(self):
        spec = entries(make_seeds.dictionaries()["spec_sheet"])
        for unit in ("GB/s", "TFLOPS", "TOPS", "MHz", "Gbps"):
            self.assertIn(f'"\\"{unit}\\""', spec)


if __name__ == "__main__":
    unittest.main()
