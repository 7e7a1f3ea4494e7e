#include "platform/host_name.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "gpubench/errors.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

// A DNS name's length limit, which a Kubernetes node name (a DNS subdomain) also obeys.
constexpr std::size_t kMaxHostNameChars = 253;

bool host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

}  // namespace

std::string choose_host_name(std::optional<std::string_view> from_environment,
                             std::string_view system_name) {
  if (from_environment && !from_environment->empty()) {
    const std::string_view name = *from_environment;
    if (name.size() > kMaxHostNameChars || !std::all_of(name.begin(), name.end(), host_name_char)) {
      throw UserError(fmt::format(
          "{}=\"{}\" is not a host name: give 1 to {} letters, digits, '.', '-' or '_' (e.g. the "
          "node's name), or unset it to use the system's.",
          kHostNameVariable, escaped_excerpt(name, 80), kMaxHostNameChars));
    }
    return std::string(name);
  }
  return system_name.empty() ? std::string("host") : std::string(system_name);
}

std::string host_name() {
  const char* variable = std::getenv(kHostNameVariable);
  char system_name[256] = {};
  if (::gethostname(system_name, sizeof system_name - 1) != 0) system_name[0] = '\0';
  return choose_host_name(variable ? std::optional<std::string_view>(variable) : std::nullopt,
                          system_name);
}

}  // namespace gpubench
