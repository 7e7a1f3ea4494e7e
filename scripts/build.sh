#!/usr/bin/env bash
# Set-up, configure and build. Usage: scripts/build.sh [preset] (see scripts/preset.sh).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/scripts/preset.sh"

bash "$repo/scripts/setup.sh"
source "$repo/.tools/env"
cd "$repo"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "${GPUBENCH_JOBS:-2}"
