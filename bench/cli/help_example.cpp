#include "cli/help_example.hpp"

#include <memory>
#include <utility>

namespace gpubench::cli {
namespace {

// CLI11's formatter with the example line first; the expanded listing of subcommands
// (AppFormatMode::Sub) stays as CLI11 prints it.
class ExampleFirstFormatter : public CLI::Formatter {
 public:
  explicit ExampleFirstFormatter(std::string example) : example_(std::move(example)) {}

  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    std::string help = CLI::Formatter::make_help(app, std::move(name), mode);
    if (mode == CLI::AppFormatMode::Sub) return help;
    return "Example: " + example_ + "\n" + help;
  }

 private:
  std::string example_;
};

}  // namespace

void set_help_example(CLI::App& command, std::string example) {
  command.formatter(std::make_shared<ExampleFirstFormatter>(std::move(example)));
}

}  // namespace gpubench::cli
