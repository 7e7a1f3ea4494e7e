#!/usr/bin/env bash
# Prints the CMake cache settings that build for the GPUs present and nothing else: their compute
# capabilities as GPUBENCH_CUDA_ARCHS, GPUBENCH_SM90A_KERNELS=ON only when one of them is 9.0
# (Hopper's wgmma/TMA kernels are sm_90a code, which runs on 9.0 alone) and GPUBENCH_SM120A_KERNELS=ON
# only when one is 12.0 or 12.1 (the FP4/FP6 mma.sync kernels are sm_120a/sm_121a code). Asks nvidia-smi, so the
# answer is there before anything is built. Exit 1 (nothing printed) when nvidia-smi is missing or
# lists no GPU whose compute capability it reports.
# Usage: scripts/native_archs.sh
set -uo pipefail
caps=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d ' \r' |
  grep -E '^[0-9]+\.[0-9]+$' | sort -u -V)
[ -n "$caps" ] || exit 1
archs=$(tr -d . <<<"$caps" | paste -sd ';')
sm90a=OFF
grep -qx '9.0' <<<"$caps" && sm90a=ON
sm120a=OFF
grep -qxE '12\.[01]' <<<"$caps" && sm120a=ON
echo "-DGPUBENCH_CUDA_ARCHS=$archs -DGPUBENCH_SM90A_KERNELS=$sm90a -DGPUBENCH_SM120A_KERNELS=$sm120a"
