// `weft demo`: ingests the bundled real sample alerts (and the sample asset inventory, as
// relations) into a fresh embedded store, prints the incidents the engine found and one attack
// path from the sample VM vm1 to a crown jewel. A real run of the whole pipeline.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/incident_view.h"
#include "cli/ingest_runner.h"
#include "cli/story_render.h"
#include "engine/path_query.h"

namespace weft::cli {

namespace {

// Azure VM vm1 of samples/alerts (Defender for Cloud and Defender for Endpoint both saw it).
constexpr std::string_view kDemoVm =
    "device:azure:/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourcegroups/myrg1/"
    "providers/"
    "microsoft.compute/virtualmachines/vm1";
constexpr std::string_view kDemoTenant = "contoso";

// Prints the shortest path from vm1 to anything tagged crown-jewel, by the real path query.
Status PrintDemoPath(GraphStore& store, const std::string& dir, std::ostream& out) {
  WEFT_ASSIGN_OR_RETURN(PathGraph graph, PathGraph::Load(store, kDemoTenant, PathGraphOptions{}));
  WEFT_ASSIGN_OR_RETURN(ResolvedEntityIndex index, ResolvedEntityIndex::Load(store, kDemoTenant));
  const std::vector<std::string> sources = {index.Resolve(kDemoVm)};
  const std::vector<std::string> targets = graph.Tagged("crown-jewel");
  if (targets.empty()) return Status::Ok();
  WEFT_ASSIGN_OR_RETURN(std::vector<AttackPath> paths,
                        graph.KShortestPaths(sources, targets, 1, TraversalOptions{}));
  out << "\nAttack path from vm1 to a crown jewel:\n" << RenderPathsText(paths);
  out << "More: weft paths --db " << dir << " --from " << kDemoVm
      << " --to-tag crown-jewel --k 3\n";
  return Status::Ok();
}

}  // namespace

void AddDemoCommand(CLI::App& app, CommandContext& ctx) {
  auto samples = std::make_shared<std::string>(WEFT_SAMPLES_DIR);
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Ingest the bundled sample alerts into a fresh store and show the incidents");
  cmd->footer(
      "Example:\n  weft demo            # uses a new temporary store\n  weft demo --db ./demo.db");
  cmd->add_option("--samples", *samples, "Directory of sample alert files")->capture_default_str();
  cmd->add_option("--db", *db,
                  "Store directory to create (must not exist); default: a new temporary directory");
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
    const std::string inventory = *samples + "/inventory";
    if (fs::exists(inventory)) {
      IngestSettings inv = settings;
      inv.paths = {inventory};
      inv.format = "relations";
      Result<IngestReport> inv_report = RunIngest(inv);
      if (!inv_report.ok()) {
        PrintError(inv_report.status());
        ctx.exit_code = 1;
        return;
      }
      std::cout << "inventory relations:   " << inv_report->totals.relations << " (from "
                << inventory << ")\n";
    }
    Result<std::unique_ptr<GraphStore>> store = OpenStore(dir, true);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    Result<IncidentPage> page = QueryIncidents(**store, IncidentQuery{});
    if (!page.ok()) {
      PrintError(page.status());
      ctx.exit_code = 1;
      return;
    }
    std::cout << "\n";
    PrintIncidentTable(*page, std::cout);
    if (Status s = PrintDemoPath(**store, dir, std::cout); !s.ok()) {
      PrintError(s);
      ctx.exit_code = 1;
      return;
    }
    std::cout << "\nExplore it: weft incidents --db " << dir << "   |   weft export incidents --db "
              << dir << "\n";
  });
}

}  // namespace weft::cli
