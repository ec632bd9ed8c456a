// Engine::Recorrelate: rebuilds every incident from the stored entities and alerts under new rules
// and applies (or only reports) the difference from the stored incidents. Memory stays that of
// one engine: the stored incidents are kept as numbers, read on a second thread while the engine
// state is replayed, and only the incidents that change are built as records.
//
// An incident is unchanged when a stored incident has its id, its number of alerts and the same
// fingerprint of its alert keys (a sum of 64-bit key hashes, so it needs no order). Matching the
// fingerprints costs one pass over the alerts; alert-by-alert lookups of the stored incidents are
// needed only for the alerts of incidents that changed, which is nothing under the rules in force.
// The stored incidents' alert keys are therefore not kept from the first read: when some stored
// incidents did not match, a second scan reads the keys of those alone.

#include <algorithm>
#include <future>

#include "engine/engine.h"
#include "engine/internal/engine_state.h"

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace weft {
namespace {

using internal::kNoIncident;

// A 64-bit hash of an alert key given as its tenant and the rest after "<tenant>/", the same for
// equal keys within this process (which is all a fingerprint compared within one run needs). Two
// of a million keys share one with probability ~3e-8; two different key sets of one incident id
// and size share a fingerprint with ~2^-64.
std::uint64_t KeyHash(std::string_view tenant, std::string_view rest) {
  return absl::HashOf(tenant, rest);
}

// The same hash of a stored key of `tenant`. A key without the tenant prefix (never written by
// weft) gets a hash no fresh alert has, so its incident counts as changed.
std::uint64_t StoredKeyHash(std::string_view tenant, std::string_view key) {
  if (key.size() > tenant.size() && key.substr(0, tenant.size()) == tenant &&
      key[tenant.size()] == '/')
    return KeyHash(tenant, key.substr(tenant.size() + 1));
  return KeyHash("", key);  // no alert has an empty tenant
}

// A stored (not redirected) incident.
struct OldIncident {
  std::uint64_t id = 0;       // its id's hash (ids are FormatIncidentId(hash))
  std::uint64_t members = 0;  // fingerprint: sum of KeyHash over its alert keys
  std::uint32_t tenant = 0;   // index into StoredGrouping::tenants
  std::uint32_t alerts = 0;
  Timestamp first_activity = kNoTime, last_activity = kNoTime;
  std::uint32_t first_alert = kNoIncident;  // its first alert by key order, as a fresh-state index
  bool matched = false;                     // a fresh incident has the same id and alerts
};

struct StoredGrouping {
  std::vector<OldIncident> olds;  // in the store's (id) order
  std::vector<std::string> tenants;
};

bool Stored(const Incident& i) { return i.status != IncidentStatus::kRedirected; }

Status ReadStoredGrouping(GraphStore& store, StoredGrouping* out) {
  absl::flat_hash_map<std::string, std::uint32_t> tenant_index;
  Status bad_id;
  WEFT_RETURN_IF_ERROR(store.ForEachIncident("", [&](const Incident& i) {
    if (!Stored(i)) return true;
    const std::optional<std::uint64_t> id = ParseIncidentId(i.id);
    if (!id) {
      bad_id =
          Status::Corruption("stored incident '" + i.id + "' does not have a weft incident id");
      return false;
    }
    const auto [t, fresh_tenant] =
        tenant_index.emplace(i.tenant, static_cast<std::uint32_t>(out->tenants.size()));
    if (fresh_tenant) out->tenants.push_back(i.tenant);
    OldIncident& old = out->olds.emplace_back();
    old.id = *id;
    old.tenant = t->second;
    old.alerts = static_cast<std::uint32_t>(i.alert_keys.size());
    old.first_activity = i.first_activity;
    old.last_activity = i.last_activity;
    for (const std::string& k : i.alert_keys) old.members += StoredKeyHash(i.tenant, k);
    return true;
  }));
  return bad_id;
}

// KeyHash of each alert key of the stored incidents that no fresh incident matched -> its index
// in `olds`: a second scan, in the same order as the first, keeping only those.
Result<absl::flat_hash_map<std::uint64_t, std::uint32_t>> ReadChangedOldsAlerts(
    GraphStore& store, const std::vector<OldIncident>& olds) {
  absl::flat_hash_map<std::uint64_t, std::uint32_t> old_of_key;
  if (std::all_of(olds.begin(), olds.end(), [](const OldIncident& o) { return o.matched; }))
    return old_of_key;
  std::uint32_t idx = 0;
  Status changed_under_us;
  WEFT_RETURN_IF_ERROR(store.ForEachIncident("", [&](const Incident& i) {
    if (!Stored(i)) return true;
    if (idx >= olds.size() || ParseIncidentId(i.id) != olds[idx].id) {
      changed_under_us = Status::Unavailable(
          "the stored incidents changed while they were re-correlated; run it again");
      return false;
    }
    const std::uint32_t o = idx++;
    if (olds[o].matched) return true;
    for (const std::string& k : i.alert_keys) old_of_key.emplace(StoredKeyHash(i.tenant, k), o);
    return true;
  }));
  WEFT_RETURN_IF_ERROR(changed_under_us);
  return old_of_key;
}

// Per fresh incident: its alert count, key fingerprint and activity range.
struct FreshSummary {
  std::uint64_t members = 0;
  std::uint32_t alerts = 0;
  Timestamp first = kNoTime, last = kNoTime;
};

std::vector<FreshSummary> SummarizeFresh(const internal::EngineState& fresh) {
  std::vector<FreshSummary> out(fresh.incident_hashes.size());
  for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a) {
    const internal::AlertInfo& info = fresh.alerts[a];
    FreshSummary& s = out[info.incident];
    s.members += KeyHash(fresh.tenants[info.tenant], info.key_rest.view());
    if (s.alerts++ == 0) {
      s.first = info.first;
      s.last = info.last;
    } else {
      s.first = std::min(s.first, info.first);
      s.last = std::max(s.last, info.last);
    }
  }
  return out;
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
  std::vector<OldIncident>& olds = stored.olds;
  const std::vector<FreshSummary> summaries = SummarizeFresh(fresh);
  const std::size_t incidents = summaries.size();

  // Fresh incidents that a stored incident matches exactly (same id, size and fingerprint).
  IncidentDiff diff;
  diff.alerts = fresh.alerts.size();
  std::vector<bool> matched(incidents, false);
  std::vector<bool> id_in_use(incidents, false);  // a stored incident has the fresh one's id
  for (OldIncident& old : olds) {
    auto same = fresh.incident_index.find(old.id);
    if (same == fresh.incident_index.end()) continue;
    const std::uint32_t inc = same->second;
    const FreshSummary& s = summaries[inc];
    id_in_use[inc] = true;
    if (matched[inc] || s.alerts == 0 || old.alerts != s.alerts || old.members != s.members)
      continue;
    matched[inc] = true;
    old.matched = true;
    if (in_range(s.first, s.last)) ++diff.unchanged;
  }

  // The stored incident of each alert of a changed fresh incident (kNoIncident when none),
  // looked up among the stored incidents that changed.
  WEFT_ASSIGN_OR_RETURN(const auto changed_old_of_key, ReadChangedOldsAlerts(store, olds));
  std::vector<std::uint32_t> offsets(incidents + 1, 0);
  std::vector<std::uint32_t> old_of(fresh.alerts.size(), kNoIncident);
  for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a) {
    const std::uint32_t inc = fresh.alerts[a].incident;
    if (matched[inc]) continue;
    ++offsets[inc + 1];
    const internal::AlertKeyRef key = fresh.KeyRef(a);
    auto it = changed_old_of_key.find(KeyHash(fresh.tenants[key.tenant], key.rest));
    if (it == changed_old_of_key.end()) continue;
    old_of[a] = it->second;
    std::uint32_t& first = olds[it->second].first_alert;
    // One stored incident's alerts are of one tenant: the rests of their keys order them.
    if (first == kNoIncident || key.rest < fresh.KeyRef(first).rest) first = a;
  }
  // The changed incidents' members, grouped by incident (counting sort over their alerts).
  for (std::size_t i = 0; i < incidents; ++i) offsets[i + 1] += offsets[i];
  std::vector<std::uint32_t> members_of(offsets.back());
  {
    std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a) {
      const std::uint32_t inc = fresh.alerts[a].incident;
      if (!matched[inc]) members_of[fill[inc]++] = a;
    }
  }

  WriteBatch wb;
  std::vector<std::uint32_t> members, members_olds;
  // New incidents an old one's alerts went to (capped at 2): a matched old went to one.
  std::vector<std::uint8_t> old_parts(olds.size(), 0);
  std::vector<std::uint32_t> old_first_new(olds.size(), kNoIncident);
  for (std::uint32_t inc = 0; inc < incidents; ++inc) {
    if (matched[inc] || offsets[inc] == offsets[inc + 1]) continue;
    members.assign(members_of.begin() + offsets[inc], members_of.begin() + offsets[inc + 1]);
    members_olds.clear();
    for (std::uint32_t a : members)
      if (old_of[a] != kNoIncident) members_olds.push_back(old_of[a]);
    std::sort(members_olds.begin(), members_olds.end());
    members_olds.erase(std::unique(members_olds.begin(), members_olds.end()), members_olds.end());
    for (std::uint32_t o : members_olds) {
      if (old_first_new[o] != inc && old_parts[o] < 2) ++old_parts[o];
      old_first_new[o] = inc;
    }
    if (!in_range(summaries[inc].first, summaries[inc].last)) continue;
    if (members_olds.size() >= 2)
      diff.merged.push_back(fresh.IncidentId(inc));
    else if (!id_in_use[inc])
      diff.created.push_back(fresh.IncidentId(inc));
    if (!options.dry_run) {
      std::uint32_t earliest = 0;
      wb.incidents.push_back(fresh.BuildIncident(members, &earliest));
    }
  }
  for (std::uint32_t o = 0; o < olds.size(); ++o) {
    const OldIncident& old = olds[o];
    if (old.matched || !in_range(old.first_activity, old.last_activity)) continue;
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
