#!/usr/bin/env python3
"""Unit tests of scripts/check_includes.py on synthetic trees: each rule must catch its violation
and leave allowed includes alone."""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "scripts"))
import check_includes  # noqa: E402


class IncludeRules(unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.root = Path(self._dir.name)
        # A tree that keeps every rule, with a family the checker has never heard of.
        self.write("kernels/common/host_device.hpp", "#pragma once\n")
        self.write("kernels/gemm/tiling.hpp", '#include "kernels/common/host_device.hpp"\n')
        self.write("kernels/gemm/own.cu",
                   '#include <cuda_runtime.h>\n#include "kernels/gemm/tiling.hpp"\n'
                   '#include "tiling.hpp"\n#include "gpubench/counters.hpp"\n'
                   '// #include "kernels/compute/math.hpp" (a comment, not an include)\n')
        self.write("kernels/compute/math.hpp", '#include "kernels/common/host_device.hpp"\n')
        self.write("kernels/newfamily/thing.cu", '#include "kernels/newfamily/thing.hpp"\n')
        self.write("kernels/newfamily/thing.hpp", "#pragma once\n")
        self.write("bench/model/results_file.hpp", "#pragma once\n")
        self.write("include/gpubench/counters.hpp", "#pragma once\n#include <string_view>\n")

    def tearDown(self):
        self._dir.cleanup()

    def write(self, relative, text):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def problems(self):
        return check_includes.check(self.root)

    def test_a_tree_that_keeps_the_rules_passes(self):
        self.assertEqual(self.problems(), [])

    def test_a_family_including_another_family_fails(self):
        self.write("kernels/gemm/uses_compute.cu", '#include "kernels/compute/math.hpp"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(problems[0].startswith("kernels/gemm/uses_compute.cu:1: "), problems)
        self.assertIn("kernels/compute/math.hpp", problems[0])

    def test_a_new_family_is_held_to_the_same_rule(self):
        self.write("kernels/newfamily/more.cu",
                   '#include "kernels/common/host_device.hpp"\n#include "kernels/gemm/tiling.hpp"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(problems[0].startswith("kernels/newfamily/more.cu:2: "), problems)

    def test_a_relative_include_into_another_family_fails(self):
        self.write("kernels/gemm/sneaky.cu", '#include "../compute/math.hpp"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("kernels/gemm/sneaky.cu:1", problems[0])

    def test_common_includes_no_family(self):
        self.write("kernels/common/timer.cuh", '#include "kernels/gemm/tiling.hpp"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("kernels/common/ includes only kernels/common/", problems[0])

    def test_kernel_code_includes_no_bench_header(self):
        self.write("kernels/gemm/upward.cu", '#include "model/results_file.hpp"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("bench/", problems[0])

    def test_a_public_header_including_cuda_fails(self):
        self.write("include/gpubench/device.hpp",
                   "#include <string>\n#include <cuda_runtime_api.h>\n#include <nvml.h>\n"
                   '#include "kernels/common/host_device.hpp"\n')
        problems = self.problems()
        self.assertEqual([p.split(": ")[0] for p in problems],
                         ["include/gpubench/device.hpp:2", "include/gpubench/device.hpp:3",
                          "include/gpubench/device.hpp:4"], problems)

    def test_main_reports_and_fails(self):
        self.write("kernels/gemm/uses_compute.cu", '#include "kernels/compute/math.hpp"\n')
        sys.argv = ["check_includes.py", str(self.root)]
        self.assertEqual(check_includes.main(), 1)


if __name__ == "__main__":
    unittest.main()
