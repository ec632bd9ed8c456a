#pragma once
// IncidentStory: everything an analyst reads about one incident, built from the store: a
// summary, the alert timeline, the assets grouped by kind (devices with every alias and the
// product that taught it, cloud resources with their subscription/account/project, region and
// type), and the attack story graph (alert and entity nodes, evidence and relation edges) laid
// out along the MITRE ATT&CK kill chain with the entry point and the furthest impact marked, and
// the links that joined consecutive alerts. A value; building it only reads the store.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_store.h"
#include "model/alert.h"
#include "model/incident.h"

namespace weft {

// MITRE tactics in kill-chain order; TacticRank gives the position (unknown tactics rank last).
inline constexpr std::string_view kKillChain[] = {"Reconnaissance", "ResourceDevelopment",
                                                  "InitialAccess",  "Execution",
                                                  "Persistence",    "PrivilegeEscalation",
                                                  "DefenseEvasion", "CredentialAccess",
                                                  "Discovery",      "LateralMovement",
                                                  "Collection",     "CommandAndControl",
                                                  "Exfiltration",   "Impact"};
inline constexpr int kUnknownTacticRank = 14;
// Position of `tactic` in kKillChain, ignoring case, spaces, '-' and '_'; kUnknownTacticRank else.
int TacticRank(std::string_view tactic);

struct StoryAlert {
  std::string key;
  Timestamp time = kNoTime;  // activity time
  std::string source;        // product name
  Severity severity = Severity::kMedium;
  AlertStatus status = AlertStatus::kNew;
  std::string title;
  std::vector<std::string> tactics;
  std::vector<std::string> techniques;
  std::string tactic;  // its earliest kill-chain tactic, "" when it has none
  int tactic_rank = kUnknownTacticRank;
  std::vector<std::string> entities;  // resolved entity keys of its evidence
};

struct StoryAlias {
  std::string alias;   // "type:value"
  std::string source;  // product that taught it ("" when unknown)
  bool strong = true;
};

struct StoryAsset {
  std::string key;  // resolved entity key
  std::string kind;
  std::string display_name;
  std::string cloud;  // "azure", "aws", "gcp", "on-premises" or "unknown"
  // For cloud resources and cloud VMs: "subscription"/"account"/"project", "region",
  // "resource_type", as present in the entity's properties.
  std::map<std::string, std::string> labels;
  std::vector<StoryAlias> aliases;
  std::vector<std::string> conflicts;
  std::vector<std::string> tags;
  bool impacted = false;            // evidence role impacted in at least one alert
  std::vector<std::string> alerts;  // alert keys naming it

  // "azure sub 1234 / eastus / virtualmachines" style one-liner; "" when no cloud labels.
  std::string CloudLabel() const;
};

// The asset view of an entity record (labels from its properties, aliases with sources).
StoryAsset AssetFromRecord(const EntityRecord& record);

struct StoryEdge {
  std::string from;  // node id: alert key or entity key
  std::string to;
  std::string kind;  // "evidence" or the relation name
  std::string role;  // evidence role ("impacted"/"related"); "" for relations
};

struct StoryLink {
  std::string from;  // alert key
  std::string to;
  std::string entity;
  Timestamp gap = 0;
};

struct IncidentStory {
  std::string requested_id;          // the id asked for
  std::string redirected_to;         // set when requested_id was redirected (story is of this id)
  Incident incident;                 // the incident shown
  std::vector<std::string> sources;  // product names, sorted
  std::vector<std::string> clouds;   // sorted
  std::vector<StoryAlert> timeline;  // activity order (then key)
  std::map<std::string, std::vector<StoryAsset>> assets;  // by kind name; each sorted by key
  // Story graph: alerts in kill-chain order (tactic rank, then time), evidence and relation
  // edges between the incident's entities.
  std::vector<std::string> kill_chain_alerts;  // alert keys
  std::vector<StoryEdge> edges;
  std::string entry_alert;       // earliest alert in the earliest tactic
  std::string impact_alert;      // latest alert in the latest tactic
  std::vector<StoryLink> links;  // shared entities joining consecutive timeline alerts

  const StoryAlert* FindAlert(std::string_view key) const;
  const StoryAsset* FindAsset(std::string_view key) const;
};

// Builds the story of incident `id`, following a redirect (once, or through a chain) to the
// incident that absorbed it. NotFound when no incident has that id; Corruption when the
// incident names an alert the store lacks; store errors as they are.
Result<IncidentStory> BuildStory(GraphStore& store, std::string_view id);

}  // namespace weft
