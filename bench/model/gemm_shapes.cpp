#include "model/gemm_shapes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "gpubench/errors.hpp"
#include "model/size_ranges.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

constexpr SizeSyntax kGemmSizes{.noun = "GEMM sizes",
                                .max_value = kMaxGemmDimension,
                                .max_reason = "cuBLAS's largest dimension",
                                .range_example = "1:64:x2"};

// `what` names the size in the sentence ("--gemm 0x64x64: m").
std::int64_t parse_size(std::string_view text, const std::string& what) {
  return parse_size_value(text, what, kGemmSizes);
}

void check_count(std::size_t count, bool allow_many, std::string_view origin) {
  if (count > kMaxGemmShapes) {
    throw UserError(
        fmt::format("{} gives more than {} shapes; split the sweep.", origin, kMaxGemmShapes));
  }
  if (count > kMaxGemmShapesUnconfirmed && !allow_many) {
    throw UserError(fmt::format("{} gives {} shapes, more than {}; add --yes to run them all.",
                                origin, count, kMaxGemmShapesUnconfirmed));
  }
}

CustomGemmShape custom(std::int64_t m, std::int64_t n, std::int64_t k) {
  return {GemmShape{m, n, k, "custom", gemm_shape_name(m, n, k)}, std::nullopt};
}

std::vector<CustomGemmShape> parse_ranges(std::string_view text, bool allow_many) {
  std::array<std::optional<std::vector<std::int64_t>>, 3> axes;  // m, n, k
  for (const std::string_view item : split_trimmed(text, ',')) {
    const std::size_t equals = item.find('=');
    const std::string axis = lower(trim_spaces(item.substr(0, equals)));
    const std::size_t index = axis == "m" ? 0 : axis == "n" ? 1 : axis == "k" ? 2 : 3;
    if (equals == std::string_view::npos || index == 3) {
      throw UserError(
          fmt::format("--gemm item \"{}\" is not m=, n= or k=; write e.g. "
                      "m=1:64:x2,n=28672,k=8192.",
                      escaped_excerpt(item, 40)));
    }
    if (axes[index]) throw UserError(fmt::format("--gemm gives {}= twice.", axis));
    axes[index] = parse_size_range(trim_spaces(item.substr(equals + 1)), "--gemm " + axis,
                                   kGemmSizes, kMaxGemmShapes);
  }
  for (std::size_t i = 0; i < 3; ++i) {
    if (!axes[i])
      throw UserError(fmt::format("--gemm gives no {}=; give m=, n= and k=.", "mnk"[i]));
  }
  check_count(axes[0]->size() * axes[1]->size() * axes[2]->size(), allow_many, "--gemm");
  std::vector<CustomGemmShape> shapes;
  for (const std::int64_t m : *axes[0])
    for (const std::int64_t n : *axes[1])
      for (const std::int64_t k : *axes[2])
        shapes.push_back(custom(m, n, k));
  return shapes;
}

std::vector<CustomGemmShape> parse_list(std::string_view text, bool allow_many) {
  std::vector<CustomGemmShape> shapes;
  for (const std::string_view item : split_trimmed(text, ',')) {
    const std::vector<std::string_view> sizes = split_trimmed(item, 'x');
    if (sizes.size() != 3) {
      throw UserError(
          fmt::format("--gemm shape \"{}\" is not MxNxK (e.g. 8192x64x28672) nor "
                      "m=...,n=...,k=....",
                      escaped_excerpt(item, 40)));
    }
    const std::string what = fmt::format("--gemm {}", escaped_excerpt(item, 40));
    shapes.push_back(custom(parse_size(sizes[0], what + " m"), parse_size(sizes[1], what + " n"),
                            parse_size(sizes[2], what + " k")));
    check_count(shapes.size(), allow_many, "--gemm");
  }
  return shapes;
}

GemmPrecision parse_precision(std::string_view name, std::string_view what) {
  const std::string wanted = lower(trim_spaces(name));
  for (const GemmPrecision precision : all_gemm_precisions()) {
    if (gemm_precision_info(precision).name == wanted) return precision;
  }
  std::string known;
  for (const GemmPrecision precision : all_gemm_precisions())
    known += (known.empty() ? "" : ", ") + std::string(gemm_precision_info(precision).name);
  throw UserError(fmt::format("{} \"{}\" is not a GEMM precision; known: {}.", what,
                              escaped_excerpt(name, 40), known));
}

// A file row's name becomes a benchmark-name fragment, matched by --filter's regular expressions
// and used in paths by the plots: letters, digits, '_', '-' and '.' only.
std::string check_name(std::string_view name, const std::string& where) {
  const bool safe = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
  if (!safe) {
    throw UserError(fmt::format("{}: name \"{}\" may hold only letters, digits, '_', '-' and '.'.",
                                where, escaped_excerpt(name, 40)));
  }
  return std::string(name);
}

// Column order: a header's, or m, n, k, name, precision. Index 5 is "not present".
using Columns = std::array<std::size_t, 5>;  // m, n, k, name, precision
constexpr std::array<std::string_view, 5> kColumnNames = {"m", "n", "k", "name", "precision"};

std::optional<Columns> header_columns(const std::vector<std::string_view>& fields,
                                      const std::string& where) {
  if (fields.empty() || lower(fields[0]).find_first_not_of("0123456789+-") == std::string::npos)
    return std::nullopt;  // a data line (or a bad number, which the data parse names)
  Columns columns;
  columns.fill(kColumnNames.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto known = std::find(kColumnNames.begin(), kColumnNames.end(), lower(fields[i]));
    if (known == kColumnNames.end()) {
      throw UserError(fmt::format("{}: column \"{}\" is not m, n, k, name or precision.", where,
                                  escaped_excerpt(fields[i], 40)));
    }
    columns[static_cast<std::size_t>(known - kColumnNames.begin())] = i;
  }
  for (std::size_t i = 0; i < 3; ++i) {
    if (columns[i] == kColumnNames.size())
      throw UserError(fmt::format("{}: the header names no {} column.", where, kColumnNames[i]));
  }
  return columns;
}

CustomGemmShape file_row(const std::vector<std::string_view>& fields, const Columns& columns,
                         const std::string& where) {
  const auto field = [&](std::size_t column) -> std::string_view {
    return columns[column] < fields.size() ? fields[columns[column]] : std::string_view();
  };
  if (fields.size() < 3 || fields.size() > 5) {
    throw UserError(
        fmt::format("{}: {} fields; write m,n,k[,name[,precision]].", where, fields.size()));
  }
  CustomGemmShape row =
      custom(parse_size(field(0), where + ": m"), parse_size(field(1), where + ": n"),
             parse_size(field(2), where + ": k"));
  if (!field(3).empty()) row.shape.name = check_name(field(3), where);
  if (!field(4).empty()) row.precision = parse_precision(field(4), where + ": precision");
  return row;
}

}  // namespace

std::vector<CustomGemmShape> parse_gemm_file(std::istream& in, std::string_view origin,
                                             bool allow_many) {
  std::vector<CustomGemmShape> shapes;
  std::optional<Columns> columns;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = trim_spaces(std::string_view(line).substr(0, line.find('#')));
    if (text.empty()) continue;
    const std::string where = fmt::format("{} line {}", origin, number);
    const std::vector<std::string_view> fields = split_trimmed(text, ',');
    if (!columns) {
      columns = header_columns(fields, where);
      if (columns) continue;
      columns = Columns{0, 1, 2, 3, 4};
    }
    shapes.push_back(file_row(fields, *columns, where));
    check_count(shapes.size(), allow_many, std::string(origin));
  }
  if (shapes.empty()) throw UserError(fmt::format("{} lists no shape.", origin));
  return shapes;
}

std::string_view gemm_implementation_name(GemmImplementation implementation) {
  return implementation == GemmImplementation::kCublas ? "cublas" : "own";
}

bool gemm_profile_runs(GemmImplementation implementation, GemmPrecision precision,
                       std::string_view family) {
  // BF16 shares FP16's tensor rate, so it stays on squares: a full run on an H100 spent about 4 s
  // per row, most of it on small shapes.
  const bool inference = precision == GemmPrecision::kFp8E4m3 ||
                         precision == GemmPrecision::kInt8 || precision == GemmPrecision::kNvfp4;
  return family == "square" || precision == GemmPrecision::kFp16Fp32Acc ||
         (family == "llm" && inference) ||
         (family == "resnet" && precision == GemmPrecision::kFp32 &&
          implementation == GemmImplementation::kCublas);
}

std::string gemm_shape_name(std::int64_t m, std::int64_t n, std::int64_t k) {
  return fmt::format("{}x{}x{}", m, n, k);
}

std::string gemm_benchmark_name(GemmImplementation implementation, GemmPrecision precision,
                                std::string_view shape_name) {
  return fmt::format("gemm/{}/{}/{}", gemm_implementation_name(implementation),
                     gemm_precision_info(precision).name, shape_name);
}

bool own_gemm_kernel_exists(GemmPrecision precision) {
  return precision == GemmPrecision::kFp32 || precision == GemmPrecision::kFp16Fp32Acc ||
         precision == GemmPrecision::kFp16Fp16Acc;
}

std::vector<CustomGemmShape> parse_gemm_shapes(std::string_view text, bool allow_many) {
  if (trim_spaces(text).empty()) throw UserError("--gemm is empty; give e.g. 8192x64x28672.");
  return text.find('=') != std::string_view::npos ? parse_ranges(text, allow_many)
                                                  : parse_list(text, allow_many);
}

std::vector<GemmPrecision> parse_gemm_precisions(std::string_view list) {
  if (lower(trim_spaces(list)) == "all") return all_gemm_precisions();
  std::vector<GemmPrecision> precisions;
  for (const std::string_view name : split_trimmed(list, ',')) {
    const GemmPrecision precision = parse_precision(name, "--precision");
    if (std::find(precisions.begin(), precisions.end(), precision) == precisions.end())
      precisions.push_back(precision);
  }
  return precisions;
}

std::vector<GemmImplementation> parse_gemm_implementations(std::string_view list) {
  std::vector<GemmImplementation> implementations;
  for (const std::string_view name : split_trimmed(list, ',')) {
    const std::string wanted = lower(name);
    if (wanted != "cublas" && wanted != "own") {
      throw UserError(
          fmt::format("--impl \"{}\" is not cublas or own.", escaped_excerpt(name, 40)));
    }
    const auto implementation =
        wanted == "own" ? GemmImplementation::kOwn : GemmImplementation::kCublas;
    if (std::find(implementations.begin(), implementations.end(), implementation) ==
        implementations.end())
      implementations.push_back(implementation);
  }
  return implementations;
}

CustomGemmPlan plan_custom_gemms(const std::vector<CustomGemmShape>& shapes,
                                 const std::vector<GemmPrecision>& precisions,
                                 const std::vector<GemmImplementation>& implementations) {
  CustomGemmPlan plan;
  std::set<std::string> names;
  // The library's row before the own kernel's, whatever order --impl gives: the own row reports
  // its ratio to the cuBLAS figure of the same shape, measured just before it.
  std::vector<GemmImplementation> ordered;
  for (const GemmImplementation implementation :
       {GemmImplementation::kCublas, GemmImplementation::kOwn}) {
    if (std::find(implementations.begin(), implementations.end(), implementation) !=
        implementations.end())
      ordered.push_back(implementation);
  }
  for (const CustomGemmShape& custom_shape : shapes) {
    const std::vector<GemmPrecision> own = {custom_shape.precision.value_or(GemmPrecision::kFp32)};
    for (const GemmPrecision precision : custom_shape.precision ? own : precisions) {
      const GemmPrecisionInfo& info = gemm_precision_info(precision);
      for (const GemmImplementation implementation : ordered) {
        if (implementation == GemmImplementation::kOwn && !own_gemm_kernel_exists(precision)) {
          const std::string note = fmt::format("own has no {} kernel", info.name);
          if (std::find(plan.skipped.begin(), plan.skipped.end(), note) == plan.skipped.end())
            plan.skipped.push_back(note);
          continue;
        }
        CustomGemmRow row{gemm_benchmark_name(implementation, precision, custom_shape.shape.name),
                          implementation, precision, custom_shape.shape,
                          gemm_min_bytes(custom_shape.shape, info.input_bytes, info.output_bytes)};
        if (!names.insert(row.name).second) {
          throw UserError(fmt::format("{} is asked for twice; give each shape once.", row.name));
        }
        plan.rows.push_back(std::move(row));
      }
    }
  }
  if (plan.rows.empty()) {
    throw UserError(
        "No kernel computes the shapes in the precisions asked for; add --impl cublas.");
  }
  return plan;
}

}  // namespace gpubench
