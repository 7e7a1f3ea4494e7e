// `gpubench report`: a results file as Markdown (terminals, pull requests), one self-contained
// HTML file (people) or JSON (dashboards), against this card's documented specs and the
// counterpart's; --headline prints only the opening figures as text. `--specs-only` compares two
// documented cards without a run or a GPU.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "analysis/report.hpp"
#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"
#include "platform/atomic_file.hpp"
#include "render/report_render.hpp"

namespace gpubench::cli {
namespace {

enum class Format { kMarkdown, kHtml, kJson };

Format format_of(const std::filesystem::path& out) {
  std::string extension = out.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".html" || extension == ".htm") return Format::kHtml;
  if (extension == ".md" || extension == ".markdown") return Format::kMarkdown;
  if (extension == ".json") return Format::kJson;
  throw UserError(fmt::format(
      "Cannot tell the report format from \"{}\": name the output file .html, .md or .json.",
      out.string()));
}

struct ReportCommandOptions {
  std::string run;
  std::vector<std::string> specs_only;
  std::string against;
  std::string benchmark;
  std::string out;
  bool no_plots = false;
  bool json = false;
  bool headline = false;
};

std::string html_with_plots(const Report& built, bool no_plots) {
  std::string problem;
  std::vector<EmbeddedPlot> plots;
  if (no_plots) {
    problem = "left out (--no-plots).";
  } else {
    plots = render_plots(built, problem);
    if (!problem.empty()) fmt::print(stderr, "gpubench: warning: no plots: {}\n", problem);
  }
  return render_html(built, plots, problem);
}

void check_options(const ReportCommandOptions& options) {
  if (!options.run.empty() && !options.specs_only.empty()) {
    throw UserError("Give either a results file or --specs-only ID_A ID_B, not both.");
  }
  if (options.run.empty() && options.specs_only.empty()) {
    throw UserError(
        "report needs a results file (gpubench report results/runs/<spec>/<driver>/<run>.json) "
        "or --specs-only ID_A ID_B.");
  }
  if (!options.specs_only.empty() && (!options.against.empty() || !options.benchmark.empty())) {
    throw UserError(
        "--against and --benchmark apply to a results file; with --specs-only name both ids.");
  }
  if (options.json && options.headline) {
    throw UserError("Give --json or --headline, not both.");
  }
  if ((options.json || options.headline) && !options.out.empty() &&
      format_of(options.out) != Format::kJson) {
    throw UserError("--json and --headline print to the terminal; leave out -o, or name a .json.");
  }
}

ExitCode report(const ReportCommandOptions& options) {
  check_options(options);
  Format format = options.out.empty() ? Format::kMarkdown : format_of(options.out);
  if (options.json) format = Format::kJson;

  const SpecDatabase& database = SpecDatabase::builtin();
  const Report built = options.specs_only.empty()
                           ? build_report(load_results_file(options.run), database,
                                          ReportOptions{options.against, options.benchmark})
                           : build_specs_only_report(database.at(options.specs_only[0]),
                                                     database.at(options.specs_only[1]));
  std::string text;
  if (options.headline) {
    text = render_headline_text(built);
  } else if (format == Format::kHtml) {
    text = html_with_plots(built, options.no_plots);
  } else if (format == Format::kJson) {
    text = render_report_json(built);
  } else {
    text = render_markdown(built);
  }
  if (options.out.empty()) {
    fmt::print("{}", text);
  } else {
    write_file_atomically(options.out, text);
    fmt::print("Report: {}\n", options.out);
  }
  return ExitCode::kOk;
}

}  // namespace

void add_report_command(CLI::App& app, ExitCode& result) {
  auto options = std::make_shared<ReportCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "report",
      "Report a results file against this card's documented specs and its counterpart's, with "
      "what it means for ML work, opening with the headline figures (Markdown, one HTML file with "
      "plots, or JSON); --specs-only needs no run and no GPU.");
  set_help_example(*command, "gpubench report run.json -o report.html");
  command->add_option("run", options->run, "Results file written by gpubench run");
  command
      ->add_option("--specs-only", options->specs_only,
                   "Compare two documented cards (ID_A ID_B) without a run")
      ->expected(2);
  command->add_option("--against", options->against,
                      "Counterpart spec id (default: the one the run used)");
  command->add_option("--benchmark", options->benchmark,
                      "Only the benchmarks whose name matches this regular expression");
  command->add_option("-o,--out", options->out,
                      "Write report.html (self-contained, with plots), report.md or report.json; "
                      "default: Markdown on stdout");
  command->add_flag("--json", options->json,
                    "The report's data as JSON (rows, headline, reasons, projections)");
  command->add_flag("--headline", options->headline, "Only the headline figures, as plain text");
  command->add_flag("--no-plots", options->no_plots, "HTML without plots (no Python needed)");
  command->callback([options, &result] { result = report(*options); });
}

}  // namespace gpubench::cli
