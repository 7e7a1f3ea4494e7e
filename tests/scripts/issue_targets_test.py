#!/usr/bin/env python3
"""scripts/issue_targets.py on the real H200 runs (made before the Hopper paths existed) and on a
synthetic run: each target is met, missed, failed or absent as the figures say."""

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import issue_targets  # noqa: E402

H200 = REPO / "tests/fixtures/runs/h200-b376421"


def median(name, **counters):
    return dict(name=f"{name}_median", run_name=name, run_type="aggregate",
                aggregate_name="median", **counters)


class IssueTargets(unittest.TestCase):
    def test_the_h200_runs_miss_what_the_issue_was_filed_for(self):
        with open(H200 / "full.json", encoding="utf-8") as handle:
            lines = issue_targets.target_lines(json.load(handle))
        text = "\n".join(lines)
        self.assertIn("13.1 wgmma peak, % of rate x measured clock: no row in this run", text)
        self.assertIn("13.2 gemm/own/fp16_f32acc/4096x4096x4096/manual_time: vs_cublas 0.41 "
                      "(target >= 0.95) MISSED", text)
        self.assertIn("13.3 gemm/own/fp32/4096x4096x4096/manual_time: vs_cublas 0.653", text)
        self.assertIn("full profile: 146.5 s (target <= 120 s) MISSED", text)

    def test_met_missed_and_failed_rows(self):
        run = {"context": {"gpubench_profile": "quick", "gpubench_run_wall_s": "19.6"},
               "benchmarks": [
                   median("compute/peak/wgmma_f16_f32acc/manual_time", pct_of_clock_peak=96.5),
                   median("compute/peak/wgmma_s8_s32acc/manual_time", pct_of_clock_peak=90.0),
                   dict(name="gemm/own/fp32/4096x4096x4096/manual_time",
                        run_name="gemm/own/fp32/4096x4096x4096/manual_time",
                        error_occurred=True, error_message="verification failed")]}
        lines = issue_targets.target_lines(run)
        self.assertIn("13.1 compute/peak/wgmma_f16_f32acc/manual_time: pct_of_clock_peak 96.5 "
                      "(target >= 95) met", lines)
        self.assertIn("13.1 compute/peak/wgmma_s8_s32acc/manual_time: pct_of_clock_peak 90 "
                      "(target >= 95) MISSED", lines)
        self.assertIn("13.3 gemm/own/fp32/4096x4096x4096/manual_time: FAILED (verification "
                      "failed)", lines)
        self.assertIn("quick profile: 19.6 s (target <= 20 s) met", lines)

    def test_sampling_line(self):
        def repetition(sampling_s, converged, median_ci_pct=None):
            record = dict(name="r", run_name="r", run_type="iteration", sampling_s=sampling_s,
                          converged=converged)
            if median_ci_pct is not None:
                record["median_ci_pct"] = median_ci_pct
            return record
        run = {"benchmarks": [repetition(0.01, 1, 0.2), repetition(0.2, 0, 0.4),
                              repetition(0.05, 0), median("r")]}
        self.assertIn("sampling: 0.26 s in 3 repetitions' loops; 1 converged; 1 with the median "
                      "known to +/-0.25%", issue_targets.target_lines(run))
        # Runs made before issue 27's budget record no sampling_s: no line.
        with open(H200 / "quick1.json", encoding="utf-8") as handle:
            lines = issue_targets.target_lines(json.load(handle))
        self.assertFalse(any(line.startswith("sampling:") for line in lines))

    def test_pair_lines(self):
        def comparison(resolving, slower=0):
            return {"schema": "gpubench-compare",
                    "summary": {"SLOWER": slower, "FASTER": 0, "SAME": resolving, "ERROR": 0,
                                "resolution": {"change": 0.03, "rows": 79,
                                               "resolving": resolving}}}
        self.assertEqual(issue_targets.pair_lines(comparison(72)), [
            "27 resolution: 72 of 79 rows (91%) resolve a 3% change (target >= 90%) met",
            "27 verdicts between two runs of one build: 0 SLOWER, 0 FASTER, 0 ERROR "
            "(target: none) met"])
        missed = issue_targets.pair_lines(comparison(40, slower=1))
        self.assertIn("27 resolution: 40 of 79 rows (51%) resolve a 3% change (target >= 90%) "
                      "MISSED", missed)
        self.assertIn("27 verdicts between two runs of one build: 1 SLOWER, 0 FASTER, 0 ERROR "
                      "(target: none) MISSED", missed)
        empty = issue_targets.pair_lines({"schema": "gpubench-compare", "summary": {}})
        self.assertIn("(target >= 90%) MISSED", empty[0])

    def test_command_line_reads_a_comparison_and_names_an_unreadable_file(self):
        with tempfile.TemporaryDirectory() as folder:
            pair = Path(folder) / "pair.json"
            pair.write_text(json.dumps({
                "schema": "gpubench-compare", "base": {"path": "a.json"},
                "candidate": {"path": "b.json"},
                "summary": {"resolution": {"change": 0.03, "rows": 2, "resolving": 2}}}))
            done = subprocess.run([sys.executable, str(REPO / "scripts/issue_targets.py"),
                                   str(pair), str(Path(folder) / "missing.json")],
                                  capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("pair.json: a.json -> b.json", done.stdout)
        self.assertIn("2 of 2 rows (100%) resolve a 3% change (target >= 90%) met", done.stdout)
        self.assertIn("missing.json: not read", done.stdout)

    def test_command_line(self):
        done = subprocess.run([sys.executable, str(REPO / "scripts/issue_targets.py"),
                               str(H200 / "quick1.json")], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("NVIDIA H200, driver 580.159.04", done.stdout)
        self.assertIn("quick profile: 19.6 s (target <= 20 s) met", done.stdout)
        self.assertEqual(subprocess.run([sys.executable, str(REPO / "scripts/issue_targets.py")],
                                        capture_output=True).returncode, 2)


if __name__ == "__main__":
    unittest.main()
