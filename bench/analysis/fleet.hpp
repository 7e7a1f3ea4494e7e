#pragma once
// `gpubench fleet`: results files from many nodes (host + GPU), grouped by GPU model and profile;
// per benchmark's primary figure, the fleet median, its spread, and every node significantly worse
// than the fleet median by more than a threshold, judged by the same rule as `gpubench compare`.
// Unreadable files, failed nodes, failed benchmarks and contended figures are listed, never
// dropped silently.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/compare.hpp"
#include "analysis/compare_samples.hpp"
#include "analysis/history.hpp"
#include "analysis/verdict.hpp"

namespace gpubench {

// What a batch job writes beside a node's results (scripts/slurm/gpubench.sbatch, the Kubernetes
// Job): one `key=value` per line, `host_name`, `exit_code` (of `gpubench run`), optionally
// `task` (the array task), `devices` and `message` (the run's last line on stderr). A node whose
// run exited 2 had no usable GPU, driver or NVML.
inline constexpr std::string_view kNodeStatusFileName = "gpubench-run.status";
inline constexpr std::string_view kNoUsableGpu = "no usable GPU on this node";
inline constexpr std::string_view kUnknownProfile = "unknown profile";

struct FleetOptions {
  double alpha = 0.05;
  double threshold = 0.05;  // relative, 0.05 = 5%
  std::optional<std::string> benchmark_regex;
  unsigned jobs = 0;  // reader threads; 0: one per hardware thread
};

// One GPU in one host, as its results file names it.
struct FleetNode {
  std::string host_name;
  std::string gpu_index;  // "" when the file predates the field
  std::string gpu_uuid;   // ""
  std::string driver_version;
  std::string date;
  std::filesystem::path path;
};
// "host" or "host/gpu0".
std::string node_label(const FleetNode& node);

// A node's status file that says its run did not succeed.
struct FailedNode {
  std::string host_name;
  std::string task;  // the batch job's task, "" when not recorded
  std::string devices;
  int exit_code = 0;
  std::string reason;   // kNoUsableGpu for exit code 2, ...
  std::string message;  // the run's own last words, when recorded
  std::filesystem::path status_file;
};

// A benchmark on one node that is listed instead of judged.
struct NodeBenchmarkNote {
  std::size_t node = 0;  // index into FleetGroup::nodes
  std::string benchmark;
  std::string reason;
};

struct NodeFigure {
  std::size_t node = 0;  // index into FleetGroup::nodes
  std::size_t n = 0;     // repetitions
  double median = 0;
  double deviation = 0;  // (median - fleet median) / fleet median
  // The node's repetitions against those of the reference nodes (the nodes whose medians lie
  // nearest the fleet median, the node itself excluded). Empty with a single node.
  std::optional<Judgement> judgement;
  bool flagged = false;  // worse than the fleet median by more than the threshold, and SLOWER
};

struct FleetSeries {
  std::string benchmark;
  std::string metric;  // the primary figure
  std::string unit;    // time unit for real_time, "" for counters
  Direction direction = Direction::kNone;
  double fleet_median = 0;  // median of the node medians
  double spread = 0;        // relative IQR of the node medians
  double min = 0;
  double max = 0;
  bool headline = false;
  std::vector<NodeFigure> figures;  // in node order
};

struct FleetGroup {
  std::string gpu_name;
  std::string profile;
  std::vector<FleetNode> nodes;              // by host, then GPU
  std::vector<FleetNode> superseded;         // older runs of a node that has a newer one
  std::vector<FleetSeries> series;           // in the order the benchmarks first appear
  std::vector<NodeBenchmarkNote> failed;     // benchmarks that failed on a node
  std::vector<NodeBenchmarkNote> contended;  // figures taken while something else used the GPU
  std::size_t flagged_count() const;
};

struct Fleet {
  FleetOptions options;
  std::size_t files_read = 0;
  std::vector<SkippedFile> unreadable;   // results and status files that could not be used
  std::vector<FailedNode> failed_nodes;  // by host
  std::vector<FleetGroup> groups;        // by GPU name, then profile
  bool any_flagged() const;
};

// Reads a node status file. Throws UserError naming the file when it is unreadable or lacks
// host_name or a numeric exit_code.
FailedNode read_node_status(const std::filesystem::path& path);
// "host" or "host (task N)".
std::string failed_node_label(const FailedNode& node);
// The sentence for a run's exit code: kNoUsableGpu for 2, ...
std::string describe_run_exit(int exit_code);

// Every node status file under the directories (recursively), and each input named directly whose
// file name is kNodeStatusFileName, sorted.
std::vector<std::filesystem::path> collect_node_status_files(
    const std::vector<std::filesystem::path>& inputs);

// A run's headline figures (STREAM triad, FP32 FFMA peak, the largest cuBLAS FP16 GEMM, the largest
// pinned H2D copy), one per label in headline_labels(), empty where the run has none: the figures
// `gpubench run --device all` prints per GPU and the fleet report plots per node.
struct NodeHeadline {
  std::string benchmark;
  std::string metric;
  std::string unit;
  double median = 0;
};
std::vector<std::string_view> headline_labels();
std::vector<std::optional<NodeHeadline>> headline_figures(const ResultsFile& file);

// Reads the results files (in parallel) and the status files, and judges every node. Throws
// UserError for options out of range or a bad --benchmark regex.
Fleet build_fleet(const std::vector<std::filesystem::path>& result_files,
                  const std::vector<std::filesystem::path>& status_files,
                  const FleetOptions& options);

}  // namespace gpubench
