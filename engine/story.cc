#include "engine/story.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "engine/path_query.h"

namespace weft {

namespace {

std::string Squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '-' || c == '_') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

StoryAsset MakeAsset(const EntityRecord* record, const Entity& fallback) {
  const Entity& e = record != nullptr ? record->entity : fallback;
  StoryAsset a;
  a.key = e.key;
  a.kind = std::string(EntityKindName(e.kind));
  a.display_name = e.display_name;
  a.cloud = std::string(CloudName(e.cloud));
  for (const char* label : {"subscription", "account", "project", "region", "resource_type"}) {
    auto it = e.properties.find(label);
    if (it != e.properties.end() && !it->second.empty()) a.labels[label] = it->second;
  }
  for (const Alias& al : e.aliases)
    a.aliases.push_back(StoryAlias{al.ToString(), al.source, al.strong()});
  if (record != nullptr) a.conflicts = record->conflicts;
  a.tags = e.tags;
  return a;
}

}  // namespace

StoryAsset AssetFromRecord(const EntityRecord& record) { return MakeAsset(&record, record.entity); }

int TacticRank(std::string_view tactic) {
  const std::string t = Squash(tactic);
  for (int i = 0; i < kUnknownTacticRank; ++i) {
    if (Squash(kKillChain[i]) == t) return i;
  }
  return kUnknownTacticRank;
}

std::string StoryAsset::CloudLabel() const {
  if (cloud == "unknown" && labels.empty()) return "";
  std::string out = cloud;
  for (const char* scope : {"subscription", "account", "project"}) {
    auto it = labels.find(scope);
    if (it != labels.end()) out.append(" ").append(scope).append(" ").append(it->second);
  }
  if (auto it = labels.find("region"); it != labels.end()) out += " / " + it->second;
  if (auto it = labels.find("resource_type"); it != labels.end()) out += " / " + it->second;
  return out;
}

const StoryAlert* IncidentStory::FindAlert(std::string_view key) const {
  for (const StoryAlert& a : timeline) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

const StoryAsset* IncidentStory::FindAsset(std::string_view key) const {
  for (const auto& [kind, list] : assets) {
    for (const StoryAsset& a : list) {
      if (a.key == key) return &a;
    }
  }
  return nullptr;
}

Result<IncidentStory> BuildStory(GraphStore& store, std::string_view id) {
  IncidentStory story;
  story.requested_id = std::string(id);
  WEFT_ASSIGN_OR_RETURN(std::optional<Incident> incident, store.GetIncident(id));
  if (!incident) return Status::NotFound("no incident " + std::string(id));
  for (int hops = 0; incident->status == IncidentStatus::kRedirected && hops < 64; ++hops) {
    const std::string target = incident->redirected_to;
    WEFT_ASSIGN_OR_RETURN(incident, store.GetIncident(target));
    if (!incident)
      return Status::Corruption("incident " + std::string(id) + " redirects to missing " + target);
    story.redirected_to = target;
  }
  story.incident = *incident;

  std::vector<Alert> alerts;
  std::vector<std::string> evidence_keys;  // each evidence entity's key
  std::vector<std::string> alias_keys;     // and its strong aliases, "kind:type:value"
  for (const std::string& key : incident->alert_keys) {
    WEFT_ASSIGN_OR_RETURN(std::optional<Alert> alert, store.GetAlert(key));
    if (!alert)
      return Status::Corruption("incident " + incident->id + " names missing alert " + key);
    for (const Evidence& ev : alert->evidence) {
      evidence_keys.push_back(ev.entity.key);
      for (std::string& alias : ev.entity.StrongAliasKeys()) alias_keys.push_back(std::move(alias));
    }
    alerts.push_back(std::move(*alert));
  }
  // The stored entities the evidence resolves to (a relation between two of them resolves
  // through their aliases too). The incident names them, so point reads find them; when an
  // evidence key is not among their keys and aliases (an entity merged since the incident was
  // written), the tenant's entities are scanned for the records that hold it.
  WEFT_ASSIGN_OR_RETURN(std::optional<ResolvedEntityIndex> read,
                        ResolvedEntityIndex::ReadCovering(store, incident->tenant,
                                                          incident->entities, evidence_keys));
  if (!read) {
    evidence_keys.insert(evidence_keys.end(), alias_keys.begin(), alias_keys.end());
    WEFT_ASSIGN_OR_RETURN(read,
                          ResolvedEntityIndex::LoadFor(store, incident->tenant, evidence_keys));
  }
  const ResolvedEntityIndex& index = *read;
  std::set<std::string> sources, clouds;
  std::map<std::string, StoryAsset> assets;  // by resolved key
  std::set<std::string> entity_keys;
  std::vector<Relation> relations;
  for (const Alert& alert : alerts) {
    StoryAlert s;
    s.key = alert.key;
    s.time = alert.activity_time();
    s.source = std::string(SourceProductName(alert.source));
    s.severity = alert.severity;
    s.status = alert.status;
    s.title = alert.title;
    s.tactics = alert.tactics;
    s.techniques = alert.techniques;
    for (const std::string& t : alert.tactics) {
      const int r = TacticRank(t);
      if (s.tactic.empty() || r < s.tactic_rank) {
        s.tactic_rank = r;
        s.tactic = t;
      }
    }
    sources.insert(s.source);
    if (alert.cloud != Cloud::kUnknown) clouds.insert(std::string(CloudName(alert.cloud)));
    for (const Evidence& ev : alert.evidence) {
      const std::string resolved = index.ResolveEntity(ev.entity);
      auto [it, inserted] = assets.try_emplace(resolved);
      if (inserted) it->second = MakeAsset(index.Record(resolved), ev.entity);
      if (ev.role == EvidenceRole::kImpacted) it->second.impacted = true;
      it->second.alerts.push_back(s.key);
      if (ev.entity.cloud != Cloud::kUnknown)
        clouds.insert(std::string(CloudName(ev.entity.cloud)));
      if (std::find(s.entities.begin(), s.entities.end(), resolved) == s.entities.end()) {
        s.entities.push_back(resolved);
        story.edges.push_back(
            StoryEdge{s.key, resolved, "evidence", std::string(EvidenceRoleName(ev.role))});
      }
      entity_keys.insert(resolved);
    }
    for (const Relation& r : alert.relations) relations.push_back(r);
    story.timeline.push_back(std::move(s));
  }
  // Stored relations whose `from` can resolve to one of the story's entities: its key or one of
  // its strong aliases. Read in key order, as a scan of the tenant's relations would give them.
  std::set<std::string> froms(entity_keys.begin(), entity_keys.end());
  for (const std::string& key : entity_keys) {
    if (const EntityRecord* record = index.Record(key)) {
      for (std::string& alias : record->entity.StrongAliasKeys()) froms.insert(std::move(alias));
    }
  }
  for (const std::string& from : froms) {
    WEFT_RETURN_IF_ERROR(store.ForEachRelationFrom(incident->tenant, from, [&](const Relation& r) {
      relations.push_back(r);
      return true;
    }));
  }
  std::set<std::tuple<std::string, std::string, std::string>> seen_relations;
  for (const Relation& r : relations) {
    std::string from = index.Resolve(r.from), to = index.Resolve(r.to);
    if (from == to || entity_keys.count(from) == 0 || entity_keys.count(to) == 0) continue;
    if (!seen_relations.insert({from, r.relation, to}).second) continue;
    story.edges.push_back(StoryEdge{from, to, r.relation, ""});
  }

  std::sort(story.timeline.begin(), story.timeline.end(),
            [](const StoryAlert& a, const StoryAlert& b) {
              return std::tie(a.time, a.key) < std::tie(b.time, b.key);
            });
  story.sources.assign(sources.begin(), sources.end());
  story.clouds.assign(clouds.begin(), clouds.end());
  for (auto& [key, asset] : assets) {
    std::sort(asset.alerts.begin(), asset.alerts.end());
    asset.alerts.erase(std::unique(asset.alerts.begin(), asset.alerts.end()), asset.alerts.end());
    story.assets[asset.kind].push_back(std::move(asset));
  }

  // Kill chain: tactic rank, then time.
  std::vector<const StoryAlert*> order;
  for (const StoryAlert& a : story.timeline) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const StoryAlert* a, const StoryAlert* b) {
    return a->tactic_rank < b->tactic_rank;
  });
  for (const StoryAlert* a : order) story.kill_chain_alerts.push_back(a->key);
  if (!order.empty()) {
    story.entry_alert = order.front()->key;
    // The furthest impact: the latest alert of the highest known tactic (of any alert when
    // none has a known tactic).
    const StoryAlert* impact = order.back();
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if ((*it)->tactic_rank != kUnknownTacticRank) {
        impact = *it;
        break;
      }
    }
    story.impact_alert = impact->key;
  }

  // Links: each alert joins the latest earlier alert with which it shares an entity.
  for (std::size_t i = 1; i < story.timeline.size(); ++i) {
    const StoryAlert& b = story.timeline[i];
    for (std::size_t j = i; j-- > 0;) {
      const StoryAlert& a = story.timeline[j];
      auto shared = std::find_first_of(a.entities.begin(), a.entities.end(), b.entities.begin(),
                                       b.entities.end());
      if (shared == a.entities.end()) continue;
      story.links.push_back(StoryLink{a.key, b.key, *shared, b.time - a.time});
      break;
    }
  }
  return story;
}

}  // namespace weft
