#!/usr/bin/env python3
"""Unit tests of scripts/native_archs.sh with a stand-in nvidia-smi: the build is for the present
GPUs' compute capabilities only, Hopper's sm_90a kernels only when one of them is 9.0, the sm_120a
kernels only when one is 12.0 or 12.1, and no GPU
(or no nvidia-smi) is exit 1 with nothing printed, so scripts/run.sh says so before building."""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent.parent / "scripts" / "native_archs.sh"


class NativeArchs(unittest.TestCase):
    def run_with(self, answer):
        """native_archs.sh with an nvidia-smi that prints `answer` (None: no nvidia-smi at all)."""
        with tempfile.TemporaryDirectory() as bin_dir:
            if answer is not None:
                fake = Path(bin_dir) / "nvidia-smi"
                fake.write_text("#!/bin/sh\ncat <<'EOF'\n" + answer + "EOF\n")
                fake.chmod(0o755)
            # Only the stand-in and the basic tools: a real nvidia-smi must not answer.
            env = dict(os.environ, PATH=f"{bin_dir}:/usr/bin:/bin")
            if answer is None and any(Path(p, "nvidia-smi").exists() for p in ("/usr/bin", "/bin")):
                self.skipTest("this machine has nvidia-smi in /usr/bin")
            done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env)
        return done.returncode, done.stdout.strip()

    def test_an_ada_card_builds_sm_89_without_the_hopper_kernels(self):
        self.assertEqual(self.run_with("8.9\n"),
                         (0, "-DGPUBENCH_CUDA_ARCHS=89 -DGPUBENCH_SM90A_KERNELS=OFF -DGPUBENCH_SM120A_KERNELS=OFF"))

    def test_a_hopper_card_builds_sm_90_and_its_own_kernels(self):
        self.assertEqual(self.run_with("9.0\n"),
                         (0, "-DGPUBENCH_CUDA_ARCHS=90 -DGPUBENCH_SM90A_KERNELS=ON -DGPUBENCH_SM120A_KERNELS=OFF"))

    def test_mixed_cards_build_each_architecture_once(self):
        self.assertEqual(self.run_with("9.0\n8.9\n9.0\n7.5\n"),
                         (0, "-DGPUBENCH_CUDA_ARCHS=75;89;90 -DGPUBENCH_SM90A_KERNELS=ON -DGPUBENCH_SM120A_KERNELS=OFF"))

    def test_a_newer_card_sorts_after_hopper_and_builds_no_sm_90a(self):
        self.assertEqual(self.run_with("10.0\n"),
                         (0, "-DGPUBENCH_CUDA_ARCHS=100 -DGPUBENCH_SM90A_KERNELS=OFF -DGPUBENCH_SM120A_KERNELS=OFF"))

    def test_a_geforce_blackwell_card_builds_sm_120_and_its_own_kernels(self):
        self.assertEqual(self.run_with("12.0\n"),
                         (0, "-DGPUBENCH_CUDA_ARCHS=120 -DGPUBENCH_SM90A_KERNELS=OFF "
                             "-DGPUBENCH_SM120A_KERNELS=ON"))

    def test_a_gb10_builds_sm_121_and_the_12_x_kernels(self):
        self.assertEqual(self.run_with("12.1\n8.9\n"),
                         (0, "-DGPUBENCH_CUDA_ARCHS=89;121 -DGPUBENCH_SM90A_KERNELS=OFF "
                             "-DGPUBENCH_SM120A_KERNELS=ON"))

    def test_a_future_12_x_card_builds_no_arch_specific_kernels(self):
        self.assertEqual(self.run_with("12.2\n"),
                         (0, "-DGPUBENCH_CUDA_ARCHS=122 -DGPUBENCH_SM90A_KERNELS=OFF "
                             "-DGPUBENCH_SM120A_KERNELS=OFF"))

    def test_no_gpu_is_exit_1_with_nothing_printed(self):
        self.assertEqual(self.run_with(""), (1, ""))
        self.assertEqual(self.run_with("No devices were found\n"), (1, ""))
        self.assertEqual(self.run_with(None), (1, ""))


if __name__ == "__main__":
    unittest.main()
