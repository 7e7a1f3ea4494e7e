#pragma once
// Messages about a bad input file quote at most a short, escaped excerpt of it: a results file cut
// short or overwritten with binary junk must not copy control characters or invalid UTF-8 onto the
// user's terminal.

#include <cstddef>
#include <string>
#include <string_view>

namespace gpubench {

// `text` as printable ASCII: a backslash, a double quote, control characters and every byte outside
// ASCII written as \\, \", \n, \t, \xNN; cut after `max_chars` input bytes with "..." appended.
std::string escaped_excerpt(std::string_view text, std::size_t max_chars = 40);

// `text` (valid UTF-8, as the JSON parser hands it on) with each control character (C0, DEL, C1)
// written as \xNN or \u00NN, so text taken from a file can never drive the user's terminal.
std::string without_control_characters(std::string_view text);

// False when without_control_characters returns `text` unchanged (true may still leave it so).
bool has_control_characters(std::string_view text);

// Texts read from a file or a driver and echoed later (a results file's gpu_name, a label) are
// kept to this many bytes: a 10 MB gpu_name must not reach the terminal of compare or history.
inline constexpr std::size_t kMaxEchoedTextBytes = 1024;

// `text` when it fits in max_bytes; else its first max_bytes (never splitting a UTF-8 sequence)
// followed by "... [N bytes cut]".
std::string clipped_text(std::string_view text, std::size_t max_bytes = kMaxEchoedTextBytes);

// A file name for a message: escaped like escaped_excerpt, long enough for any real path.
std::string printable_path(std::string_view path);

// nlohmann::json's exception text ("[json.exception.parse_error.101] parse error at line 1, column
// 2: syntax error ...; last read: '<raw bytes>'") without its prefix and without the raw bytes it
// read, escaped; `byte` (1-based, 0 when unknown) places an escaped excerpt of `text` around the
// offending position instead.
std::string describe_json_error(std::string_view what, std::size_t byte, std::string_view text);

}  // namespace gpubench
