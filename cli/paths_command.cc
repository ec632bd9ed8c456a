// `weft paths` (attack paths between entities) and `weft reach` (blast radius).
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/story_render.h"
#include "engine/path_query.h"
#include "engine/story.h"

namespace weft::cli {

namespace {

struct PathsArgs {
  std::string db = kDefaultDb;
  std::string tenant;
  std::vector<std::string> from;
  std::vector<std::string> to;
  std::string to_tag;
  std::string from_incident;
  std::size_t k = 1;
  int max_hops = 6;
  std::size_t max_alerts = 100;
  std::string relations;
  std::string as_of;
  bool undirected = false;
  bool include_evidence = false;
  bool json = false;  // --json: the same as --format json
  std::string format = "text";
  int hops = 2;
};

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// A command-line entity key: "kind:value" normalized like the exports, or "alert:<alert key>"
// (an alert node of --include-evidence). InvalidArgument, naming the flag, when it is not a key.
Result<std::string> ParseKeyArg(std::string_view flag, const std::string& text) {
  if (text.rfind("alert:", 0) == 0 && text.size() > 6) return text;
  Result<std::string> key = NormalizeEntityKey(text);
  if (!key.ok()) {
    std::string message = std::string(flag) + ": " + std::string(key.status().message());
    if (message.find("kind:value") == std::string::npos)
      message += " (keys are kind:value, e.g. ip:10.1.2.3)";
    return Status::InvalidArgument(message);
  }
  return *key;
}

// The tenant to query: --tenant, else the incident's, else the tenant of the first source
// entity found in the store by key or strong alias (one-tenant stores need no flag).
Result<std::string> ChooseTenant(GraphStore& store, const PathsArgs& args,
                                 const std::vector<std::string>& sources) {
  if (!args.tenant.empty()) return args.tenant;
  auto is_source = [&](const std::string& key) {
    return std::find(sources.begin(), sources.end(), key) != sources.end();
  };
  std::string found;
  WEFT_RETURN_IF_ERROR(store.ForEachEntity("", [&](const EntityRecord& r) {
    const std::vector<std::string> aliases = r.entity.StrongAliasKeys();
    const bool match =
        is_source(r.entity.key) || std::any_of(aliases.begin(), aliases.end(), is_source);
    if (match) found = r.tenant;
    return !match;
  }));
  if (!found.empty()) return found;
  WEFT_RETURN_IF_ERROR(store.ForEachRelation("", [&](const Relation& r) {
    if (is_source(r.from) || is_source(r.to)) {
      found = r.tenant;
      return false;
    }
    return true;
  }));
  if (found.empty())
    return Status::NotFound("no entity " + Join(sources, ", ") +
                            " in the store (or give --tenant)");
  return found;
}

Status RunPaths(PathsArgs args, bool reach) {
  if (args.json) args.format = "json";
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<GraphStore> store, OpenStore(args.db, true));
  std::vector<std::string> sources;
  for (const std::string& f : args.from) {
    WEFT_ASSIGN_OR_RETURN(std::string key, ParseKeyArg("--from", f));
    sources.push_back(std::move(key));
  }
  std::vector<std::string> to_keys;
  for (const std::string& t : args.to) {
    WEFT_ASSIGN_OR_RETURN(std::string key, ParseKeyArg("--to", t));
    to_keys.push_back(std::move(key));
  }
  std::string tenant = args.tenant;
  if (!args.from_incident.empty()) {
    WEFT_ASSIGN_OR_RETURN(IncidentStory story, BuildStory(*store, args.from_incident));
    if (tenant.empty()) tenant = story.incident.tenant;
    for (const auto& [kind, assets] : story.assets) {
      for (const StoryAsset& a : assets) sources.push_back(a.key);
    }
  }
  if (sources.empty()) return Status::InvalidArgument("give --from KEY or --from-incident ID");
  if (tenant.empty()) {
    WEFT_ASSIGN_OR_RETURN(tenant, ChooseTenant(*store, args, sources));
  }
  PathGraphOptions graph_options;
  graph_options.include_evidence = args.include_evidence;
  WEFT_ASSIGN_OR_RETURN(PathGraph graph, PathGraph::Load(*store, tenant, graph_options));
  // Sources and targets typed as aliases resolve to the resolved entity keys.
  std::vector<std::string> typed = sources;
  typed.insert(typed.end(), to_keys.begin(), to_keys.end());
  WEFT_ASSIGN_OR_RETURN(ResolvedEntityIndex index,
                        ResolvedEntityIndex::LoadFor(*store, tenant, typed));
  for (std::string& s : sources) s = index.Resolve(s);
  auto none_in_graph = [&graph](const std::vector<std::string>& keys) {
    return std::none_of(keys.begin(), keys.end(),
                        [&graph](const std::string& k) { return graph.Find(k).has_value(); });
  };
  if (none_in_graph(sources))
    return Status::NotFound("no entity " + Join(sources, ", ") + " in tenant " + tenant);

  TraversalOptions options;
  options.relations = SplitList(args.relations);
  options.undirected = args.undirected;
  options.max_hops = args.max_hops;
  options.max_alerts = args.max_alerts;
  if (!args.as_of.empty()) {
    std::optional<Timestamp> t = ParseTimestamp(args.as_of);
    if (!t) return Status::InvalidArgument("--as-of: not a time: " + args.as_of);
    options.as_of = *t;
  }
  if (reach) {
    WEFT_ASSIGN_OR_RETURN(std::vector<Reached> reached, graph.Reach(sources, args.hops, options));
    if (args.format == "json") {
      nlohmann::ordered_json j;
      j["reached"] = nlohmann::ordered_json::array();
      for (const Reached& r : reached)
        j["reached"].push_back({{"key", r.key}, {"distance", r.distance}});
      std::cout << j.dump() << "\n";
    } else {
      for (const Reached& r : reached) std::cout << r.distance << "\t" << r.key << "\n";
    }
    return Status::Ok();
  }
  std::vector<std::string> targets;
  for (const std::string& t : to_keys) targets.push_back(index.Resolve(t));
  if (!targets.empty() && none_in_graph(targets)) {
    return Status::NotFound("no entity " + Join(targets, ", ") + " in tenant " + tenant);
  }
  if (!args.to_tag.empty()) {
    for (const std::string& t : graph.Tagged(args.to_tag)) targets.push_back(t);
    if (targets.empty()) return Status::NotFound("no entity is tagged '" + args.to_tag + "'");
  }
  if (targets.empty()) return Status::InvalidArgument("give --to KEY or --to-tag TAG");
  WEFT_ASSIGN_OR_RETURN(std::vector<AttackPath> paths,
                        graph.KShortestPaths(sources, targets, args.k, options));
  if (args.format == "json") {
    std::cout << RenderPathsJson(paths) << "\n";
  } else if (args.format == "dot") {
    std::cout << RenderPathsDot(paths);
  } else {
    std::cout << RenderPathsText(paths);
  }
  return Status::Ok();
}

void AddCommonOptions(CLI::App* cmd, PathsArgs& a) {
  cmd->add_option("--from", a.from, "Source entity \"kind:value\" (repeatable)");
  cmd->add_option("--db", a.db, "Store directory")->capture_default_str();
  cmd->add_option("--tenant", a.tenant, "Tenant (default: the source entity's)");
  cmd->add_option("--relations", a.relations,
                  "Only these relations, comma-separated (e.g. can_assume,has_role_on)");
  cmd->add_option("--as-of", a.as_of, "Only relations valid at this time (valid_from <= TIME)");
  cmd->add_flag("--undirected", a.undirected, "Ignore relation direction");
  cmd->add_flag("--include-evidence", a.include_evidence,
                "Also traverse alert evidence (alert:<key> nodes)");
  cmd->add_flag("--json", a.json, "JSON output (the same as --format json)");
}

}  // namespace

void AddPathsCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<PathsArgs>();
  CLI::App* cmd =
      app.add_subcommand("paths", "Attack paths: k shortest relation paths between entities");
  cmd->footer(
      "Relations: can_assume, has_role_on, member_of, runs_on, exposes_to_internet, logged_on, "
      "owns,\n"
      "reads_data, writes_data, has_identity, contains (docs/paths.md).\n\nExamples:\n"
      "  weft paths --db ./weft.db --from user:alice@contoso.com --to-tag crown-jewel --k 3\n"
      "  weft paths --from-incident inc-0123456789abcdef --to-tag crown-jewel --format json");
  AddCommonOptions(cmd, *args);
  cmd->add_option("--to", args->to, "Target entity \"kind:value\" (repeatable)");
  cmd->add_option("--to-tag", args->to_tag, "Targets: every entity carrying this tag");
  cmd->add_option("--from-incident", args->from_incident, "Sources: every entity of this incident");
  cmd->add_option("--k", args->k, "Number of paths")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-hops", args->max_hops, "Longest path in hops")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-alerts", args->max_alerts,
                  "Alert keys listed per path (all are counted; 0 = list all)")
      ->capture_default_str();
  cmd->add_option("--format", args->format, "text, json or dot")
      ->check(CLI::IsMember({"text", "json", "dot"}))
      ->capture_default_str();
  cmd->callback([args, &ctx] {
    Status s = RunPaths(*args, false);
    if (!s.ok()) {
      PrintError(s);
      ctx.exit_code = s.code() == StatusCode::kInvalidArgument ? 2 : 1;
    }
  });

  auto rargs = std::make_shared<PathsArgs>();
  CLI::App* rcmd =
      app.add_subcommand("reach", "Blast radius: entities reachable within N hops, with distance");
  rcmd->footer("Example:\n  weft reach --db ./weft.db --from device:mde:4f1c... --hops 3");
  AddCommonOptions(rcmd, *rargs);
  rcmd->add_option("--hops", rargs->hops, "Hops")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  rcmd->add_option("--format", rargs->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  rcmd->callback([rargs, &ctx] {
    Status s = RunPaths(*rargs, true);
    if (!s.ok()) {
      PrintError(s);
      ctx.exit_code = s.code() == StatusCode::kInvalidArgument ? 2 : 1;
    }
  });
}

}  // namespace weft::cli
