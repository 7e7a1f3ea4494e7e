#!/usr/bin/env bash
# Set-up, build, then every test. GPU tests report "Skipped" (never "Passed") without a device.
# Usage: scripts/test.sh [preset] (see scripts/preset.sh).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/scripts/preset.sh"

bash "$repo/scripts/build.sh" "$preset"
cd "$repo"
ctest --preset "$preset" --output-on-failure
