#include "cli/story_render.h"

#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace weft::cli {

namespace {

using Json = nlohmann::ordered_json;

const char* SeverityColor(Severity s) {
  switch (s) {
    case Severity::kHigh: return "#e06666";
    case Severity::kMedium: return "#f6b26b";
    case Severity::kLow: return "#ffe599";
    case Severity::kInformational: return "#cfe2f3";
  }
  return "#ffffff";
}

std::string Shorten(const std::string& s, std::size_t max) {
  return s.size() <= max ? s : s.substr(0, max - 3) + "...";
}

std::string TacticName(const StoryAlert& a) {
  if (a.tactic_rank < kUnknownTacticRank) return std::string(kKillChain[a.tactic_rank]);
  return a.tactic.empty() ? "Unmapped" : a.tactic;
}

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string EntityLabel(const StoryAsset* asset, const std::string& key) {
  std::string label = asset != nullptr && !asset->display_name.empty()
                          ? asset->display_name + "\n" + Shorten(key, 60)
                          : Shorten(key, 60);
  if (asset != nullptr && !asset->CloudLabel().empty()) label += "\n[" + asset->CloudLabel() + "]";
  return label;
}

// Stable node names for DOT/Mermaid: a0.. for alerts, e0.. for entities.
struct NodeNames {
  std::map<std::string, std::string> alerts, entities;
  explicit NodeNames(const IncidentStory& story) {
    for (const std::string& k : story.kill_chain_alerts)
      alerts.emplace(k, std::string("a").append(std::to_string(alerts.size())));
    for (const auto& [kind, list] : story.assets) {
      for (const StoryAsset& a : list)
        entities.emplace(a.key, std::string("e").append(std::to_string(entities.size())));
    }
  }
  std::string Of(const std::string& key) const {
    if (auto it = alerts.find(key); it != alerts.end()) return it->second;
    if (auto it = entities.find(key); it != entities.end()) return it->second;
    return "x";
  }
};

// Alerts grouped by tactic in kill-chain order.
std::vector<std::pair<std::string, std::vector<const StoryAlert*>>> ByTactic(
    const IncidentStory& story) {
  std::vector<std::pair<std::string, std::vector<const StoryAlert*>>> groups;
  for (const std::string& key : story.kill_chain_alerts) {
    const StoryAlert* a = story.FindAlert(key);
    const std::string tactic = TacticName(*a);
    if (groups.empty() || groups.back().first != tactic) groups.push_back({tactic, {}});
    groups.back().second.push_back(a);
  }
  return groups;
}

std::string MermaidText(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '"')
      out += "#quot;";
    else if (c == '\n')
      out += "<br/>";
    else if (c == '<')
      out += "#lt;";
    else if (c == '>')
      out += "#gt;";
    else
      out.push_back(c);
  }
  return out;
}

// "2h 3m", "45s", "3d 4h": an approximate human duration.
std::string HumanGap(Timestamp ms) {
  const Timestamp sec = ms / 1000;
  if (sec < 60) return std::to_string(sec) + "s";
  if (sec < 3600) return std::to_string(sec / 60) + "m " + std::to_string(sec % 60) + "s";
  if (sec < 86400) return std::to_string(sec / 3600) + "h " + std::to_string(sec % 3600 / 60) + "m";
  return std::to_string(sec / 86400) + "d " + std::to_string(sec % 86400 / 3600) + "h";
}

}  // namespace

std::string DotQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

std::string RenderStoryText(const IncidentStory& s) {
  std::ostringstream out;
  const Incident& inc = s.incident;
  if (!s.redirected_to.empty())
    out << s.requested_id << " was merged into " << s.redirected_to << "\n\n";
  out << "Incident " << inc.id << "  [" << SeverityName(inc.severity) << ", "
      << IncidentStatusName(inc.status) << "]\n";
  out << "  " << inc.title << "\n";
  out << "  tenant:   " << inc.tenant << "\n";
  out << "  activity: " << FormatTimestamp(inc.first_activity) << " .. "
      << FormatTimestamp(inc.last_activity) << "\n";
  out << "  sources:  " << Join(s.sources, ", ") << "\n";
  out << "  clouds:   " << Join(s.clouds, ", ") << "\n";
  out << "  alerts:   " << s.timeline.size() << "\n\nTimeline\n";
  for (const StoryAlert& a : s.timeline) {
    out << "  " << FormatTimestamp(a.time) << "  " << SeverityName(a.severity) << "  " << a.source
        << "  " << a.title;
    if (!a.tactics.empty()) out << "  [" << Join(a.tactics, ", ") << "]";
    if (!a.techniques.empty()) out << " " << Join(a.techniques, ", ");
    if (a.key == s.entry_alert) out << "  <- entry point";
    if (a.key == s.impact_alert && a.key != s.entry_alert) out << "  <- furthest impact";
    out << "\n";
  }
  out << "\nAssets\n";
  for (const auto& [kind, list] : s.assets) {
    out << "  " << kind << "\n";
    for (const StoryAsset& a : list) {
      out << "    " << a.key;
      if (!a.display_name.empty()) out << "  (" << a.display_name << ")";
      if (!a.CloudLabel().empty()) out << "  [" << a.CloudLabel() << "]";
      if (a.impacted) out << "  impacted";
      out << "\n";
      if (a.aliases.size() > 1 || kind == "device") {
        for (const StoryAlias& al : a.aliases) {
          out << "      alias " << al.alias << (al.strong ? "" : " (weak)");
          if (!al.source.empty()) out << "  from " << al.source;
          out << "\n";
        }
      }
      for (const std::string& c : a.conflicts) out << "      conflict: " << c << "\n";
    }
  }
  out << "\nKill chain\n";
  for (const auto& [tactic, alerts] : ByTactic(s)) {
    out << "  " << tactic << "\n";
    for (const StoryAlert* a : alerts)
      out << "    " << FormatTimestamp(a->time) << "  " << a->title << "\n";
  }
  if (!s.links.empty()) {
    out << "\nLinks\n";
    for (const StoryLink& l : s.links) {
      const StoryAlert* a = s.FindAlert(l.from);
      const StoryAlert* b = s.FindAlert(l.to);
      out << "  " << (a ? a->title : l.from) << " -> " << (b ? b->title : l.to) << "  via "
          << l.entity << "  (+" << HumanGap(l.gap) << ")\n";
    }
  }
  return out.str();
}

std::string RenderStoryJson(const IncidentStory& s) {
  Json j;
  const Incident& inc = s.incident;
  j["id"] = inc.id;
  if (!s.redirected_to.empty()) {
    j["requested_id"] = s.requested_id;
    j["redirected_to"] = s.redirected_to;
  }
  j["tenant"] = inc.tenant;
  j["title"] = inc.title;
  j["severity"] = std::string(SeverityName(inc.severity));
  j["status"] = std::string(IncidentStatusName(inc.status));
  j["first_activity"] = FormatTimestamp(inc.first_activity);
  j["last_activity"] = FormatTimestamp(inc.last_activity);
  j["sources"] = s.sources;
  j["clouds"] = s.clouds;
  Json timeline = Json::array();
  for (const StoryAlert& a : s.timeline) {
    timeline.push_back({{"key", a.key},
                        {"time", FormatTimestamp(a.time)},
                        {"source", a.source},
                        {"severity", std::string(SeverityName(a.severity))},
                        {"title", a.title},
                        {"tactics", a.tactics},
                        {"techniques", a.techniques},
                        {"entities", a.entities}});
  }
  j["timeline"] = timeline;
  Json assets = Json::object();
  for (const auto& [kind, list] : s.assets) {
    Json arr = Json::array();
    for (const StoryAsset& a : list) {
      Json x = {
          {"key", a.key}, {"name", a.display_name}, {"cloud", a.cloud}, {"impacted", a.impacted}};
      for (const auto& [k, v] : a.labels) x[k] = v;
      Json aliases = Json::array();
      for (const StoryAlias& al : a.aliases)
        aliases.push_back({{"alias", al.alias}, {"source", al.source}, {"strong", al.strong}});
      x["aliases"] = aliases;
      x["conflicts"] = a.conflicts;
      x["tags"] = a.tags;
      x["alerts"] = a.alerts;
      arr.push_back(x);
    }
    assets[kind] = arr;
  }
  j["assets"] = assets;
  Json graph;
  graph["kill_chain"] = s.kill_chain_alerts;
  graph["entry_alert"] = s.entry_alert;
  graph["impact_alert"] = s.impact_alert;
  Json edges = Json::array();
  for (const StoryEdge& e : s.edges) {
    Json x = {{"from", e.from}, {"to", e.to}, {"kind", e.kind}};
    if (!e.role.empty()) x["role"] = e.role;
    edges.push_back(x);
  }
  graph["edges"] = edges;
  j["graph"] = graph;
  Json links = Json::array();
  for (const StoryLink& l : s.links) {
    links.push_back(
        {{"from", l.from}, {"to", l.to}, {"entity", l.entity}, {"gap", FormatDuration(l.gap)}});
  }
  j["links"] = links;
  return j.dump(2);
}

std::string RenderStoryDot(const IncidentStory& s) {
  NodeNames names(s);
  std::ostringstream out;
  out << "digraph " << DotQuote(s.incident.id) << " {\n"
      << "  rankdir=LR;\n  newrank=true;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9];\n"
      << "  label=" << DotQuote(s.incident.id + ": " + s.incident.title) << ";\n  labelloc=t;\n";
  int cluster = 0;
  for (const auto& [tactic, alerts] : ByTactic(s)) {
    out << "  subgraph cluster_" << cluster++ << " {\n    label=" << DotQuote(tactic)
        << ";\n    style=rounded;\n    color=\"#999999\";\n";
    for (const StoryAlert* a : alerts) {
      std::string label =
          Shorten(a->title, 50) + "\n" + a->source + " | " + FormatTimestamp(a->time);
      std::string extra;
      if (a->key == s.entry_alert) {
        label = "ENTRY POINT\n" + label;
        extra = ", penwidth=3, color=\"#1155cc\"";
      } else if (a->key == s.impact_alert) {
        label = "FURTHEST IMPACT\n" + label;
        extra = ", penwidth=3, color=\"#990000\"";
      }
      out << "    " << names.Of(a->key) << " [shape=box, style=\"filled,rounded\", fillcolor=\""
          << SeverityColor(a->severity) << "\", label=" << DotQuote(label) << extra << "];\n";
    }
    out << "  }\n";
  }
  for (const auto& [kind, list] : s.assets) {
    for (const StoryAsset& a : list) {
      out << "  " << names.Of(a.key)
          << " [shape=ellipse, label=" << DotQuote(kind + ": " + EntityLabel(&a, a.key)) << "];\n";
    }
  }
  // Kill-chain spine: invisible edges keep alerts in order left to right.
  for (std::size_t i = 1; i < s.kill_chain_alerts.size(); ++i) {
    out << "  " << names.Of(s.kill_chain_alerts[i - 1]) << " -> "
        << names.Of(s.kill_chain_alerts[i]) << " [style=invis, weight=10];\n";
  }
  for (const StoryEdge& e : s.edges) {
    out << "  " << names.Of(e.from) << " -> " << names.Of(e.to);
    if (e.kind == "evidence") {
      out << " [style=dashed, color=\"#666666\", label=" << DotQuote(e.role) << "];\n";
    } else {
      out << " [color=\"#1155cc\", label=" << DotQuote(e.kind) << "];\n";
    }
  }
  for (const StoryLink& l : s.links) {
    out << "  " << names.Of(l.from) << " -> " << names.Of(l.to)
        << " [color=\"#cc0000\", constraint=false, label="
        << DotQuote("via " + Shorten(l.entity, 40)) << "];\n";
  }
  out << "}\n";
  return out.str();
}

std::string RenderStoryMermaid(const IncidentStory& s) {
  NodeNames names(s);
  std::ostringstream out;
  out << "flowchart LR\n";
  int cluster = 0;
  for (const auto& [tactic, alerts] : ByTactic(s)) {
    out << "  subgraph t" << cluster++ << "[\"" << MermaidText(tactic) << "\"]\n";
    for (const StoryAlert* a : alerts) {
      std::string label =
          Shorten(a->title, 50) + "\n" + a->source + " | " + SeverityName(a->severity).data();
      if (a->key == s.entry_alert)
        label = "ENTRY POINT\n" + label;
      else if (a->key == s.impact_alert)
        label = "FURTHEST IMPACT\n" + label;
      out << "    " << names.Of(a->key) << "[\"" << MermaidText(label) << "\"]\n";
    }
    out << "  end\n";
  }
  for (const auto& [kind, list] : s.assets) {
    for (const StoryAsset& a : list) {
      out << "  " << names.Of(a.key) << "([\"" << MermaidText(kind + ": " + EntityLabel(&a, a.key))
          << "\"])\n";
    }
  }
  for (const StoryEdge& e : s.edges) {
    if (e.kind == "evidence") {
      out << "  " << names.Of(e.from) << " -.->|" << e.role << "| " << names.Of(e.to) << "\n";
    } else {
      out << "  " << names.Of(e.from) << " -->|" << MermaidText(e.kind) << "| " << names.Of(e.to)
          << "\n";
    }
  }
  for (const StoryLink& l : s.links) {
    out << "  " << names.Of(l.from) << " ==>|linked| " << names.Of(l.to) << "\n";
  }
  for (const auto& [tactic, alerts] : ByTactic(s)) {
    for (const StoryAlert* a : alerts) {
      std::string fill = SeverityColor(a->severity);
      out << "  style " << names.Of(a->key) << " fill:" << fill << "\n";
    }
  }
  return out.str();
}

std::string RenderPathsText(const std::vector<AttackPath>& paths) {
  std::ostringstream out;
  if (paths.empty()) out << "no path\n";
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const AttackPath& p = paths[i];
    out << "path " << i + 1 << " (" << p.length() << " hops)\n  " << p.nodes.front() << "\n";
    for (const PathHop& h : p.hops) {
      out << "    " << (h.reversed ? "<-" + h.relation + "-" : "-" + h.relation + "->") << " "
          << h.to << "\n";
    }
    if (!p.alerts.empty()) {
      out << "  alerts on path (" << p.alert_count << "): " << Join(p.alerts, ", ");
      if (p.alert_count > p.alerts.size())
        out << " ... and " << p.alert_count - p.alerts.size() << " more (--max-alerts)";
      out << "\n";
    }
  }
  return out.str();
}

std::string RenderPathsJson(const std::vector<AttackPath>& paths) {
  Json arr = Json::array();
  for (const AttackPath& p : paths) {
    Json hops = Json::array();
    for (const PathHop& h : p.hops) {
      Json x = {{"from", h.from}, {"to", h.to}, {"relation", h.relation}};
      if (h.reversed) x["reversed"] = true;
      hops.push_back(x);
    }
    arr.push_back({{"hops", hops},
                   {"length", p.length()},
                   {"nodes", p.nodes},
                   {"alerts", p.alerts},
                   {"alert_count", p.alert_count}});
  }
  Json j;
  j["paths"] = arr;
  return j.dump();
}

std::string RenderPathsDot(const std::vector<AttackPath>& paths) {
  std::ostringstream out;
  out << "digraph paths {\n  rankdir=LR;\n  node [shape=ellipse, fontname=\"Helvetica\", "
         "fontsize=10];\n";
  std::set<std::string> nodes;
  std::set<std::tuple<std::string, std::string, std::string>> edges;
  for (const AttackPath& p : paths) {
    for (const std::string& n : p.nodes) {
      if (nodes.insert(n).second) {
        out << "  " << DotQuote(n) << ";\n";
      }
    }
    for (const PathHop& h : p.hops) {
      const std::string& a = h.reversed ? h.to : h.from;
      const std::string& b = h.reversed ? h.from : h.to;
      if (edges.insert({a, h.relation, b}).second) {
        out << "  " << DotQuote(a) << " -> " << DotQuote(b) << " [label=" << DotQuote(h.relation)
            << "];\n";
      }
    }
  }
  out << "}\n";
  return out.str();
}

}  // namespace weft::cli
