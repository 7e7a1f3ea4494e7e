#pragma once
// The results file's contract (docs/results-schema.md). A gpubench results file is the JSON that
// google/benchmark writes (--benchmark_out_format=json), so other tools read it; gpubench adds
// entries to its "context" object (the manifest and the run's conditions, every value a string, as
// google/benchmark's custom context requires), counters to each record (counters.hpp), and a
// "reasons" list to each figure. Every key is written once, here: the writer (cli/cmd_run.cpp,
// model/results_file.cpp), the loader (model/results_reader.cpp), the readers in analysis/ and the
// fuzzers' dictionary (fuzz/make_seeds.py reads this file) take it from here.

#include <array>
#include <string_view>

namespace gpubench {

// Raised by a change that an older gpubench would misread: a renamed or removed key or counter, a
// changed unit or meaning. A new optional key does not raise it (readers accept files without it).
// The loader refuses a version it does not know rather than guess.
inline constexpr int kResultsSchemaVersion = 1;

namespace context_keys {

// The format version, kResultsSchemaVersion as text. Its presence marks a gpubench run: a plain
// google/benchmark file lacks it and is read without a manifest.
inline constexpr std::string_view kSchemaVersion = "gpubench_schema_version";

// The manifest: the device and the software under the figures. Required (kManifestKeys).
inline constexpr std::string_view kGpuName = "gpu_name";
inline constexpr std::string_view kGpuPciDeviceId = "gpu_pci_device_id";  // hexadecimal, or unknown
inline constexpr std::string_view kComputeCapability = "compute_capability";  // major.minor
inline constexpr std::string_view kSmCount = "sm_count";
inline constexpr std::string_view kDriverVersion = "driver_version";
inline constexpr std::string_view kCudaDriverVersion = "cuda_driver_version";
inline constexpr std::string_view kCudaRuntimeVersion = "cuda_runtime_version";
inline constexpr std::string_view kCublasVersion = "cublas_version";
inline constexpr std::string_view kGpubenchVersion = "gpubench_version";
inline constexpr std::string_view kGpuSpecId = "gpu_spec_id";

// Optional: files written before they existed lack them.
inline constexpr std::string_view kGpuIndex = "gpu_index";  // the CUDA ordinal
inline constexpr std::string_view kGpuUuid = "gpu_uuid";    // NVML's GPU UUID
inline constexpr std::string_view kGpuSpecMatchedBy = "gpu_spec_matched_by";
inline constexpr std::string_view kCounterpartSpecId = "counterpart_spec_id";
inline constexpr std::string_view kSuites = "gpubench_suites";
inline constexpr std::string_view kFilter = "gpubench_filter";    // only when --filter was given
inline constexpr std::string_view kProfile = "gpubench_profile";  // the profile's name
inline constexpr std::string_view kTiming = "gpubench_timing";    // only with a timing option
// How launches were timed: whether the stream was held while a sample was queued, and if not why
// (issue 27; files from before lack it, and their short rows include the host's submission time).
inline constexpr std::string_view kTimingMethod = "gpubench_timing_method";
// Only with --gemm, --gemm-file, --transfer-sizes or --sweep-sizes: the sizes a person asked for.
inline constexpr std::string_view kCustomSizes = "gpubench_custom_sizes";
inline constexpr std::string_view kKernelInspection = "gpubench_kernel_inspection";
inline constexpr std::string_view kStoppingRule = "gpubench_stopping_rule";
inline constexpr std::string_view kRunWallS = "gpubench_run_wall_s";
// The environment check: env_<item> holds each item's state, env_warning_<item> its warning.
inline constexpr std::string_view kEnvironmentPrefix = "env_";
inline constexpr std::string_view kEnvironmentWarningPrefix = "env_warning_";

// google/benchmark's own context entries that gpubench reads (host_name it also overwrites with
// the name the user chose).
inline constexpr std::string_view kHostName = "host_name";
inline constexpr std::string_view kDate = "date";

}  // namespace context_keys

inline constexpr std::string_view kSchemaVersionKey = context_keys::kSchemaVersion;

// The manifest keys every gpubench run carries; the loader refuses a gpubench run without one.
inline constexpr std::array<std::string_view, 10> kManifestKeys = {
    context_keys::kGpuName,
    context_keys::kGpuPciDeviceId,
    context_keys::kComputeCapability,
    context_keys::kSmCount,
    context_keys::kDriverVersion,
    context_keys::kCudaDriverVersion,
    context_keys::kCudaRuntimeVersion,
    context_keys::kCublasVersion,
    context_keys::kGpubenchVersion,
    context_keys::kGpuSpecId,
};

// The top-level objects of google/benchmark's file, and the list gpubench adds to each figure
// (the names of why it falls short of its peak, analysis/reasons.hpp; absent in older files).
inline constexpr std::string_view kContextKey = "context";
inline constexpr std::string_view kBenchmarksKey = "benchmarks";
inline constexpr std::string_view kReasonsKey = "reasons";

}  // namespace gpubench
