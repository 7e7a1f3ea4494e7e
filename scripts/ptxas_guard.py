#!/usr/bin/env python3
"""Compiler launcher for the sm_90a kernels (kernels/sm90a.cmake, gpubench_kernels_sm90a): runs the
compile command it is given and fails it when ptxas reports that it serialized wgmma or injected
warpgroup waits and arrivals into a kernel (its C75xx notes: C7517 "warpgroup.wait is injected",
C7519 "warpgroup.arrive is injected", C7520, C7510-C7515 "wgmma ... serialized").

ptxas prints these as "info", which no -Werror reaches, yet each one means the kernel's
tensor-core pipeline waits where the source says it should not: a peak or GEMM figure measured
with it is not the kernel that was written. Everything else the command prints passes through
unchanged; on failure the object file is removed, so the next build compiles it again.

Usage: ptxas_guard.py COMMAND [ARG...]   (e.g. ptxas_guard.py ccache nvcc ... -o x.o -c x.cu)
Exit: the command's own status, or 1 when it succeeded but ptxas printed a C75xx note."""

import os
import re
import subprocess
import sys

WGMMA_NOTE = re.compile(r"ptxas\s+(info|warning)\s*:\s*\((C75\d\d)\)")


def wgmma_notes(text):
    """The lines of compiler output that carry a C75xx note."""
    return [line for line in text.splitlines() if WGMMA_NOTE.search(line)]


def output_file(command):
    """The file after -o or --output-file, or None."""
    for i, arg in enumerate(command):
        if arg in ("-o", "--output-file") and i + 1 < len(command):
            return command[i + 1]
        if arg.startswith("--output-file="):
            return arg.split("=", 1)[1]
    return None


def main(argv):
    if len(argv) < 2:
        print("usage: ptxas_guard.py COMMAND [ARG...]", file=sys.stderr)
        return 2
    command = argv[1:]
    done = subprocess.run(command, stderr=subprocess.PIPE, text=True, errors="replace")
    notes = wgmma_notes(done.stderr)
    if done.returncode != 0 or not notes:
        sys.stderr.write(done.stderr)
        return done.returncode
    other = [line for line in done.stderr.splitlines() if not WGMMA_NOTE.search(line)]
    if other:
        print("\n".join(other), file=sys.stderr)
    for line in notes:
        print(f"error: {line.strip()}", file=sys.stderr)
    print(f"error: ptxas serialized wgmma or injected warpgroup waits in {len(notes)} place(s); "
          "keep accumulators in the registers the wgmma wrappers bind (see "
          "wgmma::fence_operands in kernels/common/wgmma.cuh).", file=sys.stderr)
    target = output_file(command)
    if target and os.path.exists(target):
        os.remove(target)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
