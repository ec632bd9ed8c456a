// `weft incidents`, `weft export alerts|incidents`: read-only views of the store.
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/incident_view.h"
#include "importers/weft_json.h"

namespace weft::cli {

void AddIncidentsCommand(CLI::App& app, CommandContext& ctx) {
  auto db = std::make_shared<std::string>(kDefaultDb);
  auto query = std::make_shared<IncidentQuery>();
  auto json_out = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("incidents", "List the incident queue, most recent activity first");
  cmd->footer("Example:\n  weft incidents --db ./weft.db --asset vm1 --json");
  cmd->add_option("--db", *db, "Store directory")->capture_default_str();
  cmd->add_option("--tenant", query->tenant, "Only this tenant");
  cmd->add_option("--status", query->status, "Only this status: active, resolved or redirected")
      ->check(CLI::IsMember({"active", "resolved", "redirected"}));
  cmd->add_option("--asset", query->asset,
                  "Only incidents with an asset matching this text (resource id or part, ARN, GCP "
                  "name, host, user, IP)");
  query->limit = 50;
  cmd->add_option("--limit", query->limit,
                  "Show the N most recent matching incidents; 0 shows all of them")
      ->capture_default_str();
  cmd->add_flag("--json", *json_out, "One JSON object per incident per line");
  cmd->callback([db, query, json_out, &ctx] {
    Result<std::unique_ptr<GraphStore>> store = OpenStore(*db, true);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    Result<IncidentPage> page = QueryIncidents(**store, *query);
    if (!page.ok()) {
      PrintError(page.status());
      ctx.exit_code = 1;
      return;
    }
    if (*json_out) {
      for (const IncidentRow& r : page->rows) std::cout << IncidentJson(r) << "\n";
      if (page->rows.size() < page->matched) {
        std::cerr << "showing the " << page->rows.size() << " most recent of " << page->matched
                  << " incidents (--limit 0 shows all)\n";
      }
    } else {
      PrintIncidentTable(*page, std::cout);
    }
  });
}

void AddExportCommand(CLI::App& app, CommandContext& ctx) {
  auto db = std::make_shared<std::string>(kDefaultDb);
  auto tenant = std::make_shared<std::string>();
  auto what = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("export", "Export every alert or incident as JSON lines");
  cmd->footer(
      "`export alerts` writes weft's JSON-lines alert format, which `weft ingest --format weft` "
      "reads\n"
      "back. `export incidents` includes redirected incidents (with no alerts).\n\n"
      "Example:\n  weft export alerts --db ./weft.db > alerts.jsonl");
  cmd->add_option("what", *what, "alerts or incidents")
      ->required()
      ->check(CLI::IsMember({"alerts", "incidents"}));
  cmd->add_option("--db", *db, "Store directory")->capture_default_str();
  cmd->add_option("--tenant", *tenant, "Only this tenant");
  cmd->callback([db, tenant, what, &ctx] {
    Result<std::unique_ptr<GraphStore>> store = OpenStore(*db, true);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    Status s;
    if (*what == "alerts") {
      s = (*store)->ForEachAlert(*tenant, [](const Alert& a) {
        std::cout << AlertToWeftJson(a) << "\n";
        return true;
      });
    } else {
      IncidentQuery q;
      q.tenant = *tenant;
      q.include_redirected = true;
      // Streamed in id order: one incident in memory at a time.
      Status row_error;
      s = ForEachMatchingIncident(**store, q, [&](const Incident& i) {
        Result<IncidentRow> row = MakeIncidentRow(**store, i);
        if (!row.ok()) {
          row_error = row.status();
          return false;
        }
        std::cout << IncidentJson(*row) << "\n";
        return true;
      });
      if (s.ok()) s = row_error;
    }
    if (!s.ok()) {
      PrintError(s);
      ctx.exit_code = 1;
    }
  });
}

}  // namespace weft::cli
