// The report's plots: gpubench writes what to draw as JSON, scripts/plot.py (matplotlib) draws
// PNGs, and the HTML embeds them. The script is compiled into the binary, so an installed gpubench
// needs only a Python with matplotlib.

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gpubench/headlines.hpp"
#include "platform/python_script.hpp"
#include "render/json_values.hpp"
#include "render/report_render.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json card_json(const SpecSheet& sheet) {
  // The roofs of the two headline compute rates, FP32 and FP16 tensor with FP32 accumulate.
  ordered_json roofs = ordered_json::array();
  for (const headlines::Headline& roof : {headlines::kFp32Ffma, headlines::kFp16Gemm}) {
    if (const auto peak = sheet.number(roof.spec_key)) {
      roofs.push_back({{"label", std::string(roof.label)}, {"tflops", *peak}});
    }
  }
  const auto l2_mb = sheet.number("l2_cache_mb");
  return {{"id", sheet.id},
          {"name", sheet.name},
          {"memory_bandwidth_gbs", number_or_null(sheet.number(headlines::kDramTriad.spec_key))},
          {"l2_bytes", l2_mb ? ordered_json(*l2_mb * 1024 * 1024) : ordered_json()},
          {"roofs", roofs}};
}

ordered_json series_json(
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& series) {
  ordered_json out = ordered_json::array();
  for (const auto& [name, points] : series) {
    ordered_json xy = ordered_json::array();
    for (const auto& [x, y] : points)
      xy.push_back({x, y});
    out.push_back({{"name", name}, {"points", xy}});
  }
  return out;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r'))
    trimmed.pop_back();
  const std::size_t newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gpubench-plots-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Each headline figure as a percentage of this card's documented figure: measured, and the
// counterpart's documented and projected figures on the same scale.
ordered_json headline_bars(const Report& report) {
  ordered_json bars = ordered_json::array();
  for (const HeadlineFigure& figure : report.headline) {
    if (!figure.this_spec || *figure.this_spec <= 0) continue;
    const double spec = *figure.this_spec;
    auto scaled = [&](const std::optional<double>& value) {
      return value ? ordered_json(*value / spec * 100) : ordered_json();
    };
    bars.push_back({{"label", figure.what},
                    {"measured_pct", figure.measured / spec * 100},
                    {"counterpart_documented_pct", scaled(figure.counterpart_spec)},
                    {"counterpart_projected_pct", scaled(figure.projected_counterpart)}});
  }
  return bars;
}

// "gemm/cublas/fp16_f32acc/4096x4096x4096" -> "cublas/fp16_f32acc"; "compute/peak/fp32_ffma" ->
// "compute/peak".
std::string point_series(const std::string& label) {
  const std::size_t last = label.rfind('/');
  const std::string parent = last == std::string::npos ? label : label.substr(0, last);
  return parent.starts_with("gemm/") ? parent.substr(5) : parent;
}

}  // namespace

std::string plot_input_json(const Report& report) {
  ordered_json compute = ordered_json::array();
  for (const auto& point : report.compute_points) {
    compute.push_back({{"label", point.label},
                       {"series", point_series(point.label)},
                       {"tflops", point.tflops},
                       {"flop_per_byte", number_or_null(point.flop_per_byte)}});
  }
  ordered_json input = {
      {"title", report.title},
      {"specs_only", report.specs_only},
      {"this", card_json(report.sheet)},
      {"counterpart", report.counterpart ? card_json(*report.counterpart) : ordered_json()},
      {"measured_bandwidth_gbs",
       report.specs_only ? ordered_json() : number_or_null(report.dram_bandwidth_gbs)},
      {"measured_bandwidth_label", report.dram_bandwidth_source},
      {"working_set",
       {{"l2_bytes", number_or_null(report.l2_bytes)},
        {"series", series_json(report.working_set_series)}}},
      {"compute", compute},
      {"gemm", series_json(report.gemm_series)},
      {"gemm_shapes", series_json(report.gemm_shape_series)},
      {"transfers", series_json(report.transfer_series)},
      {"headline", headline_bars(report)},
  };
  return input.dump(1);
}

std::vector<EmbeddedPlot> render_plots(const Report& report, std::string& problem,
                                       const std::filesystem::path& script) {
  return draw_plots(plot_input_json(report), builtin_plot_script(), script, problem);
}

std::vector<EmbeddedPlot> draw_plots(std::string_view input_json, std::string_view builtin_script,
                                     const std::filesystem::path& script, std::string& problem) {
  problem.clear();
  ScratchDirectory scratch;
  if (scratch.path().empty()) {
    problem = "no temporary directory could be made for the plots.";
    return {};
  }
  const auto input = scratch.path() / "plot-input.json";
  std::ofstream(input, std::ios::binary) << input_json;
  std::filesystem::path script_path = script;
  if (script_path.empty()) {
    script_path = scratch.path() / "plot.py";
    std::ofstream(script_path, std::ios::binary) << builtin_script;
  }
  const auto out = scratch.path() / "out";
  std::filesystem::create_directories(out);
  const auto log = scratch.path() / "plot.log";

  const ScriptRun run = run_matplotlib_script(script_path, {input.string(), out.string()}, log);
  if (run.status != 0) {
    problem = run.status == -1
                  ? run.problem
                  : fmt::format("the plot script failed ({}).", last_line(read_all(log)));
    return {};
  }
  std::vector<EmbeddedPlot> plots;
  try {
    const auto made = nlohmann::json::parse(read_all(out / "plots.json"));
    for (const auto& entry : made) {
      EmbeddedPlot plot;
      plot.name = entry.at("name").get<std::string>();
      plot.caption = entry.at("caption").get<std::string>();
      plot.png = read_all(out / entry.at("file").get<std::string>());
      if (plot.png.size() < 8 || plot.png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
        problem = fmt::format("the plot script wrote no PNG for {}.", plot.name);
        return {};
      }
      plots.push_back(std::move(plot));
    }
  } catch (const nlohmann::json::exception& error) {
    problem = fmt::format("the plot script's list of plots is unreadable ({}).", error.what());
    return {};
  }
  return plots;
}

}  // namespace gpubench
