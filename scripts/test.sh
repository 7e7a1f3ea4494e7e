#!/usr/bin/env bash
# Set-up, build, then every test. GPU tests report "Skipped" (never "Passed") without a device.
# Usage: scripts/test.sh [preset] (see scripts/preset.sh).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/scripts/preset.sh"

bash "$repo/scripts/build.sh" "$preset"
# CI runs the Slurm fleet test for real (tests/slurm/): it needs Slurm's daemons and MUNGE, which
# only CI installs unasked; elsewhere the test skips and says how to install them.
if [ "${CI:-}" = true ]; then bash "$repo/scripts/slurm/install.sh"; fi
cd "$repo"
ctest --preset "$preset" --output-on-failure
