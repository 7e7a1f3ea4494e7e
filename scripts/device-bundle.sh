#!/usr/bin/env bash
# Prepares a session on a lent GPU machine, which has the CUDA toolkit, a driver and Python but
# none of the Debian libraries gpubench links, maybe no CMake, and no network. Builds the
# "device" preset (SASS for sm_89 and sm_90, plus the sm_90a kernels) and fills .carry/ (ignored)
# with what that machine needs: the build tree without objects (binaries, CTest files, generated
# data), the shared libraries the binaries load from Debian packages, and session.sh
# (scripts/device-session.sh), which there makes the paths the tests baked in lead to the copy and
# runs scripts/gpu-session.sh into $OUT.
# Then three device calls on the warm machine, carry [".carry"], commands
# `OUT=$OUT bash .carry/session.sh bimodal`, then `... figures`, then `... checks` (all three in
# one call take longer than the 600 s a device command may run).
# Usage: scripts/device-bundle.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$repo/scripts/build.sh" device
build="$repo/build-device"
carry="$repo/.carry"
rm -rf "$carry"
mkdir -p "$carry/lib" "$carry/build-device"
tar -C "$build" --exclude='*.o' --exclude='*.a' --exclude='CMakeFiles' --exclude='./Testing' \
  --exclude='build.ninja' --exclude='.ninja_*' --exclude='compile_commands.json' -cf - . |
  tar -C "$carry/build-device" -xf -
# Libraries from Debian's library directories, except glibc's, libstdc++ and libgcc_s (which that
# machine has, in versions that match its loader); CUDA's come from its toolkit.
libraries=$(ldd "$build/gpubench" "$build/gpubench_tests")
if grep -q 'not found' <<<"$libraries"; then
  echo "device-bundle: the binaries need libraries this machine lacks:" >&2
  grep 'not found' <<<"$libraries" | sort -u >&2
  exit 1
fi
awk '$2 == "=>" && $3 ~ /^\/(usr\/)?lib\/x86_64-linux-gnu\// {print $3}' <<<"$libraries" | sort -u |
  awk '!/\/(libc|libm|libmvec|libdl|libpthread|librt|libresolv|libutil|libnsl|libanl|libstdc\+\+|libgcc_s)\.so/' |
  while read -r library; do cp -L "$library" "$carry/lib/"; done
# scripts/device-session.sh runs there as .carry/session.sh; it links this checkout's path, which
# the tests baked in, to the copy.
cp "$repo/scripts/device-session.sh" "$carry/session.sh"
echo "$repo" >"$carry/built-repo"
size_mib=$(du -sm "$carry" | cut -f1)
echo "$carry: ${size_mib} MiB ($(ls "$carry/lib" | tr '\n' ' '))"
if [ "$size_mib" -gt 60 ]; then
  echo "device-bundle: .carry is over the device tool's 64 MiB carry limit; leave something out" >&2
  exit 1
fi
