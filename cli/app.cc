#include "cli/app.h"

#include <CLI/CLI.hpp>

namespace weft::cli {

int Run(int argc, char** argv) {
  CLI::App app{"weft: correlates multi-cloud security alerts into incidents"};
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return 0;
}

}  // namespace weft::cli
