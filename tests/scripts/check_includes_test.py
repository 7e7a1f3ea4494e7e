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
        # Host layers, each including every layer below it (directly or through the one under it).
        self.write("bench/platform/files.hpp", '#include "model/results_file.hpp"\n')
        self.write("bench/analysis/report.hpp",
                   '#include "platform/files.hpp"\n#include "model/results_file.hpp"\n'
                   '#include "gpubench/counters.hpp"\n#include <fmt/format.h>\n')
        self.write("bench/render/text.cpp",
                   '#include "analysis/report.hpp"\n#include "model/results_file.hpp"\n'
                   '#include "text.hpp"\n')
        self.write("bench/render/text.hpp", "#pragma once\n")
        self.write("bench/device/probe.cpp", '#include "platform/files.hpp"\n')
        self.write("bench/harness/suites/gemm_suite.cpp",
                   '#include "kernels/gemm/tiling.hpp"\n#include "analysis/report.hpp"\n'
                   '#include "device/probe.cpp"\n#include "../timing.hpp"\n')
        self.write("bench/harness/timing.hpp", '#include "model/results_file.hpp"\n')
        self.write("bench/cli/main.cpp",
                   '#include "harness/timing.hpp"\n#include "render/text.hpp"\n'
                   '#include "kernels/common/host_device.hpp"\n')
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

    def test_a_planted_upward_include_fails(self):
        self.write("bench/model/upward.hpp",
                   '#pragma once\n#include "model/results_file.hpp"\n#include "analysis/report.hpp"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(problems[0].startswith("bench/model/upward.hpp:3: includes analysis/report.hpp"),
                        problems)
        self.assertIn("bench/model/ includes only model, not bench/analysis/", problems[0])

    def test_each_upward_or_sideways_include_fails(self):
        cases = {
            "bench/analysis/up.cpp": '#include "render/text.hpp"\n',  # analysis is under render
            "bench/render/side.cpp": '#include "harness/timing.hpp"\n',  # harness is beside render
            "bench/harness/up.cpp": '#include "cli/main.cpp"\n',
            "bench/platform/up.cpp": '#include "device/probe.cpp"\n',
            "bench/device/side.cpp": '#include "analysis/report.hpp"\n',
            "bench/render/relative.cpp": '#include "../cli/main.cpp"\n',
            "bench/model/kernels.cpp": '#include "kernels/common/host_device.hpp"\n',
            "bench/analysis/kernels.cpp": '#include "kernels/gemm/tiling.hpp"\n',
        }
        for relative, text in cases.items():
            self.write(relative, text)
        problems = self.problems()
        self.assertEqual(sorted(p.split(": ")[0] for p in problems),
                         sorted(f"{relative}:1" for relative in cases), problems)

    def test_a_folder_of_bench_in_no_layer_fails(self):
        self.write("bench/newlayer/thing.cpp", '#include "model/results_file.hpp"\n')
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("bench/newlayer/ is no layer", problems[0])

    def test_main_reports_and_fails(self):
        self.write("kernels/gemm/uses_compute.cu", '#include "kernels/compute/math.hpp"\n')
        sys.argv = ["check_includes.py", str(self.root)]
        self.assertEqual(check_includes.main(), 1)


if __name__ == "__main__":
    unittest.main()
