// Engine::Recorrelate: rebuilds every incident from the stored entities and alerts under new rules
// and applies (or only reports) the difference from the stored incidents.

#include <algorithm>
#include <unordered_map>

#include "engine/engine.h"
#include "engine/internal/engine_state.h"

namespace weft {

using internal::kNoIncident;

Result<IncidentDiff> Engine::Recorrelate(GraphStore& store, const RecorrelateOptions& options) {
  internal::EngineState fresh(options.config, store);
  std::vector<Incident> computed;
  WEFT_RETURN_IF_ERROR(fresh.Replay(store, &computed));
  auto in_range = [&](const Incident& i) {
    return (options.since == kNoTime || i.last_activity >= options.since) &&
           (options.until == kNoTime || i.first_activity <= options.until);
  };
  // The stored grouping, by alert index of the fresh state: which old incident each alert was in
  // (kNoIncident when none), and per old incident its size, range and first alert.
  struct OldIncident {
    std::string id;
    std::string tenant;
    std::size_t alerts = 0;
    Timestamp first_activity = kNoTime, last_activity = kNoTime;
    std::uint32_t first_alert = kNoIncident;  // its first alert key, as a fresh-state index
  };
  std::vector<OldIncident> olds;
  std::unordered_map<std::string, std::uint32_t> old_index;
  std::vector<std::uint32_t> old_of(fresh.alerts.size(), kNoIncident);
  WEFT_RETURN_IF_ERROR(store.ForEachIncident("", [&](const Incident& i) {
    if (i.status == IncidentStatus::kRedirected) return true;
    const auto idx = static_cast<std::uint32_t>(olds.size());
    OldIncident o{i.id, i.tenant, i.alert_keys.size(), i.first_activity, i.last_activity, kNoIncident};
    for (const std::string& k : i.alert_keys) {
      auto it = fresh.alert_index.find(std::string_view(k));
      if (it == fresh.alert_index.end()) continue;
      old_of[it->second] = idx;
      if (o.first_alert == kNoIncident) o.first_alert = it->second;
    }
    old_index.emplace(i.id, idx);
    olds.push_back(std::move(o));
    return true;
  }));
  IncidentDiff diff;
  diff.alerts = fresh.alerts.size();
  WriteBatch wb;
  std::vector<std::uint32_t> members_olds;
  std::vector<std::uint8_t> old_parts(olds.size(), 0);  // new incidents an old one's alerts went to (capped at 2)
  std::vector<std::uint32_t> old_first_new(olds.size(), kNoIncident);
  for (Incident& inc : computed) {
    const std::uint32_t new_idx = fresh.FindIncident(inc.id);
    members_olds.clear();
    for (const std::string& k : inc.alert_keys) {
      const std::uint32_t a = fresh.alert_index.at(std::string_view(k));
      if (old_of[a] != kNoIncident) members_olds.push_back(old_of[a]);
    }
    std::sort(members_olds.begin(), members_olds.end());
    members_olds.erase(std::unique(members_olds.begin(), members_olds.end()), members_olds.end());
    for (std::uint32_t o : members_olds) {
      if (old_first_new[o] != new_idx && old_parts[o] < 2) ++old_parts[o];
      old_first_new[o] = new_idx;
    }
    if (!in_range(inc)) continue;
    auto same = old_index.find(inc.id);
    if (members_olds.size() == 1 && same != old_index.end() && members_olds[0] == same->second &&
        olds[same->second].alerts == inc.alert_keys.size()) {
      diff.unchanged.push_back(inc.id);
      continue;
    }
    if (members_olds.size() >= 2) diff.merged.push_back(inc.id);
    else if (same == old_index.end()) diff.created.push_back(inc.id);
    wb.incidents.push_back(std::move(inc));
  }
  for (std::uint32_t o = 0; o < olds.size(); ++o) {
    const OldIncident& old = olds[o];
    Incident probe;
    probe.first_activity = old.first_activity;
    probe.last_activity = old.last_activity;
    if (!in_range(probe)) continue;
    if (old_parts[o] >= 2) diff.split.push_back(old.id);
    if (fresh.FindIncident(old.id) != kNoIncident) continue;  // the id lives on (the fresh state holds only current ids)
    diff.removed.push_back(old.id);
    Incident redirect;
    redirect.id = old.id;
    redirect.tenant = old.tenant;
    redirect.status = IncidentStatus::kRedirected;
    // The incident that now holds the old incident's first alert (by key order) takes it over.
    if (old.first_alert != kNoIncident) redirect.redirected_to = fresh.IncidentId(fresh.alerts[old.first_alert].incident);
    redirect.first_activity = old.first_activity;
    redirect.last_activity = old.last_activity;
    wb.incidents.push_back(std::move(redirect));
  }
  for (auto* list : {&diff.unchanged, &diff.merged, &diff.split, &diff.created, &diff.removed}) {
    std::sort(list->begin(), list->end());
  }
  if (options.dry_run) return diff;
  wb.meta.push_back(internal::CorrelationConfigMeta(options.config));
  WEFT_RETURN_IF_ERROR(store.Apply(wb));
  diff.applied = true;
  return diff;
}

}  // namespace weft
