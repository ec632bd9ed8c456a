// `weft demo`: ingests the bundled real sample alerts into a fresh embedded store and prints the
// incidents the engine found. A real run of the whole pipeline.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/incident_view.h"
#include "cli/ingest_runner.h"

namespace weft::cli {

void AddDemoCommand(CLI::App& app, CommandContext& ctx) {
  auto samples = std::make_shared<std::string>(WEFT_SAMPLES_DIR);
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("demo", "Ingest the bundled sample alerts into a fresh store and show the incidents");
  cmd->footer("Example:\n  weft demo            # uses a new temporary store\n  weft demo --db ./demo.db");
  cmd->add_option("--samples", *samples, "Directory of sample alert files")->capture_default_str();
  cmd->add_option("--db", *db, "Store directory to create (must not exist); default: a new temporary directory");
  cmd->callback([samples, db, &ctx] {
    namespace fs = std::filesystem;
    std::string dir = *db;
    if (dir.empty()) {
      dir = (fs::temp_directory_path() / ("weft-demo-" + std::to_string(::getpid()))).string();
      fs::remove_all(dir);
    } else if (fs::exists(dir)) {
      std::cerr << "weft: demo: '" << dir << "' exists; give a new directory\n";
      ctx.exit_code = 2;
      return;
    }
    IngestSettings settings;
    settings.paths = {*samples + "/alerts"};
    settings.db = dir;
    settings.tenant = "demo";
    settings.tenants_file = *samples + "/tenants.json";
    if (!fs::exists(settings.tenants_file)) settings.tenants_file.clear();
    std::cout << "weft demo: ingesting " << *samples << " into " << dir << "\n\n";
    Result<IngestReport> report = RunIngest(settings);
    if (!report.ok()) {
      PrintError(report.status());
      ctx.exit_code = 1;
      return;
    }
    PrintIngestReport(*report, std::cout);
    Result<std::unique_ptr<GraphStore>> store = OpenStore(dir, true);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    Result<std::vector<IncidentRow>> rows = QueryIncidents(**store, IncidentQuery{});
    if (!rows.ok()) {
      PrintError(rows.status());
      ctx.exit_code = 1;
      return;
    }
    std::cout << "\n";
    PrintIncidentTable(*rows, std::cout);
    std::cout << "\nExplore it: weft incidents --db " << dir << "   |   weft export incidents --db " << dir << "\n";
  });
}

}  // namespace weft::cli
