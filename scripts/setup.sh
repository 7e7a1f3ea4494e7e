#!/usr/bin/env bash
# Installs everything gpubench needs to build and test; safe to run again (it skips what is there).
#  - Debian packages: compilers' companions, the libraries the build finds with find_package,
#    chromium, with which a test screenshots an HTML report headlessly, and clang for the fuzzers.
#  - From PyPI, into the git-ignored prefix .tools/ (never the system): cuobjdump and nvml.h when the
#    CUDA toolkit lacks them (pip-wheel toolkits do), matching the toolkit's major version.
# Exit codes: 0 ready, 2 something a person must install (said in one sentence).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$repo/.tools"
say() { printf 'setup: %s\n' "$*" >&2; }

apt_packages=(cmake ninja-build g++ libgtest-dev libgmock-dev libbenchmark-dev libfmt-dev
  nlohmann-json3-dev libsimdjson-dev libcli11-dev libtomlplusplus-dev clang-format python3 python3-matplotlib unzip
  chromium)
# The fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes.
apt_packages+=(clang libclang-rt-dev)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "these Debian/Ubuntu packages are missing and apt-get is not available: ${missing[*]}; install them and run again."
    exit 2
  fi
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  say "installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The CUDA toolkit: a user's CUDACXX or nvcc on PATH wins, else the standard install location.
nvcc_bin=${CUDACXX:-$(command -v nvcc || true)}
[ -n "$nvcc_bin" ] || nvcc_bin=/usr/local/cuda/bin/nvcc
if [ ! -x "$nvcc_bin" ]; then
  say "no CUDA compiler (nvcc) found: install the CUDA Toolkit 12.4 or newer (or set CUDACXX to its nvcc) and run again."
  exit 2
fi
cuda_root=$(cd "$(dirname "$nvcc_bin")/.." && pwd)
cuda_version=$("$nvcc_bin" --version | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1.\2/p')
cuda_major=${cuda_version%%.*}
cuda_minor=${cuda_version##*.}
if [ -z "$cuda_major" ] || [ "$cuda_major" -lt 12 ] || { [ "$cuda_major" -eq 12 ] && [ "$cuda_minor" -lt 4 ]; }; then
  say "CUDA Toolkit ${cuda_version:-unknown} at $cuda_root is too old: install 12.4 or newer and run again."
  exit 2
fi

# Fetches one wheel (any 13.x for major 13, ...) and unpacks it into .tools/pypi; pip only downloads,
# so an externally-managed system Python is left alone.
fetch_wheel() {
  local package=$1 marker=$2
  [ -e "$tools/pypi/$marker" ] && return 0
  if ! python3 -m pip --version >/dev/null 2>&1; then
    say "python3 -m pip is needed to fetch $package from PyPI: install python3-pip and run again."
    exit 2
  fi
  local tmp
  tmp=$(mktemp -d)
  say "fetching $package==$cuda_major.* from PyPI"
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "$package==$cuda_major.*"
  mkdir -p "$tools/pypi"
  for w in "$tmp"/*.whl; do unzip -q -o "$w" -d "$tools/pypi"; done
  rm -rf "$tmp"
}

cuobjdump_bin=$(command -v cuobjdump || true)
[ -n "$cuobjdump_bin" ] || [ ! -x "$cuda_root/bin/cuobjdump" ] || cuobjdump_bin="$cuda_root/bin/cuobjdump"
if [ -z "$cuobjdump_bin" ]; then
  fetch_wheel nvidia-cuda-cuobjdump "nvidia/cu$cuda_major/bin/cuobjdump"
  cuobjdump_bin="$tools/pypi/nvidia/cu$cuda_major/bin/cuobjdump"
  chmod +x "$cuobjdump_bin"
fi

# cuobjdump -sass runs nvdisasm, which pip toolkits lack too; it must sit beside cuobjdump (the
# audit points NVDISASM_PATH there).
if [ ! -x "$(dirname "$cuobjdump_bin")/nvdisasm" ]; then
  fetch_wheel nvidia-cuda-nvdisasm "nvidia/cu$cuda_major/bin/nvdisasm"
  if [ "$cuobjdump_bin" != "$tools/pypi/nvidia/cu$cuda_major/bin/cuobjdump" ]; then
    say "cuobjdump at $cuobjdump_bin has no nvdisasm beside it; using the PyPI pair instead"
    fetch_wheel nvidia-cuda-cuobjdump "nvidia/cu$cuda_major/bin/cuobjdump"
    cuobjdump_bin="$tools/pypi/nvidia/cu$cuda_major/bin/cuobjdump"
  fi
  chmod +x "$tools/pypi/nvidia/cu$cuda_major/bin/"*
fi

nvml_include=""
if [ ! -f "$cuda_root/include/nvml.h" ]; then
  fetch_wheel nvidia-nvml-dev "nvidia/cu$cuda_major/include/nvml.h"
  nvml_include="$tools/pypi/nvidia/cu$cuda_major/include"
fi

# The build reads these through CMakePresets.json's environment.
mkdir -p "$tools"
cat >"$tools/env.tmp" <<EOF
export CUDACXX="$nvcc_bin"
export GPUBENCH_CUOBJDUMP="$cuobjdump_bin"
export GPUBENCH_NVML_INCLUDE_DIR="$nvml_include"
EOF
mv "$tools/env.tmp" "$tools/env"
say "ready: CUDA $cuda_version at $cuda_root, cuobjdump $cuobjdump_bin${nvml_include:+, nvml.h from $nvml_include}"
