#!/usr/bin/env python3
"""Include rules of gpubench's layout (docs/development.md, "Rules the tests hold the code to"):

- kernels/<family>/ (every folder under kernels/, whatever its name) includes headers of
  kernels/common/ and of its own family only, never another family's: what two families share
  belongs in kernels/common/. kernels/common/ includes only kernels/common/. Kernel code includes
  no bench/ header (the harness calls kernels, not the other way round); include/gpubench/ is
  allowed.
- include/gpubench/ (the public interface) includes the standard library and include/gpubench/
  only: no CUDA, cuBLAS, NVML or CUPTI header, so code without the CUDA toolkit can use it.
- bench/<layer>/ (the host libraries, one per folder) includes only its own layer and the layers
  below it in HOST_LAYERS, never one above or beside it; only harness and cli include kernels/. A
  folder of bench/ that HOST_LAYERS does not name is a violation until it is placed there.

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


# The host layers (bench/<folder>/, one library each in bench/CMakeLists.txt) and the layers each
# may include directly, bottom to top: an arrow only ever points down. model: data, statistics, the
# results format; platform: NVML by dlopen, files, Python; analysis: report, compare, history as
# data; render: text, Markdown, HTML, JSON, plots; device: the CUDA runtime / cuBLAS probe;
# harness: google/benchmark's side and the suites, over kernels/; cli: the command line.
HOST_LAYERS = {
    "model": (),
    "platform": ("model",),
    "analysis": ("platform",),
    "render": ("analysis",),
    "device": ("platform",),
    "harness": ("device", "analysis", "kernels"),
    "cli": ("harness", "render", "device"),
}


def layers_below(layer):
    """Every layer `layer` may include: itself and, transitively, what HOST_LAYERS lets it use."""
    reachable, pending = {layer}, [layer]
    while pending:
        for lower in HOST_LAYERS.get(pending.pop(), ()):
            if lower not in reachable:
                reachable.add(lower)
                pending.append(lower)
    return reachable


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


def host_include_layer(root, path, name):
    """The layer (a folder of bench/, or "kernels") that `name`, included by `path`, lands in, or
    None for anything else (gpubench/, the standard library, third-party headers)."""
    candidates = [root / "bench" / name, path.parent / name, root / name]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        relative = candidate.resolve().relative_to(root.resolve()).parts
        if relative[0] == "bench" and len(relative) > 2:
            return relative[1]
        if relative[0] == "kernels":
            return "kernels"
        return None
    return "kernels" if name.startswith("kernels/") else None


def check_host_layers(root):
    problems = []
    bench = root / "bench"
    for path in source_files(bench):
        relative = path.relative_to(root).as_posix()
        parts = path.relative_to(bench).parts
        if len(parts) < 2:
            continue
        layer = parts[0]
        if layer not in HOST_LAYERS:
            problems.append(f"{relative}: bench/{layer}/ is no layer of scripts/check_includes.py's "
                            f"HOST_LAYERS; name the layers it may include there")
            continue
        allowed = layers_below(layer)
        for line, delimiter, name in includes(path):
            if delimiter != '"':
                continue
            target = host_include_layer(root, path, name)
            if target is None or target in allowed:
                continue
            where = "kernels/" if target == "kernels" else f"bench/{target}/"
            problems.append(f"{relative}:{line}: includes {name}: bench/{layer}/ includes only "
                            f"{', '.join(sorted(allowed))}, not {where} (layers only depend "
                            f"downward: {layer} -> {', '.join(HOST_LAYERS[layer]) or 'nothing'})")
    return problems


def check(root):
    return check_kernels(root) + check_public_headers(root) + check_host_layers(root)


def main():
    return run_check(check, "include rule(s) broken.",
                     "kernel families include only kernels/common/ and themselves; "
                     "public headers need no CUDA; host layers include only downward")


if __name__ == "__main__":
    sys.exit(main())
