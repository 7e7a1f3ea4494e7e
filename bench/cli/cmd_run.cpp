// `gpubench run`: runs the selected suites in-process through google/benchmark and publishes one
// results file (google/benchmark JSON plus the device manifest), written under a temporary name and
// renamed into place only when the run finished.

#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/check_thresholds.hpp"
#include "analysis/environment_check.hpp"
#include "analysis/reasons.hpp"
#include "analysis/run_summary.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "cli/probe.hpp"
#include "cli/run_devices.hpp"
#include "cli/run_gemm_options.hpp"
#include "cli/run_timing_options.hpp"
#include "device/device_probe.hpp"
#include "gpubench/counters.hpp"
#include "gpubench/results_schema.hpp"
#include "harness/progress.hpp"
#include "harness/registration.hpp"
#include "harness/suites/suites.hpp"
#include "harness/telemetry.hpp"
#include "kernels/common/cuda_check.hpp"
#include "model/profile.hpp"
#include "model/results_file.hpp"
#include "model/sample_log.hpp"
#include "model/sampling_budget.hpp"
#include "model/spec_database.hpp"
#include "model/text_excerpt.hpp"
#include "platform/atomic_file.hpp"
#include "platform/host_name.hpp"

namespace gpubench::cli {
namespace {

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

// Keeps only characters safe in a path component.
std::string path_safe(std::string text) {
  for (char& c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    if (!safe) c = '-';
  }
  return text;
}

// Removes the temporary results file unless the run published it.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    std::error_code ignored;
    if (!published_) std::filesystem::remove(path_, ignored);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void publish_as(const std::filesystem::path& target) {
    std::filesystem::rename(path_, target);
    published_ = true;
  }

 private:
  std::filesystem::path path_;
  bool published_ = false;
};

// The pre-run environment check: printed, and returned as env_* manifest entries. Warnings only.
std::map<std::string, std::string> check_and_print_environment(
    const DeviceInfo& device, const std::optional<std::string>& nvml_problem) {
  if (!device.nvml) {
    return {{"env_platform", platform_finding(nullptr, detect_host_facts()).state},
            {"env_nvml", "unavailable"},
            {"env_warning_nvml",
             fmt::format("NVML was unavailable, so the environment was not checked and no "
                         "telemetry was recorded: {}",
                         nvml_problem.value_or("the driver did not report this GPU."))}};
  }
  const auto findings =
      check_environment(*device.nvml, static_cast<std::uint32_t>(::getpid()), detect_host_facts());
  fmt::print("Environment of GPU {} ({}):\n", device.ordinal, device.pci_bus_id);
  std::size_t key_width = 0;  // the widest key (the ECC counts' are 24 characters)
  for (const EnvironmentFinding& finding : findings)
    key_width = std::max(key_width, finding.key.size());
  for (const EnvironmentFinding& finding : findings)
    fmt::print("  {:<{}} {}\n", finding.key, key_width, finding.state);
  std::fflush(stdout);
  for (const EnvironmentFinding& finding : findings) {
    if (!finding.warning.empty()) fmt::print(stderr, "gpubench: warning: {}\n", finding.warning);
  }
  return environment_context(findings);
}

struct RunCommandOptions {
  std::string suites = all_suite_names();
  bool quick = false;
  bool full = false;
  std::string device;  // one ordinal; several ("0,2", "all") run through run_on_devices
  std::string against;
  std::string out;
  std::string out_suffix;         // appended to the default file name ("-gpu1")
  std::string results_path_file;  // where to write the published results file's path
  std::string host_name;          // platform/host_name.hpp's, decided before anything runs
  std::optional<std::int64_t> bytes;
  bool no_inspect = false;
  std::string filter;  // --filter: a regular expression over benchmark names
  bool verbose = false;
  bool strict = false;
  // Issue 27's diagnostics: every sample into a side file, and timing other than the figures of
  // record (no L2 flush, batches, no stream hold), which the results file names in gpubench_timing.
  std::string samples_out;
  TimingCliOptions timing;  // --no-l2-flush, --batch, --no-stream-hold
  bool check = false;       // --check: gpubench check on the published file
  std::string thresholds;   // --thresholds for --check
  CustomSelection custom;   // --gemm, --transfer-sizes, ...: rows instead of the profile's
};

// The device, its documented sheet and the counterpart's, and the run's profile: everything the
// suites need, decided before anything is registered.
struct RunSetup {
  ProbedDevices probed;
  SpecMatch match;
  std::string against;
  std::optional<SpecSheet> counterpart;
};

RunSetup set_up(const RunCommandOptions& options) {
  RunSetup setup;
  setup.probed = probe_devices(options.device.empty() ? 0 : std::stoi(options.device));
  const DeviceInfo& device = setup.probed.devices.front();
  if (setup.probed.nvml_problem) {
    fmt::print(stderr, "gpubench: warning: {}\n", *setup.probed.nvml_problem);
  }
  GPUBENCH_CUDA_CHECK(cudaSetDevice(device.ordinal));
  const SpecDatabase& database = SpecDatabase::builtin();
  setup.match = match_device(database, device);
  if (!setup.match.warning.empty()) {
    fmt::print(stderr, "gpubench: warning: {}.\n", setup.match.warning);
  }
  setup.against = options.against.empty() ? setup.match.sheet.counterpart : options.against;
  if (!setup.against.empty()) setup.counterpart = database.at(setup.against);
  return setup;
}

std::filesystem::path results_target(const RunCommandOptions& options, const RunSetup& setup) {
  const std::string file_name = fmt::format("{}-{}{}.json", utc_timestamp(),
                                            path_safe(options.host_name), options.out_suffix);
  if (!options.out.empty()) {
    // A directory (existing, or named with a trailing slash) gets the default file name.
    if (std::filesystem::is_directory(options.out) || options.out.ends_with('/')) {
      return std::filesystem::path(options.out) / file_name;
    }
    return options.out;
  }
  const DeviceInfo& device = setup.probed.devices.front();
  return std::filesystem::path("results") / "runs" / path_safe(setup.match.sheet.id) /
         path_safe(device.driver_version.value_or("unknown-driver")) / file_name;
}

// The manifest and the run's conditions, as google/benchmark context entries of the results file.
void add_run_context(const RunCommandOptions& options, const RunSetup& setup,
                     SuiteContext& context) {
  const DeviceInfo& device = setup.probed.devices.front();
  for (const auto& [key, value] : make_manifest(device, setup.match.sheet.id)) {
    benchmark::AddCustomContext(key, value);
  }
  for (const auto& [key, value] : check_and_print_environment(device, setup.probed.nvml_problem)) {
    benchmark::AddCustomContext(key, value);
  }
  benchmark::AddCustomContext(std::string(context_keys::kGpuSpecMatchedBy),
                              std::string(to_string(setup.match.how)));
  benchmark::AddCustomContext(std::string(context_keys::kCounterpartSpecId), setup.against);
  benchmark::AddCustomContext(std::string(context_keys::kSuites), options.suites);
  if (!options.filter.empty())
    benchmark::AddCustomContext(std::string(context_keys::kFilter), options.filter);
  if (const std::string custom = describe_custom(options.custom); !custom.empty()) {
    benchmark::AddCustomContext(std::string(context_keys::kCustomSizes), custom);
  }
  benchmark::AddCustomContext(std::string(context_keys::kProfile),
                              std::string(context.options().profile.name));
  if (const std::string timing = timing_conditions(options.timing); !timing.empty()) {
    benchmark::AddCustomContext(std::string(context_keys::kTiming), timing);
  }
  benchmark::AddCustomContext(std::string(context_keys::kTimingMethod), context.timing_method());
  benchmark::AddCustomContext(std::string(context_keys::kKernelInspection),
                              options.no_inspect ? "off (--no-inspect)" : "CUPTI, untimed");
  const StoppingRule& stopping = context.options().profile.stopping;
  const auto reference = context.throttle_reference_clock();
  benchmark::AddCustomContext(
      std::string(context_keys::kStoppingRule),
      fmt::format("median known to +/-{}% ({}% order-statistic interval) after >= {} samples, "
                  "or {} s per repetition, up to {}x that on time other repetitions left ({}% of "
                  "it lent); {}",
                  stopping.target_median_uncertainty * 100, stopping.confidence * 100,
                  stopping.min_samples, stopping.budget_s, SamplingBudget::kDefaultMaxShareMultiple,
                  SamplingBudget::kDefaultLendFraction * 100,
                  reference ? fmt::format("samples below {}% of {:.0f} MHz ({}) dropped",
                                          stopping.throttle_fraction * 100, reference->mhz,
                                          reference->source)
                            : std::string("no reference clock, no sample dropped")));
}

struct BenchmarksRun {
  std::size_t selected = 0;
  std::size_t finished = 0;
  double wall_s = 0;
};

// Runs what the suites registered, writing google/benchmark's JSON to `json_path`, then clears
// the registrations (they own suite state such as cuBLAS handles: freed while CUDA is still up).
// The benchmarks the run visits: every registered one, or those --filter selects (said on
// stdout). None selected is a UserError, raised before anything is written.
std::vector<std::string> select_benchmarks(const std::string& filter) {
  if (filter.empty()) return list_benchmarks({});
  const std::size_t registered = list_benchmarks({}).size();
  std::vector<std::string> names = list_benchmarks({"--benchmark_filter=" + filter});
  if (names.empty()) {
    benchmark::ClearRegisteredBenchmarks();  // they own suite state: freed while CUDA is up
    throw UserError(fmt::format(
        "--filter \"{}\" selects none of the {} benchmarks of the chosen suites; give a regular "
        "expression that matches names such as memory/stream/triad or gemm/cublas/fp16.",
        escaped_excerpt(filter, 80), registered));
  }
  fmt::print("--filter \"{}\" selected {} of {} benchmarks.\n", escaped_excerpt(filter, 80),
             names.size(), registered);
  return names;
}

// Runs the selected benchmarks, writing google/benchmark's JSON to `json_path`, then clears the
// registrations (they own suite state such as cuBLAS handles: freed while CUDA is still up).
BenchmarksRun run_selected(const RunCommandOptions& options, const Profile& profile,
                           const std::vector<std::string>& names,
                           const std::filesystem::path& json_path) {
  std::vector<std::string> flags = {"--benchmark_out=" + json_path.string(),
                                    "--benchmark_out_format=json",
                                    "--benchmark_counters_tabular=true",
                                    fmt::format("--benchmark_repetitions={}", profile.repetitions),
                                    kOneIterationPerRepetitionFlag};
  if (!options.filter.empty()) flags.push_back("--benchmark_filter=" + options.filter);
  initialize_benchmark(flags);
  ProgressReporter progress(names, ::isatty(STDERR_FILENO) != 0, options.verbose);
  const auto start = std::chrono::steady_clock::now();
  benchmark::RunSpecifiedBenchmarks(&progress);
  BenchmarksRun run{
      .selected = names.size(),
      .finished = progress.finished(),
      .wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  benchmark::Shutdown();
  benchmark::ClearRegisteredBenchmarks();
  return run;
}

// Writes "reasons" (analysis/reasons.hpp) into every figure of the file: the vocabulary names
// of why it falls short of its peak, an empty list when it does not.
void add_reasons(nlohmann::ordered_json& file, const ResultsFile& parsed) {
  const ReasonContext context = reason_context(parsed, SpecDatabase::builtin());
  auto& benchmarks = file[std::string(kBenchmarksKey)];
  for (std::size_t i = 0; i < parsed.benchmarks.size() && i < benchmarks.size(); ++i) {
    const BenchmarkRecord& record = parsed.benchmarks[i];
    if (record.error_occurred || !record_takes_reasons(record)) continue;
    benchmarks[i][std::string(kReasonsKey)] = record_reasons(record, context);
  }
}

// Lists the benchmarks with a repetition measured on a shared GPU; true when there are any.
bool warn_contended(const ResultsFile& results, bool strict) {
  const std::set<std::string> names = contended_benchmarks(results);
  if (names.empty()) return false;
  fmt::print(stderr,
             "gpubench: {} benchmark{} measured while another process or activity shared the "
             "GPU (contended: the figures describe the sharing){}:\n",
             names.size(), names.size() == 1 ? " was" : "s were",
             strict ? "; --strict makes this a failure" : "");
  for (const auto& name : names)
    fmt::print(stderr, "  {}\n", name);
  return true;
}

// Non-finite statistics as null, the run's wall time (only known now) joins the manifest, the host
// name google/benchmark recorded (the system's) becomes the chosen one, and each figure gets its
// reasons.
void complete_results_file(const std::filesystem::path& path, double run_wall_s,
                           const std::string& host) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string json_text = text.str();
  if (const std::size_t replaced = replace_non_finite_values(json_text); replaced > 0) {
    fmt::print(stderr,
               "gpubench: note: {} non-finite statistic{} (e.g. the spread of an all-zero "
               "counter) written as null.\n",
               replaced, replaced == 1 ? "" : "s");
  }
  // The quick <= 20 s and full <= 120 s targets are read from it.
  auto file = nlohmann::ordered_json::parse(json_text);
  file[std::string(kContextKey)][std::string(context_keys::kRunWallS)] =
      fmt::format("{:.1f}", run_wall_s);
  file[std::string(kContextKey)][std::string(context_keys::kHostName)] = host;
  add_reasons(file, parse_results(json_text, path));
  write_file_atomically(path, file.dump(2));
}

ExitCode print_outcome(const ResultsFile& results, const BenchmarksRun& run, const Profile& profile,
                       const std::filesystem::path& target, bool strict) {
  std::set<std::string> failed;
  for (const BenchmarkRecord& record : results.benchmarks) {
    if (record.error_occurred) failed.insert(record.run_name + ": " + record.error_message);
  }
  fmt::print("\n{}\n{} benchmarks ({} profile) in {:.1f} s. Results: {}\n",
             format_run_summary(results), run.selected, profile.name, run.wall_s, target.string());
  warn_contended(results, strict);
  if (failed.empty()) return run_exit_code(results, strict);
  fmt::print(stderr, "gpubench: {} benchmark{} FAILED (no figure reported for {}):\n",
             failed.size(), failed.size() == 1 ? "" : "s", failed.size() == 1 ? "it" : "them");
  for (const auto& failure : failed)
    fmt::print(stderr, "  {}\n", failure);
  return ExitCode::kRegressionOrFailedCheck;
}

ExitCode run(const RunCommandOptions& options) {
  // A bad thresholds file is refused before the run, not after it.
  if (!options.thresholds.empty()) (void)load_thresholds(options.thresholds);
  const std::vector<const Suite*> suites = parse_suite_list(options.suites);
  const RunSetup setup = set_up(options);
  const Profile& profile = options.quick ? quick_profile() : full_profile();
  SampleLog sample_log;
  SamplingBudget sampling_budget;
  SuiteContext context(setup.probed.devices.front(), setup.match.sheet, setup.counterpart,
                       RunOptions{.profile = profile,
                                  .stream_array_bytes = options.bytes,
                                  .inspect_kernels = !options.no_inspect,
                                  .sample_log = options.samples_out.empty() ? nullptr : &sample_log,
                                  .sampling_budget = &sampling_budget,
                                  .flush_l2 = !options.timing.no_l2_flush,
                                  .launches_per_sample = options.timing.batch,
                                  .hold_stream = !options.timing.no_stream_hold,
                                  .custom_gemms = options.custom.gemms.rows,
                                  .transfer_bytes = options.custom.transfer_bytes,
                                  .sweep_bytes = options.custom.sweep_bytes});
  for (const Suite* suite : suites)
    suite->register_benchmarks(context);
  const std::vector<std::string> names = select_benchmarks(options.filter);

  const std::filesystem::path target = results_target(options, setup);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  TemporaryFile temporary(target.string() + fmt::format(".tmp.{}", ::getpid()));
  add_run_context(options, setup, context);

  // Ctrl-C from here on: stop after the current benchmark and publish nothing.
  install_interrupt_handler(temporary.path());
  const BenchmarksRun benchmarks_run = run_selected(options, profile, names, temporary.path());
  context.release_cache();
  restore_interrupt_handler();
  throw_if_gpu_lost();  // one sentence, exit 2; the temporary results file is removed by its guard
  if (interrupted()) {
    // The temporary results file is removed by its guard; nothing appears under the final name.
    fmt::print(stderr,
               "gpubench: interrupted after {} of {} benchmarks; no results file was written.\n",
               benchmarks_run.finished, benchmarks_run.selected);
    return ExitCode::kInterrupted;
  }
  complete_results_file(temporary.path(), benchmarks_run.wall_s, options.host_name);
  const ResultsFile results = load_results_file(temporary.path());
  temporary.publish_as(target);
  if (!options.samples_out.empty()) {
    write_file_atomically(options.samples_out, sample_log.to_json());
    fmt::print("Per-sample values of {} repetitions: {}\n", sample_log.size(), options.samples_out);
  }
  if (!options.results_path_file.empty()) {
    write_file_atomically(options.results_path_file, target.string());
  }
  const ExitCode outcome = print_outcome(results, benchmarks_run, profile, target, options.strict);
  if (!options.check) return outcome;
  fmt::print("\n");
  const ExitCode checked = check_results_files({target.string()}, options.thresholds, "", false);
  return outcome == ExitCode::kOk ? checked : outcome;
}

}  // namespace

void add_run_command(CLI::App& app, ExitCode& result) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Run benchmark suites on a GPU, verify every output, and write a results file.");
  set_help_example(*command, "gpubench run --quick --out run.json");
  std::string suite_help = "Comma-separated suites (default: all):";
  for (const Suite& suite : all_suites())
    suite_help += fmt::format("\n  {:<8} {}", suite.name, suite.description);
  auto* suite_option = command->add_option("--suite", options->suites, suite_help);
  auto* quick = command->add_flag("--quick", options->quick, "Few sizes and repetitions");
  command->add_flag("--full", options->full, "Every size (the default)")->excludes(quick);
  command->add_option("--device", options->device,
                      "CUDA device ordinal (default 0), a list such as 0,2, or all: each GPU in "
                      "turn, one results file per GPU");
  command->add_option("--against", options->against,
                      "Spec id to compare with (default: the card's counterpart)");
  command->add_option("--out", options->out,
                      "Results file, or a directory for it (default "
                      "results/runs/<spec>/<driver>/<UTC>-<host>.json; <host>, also recorded in "
                      "the file: $GPUBENCH_HOST_NAME if set, else the system's host name)");
  // Set by run_on_devices for each GPU's run; not for people.
  command->add_option("--out-suffix", options->out_suffix)->group("");
  command->add_option("--results-path-file", options->results_path_file)->group("");
  command->add_option("--bytes", options->bytes,
                      "Size of each STREAM array in bytes (default: max(4 x L2, 512 MiB))");
  command->add_flag("--no-inspect", options->no_inspect,
                    "Skip CUPTI's untimed look at each GEMM's kernels and tensor pipe");
  command->add_option("--filter", options->filter,
                      "Run only the benchmarks whose names match this regular expression, e.g. "
                      "--filter 'memory/stream|gemm/cublas/fp16'");
  command->add_flag("--verbose", options->verbose,
                    "Also print google/benchmark's context and result tables");
  command->add_flag("--strict", options->strict,
                    "Exit 1 when any figure was measured while the GPU was shared (contended)");
  command->add_option("--samples-out", options->samples_out,
                      "Also write every timed sample of every repetition to this JSON file (a "
                      "side file; the results file keeps one median per repetition)");
  add_timing_options(*command, options->timing);
  command->add_flag("--check", options->check,
                    "Then judge the results file as gpubench check does; exit 1 on any FAIL");
  command->add_option("--thresholds", options->thresholds,
                      "Thresholds file (TOML) for --check (docs/health-check.md)");
  auto gemm = std::make_shared<GemmCliOptions>();
  add_gemm_options(*command, *gemm);
  command->callback([options, gemm, suite_option, &result] {
    // Before anything touches CUDA: a dry run needs no GPU, and bad sizes are refused first.
    if (const auto listed = take_custom_sizes(*gemm, suite_option->count() > 0,
                                              options->quick ? quick_profile() : full_profile(),
                                              options->suites, options->custom)) {
      result = *listed;
      return;
    }
    options->host_name = host_name();  // a bad GPUBENCH_HOST_NAME fails before any GPU is touched
    if (!options->samples_out.empty() && !names_one_device(options->device)) {
      throw UserError("--samples-out takes a run on one GPU; give --device a single ordinal.");
    }
    // Refused before any GPU time is spent: the side file is written when the run ends.
    if (const auto folder = std::filesystem::path(options->samples_out).parent_path();
        !folder.empty() && !std::filesystem::is_directory(folder)) {
      throw UserError(fmt::format("--samples-out {}: the folder {} does not exist.",
                                  options->samples_out, folder.string()));
    }
    result = names_one_device(options->device)
                 ? run(*options)
                 : run_on_devices(parse_device_list(options->device, visible_device_count()),
                                  options->out);
  });
}

}  // namespace gpubench::cli
