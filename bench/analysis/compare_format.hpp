#pragma once
// Figures as compare and history print them (shared with the renderers).

#include <optional>
#include <string>

namespace gpubench {

// "-" for NaN, else 5 significant digits.
std::string format_value(double value);
// A fraction as a percentage ("+4.2%", or "4.2%" without sign); "-" for none or NaN.
std::string format_percent(std::optional<double> fraction, bool sign = true);
// A p-value with 2 significant digits; "-" for none.
std::string format_p(std::optional<double> p);

}  // namespace gpubench
