#pragma once
// `gpubench check` and `gpubench export` output, one format per file: text for a person
// (check_text.cpp), JSON with a schema version (check_json.cpp), JUnit XML for CI and Slurm health
// checks (check_junit.cpp), and OpenMetrics text for Prometheus (openmetrics.cpp).

#include <optional>
#include <string>
#include <vector>

#include "analysis/check.hpp"
#include "analysis/report.hpp"

namespace gpubench {

// One block per run: its identity, one line per check (verdict, what, evidence), its verdict.
std::string render_check_text(const std::vector<CheckedRun>& runs);

// {"schema": "gpubench-check", "schema_version" (kCheckJsonSchema), "verdict", "exit_code",
// "runs": [...]}.
std::string render_check_json(const std::vector<CheckedRun>& runs);

// JUnit XML (the Ant/Jenkins schema CI systems read): one <testsuite> per run, one <testcase>
// per check; FAIL is a <failure>, NOT CHECKED a <skipped>, WARN a pass with its evidence in
// <system-out>.
std::string render_check_junit(const std::vector<CheckedRun>& runs);

// What `gpubench export` publishes of one run: its check and its report's rows.
struct ExportedRun {
  CheckedRun checked;
  Report report;
};

// OpenMetrics text (also valid Prometheus text format 0.0.4: gauges only, no sample timestamps,
// which node_exporter's textfile collector and the Pushgateway refuse; the run's time is the
// gpubench_run_timestamp_seconds gauge). Every series carries the run's labels (gpu_model,
// spec_id, gpu_uuid, gpu_index, host, driver, cuda, gpubench_version; empty ones left out).
// Families: gpubench_run_timestamp_seconds, the primary figures {benchmark} in base units where
// Prometheus has them (gpubench_bandwidth_bytes_per_second, gpubench_latency_seconds), else as
// gpubench_<counter> (gpubench_tflops, gpubench_tops, gpubench_ops_per_s),
// gpubench_pct_of_spec{benchmark}, gpubench_check_status{check} (0 PASS, 1 WARN, 2 FAIL, -1 NOT
// CHECKED), gpubench_check_value_pct{check}, gpubench_check_warn_below_pct{check},
// gpubench_check_fail_below_pct{check}, gpubench_check_overall_status. Throws UserError when two
// runs carry the same labels (the same GPU twice).
std::string render_openmetrics(const std::vector<ExportedRun>& runs);

// Seconds since the Unix epoch of google/benchmark's "date" ("2026-11-28T21:25:11+00:00");
// nullopt when it does not read as such.
std::optional<long long> run_unix_seconds(const std::string& date);

}  // namespace gpubench
