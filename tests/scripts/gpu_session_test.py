#!/usr/bin/env python3
"""scripts/gpu-session.sh against stand-ins, so a bug in its plumbing costs no device time: a
gpubench whose `run` copies the H200 fixture runs (its `compare` is the real binary's), a test
binary whose named GPU tests fail on request, and stand-in nvidia-smi, ctest and
compute-sanitizer. Each part must run its steps in order, pass on what a failed gate implies
(--no-stream-hold, a family left out), and leave at most the eight files the device tool brings
back.

Usage: gpu_session_test.py --gpubench PATH [unittest arguments]
"""

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "scripts" / "gpu-session.sh"
FIXTURES = REPO / "tests" / "fixtures" / "runs" / "h200-b376421"
REAL_GPUBENCH = None  # set from --gpubench
DEVICE_TOOL_FILES = 8  # the most files a device call brings back

# The stand-in gpubench: each call is logged (with the cluster switch it ran under); `run` first
# hands its arguments to the real binary with no device visible, which parses them all before it
# looks for one: any answer but "No CUDA device" is a refusal, logged as REFUSED. Then it writes
# the next fixture run (quick1 and quick2 in turn, full for --full) and a per-sample side file.
# `compare` is the real binary's.
FAKE_GPUBENCH = r"""#!/usr/bin/env bash
echo "gpubench $* [cluster=${GPUBENCH_HOPPER_HGEMM_CLUSTER:-}]" >>"$FAKE_CALLS"
if [ "$1" = compare ]; then exec "$REAL_GPUBENCH" "$@"; fi
answer=$(CUDA_VISIBLE_DEVICES= "$REAL_GPUBENCH" "$@" 2>&1 >/dev/null)
case $answer in
  *"No CUDA device"*) ;;
  *) echo "REFUSED gpubench $*: ${answer//$'\n'/ }" >>"$FAKE_CALLS"; echo "$answer" >&2; exit 2 ;;
esac
out= samples= full=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --samples-out) samples=$2; shift ;;
    --full) full=1 ;;
  esac
  shift
done
count=$(($(cat "$FAKE_COUNT" 2>/dev/null || echo 0) + 1))
echo "$count" >"$FAKE_COUNT"
if [ "$full" = 1 ]; then source=full; else source=quick$((count % 2 + 1)); fi
cp "$FAKE_FIXTURES/$source.json" "$out"
if [ -n "$samples" ]; then
  printf '%s' '{"format": "gpubench-samples", "version": 1, "unit": "s", "repetitions": [{"run_name": "gemm/cublas/fp16_f32acc/1024x1024x1024/manual_time", "repetition": 0, "launches_per_sample": 1, "seconds": [8e-6, 8.1e-6, 8.7e-6], "throttled": []}]}' >"$samples"
fi
echo "gpubench: $source written"
"""

# The stand-in test binary: a filter naming one of $FAKE_FAILING's test suites fails; asked for
# GoogleTest's XML report, it writes one with a passing test.
FAKE_TESTS = r"""#!/usr/bin/env bash
echo "gpubench_tests $*" >>"$FAKE_CALLS"
for argument in "$@"; do
  case $argument in
    --gtest_output=xml:*) cat >"${argument#--gtest_output=xml:}" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="0" disabled="0" errors="0">
  <testsuite name="Stand" tests="1" failures="0" disabled="0" skipped="0" errors="0">
    <testcase name="In" status="run" result="completed" classname="Stand"/>
  </testsuite>
</testsuites>
XML
    ;;
  esac
done
for failing in $FAKE_FAILING; do
  case " $* " in *"--gtest_filter=$failing"*) echo "[  FAILED  ] 1 test, listed below:"; exit 1 ;; esac
done
echo "[  PASSED  ] 2 tests."
"""

FAKE_NVIDIA_SMI = r"""#!/usr/bin/env bash
echo "nvidia-smi $*" >>"$FAKE_CALLS"
case " $* " in
  *"--query-gpu=compute_cap "*) echo "$FAKE_COMPUTE_CAP" ;;
  *clocks.max.sm*--format=csv,noheader,nounits*) echo 1980 ;;
  *--query-gpu=*) echo "NVIDIA H200, $FAKE_COMPUTE_CAP, 1980 MHz, 1980 MHz, 120.00 W, 35" ;;
esac
"""

# CTest's JUnit file with one passing test, as `ctest --output-junit` writes it.
FAKE_CTEST = r"""#!/usr/bin/env bash
echo "ctest $*" >>"$FAKE_CALLS"
cat >tests-junit.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="Linux" tests="1" failures="0" disabled="0" skipped="0">
  <testcase name="Stand.In" classname="Stand.In" status="run"/>
</testsuite>
XML
echo "100% tests passed, 0 tests failed out of 1"
"""

FAKE_SANITIZER = r"""#!/usr/bin/env bash
echo "compute-sanitizer $*" >>"$FAKE_CALLS"
echo "========= ERROR SUMMARY: 0 errors"
"""


def install(directory, name, text):
    path = Path(directory, name)
    path.write_text(text)
    path.chmod(0o755)


# What the scripts run besides the stand-ins, for a PATH that holds nothing else (a lent machine
# without CMake has no ctest).
BASIC_TOOLS = ("bash", "cat", "cp", "dirname", "grep", "gzip", "ln", "mkdir", "python3", "readlink",
               "rm", "tail", "tar", "tee", "timeout", "tr")


def stand_ins(work, build, failing=(), compute_cap="9.0", environment=None, ctest=True):
    """Puts the stand-ins in `build` and in a folder on PATH; returns the environment to run in.
    Without ctest, PATH holds only the stand-ins and links to the basic tools."""
    tools = work / "bin"
    for folder in (build, tools):
        folder.mkdir(parents=True)
    install(build, "gpubench", FAKE_GPUBENCH)
    install(build, "gpubench_tests", FAKE_TESTS)
    install(tools, "nvidia-smi", FAKE_NVIDIA_SMI)
    install(tools, "compute-sanitizer", FAKE_SANITIZER)
    path = f"{tools}:{os.environ['PATH']}"
    if ctest:
        install(tools, "ctest", FAKE_CTEST)
    else:
        for tool in BASIC_TOOLS:
            (tools / tool).symlink_to(shutil.which(tool))
        path = str(tools)
    return dict(os.environ, PATH=path, FAKE_CALLS=str(work / "calls.log"),
                FAKE_COUNT=str(work / "count"), FAKE_FIXTURES=str(FIXTURES),
                REAL_GPUBENCH=REAL_GPUBENCH, FAKE_FAILING=" ".join(failing),
                FAKE_COMPUTE_CAP=compute_cap, **(environment or {}))


def calls_of(work):
    calls = work / "calls.log"
    return calls.read_text().splitlines() if calls.exists() else []


class TemporaryFolders(unittest.TestCase):
    def temporary_folder(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        return Path(directory.name)


class GpuSession(TemporaryFolders):
    def session(self, part, **stand_in_options):
        """Runs one part; returns (its output, the stand-ins' calls, the files it left in OUT)."""
        work = self.temporary_folder()
        build, out = work / "build", work / "out"
        env = stand_ins(work, build, **stand_in_options)
        done = subprocess.run(["bash", str(SCRIPT), str(build), str(out), part], env=env,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual(done.stderr, "", "the session script wrote to stderr")
        files = sorted(path.name for path in out.iterdir())
        self.assertLessEqual(len(files), DEVICE_TOOL_FILES, files)
        calls = calls_of(work)
        self.assertEqual([call for call in calls if call.startswith("REFUSED")], [])
        return done.stdout, calls, files, out

    @staticmethod
    def runs(calls):
        return [call for call in calls if call.startswith("gpubench run")]

    def test_figures_gate_on_the_hold_and_time_every_profile(self):
        output, calls, files, out = self.session("figures")
        self.assertIn("gpubench_tests --gtest_brief=1 --gtest_filter=StreamHoldGpu.*", calls[1])
        runs = self.runs(calls)
        self.assertEqual(len(runs), 3, runs)
        self.assertTrue(runs[0].startswith("gpubench run --quick --out"), runs[0])
        self.assertTrue(runs[1].startswith("gpubench run --full --out"), runs[1])
        self.assertIn("--suite gemm", runs[2])
        self.assertTrue(runs[2].endswith("[cluster=2]"), runs[2])
        self.assertFalse(any("--no-stream-hold" in run for run in runs))
        self.assertEqual(files, ["cluster2.json", "full-summary.txt", "full.json", "quick.json",
                                 "runs.log"])
        self.assertIn("quick run: exit 0 (gpubench: quick2 written)", output)
        self.assertRegex(output, r"quick profile: [0-9.]+ s \(target <= 20 s\)")
        self.assertGreater((out / "full-summary.txt").stat().st_size, 0)

    def test_a_failed_hold_times_every_run_without_it(self):
        output, calls, _, _ = self.session("figures", failing=["StreamHoldGpu.*"])
        self.assertIn("the runs time without it (--no-stream-hold)", output)
        runs = self.runs(calls)
        self.assertEqual(len(runs), 3)
        self.assertTrue(all("--no-stream-hold" in run for run in runs), runs)

    def test_failed_hopper_kernels_leave_their_families_out(self):
        output, calls, _, _ = self.session("figures", failing=["WgmmaKernels*.*",
                                                              "OwnHgemmHopperGpu.*"])
        self.assertIn("the runs leave out compute/peak/wgmma_ gemm/own/fp16", output)
        quick, full = self.runs(calls)[:2]
        for run in (quick, full):
            self.assertIn("--filter=-(compute/peak/wgmma_|gemm/own/fp16)", shlex.split(run))

    def test_clusters_of_two_only_on_compute_capability_9_0(self):
        output, calls, files, _ = self.session("figures", compute_cap="8.9")
        self.assertIn("clusters of two: not a compute capability 9.0 device, not timed", output)
        self.assertEqual(len(self.runs(calls)), 2)
        self.assertNotIn("cluster2.json", files)

    def test_bimodal_times_each_variant_and_judges_both_pairs(self):
        output, calls, files, out = self.session("bimodal")
        runs = self.runs(calls)
        variants = [run for run in runs if "--samples-out" in run]
        self.assertEqual(len(variants), 5, variants)
        for run, flags in zip(variants, ([], ["--no-stream-hold"], ["--no-l2-flush"],
                                         ["--batch", "8"], ["--no-l2-flush", "--batch", "8"])):
            words = shlex.split(run.rsplit(" [cluster=", 1)[0])
            self.assertEqual(words[words.index("--samples-out") + 2:], flags, run)
        pairs = [run for run in runs if "--samples-out" not in run]
        self.assertEqual(len(pairs), 4, pairs)
        self.assertEqual(sum("--batch 8" in run for run in pairs), 2)
        self.assertEqual(sum(call.startswith("gpubench compare --json") for call in calls), 2)
        # The real compare read the two fixture runs, and issue_targets.py judged each pair.
        self.assertEqual(output.count("27 resolution:"), 2, output)
        self.assertEqual(output.count("27 verdicts between two runs of one build:"), 2)
        self.assertIn("record:", output)
        self.assertEqual(files, ["bimodal.tar.gz", "runs.log"])
        with tarfile.open(out / "bimodal.tar.gz") as archive:
            names = {Path(name).name for name in archive.getnames()}
        for expected in ("record-samples.json", "nohold.json", "quick-a.json", "quick-b.json",
                         "quick-compare.json", "quick-batch8-compare.json"):
            self.assertIn(expected, names)

    def test_steps_past_the_calls_deadline_are_skipped_and_the_part_still_packs(self):
        # 50 s: the hold's tests (90 s) and the pairs' runs (60 s) do not fit, the variants (40 s)
        # do; a hold whose tests did not run is not used.
        output, calls, files, out = self.session(
            "bimodal", environment={"GPUBENCH_SESSION_SECONDS": "50"})
        self.assertRegex(output, r"the GPU tests StreamHoldGpu\.\*: skipped, [0-9]+ s left")
        self.assertRegex(output, r"pair quick-a: skipped, [0-9]+ s left in this call")
        runs = self.runs(calls)
        self.assertEqual(len(runs), 5, runs)
        self.assertTrue(all("--no-stream-hold" in run for run in runs), runs)
        self.assertFalse(any(call.startswith("gpubench compare") for call in calls))
        self.assertNotIn("27 resolution", output)
        self.assertEqual(files, ["bimodal.tar.gz", "runs.log"])

    def test_a_locked_clock_is_asked_for_and_reset(self):
        output, calls, _, _ = self.session("bimodal",
                                           environment={"GPUBENCH_SESSION_LOCK_CLOCKS": "1"})
        self.assertIn("nvidia-smi -i 0 -lgc 1980,1980", calls)
        self.assertIn("nvidia-smi -i 0 -rgc", calls)
        locked = calls.index("nvidia-smi -i 0 -lgc 1980,1980")
        self.assertIn("locked.json", calls[locked + 1])
        self.assertEqual(calls[locked + 2], "nvidia-smi -i 0 -rgc")
        self.assertNotIn("could not reset", output)

    def test_checks_run_the_tests_then_each_sanitizer(self):
        output, calls, files, _ = self.session("checks")
        ctest = next(call for call in calls if call.startswith("ctest "))
        self.assertIn("-LE require_gpu", ctest)
        tools = [call.split()[2] for call in calls if call.startswith("compute-sanitizer")]
        self.assertEqual(tools, ["memcheck", "racecheck", "synccheck", "initcheck"])
        self.assertIn("100% tests passed", output)
        self.assertIn("compute-sanitizer initcheck: exit 0 (========= ERROR SUMMARY: 0 errors)",
                      output)
        self.assertEqual(files, ["sanitizer.log", "tests.log"])

    def test_checks_past_the_deadline_skip_the_tests_but_not_the_sanitizers(self):
        output, calls, files, _ = self.session("checks",
                                               environment={"GPUBENCH_SESSION_SECONDS": "100"})
        self.assertRegex(output, r"the tests: skipped, [0-9]+ s left")
        self.assertFalse(any(call.startswith("ctest") for call in calls))
        self.assertEqual(sum(call.startswith("compute-sanitizer") for call in calls), 4)
        self.assertEqual(files, ["sanitizer.log"])

    def test_without_ctest_the_test_binary_runs_in_one_process(self):
        output, calls, files, _ = self.session("checks", ctest=False)
        tests = next(call for call in calls if call.startswith("gpubench_tests"))
        self.assertIn("--gtest_filter=-SassAudit.*:KernelClasses.", tests)
        self.assertIn("gpubench_tests (no ctest here): exit 0 ([  PASSED  ] 2 tests. )", output)
        self.assertIn("GPU skips: 0 (must be 0)", output)
        tools = [call.split()[2] for call in calls if call.startswith("compute-sanitizer")]
        self.assertEqual(tools, ["memcheck", "racecheck", "synccheck", "initcheck"])
        self.assertEqual(files, ["sanitizer.log", "tests.log"])

    def test_arguments_the_real_binary_refuses_are_caught(self):
        work = self.temporary_folder()
        env = stand_ins(work, work / "build")
        done = subprocess.run([str(work / "build" / "gpubench"), "run", "--quick", "--bogus",
                               "--out", str(work / "x.json")], env=env, capture_output=True,
                              text=True)
        self.assertEqual(done.returncode, 2)
        self.assertTrue(calls_of(work)[-1].startswith("REFUSED gpubench run --quick --bogus"))

    def test_an_unknown_part_is_refused(self):
        done = subprocess.run(["bash", str(SCRIPT), "/nonexistent", str(self.temporary_folder()),
                               "most"],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 2)
        self.assertIn("not 'most'", done.stderr)


class DeviceSession(TemporaryFolders):
    """scripts/device-session.sh, as .carry/session.sh in a copy of the working tree elsewhere."""

    def session(self, built_path_taken):
        """Runs the checks part from a copy; returns (the run, the work folder, copy, built path)."""
        work = self.temporary_folder()
        copy, built = work / "device" / "repo", work / "build-machine" / "main"
        carry = copy / ".carry"
        env = stand_ins(work, carry / "build-device", environment={"OUT": str(work / "out")})
        (copy / "scripts").symlink_to(REPO / "scripts")
        install(carry, "session.sh", (REPO / "scripts" / "device-session.sh").read_text())
        (carry / "built-repo").write_text(f"{built}\n")
        if built_path_taken:
            built.mkdir(parents=True)
        done = subprocess.run(["bash", str(carry / "session.sh"), "checks"], env=env,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done, work, copy, built

    def test_the_built_path_leads_to_the_copy_and_the_part_runs(self):
        done, work, copy, built = self.session(built_path_taken=False)
        self.assertEqual(done.stderr, "")
        self.assertTrue(built.is_symlink())
        self.assertEqual(built.resolve(), copy.resolve())
        self.assertEqual((copy / "build-device").resolve(),
                         (copy / ".carry" / "build-device").resolve())
        self.assertTrue(any(call.startswith("ctest ") for call in calls_of(work)))
        self.assertEqual(sorted(path.name for path in (work / "out").iterdir()),
                         ["sanitizer.log", "tests.log"])

    def test_a_taken_built_path_is_named(self):
        done, _, _, built = self.session(built_path_taken=True)
        self.assertIn(f"session: {built} is not this copy", done.stderr)


def main():
    global REAL_GPUBENCH
    parser = argparse.ArgumentParser()
    parser.add_argument("--gpubench", required=True)
    arguments, rest = parser.parse_known_args()
    REAL_GPUBENCH = str(Path(arguments.gpubench).resolve())
    unittest.main(argv=[sys.argv[0], *rest])


if __name__ == "__main__":
    main()
