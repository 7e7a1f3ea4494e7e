#!/usr/bin/env bash
# Prepares a session on a lent GPU machine, which has the CUDA toolkit, a driver and Python but
# none of the Debian libraries gpubench links and no network (../shared/device.md). Builds the
# "device" preset (SASS for sm_89 and sm_90, plus the sm_90a kernels) and fills .carry/ (ignored)
# with what that machine needs: the build tree without objects (binaries, CTest files, generated
# data), the shared libraries the binaries load from Debian packages, and session.sh, which there
# makes the paths the tests baked in lead to the copy and runs scripts/gpu-session.sh into $OUT.
# Then one device call: carry [".carry"], command `bash .carry/session.sh`.
# Usage: scripts/device-bundle.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$repo/scripts/build.sh" device
build="$repo/build-device"
carry="$repo/.carry"
rm -rf "$carry"
mkdir -p "$carry/lib" "$carry/build-device"
tar -C "$build" --exclude='*.o' --exclude='*.a' --exclude='./CMakeFiles' --exclude='./Testing' \
  --exclude='build.ninja' --exclude='.ninja_*' --exclude='compile_commands.json' -cf - . |
  tar -C "$carry/build-device" -xf -
# Libraries from Debian's library directories, except glibc's, libstdc++ and libgcc_s (which that
# machine has); CUDA's come from its toolkit.
ldd "$build/gpubench" "$build/gpubench_tests" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u |
  grep -E '^/(usr/)?lib/x86_64-linux-gnu/' |
  grep -vE '/(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s)\.so' |
  while read -r library; do cp -L "$library" "$carry/lib/"; done
cat >"$carry/session.sh" <<SESSION
#!/usr/bin/env bash
# Written by scripts/device-bundle.sh for a build in ${repo}. On the lent machine, from the
# repository root: bash .carry/session.sh (results under \$OUT, else ./gpu-out).
set -uo pipefail
here=\$(cd "\$(dirname "\${BASH_SOURCE[0]}")" && pwd)
repo=\$(cd "\$here/.." && pwd)
export LD_LIBRARY_PATH="\$here/lib:/usr/local/cuda/lib64:/usr/local/cuda/targets/x86_64-linux/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
# The test binary and CTest name the build machine's paths: make them lead to this copy.
built_repo="${repo}"
if [ "\$built_repo" != "\$repo" ] && [ ! -e "\$built_repo" ]; then
  mkdir -p "\$(dirname "\$built_repo")" && ln -s "\$repo" "\$built_repo"
fi
[ -e "\$repo/build-device" ] || ln -s "\$here/build-device" "\$repo/build-device"
bash "\$repo/scripts/gpu-session.sh" "\$repo/build-device" "\${OUT:-\$repo/gpu-out}"
SESSION
size_mib=$(du -sm "$carry" | cut -f1)
echo "$carry: ${size_mib} MiB ($(ls "$carry/lib" | tr '\n' ' '))"
if [ "$size_mib" -gt 60 ]; then
  echo "device-bundle: .carry is over the device tool's 64 MiB carry limit; leave something out" >&2
  exit 1
fi
