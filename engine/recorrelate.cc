// Engine::Recorrelate: rebuilds every incident from the stored entities and alerts under new rules
// and applies (or only reports) the difference from the stored incidents. Memory stays that of
// one engine: the stored incidents are kept as numbers (id hash, size, range, alerts by key hash)
// and only the incidents that change are built as records. The stored incidents are read on a
// second thread while the engine state is replayed.

#include <algorithm>
#include <future>

#include "engine/engine.h"
#include "engine/internal/engine_state.h"

#include "absl/container/flat_hash_map.h"

namespace weft {
namespace {

using internal::kNoIncident;

// A stored (not redirected) incident.
struct OldIncident {
  std::uint64_t id = 0;      // its id's hash (ids are FormatIncidentId(hash))
  std::uint32_t tenant = 0;  // index into StoredGrouping::tenants
  std::uint32_t alerts = 0;
  Timestamp first_activity = kNoTime, last_activity = kNoTime;
  std::uint32_t first_alert = kNoIncident;  // its first alert by key order, as a fresh-state index
};

// The stored grouping, without the fresh state: alert keys by their 64-bit StableHash (two of a
// million keys share one with probability ~3e-8).
struct StoredGrouping {
  std::vector<OldIncident> olds;
  std::vector<std::string> tenants;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> by_id;           // id hash -> olds index
  internal::HugeHashMap<std::uint64_t, std::uint32_t> of_alert_key;  // key hash -> olds index
};

Status ReadStoredGrouping(GraphStore& store, StoredGrouping* out) {
  absl::flat_hash_map<std::string, std::uint32_t> tenant_index;
  Status bad_id;
  WEFT_RETURN_IF_ERROR(store.ForEachIncident("", [&](const Incident& i) {
    if (i.status == IncidentStatus::kRedirected) return true;
    const std::optional<std::uint64_t> id = ParseIncidentId(i.id);
    if (!id) {
      bad_id =
          Status::Corruption("stored incident '" + i.id + "' does not have a weft incident id");
      return false;
    }
    const auto [t, fresh_tenant] =
        tenant_index.emplace(i.tenant, static_cast<std::uint32_t>(out->tenants.size()));
    if (fresh_tenant) out->tenants.push_back(i.tenant);
    const auto idx = static_cast<std::uint32_t>(out->olds.size());
    out->olds.push_back(OldIncident{*id, t->second, static_cast<std::uint32_t>(i.alert_keys.size()),
                                    i.first_activity, i.last_activity, kNoIncident});
    for (const std::string& k : i.alert_keys) out->of_alert_key.emplace(StableHash(k), idx);
    out->by_id.emplace(*id, idx);
    return true;
  }));
  return bad_id;
}

}  // namespace

Result<IncidentDiff> Engine::Recorrelate(GraphStore& store, const RecorrelateOptions& options) {
  StoredGrouping stored;
  std::future<Status> reading = std::async(
      std::launch::async, [&store, &stored] { return ReadStoredGrouping(store, &stored); });
  internal::EngineState fresh(options.config, store);
  const Status replayed = fresh.Replay(store, nullptr);
  const Status read = reading.get();  // joins the reader before anything returns
  WEFT_RETURN_IF_ERROR(replayed);
  WEFT_RETURN_IF_ERROR(read);
  auto in_range = [&](Timestamp first, Timestamp last) {
    return (options.since == kNoTime || last >= options.since) &&
           (options.until == kNoTime || first <= options.until);
  };
  // Which old incident each alert was in (kNoIncident when none).
  std::vector<OldIncident>& olds = stored.olds;
  std::vector<std::uint32_t> old_of(fresh.alerts.size(), kNoIncident);
  for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a) {
    auto it = stored.of_alert_key.find(StableHash(fresh.Key(a)));
    if (it == stored.of_alert_key.end()) continue;
    old_of[a] = it->second;
    std::uint32_t& first = olds[it->second].first_alert;
    if (first == kNoIncident || fresh.Key(a) < fresh.Key(first)) first = a;
  }

  // The fresh incidents' members, grouped by incident (counting sort over the alerts).
  const std::size_t incidents = fresh.incident_hashes.size();
  std::vector<std::uint32_t> offsets(incidents + 1, 0);
  for (const internal::AlertInfo& a : fresh.alerts) ++offsets[a.incident + 1];
  for (std::size_t i = 0; i < incidents; ++i) offsets[i + 1] += offsets[i];
  std::vector<std::uint32_t> members_of(fresh.alerts.size());
  {
    std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a)
      members_of[fill[fresh.alerts[a].incident]++] = a;
  }

  IncidentDiff diff;
  diff.alerts = fresh.alerts.size();
  WriteBatch wb;
  std::vector<std::uint32_t> members, members_olds;
  std::vector<std::uint8_t> old_parts(
      olds.size(), 0);  // new incidents an old one's alerts went to (capped at 2)
  std::vector<std::uint32_t> old_first_new(olds.size(), kNoIncident);
  for (std::uint32_t inc = 0; inc < incidents; ++inc) {
    members.assign(members_of.begin() + offsets[inc], members_of.begin() + offsets[inc + 1]);
    if (members.empty()) continue;
    members_olds.clear();
    Timestamp first = fresh.alerts[members[0]].first, last = fresh.alerts[members[0]].last;
    for (std::uint32_t a : members) {
      first = std::min(first, fresh.alerts[a].first);
      last = std::max(last, fresh.alerts[a].last);
      if (old_of[a] != kNoIncident) members_olds.push_back(old_of[a]);
    }
    std::sort(members_olds.begin(), members_olds.end());
    members_olds.erase(std::unique(members_olds.begin(), members_olds.end()), members_olds.end());
    for (std::uint32_t o : members_olds) {
      if (old_first_new[o] != inc && old_parts[o] < 2) ++old_parts[o];
      old_first_new[o] = inc;
    }
    if (!in_range(first, last)) continue;
    auto same = stored.by_id.find(fresh.incident_hashes[inc]);
    if (members_olds.size() == 1 && same != stored.by_id.end() && members_olds[0] == same->second &&
        olds[same->second].alerts == members.size()) {
      ++diff.unchanged;
      continue;
    }
    if (members_olds.size() >= 2)
      diff.merged.push_back(fresh.IncidentId(inc));
    else if (same == stored.by_id.end())
      diff.created.push_back(fresh.IncidentId(inc));
    if (!options.dry_run) {
      std::uint32_t earliest = 0;
      wb.incidents.push_back(fresh.BuildIncident(members, &earliest));
    }
  }
  for (std::uint32_t o = 0; o < olds.size(); ++o) {
    const OldIncident& old = olds[o];
    if (!in_range(old.first_activity, old.last_activity)) continue;
    const std::string id = FormatIncidentId(old.id);
    if (old_parts[o] >= 2) diff.split.push_back(id);
    if (fresh.incident_index.count(old.id) != 0)
      continue;  // the id lives on (the fresh state holds only current ids)
    diff.removed.push_back(id);
    Incident redirect;
    redirect.id = id;
    redirect.tenant = stored.tenants[old.tenant];
    redirect.status = IncidentStatus::kRedirected;
    // The incident that now holds the old incident's first alert (by key order) takes it over.
    if (old.first_alert != kNoIncident)
      redirect.redirected_to = fresh.IncidentId(fresh.alerts[old.first_alert].incident);
    redirect.first_activity = old.first_activity;
    redirect.last_activity = old.last_activity;
    wb.incidents.push_back(std::move(redirect));
  }
  for (auto* list : {&diff.merged, &diff.split, &diff.created, &diff.removed}) {
    std::sort(list->begin(), list->end());
  }
  if (options.dry_run) return diff;
  wb.meta.push_back(internal::CorrelationConfigMeta(options.config));
  WEFT_RETURN_IF_ERROR(store.Apply(wb));
  diff.applied = true;
  return diff;
}

}  // namespace weft
