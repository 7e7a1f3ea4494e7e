#!/usr/bin/env bash
# Prepares a session on a lent GPU machine, which has the CUDA toolkit, a driver and Python but
# none of the Debian libraries gpubench links, maybe no CMake, and no network. Builds the
# "device" preset (SASS for sm_89 and sm_90, plus the sm_90a kernels) and fills .carry/ (ignored)
# with what that machine needs: the build tree without objects (binaries, CTest files, generated
# data), the shared libraries the binaries load from Debian packages, and session.sh, which there
# makes the paths the tests baked in lead to the copy and runs scripts/gpu-session.sh into $OUT.
# Then three device calls on the warm machine, carry [".carry"], commands
# `OUT=$OUT bash .carry/session.sh figures`, then `... bimodal`, then `... checks` (all three in
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
cat >"$carry/session.sh" <<SESSION
#!/usr/bin/env bash
# Written by scripts/device-bundle.sh for a build in ${repo}. On the lent machine, from the
# repository root: bash .carry/session.sh [all|figures|bimodal|checks] (results under \$OUT, else
# ./gpu-out).
set -uo pipefail
here=\$(cd "\$(dirname "\${BASH_SOURCE[0]}")" && pwd)
repo=\$(cd "\$here/.." && pwd)
cuda_libraries=/usr/local/cuda/lib64:/usr/local/cuda/targets/x86_64-linux/lib:/usr/local/cuda-13.0/targets/x86_64-linux/lib
export LD_LIBRARY_PATH="\$here/lib:\$cuda_libraries\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
# The test binary and CTest name the build machine's paths: make them lead to this copy.
built_repo="${repo}"
if [ "\$built_repo" != "\$repo" ] && [ ! -e "\$built_repo" ]; then
  mkdir -p "\$(dirname "\$built_repo")" && ln -s "\$repo" "\$built_repo" ||
    echo "session: could not link \$built_repo to \$repo; tests that read fixtures will fail" >&2
fi
[ "\$built_repo" = "\$repo" ] || [ "\$(readlink -f "\$built_repo")" = "\$repo" ] ||
  echo "session: \$built_repo is not this copy; tests that read fixtures read it instead" >&2
[ -e "\$repo/build-device" ] || ln -s "\$here/build-device" "\$repo/build-device"
bash "\$repo/scripts/gpu-session.sh" "\$repo/build-device" "\${OUT:-\$repo/gpu-out}" "\$@"
SESSION
size_mib=$(du -sm "$carry" | cut -f1)
echo "$carry: ${size_mib} MiB ($(ls "$carry/lib" | tr '\n' ' '))"
if [ "$size_mib" -gt 60 ]; then
  echo "device-bundle: .carry is over the device tool's 64 MiB carry limit; leave something out" >&2
  exit 1
fi
