#!/usr/bin/env python3
"""scripts/test_skips.py on a CTest JUnit file and a GoogleTest XML file: a skip marked
"[other hardware]" is not counted, every other skip is, with its reason, and fails the check."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent.parent / "scripts" / "test_skips.py"

CTEST_JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="gpubench" tests="4" skipped="2">
  <testcase name="WgmmaKernelsGpu.DeclineOffHopper" status="notrun">
    <skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>
    <system-out>Running main() from gmock_main.cc
/src/tests/kernels/compute/wgmma_kernels_test.cpp:138: Skipped
[other hardware] this is a Hopper device
[  SKIPPED ] 1 test, listed below:
</system-out>
  </testcase>
  <testcase name="OwnSgemmGpu.MatchesTheReference" status="notrun">
    <skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>
    <system-out>/src/tests/kernels/gemm/own_gemm_test.cpp:40: Skipped
No usable CUDA device: the NVIDIA driver supports CUDA 12.2 but gpubench was built with CUDA 12.8.
[  SKIPPED ] 1 test, listed below:
</system-out>
  </testcase>
  <testcase name="Statistics.Median" status="run"><system-out></system-out></testcase>
</testsuite>
"""

GTEST_XML = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="2">
  <testsuite name="DriverApi" tests="2">
    <testcase name="WithoutADriverResolvingFailsInsteadOfCrashing" status="run" result="skipped"
              classname="DriverApi">
      <skipped message="/src/driver_kernels_test.cpp:91&#x0A;[other hardware] a driver is present"/>
    </testcase>
    <testcase name="LoadsTheModule" status="run" result="completed" classname="DriverApi"/>
  </testsuite>
</testsuites>
"""


def run(text):
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        report.write_text(text, encoding="utf-8")
        return subprocess.run([sys.executable, str(SCRIPT), str(report)], capture_output=True,
                              text=True, check=False)


class TestSkips(unittest.TestCase):
    def test_a_gpu_skip_is_counted_with_its_reason_and_fails(self):
        result = run(CTEST_JUNIT)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("skipped tests: 2, of which 1 for other hardware; GPU skips: 1 (must be 0)",
                      result.stdout)
        self.assertIn("OwnSgemmGpu.MatchesTheReference: No usable CUDA device: the NVIDIA driver "
                      "supports CUDA 12.2", result.stdout)
        self.assertNotIn("DeclineOffHopper", result.stdout)

    def test_other_hardware_skips_alone_pass(self):
        result = run(GTEST_XML)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("skipped tests: 1, of which 1 for other hardware; GPU skips: 0",
                      result.stdout)

    def test_an_unreadable_report_is_a_bad_input(self):
        result = run("<testsuite")
        self.assertEqual(result.returncode, 2)
        self.assertIn("cannot read the test report", result.stderr)


if __name__ == "__main__":
    unittest.main()
