#include "cli/app.h"

#include <iostream>

#include "cli/commands.h"

namespace weft::cli {

int Run(int argc, char** argv) {
  CLI::App app{"weft: correlates security alerts from many clouds and products into incidents"};
  app.footer(
      "Quick start:\n"
      "  weft demo                                  # the bundled samples, end to end\n"
      "  weft ingest --db ./weft.db alerts/         # any supported alert files\n"
      "  weft incidents --db ./weft.db              # the incident queue\n"
      "Run `weft COMMAND --help` for each command's options and an example.");
  app.require_subcommand(1);
  CommandContext ctx;
  AddDemoCommand(app, ctx);
  AddIngestCommand(app, ctx);
  AddIncidentsCommand(app, ctx);
  AddExportCommand(app, ctx);
  AddWhyCommand(app, ctx);
  AddRecorrelateCommand(app, ctx);
  AddShowCommand(app, ctx);
  AddDeviceCommand(app, ctx);
  AddPathsCommand(app, ctx);
  AddEvalCommand(app, ctx);
  AddBenchCommand(app, ctx);
  AddGenerateCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return ctx.exit_code;
}

}  // namespace weft::cli
