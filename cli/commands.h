#pragma once
// Every weft subcommand lives in its own cli/<name>_command.cc and exposes one Add<Name>Command
// that registers it on the CLI11 app. Run() in app.cc calls each of them. A command's callback
// sets ctx.exit_code (0 ok, 1 failed or some input rejected, 2 usage error) and writes results to
// stdout, progress and errors to stderr.

#include <CLI/CLI.hpp>

namespace weft::cli {

struct CommandContext {
  int exit_code = 0;
};

void AddDemoCommand(CLI::App& app, CommandContext& ctx);
void AddIngestCommand(CLI::App& app, CommandContext& ctx);
void AddExportCommand(CLI::App& app, CommandContext& ctx);
void AddIncidentsCommand(CLI::App& app, CommandContext& ctx);
void AddRecorrelateCommand(CLI::App& app, CommandContext& ctx);
void AddWhyCommand(CLI::App& app, CommandContext& ctx);
// Added by the stories/paths, benchmark and evaluation work:
void AddGenerateCommand(CLI::App& app, CommandContext& ctx);
void AddShowCommand(CLI::App& app, CommandContext& ctx);
void AddDeviceCommand(CLI::App& app, CommandContext& ctx);
void AddPathsCommand(CLI::App& app, CommandContext& ctx);  // `paths` and `reach`
void AddEvalCommand(CLI::App& app, CommandContext& ctx);
void AddBenchCommand(CLI::App& app, CommandContext& ctx);

}  // namespace weft::cli
