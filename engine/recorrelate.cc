// Engine::Recorrelate: rebuilds every incident from the stored entities and alerts under new rules
// and applies (or only reports) the difference from the stored incidents. Memory stays that of
// one engine: the stored incidents are kept as numbers, read on a second thread while the engine
// state is replayed (their ids and alert keys alone, in place: GraphStore::ForEachIncidentMembers),
// and only the incidents that change are built as records.
//
// An incident is unchanged when a stored incident has its id and the same fingerprint of its
// alert keys (a sum of 64-bit key hashes, so it needs no order, and of their number). Matching the
// fingerprints costs one pass over the alerts; alert-by-alert lookups of the stored incidents are
// needed only for the alerts of incidents that changed, which is nothing under the rules in force.
// The stored incidents' alert keys are therefore not kept from the first read: when some stored
// incidents did not match, a second scan reads the keys of those alone. What is kept per stored
// incident is 16 bytes, and per fresh incident 8 (at 10M alerts, 6M of each).

#include <algorithm>
#include <future>

#include "engine/engine.h"
#include "engine/internal/engine_state.h"

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace weft {
namespace {

using internal::kNoIncident;

// A 64-bit hash of an alert key given as its tenant's hash (TenantHash, computed once per tenant
// or stored incident, not with every key) and the rest after "<tenant>/", the same for equal keys
// within this process (which is all a fingerprint compared within one run needs). Two of a
// million keys share one with probability ~3e-8; two different key sets of one incident id and
// size share a fingerprint with ~2^-64.
std::uint64_t TenantHash(std::string_view tenant) { return absl::HashOf(AbslView(tenant)); }
std::uint64_t KeyHash(std::uint64_t tenant_hash, std::string_view rest) {
  return absl::HashOf(tenant_hash, AbslView(rest));
}

// The same hash of a stored key of `tenant`. A key without the tenant prefix (never written by
// weft) gets a hash no fresh alert has, so its incident counts as changed.
// `tenant_hash` is TenantHash(tenant).
std::uint64_t StoredKeyHash(std::string_view tenant, std::uint64_t tenant_hash,
                            std::string_view key) {
  if (key.size() > tenant.size() && key.substr(0, tenant.size()) == tenant &&
      key[tenant.size()] == '/')
    return KeyHash(tenant_hash, key.substr(tenant.size() + 1));
  return KeyHash(TenantHash(""), key);  // no alert has an empty tenant
}

// An incident's fingerprint: the sum of KeyHash over its alert keys, plus its number of alerts
// times an odd constant, so one number stands for the set and its size. Two different key sets
// share one with probability ~2^-64. An incident without alerts has fingerprint 0.
constexpr std::uint64_t kSizeMix = 0x9E3779B97F4A7C15ull;

// A stored (not redirected) incident, as the match needs it: 16 bytes, one per stored incident.
struct OldIncident {
  std::uint64_t id = 0;           // its id's hash (ids are FormatIncidentId(hash))
  std::uint64_t fingerprint = 0;  // of its alert keys
};

bool Stored(const Incident& i) { return i.status != IncidentStatus::kRedirected; }

// The stored incidents in the store's (id) order.
Status ReadStoredIncidents(GraphStore& store, std::vector<OldIncident>* out) {
  // Room for all of them up front: growing by doubling wrote (and page-faulted) twice the memory.
  WEFT_ASSIGN_OR_RETURN(const StoreStats stats, store.EstimatedStats());
  out->reserve(stats.incidents);
  Status bad_id;
  WEFT_RETURN_IF_ERROR(store.ForEachIncidentMembers("", [&](const IncidentMembers& i) {
    if (i.status == IncidentStatus::kRedirected) return true;
    const std::optional<std::uint64_t> id = ParseIncidentId(i.id);
    if (!id) {
      bad_id = Status::Corruption("stored incident '" + std::string(i.id) +
                                  "' does not have a weft incident id");
      return false;
    }
    OldIncident& old = out->emplace_back();
    old.id = *id;
    const std::uint64_t tenant_hash = TenantHash(i.tenant);
    for (std::string_view k : i.alert_keys) {
      old.fingerprint +=
          i.keys_under_tenant ? KeyHash(tenant_hash, k) : StoredKeyHash(i.tenant, tenant_hash, k);
    }
    old.fingerprint += i.alert_keys.size() * kSizeMix;
    return true;
  }));
  return bad_id;
}

// A stored incident that no fresh incident matched, read a second time for what its diff entry
// and its redirect need.
struct ChangedOld {
  std::uint64_t id = 0;
  std::uint32_t tenant = 0;  // index into ChangedOlds::tenants
  Timestamp first_activity = kNoTime, last_activity = kNoTime;
  std::uint32_t first_alert = kNoIncident;  // its first alert by key order, as a fresh-state index
  std::uint32_t first_new = kNoIncident;    // the first fresh incident its alerts went to
  std::uint8_t parts = 0;                   // fresh incidents its alerts went to, capped at 2
};

struct ChangedOlds {
  std::vector<ChangedOld> list;  // in the store's (id) order
  std::vector<std::string> tenants;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> of_key;  // KeyHash of an alert -> in list
};

// The stored incidents that did not match (`matched[i]` false for olds[i]): a second scan, in the
// same order as the first, keeping only those. Nothing is read when every incident matched.
Result<ChangedOlds> ReadChangedOlds(GraphStore& store, const std::vector<OldIncident>& olds,
                                    const std::vector<bool>& matched) {
  ChangedOlds out;
  if (std::find(matched.begin(), matched.end(), false) == matched.end()) return out;
  absl::flat_hash_map<std::string, std::uint32_t> tenant_index;
  std::size_t idx = 0;
  Status changed_under_us;
  WEFT_RETURN_IF_ERROR(store.ForEachIncident("", [&](const Incident& i) {
    if (!Stored(i)) return true;
    if (idx >= olds.size() || ParseIncidentId(i.id) != olds[idx].id) {
      changed_under_us = Status::Unavailable(
          "the stored incidents changed while they were re-correlated; run it again");
      return false;
    }
    if (matched[idx++]) return true;
    const auto [t, fresh_tenant] =
        tenant_index.emplace(i.tenant, static_cast<std::uint32_t>(out.tenants.size()));
    if (fresh_tenant) out.tenants.push_back(i.tenant);
    const auto c = static_cast<std::uint32_t>(out.list.size());
    ChangedOld& changed = out.list.emplace_back();
    changed.id = olds[idx - 1].id;
    changed.tenant = t->second;
    changed.first_activity = i.first_activity;
    changed.last_activity = i.last_activity;
    const std::uint64_t tenant_hash = TenantHash(i.tenant);
    for (const std::string& k : i.alert_keys)
      out.of_key.emplace(StoredKeyHash(i.tenant, tenant_hash, k), c);
    return true;
  }));
  WEFT_RETURN_IF_ERROR(changed_under_us);
  return out;
}

// TenantHash of each tenant of the fresh state, by its index.
std::vector<std::uint64_t> TenantHashes(const internal::EngineState& fresh) {
  std::vector<std::uint64_t> out;
  for (const std::string& tenant : fresh.tenants) out.push_back(TenantHash(tenant));
  return out;
}

// The fingerprint of each fresh incident (indexed as fresh.incident_hashes).
std::vector<std::uint64_t> FreshFingerprints(const internal::EngineState& fresh,
                                             const std::vector<std::uint64_t>& tenant_hashes) {
  std::vector<std::uint64_t> out(fresh.incident_hashes.size(), 0);
  for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a) {
    const internal::AlertInfo& info = fresh.alerts[a];
    out[info.incident] += KeyHash(tenant_hashes[info.tenant], info.key_rest.view()) + kSizeMix;
  }
  return out;
}

struct ActivityRange {
  Timestamp first = kNoTime, last = kNoTime;
  bool any = false;  // some alert is in the incident
};

// The activity range of each fresh incident; only a re-correlation limited by time needs them.
std::vector<ActivityRange> FreshRanges(const internal::EngineState& fresh) {
  std::vector<ActivityRange> out(fresh.incident_hashes.size());
  for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a) {
    const internal::AlertInfo& info = fresh.alerts[a];
    ActivityRange& r = out[info.incident];
    r.first = r.any ? std::min(r.first, info.first) : info.first;
    r.last = r.any ? std::max(r.last, info.last) : info.last;
    r.any = true;
  }
  return out;
}

}  // namespace

Result<IncidentDiff> Engine::Recorrelate(GraphStore& store, const RecorrelateOptions& options) {
  std::vector<OldIncident> olds;
  std::future<Status> reading =
      std::async(std::launch::async, [&store, &olds] { return ReadStoredIncidents(store, &olds); });
  internal::EngineState fresh(options.config, store);
  const Status replayed = fresh.Replay(store, nullptr);
  const Status read = reading.get();  // joins the reader before anything returns
  WEFT_RETURN_IF_ERROR(replayed);
  WEFT_RETURN_IF_ERROR(read);
  auto in_range = [&](Timestamp first, Timestamp last) {
    return (options.since == kNoTime || last >= options.since) &&
           (options.until == kNoTime || first <= options.until);
  };
  const bool ranged = options.since != kNoTime || options.until != kNoTime;
  const std::vector<ActivityRange> ranges =
      ranged ? FreshRanges(fresh) : std::vector<ActivityRange>{};
  auto fresh_in_range = [&](std::uint32_t inc) {
    return !ranged || in_range(ranges[inc].first, ranges[inc].last);
  };
  const std::vector<std::uint64_t> tenant_hashes = TenantHashes(fresh);
  const std::vector<std::uint64_t> fingerprints = FreshFingerprints(fresh, tenant_hashes);
  const std::size_t incidents = fingerprints.size();

  // Fresh incidents that a stored incident matches exactly (same id and fingerprint).
  IncidentDiff diff;
  diff.alerts = fresh.alerts.size();
  std::vector<bool> matched(incidents, false);
  std::vector<bool> id_in_use(incidents, false);  // a stored incident has the fresh one's id
  std::vector<bool> old_matched(olds.size(), false);
  for (std::size_t o = 0; o < olds.size(); ++o) {
    auto same = fresh.incident_index.find(olds[o].id);
    if (same == fresh.incident_index.end()) continue;
    const std::uint32_t inc = same->second;
    id_in_use[inc] = true;
    if (matched[inc] || fingerprints[inc] == 0 || olds[o].fingerprint != fingerprints[inc])
      continue;
    matched[inc] = true;
    old_matched[o] = true;
    if (fresh_in_range(inc)) ++diff.unchanged;
  }

  // The changed incidents' members, grouped by incident (counting sort over their alerts).
  WEFT_ASSIGN_OR_RETURN(ChangedOlds changed, ReadChangedOlds(store, olds, old_matched));
  std::vector<std::uint32_t> offsets(incidents + 1, 0);
  for (std::uint32_t a = 0; a < fresh.alerts.size(); ++a) {
    const std::uint32_t inc = fresh.alerts[a].incident;
    if (!matched[inc]) ++offsets[inc + 1];
  }
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
  for (std::uint32_t inc = 0; inc < incidents; ++inc) {
    if (matched[inc] || offsets[inc] == offsets[inc + 1]) continue;
    members.assign(members_of.begin() + offsets[inc], members_of.begin() + offsets[inc + 1]);
    // The stored incidents (that changed) the members were in.
    members_olds.clear();
    for (std::uint32_t a : members) {
      const internal::AlertKeyRef key = fresh.KeyRef(a);
      auto it = changed.of_key.find(KeyHash(tenant_hashes[key.tenant], key.rest));
      if (it == changed.of_key.end()) continue;
      members_olds.push_back(it->second);
      std::uint32_t& first = changed.list[it->second].first_alert;
      // One stored incident's alerts are of one tenant: the rests of their keys order them.
      if (first == kNoIncident || key.rest < fresh.KeyRef(first).rest) first = a;
    }
    std::sort(members_olds.begin(), members_olds.end());
    members_olds.erase(std::unique(members_olds.begin(), members_olds.end()), members_olds.end());
    for (std::uint32_t c : members_olds) {
      ChangedOld& old = changed.list[c];
      if (old.first_new != inc && old.parts < 2) ++old.parts;
      old.first_new = inc;
    }
    if (!fresh_in_range(inc)) continue;
    if (members_olds.size() >= 2)
      diff.merged.push_back(fresh.IncidentId(inc));
    else if (!id_in_use[inc])
      diff.created.push_back(fresh.IncidentId(inc));
    if (!options.dry_run) wb.incidents.push_back(fresh.BuildIncident(members, inc));
  }
  for (const ChangedOld& old : changed.list) {
    if (!in_range(old.first_activity, old.last_activity)) continue;
    const std::string id = FormatIncidentId(old.id);
    if (old.parts >= 2) diff.split.push_back(id);
    if (fresh.incident_index.count(old.id) != 0)
      continue;  // the id lives on (the fresh state holds only current ids)
    diff.removed.push_back(id);
    Incident redirect;
    redirect.id = id;
    redirect.tenant = changed.tenants[old.tenant];
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
