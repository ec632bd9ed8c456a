#pragma once
// Renderings of an IncidentStory (text, JSON, Graphviz DOT, Mermaid) and of attack paths, for
// `weft show` and `weft paths`. Pure functions of their inputs; thread-safe.

#include <string>
#include <vector>

#include "engine/path_query.h"
#include "engine/story.h"

namespace weft::cli {

std::string RenderStoryText(const IncidentStory& story);
std::string RenderStoryJson(const IncidentStory& story);
// digraph, rankdir=LR, one cluster per kill-chain tactic holding its alerts (boxes coloured by
// severity), entities as ellipses labelled with their cloud, evidence and relation edges.
std::string RenderStoryDot(const IncidentStory& story);
// "flowchart LR" with one subgraph per tactic.
std::string RenderStoryMermaid(const IncidentStory& story);

std::string RenderPathsText(const std::vector<AttackPath>& paths);
// {"paths":[{"hops":[{"from","to","relation","reversed"}],"length":N,"nodes":[...],"alerts":[...]}]}
std::string RenderPathsJson(const std::vector<AttackPath>& paths);
std::string RenderPathsDot(const std::vector<AttackPath>& paths);

// Quotes `s` as a DOT string literal (escapes '"', '\\' and newlines).
std::string DotQuote(const std::string& s);

}  // namespace weft::cli
