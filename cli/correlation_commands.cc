// `weft why` and `weft recorrelate`: explaining and rebuilding the grouping.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "engine/engine.h"

namespace weft::cli {

void AddWhyCommand(CLI::App& app, CommandContext& ctx) {
  auto db = std::make_shared<std::string>(kDefaultDb);
  auto a = std::make_shared<std::string>();
  auto b = std::make_shared<std::string>();
  auto json_out = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("why", "Explain why two alerts are, or are not, in one incident");
  cmd->footer(
      "Prints the chain of links (alert, shared entity, alert, time gap) that joins them, or the\n"
      "guards that keep them apart (hub entity, window exceeded, different tenants, no shared "
      "entity).\n\n"
      "Example:\n  weft why contoso/mdc/2518...a contoso/m365/da637...b");
  cmd->add_option("alert_a", *a, "Alert key (see `weft export alerts`)")->required();
  cmd->add_option("alert_b", *b, "Alert key")->required();
  cmd->add_option("--db", *db, "Store directory")->capture_default_str();
  cmd->add_flag("--json", *json_out, "Print the explanation as JSON");
  cmd->callback([=, &ctx] {
    Result<std::unique_ptr<GraphStore>> store = OpenStore(*db, true);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    Result<std::unique_ptr<Engine>> engine = Engine::Open(**store, std::nullopt);
    if (!engine.ok()) {
      PrintError(engine.status());
      ctx.exit_code = 1;
      return;
    }
    Result<Explanation> ex = (*engine)->Why(*a, *b);
    if (!ex.ok()) {
      PrintError(ex.status());
      ctx.exit_code = ex.status().code() == StatusCode::kNotFound ? 2 : 1;
      return;
    }
    if (*json_out) {
      nlohmann::json j = {
          {"linked", ex->linked}, {"incident_a", ex->incident_a}, {"incident_b", ex->incident_b}};
      nlohmann::json chain = nlohmann::json::array();
      for (const LinkStep& s : ex->chain) {
        chain.push_back(
            {{"from", s.from}, {"to", s.to}, {"entity", s.entity}, {"gap", FormatDuration(s.gap)}});
      }
      j["chain"] = chain;
      j["guards"] = ex->guards;
      std::cout << j.dump() << "\n";
      return;
    }
    if (ex->linked) {
      std::cout << "linked: both in incident " << ex->incident_a << " through " << ex->chain.size()
                << " link" << (ex->chain.size() == 1 ? "" : "s") << "\n";
      for (const LinkStep& s : ex->chain) {
        std::cout << "  " << s.from << "\n    -- " << s.entity << " (" << FormatDuration(s.gap)
                  << " apart) --> " << s.to << "\n";
      }
    } else {
      std::cout << "apart: " << ex->incident_a << " and " << ex->incident_b << "\n";
      for (const std::string& g : ex->guards) std::cout << "  " << g << "\n";
    }
  });
}

void AddRecorrelateCommand(CLI::App& app, CommandContext& ctx) {
  auto db = std::make_shared<std::string>(kDefaultDb);
  auto config_file = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  auto dry_run = std::make_shared<bool>(false);
  auto json_out = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("recorrelate",
                                     "Rebuild incidents from the stored graph and report the diff");
  cmd->footer(
      "With the rules already in force it reports no change (the determinism check). Without\n"
      "--dry-run the new grouping and rules are applied atomically. A dry run opens the store\n"
      "read-only, so it may run while an ingest holds the store.\n\n"
      "Example:\n  weft recorrelate --db ./weft.db --config rules.json --dry-run");
  cmd->add_option("--db", *db, "Store directory")->capture_default_str();
  cmd->add_option("--config", *config_file,
                  "New correlation rules (JSON); default: the rules in force")
      ->check(CLI::ExistingFile);
  cmd->add_option("--since", *since, "Only incidents active at or after this time (ISO 8601)");
  cmd->add_option("--until", *until, "Only incidents that began at or before this time (ISO 8601)");
  cmd->add_flag("--dry-run", *dry_run,
                "Report the diff without applying it (the store is opened read-only)");
  cmd->add_flag("--json", *json_out, "Print the diff as JSON");
  cmd->callback([=, &ctx] {
    RecorrelateOptions options;
    options.dry_run = *dry_run;
    for (auto [text, out] : {std::pair{since, &options.since}, std::pair{until, &options.until}}) {
      if (text->empty()) continue;
      std::optional<Timestamp> t = ParseTimestamp(*text);
      if (!t) {
        std::cerr << "weft: --since/--until: '" << *text << "' is not an ISO 8601 time\n";
        ctx.exit_code = 2;
        return;
      }
      *out = *t;
    }
    // A dry run only reads: opened read-only, it runs beside an ingest that holds the store and
    // leaves the store's compactions to the process that writes.
    Result<std::unique_ptr<GraphStore>> store = OpenStore(*db, /*read_only=*/options.dry_run);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    if (!config_file->empty()) {
      Result<CorrelationConfig> c = LoadConfigFile(*config_file);
      if (!c.ok()) {
        PrintError(c.status());
        ctx.exit_code = 2;
        return;
      }
      options.config = *c;
    } else {
      Result<CorrelationConfig> rules = Engine::RulesInForce(**store);
      if (!rules.ok()) {
        PrintError(rules.status());
        ctx.exit_code = 1;
        return;
      }
      options.config = *rules;
    }
    Result<IncidentDiff> diff = Engine::Recorrelate(**store, options);
    if (!diff.ok()) {
      PrintError(diff.status());
      ctx.exit_code = 1;
      return;
    }
    if (*json_out) {
      nlohmann::json j = {{"alerts", diff->alerts},
                          {"applied", diff->applied},
                          {"no_change", diff->no_change()},
                          {"unchanged", diff->unchanged},
                          {"merged", diff->merged},
                          {"split", diff->split},
                          {"new", diff->created},
                          {"removed", diff->removed},
                          {"rules", options.config.Describe()}};
      std::cout << j.dump() << "\n";
      return;
    }
    std::cout << "rules: " << options.config.Describe() << "\n"
              << "alerts: " << diff->alerts << "\n"
              << "unchanged incidents: " << diff->unchanged << "\n";
    auto list = [](const char* name, const std::vector<std::string>& ids) {
      std::cout << name << ": " << ids.size();
      for (std::size_t i = 0; i < ids.size() && i < 20; ++i)
        std::cout << (i ? ", " : " (") << ids[i];
      std::cout << (ids.empty() ? "" : ids.size() > 20 ? ", ...)" : ")") << "\n";
    };
    list("merged", diff->merged);
    list("split", diff->split);
    list("new", diff->created);
    list("removed", diff->removed);
    std::cout << (diff->no_change() ? "no change"
                  : diff->applied   ? "applied"
                                    : "dry run: nothing written")
              << "\n";
  });
}

}  // namespace weft::cli
