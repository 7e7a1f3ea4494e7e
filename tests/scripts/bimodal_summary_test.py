#!/usr/bin/env python3
"""scripts/bimodal_summary.py on invented samples: a repetition in the slow state shows a slow
share near 100%, one in the fast state near 0%, and the diagnostic timing is named."""

import contextlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import bimodal_summary  # noqa: E402

ROW = "gemm/cublas/fp16_f32acc/1024x1024x1024/manual_time"


def repetition(index, centre):
    # 100 samples spread +-1% around the centre, in microseconds.
    seconds = [centre * (1 + (i % 21 - 10) / 1000) * 1e-6 for i in range(100)]
    return {"run_name": ROW, "repetition": index, "launches_per_sample": 1,
            "seconds": seconds, "throttled": []}


class BimodalSummary(unittest.TestCase):
    def test_two_states_show_as_slow_shares(self):
        with tempfile.TemporaryDirectory() as directory:
            log = {"format": "gpubench-samples", "version": 1, "unit": "s",
                   "repetitions": [repetition(0, 8.0), repetition(1, 8.7), repetition(2, 8.0)]}
            Path(directory, "noflush-samples.json").write_text(json.dumps(log))
            Path(directory, "noflush.json").write_text(json.dumps(
                {"context": {"gpubench_timing": "diagnostic: L2 not flushed"}, "benchmarks": []}))
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(bimodal_summary.main(directory), 0)
            text = out.getvalue()
            self.assertIn("noflush: diagnostic: L2 not flushed", text)
            line = next(l for l in text.splitlines() if "1024x1024x1024" in l)
            cells = line.split("|")
            self.assertEqual(len(cells), 3)
            self.assertIn("slow   0%", cells[0])
            self.assertIn("slow 100%", cells[1])
            self.assertIn("8.70 us", cells[1])

    def test_an_empty_directory_says_so(self):
        with tempfile.TemporaryDirectory() as directory:
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(bimodal_summary.main(directory), 1)


if __name__ == "__main__":
    unittest.main()
