#include "model/text_excerpt.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gpubench {

std::string escaped_excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  const std::size_t shown = std::min(text.size(), max_chars);
  out.reserve(shown + 8);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\\' || byte == '"') {
      out += '\\';
      out += static_cast<char>(byte);
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (shown < text.size()) out += "...";
  return out;
}

bool has_control_characters(std::string_view text) {
  // 0xc2 leads U+0080..U+00BF, the C1 controls among them: a clean text may say yes.
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f || byte == 0xc2;
  });
}

std::string without_control_characters(std::string_view text) {
  // Almost every text is clean: copied whole (the loader calls this for millions of names).
  if (!has_control_characters(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (byte == 0xc2 && next >= 0x80 && next <= 0x9f) {  // U+0080..U+009F in UTF-8
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

std::string printable_path(std::string_view path) {
  return escaped_excerpt(path, 4096);
}

std::string describe_json_error(std::string_view what, std::size_t byte, std::string_view text) {
  std::string_view reason = what;
  // "[json.exception.parse_error.101] " names nlohmann's class, not the file's problem.
  if (reason.starts_with("[json.exception.")) {
    const auto end = reason.find("] ");
    if (end != std::string_view::npos) reason.remove_prefix(end + 2);
  }
  // The position is recomputed below from `byte`; nlohmann's "last read" copies raw input.
  if (const auto colon = reason.find(": ");
      reason.starts_with("parse error") && colon != std::string_view::npos) {
    reason.remove_prefix(colon + 2);
  }
  if (const auto last_read = reason.find("; last read:"); last_read != std::string_view::npos) {
    reason = reason.substr(0, last_read);
  }
  std::string description = escaped_excerpt(reason, 160);
  if (byte == 0 || byte > text.size()) return description;
  const std::string_view before = text.substr(0, byte - 1);
  const std::size_t line =
      1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const auto line_start = before.rfind('\n');
  const std::size_t column = byte - (line_start == std::string_view::npos ? 0 : line_start + 1);
  const std::size_t from = byte - 1 >= 16 ? byte - 1 - 16 : 0;
  return fmt::format("{} at line {}, column {}, near \"{}\"", description, line, column,
                     escaped_excerpt(text.substr(from), 32));
}

std::string clipped_text(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Back to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return fmt::format("{}... [{} bytes cut]", text.substr(0, end), text.size() - end);
}

}  // namespace gpubench
