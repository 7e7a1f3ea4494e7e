#!/usr/bin/env bash
# Set-up, configure and build. Usage: scripts/build.sh [preset [target...]] (see scripts/preset.sh):
# every target of the preset, or only those named. GPUBENCH_CMAKE_ARGS adds cache settings to the
# configure step (scripts/run.sh passes the present GPUs' architectures that way).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/scripts/preset.sh"
targets=("${@:2}")

bash "$repo/scripts/setup.sh"
source "$repo/.tools/env"
cd "$repo"
read -r -a configure_args <<<"${GPUBENCH_CMAKE_ARGS:-}"
cmake --preset "$preset" "${configure_args[@]}" >/dev/null
cmake --build --preset "$preset" -j "${GPUBENCH_JOBS:-2}" ${targets[@]+--target "${targets[@]}"}
