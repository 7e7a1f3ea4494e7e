#!/usr/bin/env python3
"""Include rules of gpubench's layout (docs/development.md, "Rules the tests hold the code to"):

- kernels/<family>/ (every folder under kernels/, whatever its name) includes headers of
  kernels/common/ and of its own family only, never another family's: what two families share
  belongs in kernels/common/. kernels/common/ includes only kernels/common/. Kernel code includes
  no bench/ header (the harness calls kernels, not the other way round); include/gpubench/ is
  allowed.
- include/gpubench/ (the public interface) includes the standard library and include/gpubench/
  only: no CUDA, cuBLAS, NVML or CUPTI header, so code without the CUDA toolkit can use it.

Usage: check_includes.py [REPO_ROOT]. Exit 0 when every include keeps the rules, 1 otherwise (each
violation on its own line)."""

import re
import sys
from pathlib import Path

from source_check import run_check

SUFFIXES = {".cpp", ".hpp", ".cu", ".cuh", ".h", ".in"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
COMMON_FAMILY = "common"
# Headers of the CUDA toolkit and the NVIDIA libraries beside it, by name or folder.
CUDA_HEADER = re.compile(
    r"^(cuda|cublas|cufft|curand|cusparse|cusolver|cupti|nvml|nvrtc|nvToolsExt|nvtx|npp|nvjpeg|"
    r"cudnn|sm_\d|mma\.h|crt/|cub/|thrust/|cute/|cutlass/|nv/|device_|vector_types|"
    r"texture_|surface_|math_constants|library_types)")


def includes(path):
    """(line number, delimiter, included name) of each #include of a file."""
    found = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        match = INCLUDE.match(line)
        if match:
            found.append((number, match.group(1), match.group(2)))
    return found


def source_files(folder):
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SUFFIXES)


def kernel_include_problem(root, path, family, name):
    """Why `name`, included by `path` in kernels/<family>/, breaks the rules, or None."""
    resolved = name
    if not name.startswith("kernels/") and (path.parent / name).is_file():
        # A path relative to the including file: where it really lands decides.
        resolved = (path.parent / name).resolve().relative_to(root.resolve()).as_posix()
    if resolved.startswith("kernels/"):
        parts = resolved.split("/")
        target = parts[1] if len(parts) > 2 else ""
        if target == family or target == COMMON_FAMILY:
            return None
        if family == COMMON_FAMILY:
            return (f"includes {name}: kernels/common/ includes only kernels/common/; move what it "
                    f"needs there")
        return (f"includes {name}: kernels/{family}/ includes only kernels/common/ and its own "
                f"family; move what both need to kernels/common/")
    if name.startswith("gpubench/"):
        return None
    if (root / "bench" / name).is_file() or resolved.startswith("bench/"):
        return f"includes {name}: kernel code includes no bench/ header (layers only depend downward)"
    return None


def check_kernels(root):
    problems = []
    kernels = root / "kernels"
    for path in source_files(kernels):
        relative = path.relative_to(root).as_posix()
        parts = path.relative_to(kernels).parts
        family = parts[0] if len(parts) > 1 else ""
        for line, delimiter, name in includes(path):
            if delimiter != '"':
                continue
            problem = kernel_include_problem(root, path, family, name)
            if problem:
                problems.append(f"{relative}:{line}: {problem}")
    return problems


def check_public_headers(root):
    problems = []
    for path in source_files(root / "include" / "gpubench"):
        relative = path.relative_to(root).as_posix()
        for line, delimiter, name in includes(path):
            if delimiter == "<" and CUDA_HEADER.match(name):
                problems.append(f"{relative}:{line}: includes <{name}>: a public header includes no "
                                f"CUDA or NVIDIA library header")
            elif delimiter == '"' and not name.startswith("gpubench/"):
                problems.append(f"{relative}:{line}: includes \"{name}\": a public header includes "
                                f"only the standard library and gpubench/ headers")
    return problems


def check(root):
    return check_kernels(root) + check_public_headers(root)


def main():
    return run_check(check, "include rule(s) broken.",
                     "kernel families include only kernels/common/ and themselves; "
                     "public headers need no CUDA")


if __name__ == "__main__":
    sys.exit(main())
