#!/usr/bin/env python3
"""scripts/ptxas_guard.py, the sm_90a kernels' compiler launcher: a compile whose ptxas reports
injected warpgroup waits (C75xx) fails and loses its object file; any other output passes through
and the command's own status is kept."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
GUARD = REPO / "scripts/ptxas_guard.py"

# What ptxas 13.0 printed for the FP32-accumulate peak kernels before the fix (name shortened).
C7517 = ("ptxas info    : (C7517) warpgroup.wait is injected in around line 17413 by compiler to "
         "allow use of registers defined by GMMA in function '_ZN8gpubench7compute6kernelE'")
C7519 = ("ptxas info    : (C7519) warpgroup.arrive is injected in around line 17160 by compiler "
         "to allow use of registers in GMMA in function '_ZN8gpubench7compute6kernelE'")


def fake_compile(output, stderr_lines, status=0):
    """A command that writes `output`, prints stderr_lines to stderr and exits with status."""
    script = (f"open({str(output)!r}, 'w').write('object');"
              f"import sys; sys.stderr.write({''.join(l + chr(10) for l in stderr_lines)!r});"
              f"sys.exit({status})")
    return [sys.executable, "-c", script, "-o", str(output)]


def run_guard(command):
    return subprocess.run([sys.executable, str(GUARD)] + command, capture_output=True, text=True)


class PtxasGuard(unittest.TestCase):
    def test_injected_warpgroup_waits_fail_the_compile(self):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "wgmma_kernels.cu.o"
            done = run_guard(fake_compile(output, [C7519, C7517]))
            self.assertEqual(done.returncode, 1)
            self.assertIn("error: ptxas info    : (C7517)", done.stderr)
            self.assertIn("error: ptxas info    : (C7519)", done.stderr)
            self.assertIn("in 2 place(s)", done.stderr)
            self.assertFalse(output.exists(), "the object must go, or the next build keeps it")

    def test_a_serialization_warning_counts_too(self):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "x.o"
            line = ("ptxas warning : (C7510) Potential Performance Loss: wgmma.mma_async "
                    "instructions are serialized")
            self.assertEqual(run_guard(fake_compile(output, [line])).returncode, 1)

    def test_a_clean_compile_passes_with_its_output(self):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "x.o"
            note = "x.cu(3): warning #177-D: variable \"unused\" was declared but never referenced"
            done = run_guard(fake_compile(output, [note]))
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stderr.strip(), note)
            self.assertTrue(output.exists())

    def test_a_failed_compile_keeps_its_status(self):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "x.o"
            done = run_guard(fake_compile(output, ["x.cu(1): error: oops", C7517], status=2))
            self.assertEqual(done.returncode, 2)
            self.assertIn("x.cu(1): error: oops", done.stderr)
            self.assertIn(C7517, done.stderr)

    def test_no_command_is_a_usage_error(self):
        self.assertEqual(run_guard([]).returncode, 2)


if __name__ == "__main__":
    unittest.main()
