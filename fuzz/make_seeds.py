#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora and dictionaries (fuzz/corpus/, fuzz/dict/) from the real H200
fixture runs and the sources that name the keys gpubench reads (the spec-sheet fuzzer seeds from
results/specs/ directly, see scripts/fuzz.sh). Rerun after the
results format, a spec sheet or a counter name changes; the output is committed."""
import json
import pathlib
import re
import shutil
import struct

repo = pathlib.Path(__file__).resolve().parent.parent
runs = repo / "tests/fixtures/runs/h200-b376421"
fuzz = repo / "fuzz"


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def family(run, prefix):
    """The first benchmark family whose name starts with prefix: its repetitions and aggregates."""
    first = next(b for b in run["benchmarks"] if b["name"].startswith(prefix))
    return [b for b in run["benchmarks"] if b["run_name"] == first["run_name"]]


def results_seeds():
    out = fuzz / "corpus/results_file"
    shutil.rmtree(out, ignore_errors=True)
    quick = json.loads((runs / "quick1.json").read_text())
    contended = json.loads((runs / "contended.json").read_text())
    full = json.loads((runs / "full.json").read_text())
    picks = {
        "stream_read": (quick, "memory/stream/read"),
        "l2_sweep": (quick, "memory/l2_sweep"),
        "latency": (full, "memory/latency"),
        "compute": (quick, "compute/"),
        "gemm": (quick, "gemm/"),
        "contended_compute": (contended, "compute/"),
    }
    for name, (run, prefix) in picks.items():
        cut = {"context": run["context"], "benchmarks": family(run, prefix)}
        write(out / f"{name}.json", json.dumps(cut, indent=2))
    # A plain google/benchmark file (no gpubench manifest), as other tools write them.
    plain_context = {k: v for k, v in quick["context"].items() if not k.startswith(("gpu", "cu"))}
    plain_context = {k: v for k, v in plain_context.items()
                     if k in ("date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
                              "cpu_scaling_enabled", "caches", "load_avg", "library_build_type")}
    plain = {"context": plain_context, "benchmarks": family(quick, "memory/stream/copy")[:3]}
    write(out / "plain_google_benchmark.json", json.dumps(plain))
    # A failed benchmark, and the bare NaN google/benchmark writes for an all-zero counter's cv.
    failed = dict(family(quick, "memory/stream/write")[0])
    failed.update({"error_occurred": True, "error_message": "verification failed: 3 of 8 wrong"})
    write(out / "failed_run.json",
          json.dumps({"context": quick["context"], "benchmarks": [failed]}))
    nan_text = json.dumps({"context": plain_context,
                           "benchmarks": family(quick, "memory/stream/copy")[-1:]})
    write(out / "bare_nan.json", nan_text.replace('"real_time": ', '"real_time": NaN, "x": ', 1))


def cli_seeds():
    out = fuzz / "corpus/cli_text"
    shutil.rmtree(out, ignore_errors=True)
    seeds = {
        "metric_regex": b"\x00bandwidth|tflops\nbandwidth_gbs",
        "metric_regex_anchor": b"\x00^(real|cpu)_time$\nreal_time",
        "compute_capability": b"\x018.9",
        "driver_versions": b"\x02580.159.04\n550.54.15",
        "driver_versions_text": b"\x02550.54.5\n550.54.05-beta",
        "dates": b"\x022026-01-31T10:00:00+01:00\n2026-01-31T09:30:00Z",
        "stream_bytes": b"\x03" + struct.pack("<qqq", 536870912, 60 << 20, 140 << 30),
    }
    for name, data in seeds.items():
        write(out / name, data)


def quoted_strings(path, pattern=r'"([A-Za-z0-9_./-]+)"'):
    """The quoted words of a source file that could be keys, units or values, comments' examples
    included ("AD104"); one with an elision ("gemm/.../mlp_up_t64") stands for many and is none."""
    return {k for k in re.findall(pattern, (repo / path).read_text()) if "..." not in k}


def spec_sources():
    """Every source of the spec-sheet model (bench/model/*spec*: the database, the directory
    loader, the sheet derived from device attributes), so that keys, units ("GB/s", "TFLOPS") and
    names a sheet may hold stay in the dictionary wherever the code that reads them moves."""
    return sorted(p.relative_to(repo).as_posix() for p in (repo / "bench/model").glob("*spec*")
                  if p.suffix in (".hpp", ".cpp"))


def dictionaries():
    """{dictionary name: its text}: the JSON tokens, then every key the sources name."""
    results_keys = (quoted_strings("bench/model/results_file.cpp")
                    | quoted_strings("bench/model/results_reader.cpp")
                    | quoted_strings("include/gpubench/results_schema.hpp")
                    | quoted_strings("include/gpubench/counters.hpp")
                    | {"context", "benchmarks", "iteration", "aggregate", "mean", "median",
                       "stddev", "cv", "ns", "us", "ms", "s"})
    spec_keys = (set().union(*(quoted_strings(path) for path in spec_sources()))
                 | {"value", "unit", "source", "derived", "note", "geforce", "datacenter"})
    json_tokens = ['"{"', '"}"', '"["', '"]"', '":"', '","', '"true"', '"false"', '"null"',
                   '"NaN"', '"-Infinity"', '"1e999"', '"\\\\u0000"', '"\\""']
    texts = {}
    for name, keys in (("results_file", results_keys), ("spec_sheet", spec_keys)):
        keys = sorted(k for k in keys if len(k) > 1 and not k.startswith(("model/", "gpubench/")))
        lines = json_tokens + [f'"\\"{k}\\""' for k in keys]
        texts[name] = "\n".join(lines) + "\n"
    return texts


def main():
    results_seeds()
    cli_seeds()
    for name, text in dictionaries().items():
        write(fuzz / f"dict/{name}.dict", text)


if __name__ == "__main__":
    main()
