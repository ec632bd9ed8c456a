// `weft show INCIDENT_ID`: the attack story of one incident as text, JSON, DOT or Mermaid.
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/story_render.h"
#include "engine/story.h"

namespace weft::cli {

void AddShowCommand(CLI::App& app, CommandContext& ctx) {
  auto db = std::make_shared<std::string>(kDefaultDb);
  auto id = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd =
      app.add_subcommand("show", "Show an incident's attack story: timeline, assets, kill chain");
  cmd->footer(
      "A redirected (merged) incident id shows where it went and the story of the incident that\n"
      "absorbed it.\n\nExamples:\n  weft show inc-0123456789abcdef --db ./weft.db\n"
      "  weft show inc-0123456789abcdef --format dot | dot -Tsvg > story.svg");
  cmd->add_option("id", *id, "Incident id")->required();
  cmd->add_option("--db", *db, "Store directory")->capture_default_str();
  cmd->add_option("--format", *format, "text, json, dot or mermaid")
      ->check(CLI::IsMember({"text", "json", "dot", "mermaid"}))
      ->capture_default_str();
  cmd->callback([db, id, format, &ctx] {
    Result<std::unique_ptr<GraphStore>> store = OpenStore(*db, true);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    Result<IncidentStory> story = BuildStory(**store, *id);
    if (!story.ok()) {
      PrintError(story.status());
      ctx.exit_code = 1;
      return;
    }
    if (!story->redirected_to.empty() && *format != "text" && *format != "json") {
      std::cerr << "weft: " << *id << " was merged into " << story->redirected_to << "\n";
    }
    if (*format == "json") {
      std::cout << RenderStoryJson(*story) << "\n";
    } else if (*format == "dot") {
      std::cout << RenderStoryDot(*story);
    } else if (*format == "mermaid") {
      std::cout << RenderStoryMermaid(*story);
    } else {
      std::cout << RenderStoryText(*story);
    }
  });
}

}  // namespace weft::cli
