#!/usr/bin/env bash
# Runs on the lent GPU machine, as .carry/session.sh (scripts/device-bundle.sh copies it there with
# the build and the libraries it loads), from the repository root:
#   OUT=DIR bash .carry/session.sh [all|figures|bimodal|checks]   (results under $OUT, else ./gpu-out)
# The test binary and CTest name the paths of the machine that built them (.carry/built-repo):
# where that path is free here, it becomes a link to this copy; then scripts/gpu-session.sh runs.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cuda_libraries=/usr/local/cuda/lib64:/usr/local/cuda/targets/x86_64-linux/lib:/usr/local/cuda-13.0/targets/x86_64-linux/lib
export LD_LIBRARY_PATH="$here/lib:$cuda_libraries${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
built_repo=$(cat "$here/built-repo" 2>/dev/null) || built_repo=$repo
if [ "$built_repo" != "$repo" ] && [ ! -e "$built_repo" ]; then
  mkdir -p "$(dirname "$built_repo")" && ln -s "$repo" "$built_repo" ||
    echo "session: could not link $built_repo to $repo; tests that read fixtures will fail" >&2
fi
[ "$built_repo" = "$repo" ] || [ "$(readlink -f "$built_repo")" = "$repo" ] ||
  echo "session: $built_repo is not this copy; tests that read fixtures read it instead" >&2
[ -e "$repo/build-device" ] || ln -s "$here/build-device" "$repo/build-device"
bash "$repo/scripts/gpu-session.sh" "$repo/build-device" "${OUT:-$repo/gpu-out}" "$@"
