#!/usr/bin/env bash
# Set-up, build, then every test. GPU tests report "Skipped" (never "Passed") without a device.
# Then the hardening checks: the whole build and every test again under AddressSanitizer + UBSan
# (preset "sanitize"), and each fuzz target for GPUBENCH_FUZZ_SECONDS (default 60) seconds
# (scripts/fuzz.sh). GPUBENCH_HARDENING=0 skips them, for a quicker local run.
# Usage: scripts/test.sh [preset] (see scripts/preset.sh).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/scripts/preset.sh"

bash "$repo/scripts/build.sh" "$preset"
# CI runs the Slurm fleet test for real (tests/slurm/): it needs Slurm's daemons and MUNGE, which
# only CI installs unasked; elsewhere the test skips and says how to install them.
# Likewise the Prometheus test (tests/prometheus/): Prometheus, node_exporter and the Pushgateway.
if [ "${CI:-}" = true ]; then
  bash "$repo/scripts/slurm/install.sh"
  bash "$repo/scripts/prometheus/install.sh"
fi
cd "$repo"
ctest --preset "$preset" --output-on-failure

if [ "${GPUBENCH_HARDENING:-1}" != 0 ]; then
  # Elapsed times in the log, so CI's budget (90 min on 2 cores) can be watched phase by phase.
  echo "test: ordinary build and tests took ${SECONDS}s"
  bash "$repo/scripts/build.sh" sanitize
  echo "test: sanitize build done at ${SECONDS}s"
  ctest --preset sanitize --output-on-failure -j "${GPUBENCH_JOBS:-2}"
  echo "test: sanitize tests done at ${SECONDS}s"
  bash "$repo/scripts/fuzz.sh" "${GPUBENCH_FUZZ_SECONDS:-60}"
  echo "test: fuzzing done at ${SECONDS}s"
fi
