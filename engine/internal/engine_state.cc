#include "engine/internal/engine_state.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <span>

#include "engine/internal/evidence_lookahead.h"
#include "engine/internal/page_warmer.h"

namespace weft::internal {
namespace {

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Activity order, then key order. Only alerts of one component (so of one tenant) are compared,
// and their keys share the tenant prefix: the rests order them.
bool Earlier(const AlertInfo& a, const AlertInfo& b) {
  return a.first != b.first ? a.first < b.first : a.key_rest.view() < b.key_rest.view();
}

// The key after "<tenant>/", or nullopt when `key` does not begin so.
std::optional<std::string_view> KeyRest(std::string_view tenant, std::string_view key) {
  if (key.size() <= tenant.size() || key.substr(0, tenant.size()) != tenant ||
      key[tenant.size()] != '/')
    return std::nullopt;
  return key.substr(tenant.size() + 1);
}

}  // namespace

EngineState::EngineState(CorrelationConfig c, GraphStore& store)
    : config(c),
      correlator(std::move(c)),
      resolver([&store](std::string_view tenant, std::string_view key) {
        return store.GetEntity(tenant, key);
      }) {}

namespace {

std::uint32_t Intern(std::string_view s, std::deque<std::string>& strings,
                     absl::flat_hash_map<std::string_view, std::uint32_t, StringViewHash>& index) {
  auto it = index.find(s);
  if (it != index.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(strings.size());
  index.emplace(strings.emplace_back(s), id);
  return id;
}

}  // namespace

std::uint32_t EngineState::Tenant(std::string_view name) {
  // A replay's scans come in key order and every key begins with its tenant, so nearly every call
  // names the tenant of the call before: one comparison finds it, without hashing the name.
  if (name == last_tenant_name_ && !tenants.empty()) return last_tenant_;
  const std::uint32_t t = Intern(name, tenants, tenant_index);
  last_tenant_ = t;
  last_tenant_name_ = tenants[t];
  if (t == tenant_key_hashes.size()) tenant_key_hashes.push_back(StableHash("/", StableHash(name)));
  return t;
}

std::string EngineState::Key(std::uint32_t alert) const {
  const AlertKeyRef k = KeyRef(alert);
  const std::string& tenant = tenants[k.tenant];
  std::string key;
  key.reserve(tenant.size() + 1 + k.rest.size());
  key.append(tenant).append("/").append(k.rest);
  return key;
}

std::uint64_t EngineState::IncidentHashOf(std::uint32_t alert) const {
  // IncidentIdHash(Key(alert)), without building the key.
  const AlertKeyRef k = KeyRef(alert);
  return StableHash(k.rest, tenant_key_hashes[k.tenant]);
}

std::uint32_t EngineState::FindAlert(std::string_view tenant, std::string_view key) const {
  auto t = tenant_index.find(tenant);
  if (t == tenant_index.end()) return kNoAlert;
  const std::optional<std::string_view> rest = KeyRest(tenant, key);
  if (!rest) return kNoAlert;
  const std::uint32_t a = alert_index.Find(AlertKeyRef{t->second, *rest});
  return a == alert_index.kNotFound ? kNoAlert : a;
}

std::uint32_t EngineState::FindAlert(std::string_view key) const {
  for (const std::string& tenant : tenants) {
    const std::uint32_t a = FindAlert(tenant, key);
    if (a != kNoAlert) return a;
  }
  return kNoAlert;
}

std::uint32_t EngineState::Title(std::string_view title) {
  return Intern(title, titles, title_index);
}

std::uint32_t EngineState::InternIncident(std::uint64_t hash) {
  auto [it, inserted] =
      incident_index.emplace(hash, static_cast<std::uint32_t>(incident_hashes.size()));
  if (inserted) {
    incident_hashes.push_back(hash);
    incident_earliest.push_back(0);
  }
  return it->second;
}

std::uint32_t EngineState::FindIncident(std::string_view id) const {
  const std::optional<std::uint64_t> hash = ParseIncidentId(id);
  if (!hash) return kNoIncident;
  auto it = incident_index.find(*hash);
  return it == incident_index.end() ? kNoIncident : it->second;
}

void EngineState::AddCorrelatorEntity(std::uint32_t tenant, std::uint32_t entity) {
  const EntityKind kind = resolver.Kind(entity);
  const std::uint32_t cid = correlator.AddEntity(
      tenant, config.Correlates(kind, resolver.Key(entity), resolver.PrivateIp(entity)));
  (void)cid;
  assert(cid == entity && "resolver and correlator entity ids move in step");
}

void EngineState::AddTypeLink(std::uint32_t tenant, SourceProduct source,
                              std::string_view alert_type, Timestamp first,
                              std::vector<std::uint32_t>* ids) {
  if (!config.type_window || *config.type_window <= 0 || alert_type.empty() || first == kNoTime)
    return;
  if (!config.type_sources.empty() && !config.type_sources.contains(source)) return;
  const Timestamp width = *config.type_window;
  // The bucket's start, rounded down for times before the epoch too.
  const Timestamp start = (first / width - (first % width < 0 ? 1 : 0)) * width;
  std::string key = "alert-type:";
  key.append(SourceProductName(source)).append("/").append(alert_type);
  key.append("@").append(FormatTimestamp(start)).append("+").append(FormatDuration(width));
  bool created = false;
  const std::uint32_t id = resolver.LinkKey(tenant, key, &created);
  if (created) {
    const std::uint32_t cid = correlator.AddEntity(tenant, /*correlating=*/true);
    (void)cid;
    assert(cid == id && "resolver and correlator entity ids move in step");
  }
  ids->push_back(id);
}

Status EngineState::ResolveEvidence(std::uint32_t tenant, const Alert& alert,
                                    const PreparedEvidence* prepared,
                                    std::vector<std::uint32_t>* ids) {
  if (prepared != nullptr && prepared->size() != alert.evidence.size()) prepared = nullptr;
  for (std::size_t i = 0; i < alert.evidence.size(); ++i) {
    const Entity& entity = alert.evidence[i].entity;
    merges_.clear();
    created_.clear();
    WEFT_ASSIGN_OR_RETURN(
        const std::uint32_t id,
        prepared != nullptr
            ? resolver.Resolve(tenant, alert.tenant, entity, (*prepared)[i], &merges_, &created_)
            : resolver.Resolve(tenant, alert.tenant, entity, &merges_, &created_));
    for (std::uint32_t c : created_) AddCorrelatorEntity(tenant, c);
    for (auto [keep, gone] : merges_) correlator.MergeEntities(keep, gone);
    ids->push_back(id);
  }
  return Status::Ok();
}

Result<std::string_view> EngineState::CheckedKeyRest(std::string_view tenant,
                                                     std::string_view key) {
  const std::optional<std::string_view> rest = KeyRest(tenant, key);
  if (!rest) {
    return Status::InvalidArgument("alert key '" + std::string(key) +
                                   "' does not begin with its tenant '" + std::string(tenant) +
                                   "/'");
  }
  return *rest;
}

Result<std::uint32_t> EngineState::AddAlert(const Alert& alert, const PreparedEvidence* prepared) {
  WEFT_ASSIGN_OR_RETURN(const std::string_view rest, CheckedKeyRest(alert.tenant, alert.key));
  AlertInfo info;
  info.tenant = Tenant(alert.tenant);
  info.first = alert.activity_time();
  info.last = std::max(alert.last_activity, info.first);
  info.severity = alert.severity;
  info.status = alert.status;
  info.source = alert.source;
  info.cloud = alert.cloud;
  info.title = Title(alert.title);
  scratch_ids_.clear();
  WEFT_RETURN_IF_ERROR(ResolveEvidence(info.tenant, alert, prepared, &scratch_ids_));
  AddTypeLink(info.tenant, alert.source, alert.alert_type, info.first, &scratch_ids_);
  return Append(info, rest);
}

std::uint32_t EngineState::Append(AlertInfo info, std::string_view key_rest) {
  info.key_rest = alert_keys.Store(key_rest);
  const Correlator::AlertId a = correlator.AddAlert(info.tenant, info.first, scratch_ids_);
  alerts.push_back(info);
  alert_index.Insert(a);
  return a;
}

void EngineState::PrepareIncoming(const Alert& alert, PreparedEvidence* out) const {
  out->clear();
  auto t = tenant_index.find(alert.tenant);
  if (t == tenant_index.end()) return;  // a new tenant: nothing of it is in the tables
  if (const std::optional<std::string_view> rest = KeyRest(alert.tenant, alert.key))
    alert_index.Prefetch(AlertKeyRef{t->second, *rest});
  out->resize(alert.evidence.size());
  for (std::size_t i = 0; i < alert.evidence.size(); ++i)
    resolver.Prepare(t->second, alert.evidence[i].entity, &(*out)[i]);
}

void EngineState::PrefetchStoredAlert(const AlertSummary& summary, std::uint32_t tenant) const {
  const Result<std::string_view> rest = CheckedKeyRest(summary.tenant, summary.key);
  if (rest.ok()) alert_index.Prefetch(AlertKeyRef{tenant, *rest});
}

Result<bool> EngineState::AddStoredAlert(const AlertSummary& summary, std::uint32_t tenant,
                                         std::span<const std::uint32_t> evidence) {
  WEFT_ASSIGN_OR_RETURN(const std::string_view rest, CheckedKeyRest(summary.tenant, summary.key));
  for (const std::uint32_t id : evidence) {
    // Evidence no stored entity answers to by key, or one of clashing entities (its aliases
    // decide which): resolved whole, as on arrival.
    if (id == EvidenceLookahead::kUnknown || resolver.Conflicted(id)) return false;
  }
  AlertInfo info;
  info.tenant = tenant;
  info.first = summary.activity;
  info.last = std::max(summary.last_activity, info.first);
  info.severity = summary.severity;
  info.status = summary.status;
  info.source = summary.source;
  info.cloud = summary.cloud;
  info.title = Title(summary.title);
  scratch_ids_.assign(evidence.begin(), evidence.end());
  AddTypeLink(tenant, summary.source, summary.alert_type, info.first, &scratch_ids_);
  Append(info, rest);
  return true;
}

Status EngineState::AddStoredAlertWhole(const AlertSummary& summary, GraphStore& store) {
  ++replay_fallbacks;
  if (summary.decode_record != nullptr) {
    Result<Alert> alert = summary.decode_record(summary.key, summary.record);
    if (!alert.ok()) return alert.status().WithContext("alert " + std::string(summary.key));
    return AddAlert(*alert).status();
  }
  WEFT_ASSIGN_OR_RETURN(std::optional<Alert> alert, store.GetAlert(summary.key));
  if (!alert)
    return Status::Corruption("alert " + std::string(summary.key) + " vanished during a scan");
  return AddAlert(*alert).status();
}

Status EngineState::UpdateAlert(std::uint32_t a, const Alert& merged) {
  scratch_ids_.clear();
  WEFT_RETURN_IF_ERROR(ResolveEvidence(alerts[a].tenant, merged, nullptr, &scratch_ids_));
  AlertInfo& info = alerts[a];
  const Timestamp first = merged.activity_time();
  AddTypeLink(info.tenant, merged.source, merged.alert_type, first, &scratch_ids_);
  info.last = std::max(merged.last_activity, first);
  info.severity = merged.severity;
  info.status = merged.status;
  info.source = merged.source;
  info.cloud = merged.cloud;
  info.title = Title(merged.title);
  old_ids_.clear();
  Entities(a, &old_ids_);
  if (old_ids_ == scratch_ids_ && first == info.first) return Status::Ok();  // nothing new
  info.first = first;
  correlator.UpdateAlert(a, first, scratch_ids_);
  return Status::Ok();
}

Incident EngineState::BuildIncident(const std::vector<Correlator::AlertId>& members,
                                    std::uint32_t incident) {
  Incident inc;
  const std::uint32_t earliest = incident_earliest[incident];
  std::uint32_t top = earliest;
  std::vector<std::uint32_t> entity_reps;
  inc.first_activity = alerts[earliest].first;
  inc.last_activity = alerts[earliest].last;
  inc.severity = alerts[earliest].severity;  // then raised to the highest member's
  bool all_closed = true;
  inc.alert_keys.reserve(members.size());
  for (Correlator::AlertId m : members) {
    const AlertInfo& info = alerts[m];
    if (info.severity > alerts[top].severity ||
        (info.severity == alerts[top].severity && Earlier(info, alerts[top]))) {
      top = m;
    }
    inc.first_activity = std::min(inc.first_activity, info.first);
    inc.last_activity = std::max(inc.last_activity, info.last);
    inc.severity = MaxSeverity(inc.severity, info.severity);
    all_closed &= info.status == AlertStatus::kResolved || info.status == AlertStatus::kDismissed;
    inc.alert_keys.push_back(Key(m));
    Entities(m, &entity_reps);
    inc.sources.push_back(info.source);
    if (info.cloud != Cloud::kUnknown) inc.clouds.push_back(info.cloud);
  }
  SortUnique(inc.sources);
  SortUnique(inc.clouds);
  for (std::uint32_t& e : entity_reps) e = resolver.Find(e);
  std::sort(inc.alert_keys.begin(), inc.alert_keys.end());
  SortUnique(entity_reps);
  inc.entities.reserve(entity_reps.size());
  for (std::uint32_t e : entity_reps) {
    if (!resolver.IsLinkKey(e)) inc.entities.emplace_back(resolver.Key(e));
  }
  std::sort(inc.entities.begin(), inc.entities.end());
  inc.id = IncidentId(incident);
  inc.tenant = tenants[alerts[earliest].tenant];
  inc.status = all_closed ? IncidentStatus::kResolved : IncidentStatus::kActive;
  inc.title = titles[alerts[top].title];
  return inc;
}

void EngineState::SettleIncidents(std::vector<Incident>* out) {
  correlator.SettleTenants();
  const std::vector<Correlator::AlertId> roots = correlator.TakeDirtyRoots();
  std::vector<std::uint32_t> old_ids;
  std::vector<Correlator::AlertId> members;
  // Each component's earliest alert names its incident: found in a first pass, whose id-table
  // entries are prefetched so that their cache misses overlap (one per incident, random).
  std::vector<std::uint32_t> earliest_of(roots.size());
  std::vector<std::uint64_t> hash_of(roots.size());
  for (std::size_t i = 0; i < roots.size(); ++i) {
    members.clear();
    correlator.Members(roots[i], &members);
    std::uint32_t earliest = members.front();
    for (Correlator::AlertId m : members) {
      if (alerts[m].incident != kNoIncident) old_ids.push_back(alerts[m].incident);
      if (Earlier(alerts[m], alerts[earliest])) earliest = m;
    }
    earliest_of[i] = earliest;
    hash_of[i] = IncidentHashOf(earliest);
    incident_index.prefetch(hash_of[i]);
  }
  std::sort(old_ids.begin(), old_ids.end());
  old_ids.erase(std::unique(old_ids.begin(), old_ids.end()), old_ids.end());
  std::vector<std::uint32_t> new_ids;
  if (out != nullptr) out->reserve(out->size() + roots.size() + old_ids.size());
  for (std::size_t i = 0; i < roots.size(); ++i) {
    members.clear();
    correlator.Members(roots[i], &members);
    const std::uint32_t earliest = earliest_of[i];
    const std::uint32_t idx = InternIncident(hash_of[i]);
    incident_earliest[idx] = earliest;
    new_ids.push_back(idx);
    for (Correlator::AlertId m : members) alerts[m].incident = idx;
    if (out != nullptr) out->push_back(BuildIncident(members, idx));  // a replay needs no record
  }
  if (out == nullptr) return;
  std::sort(new_ids.begin(), new_ids.end());
  for (std::uint32_t old : old_ids) {
    if (std::binary_search(new_ids.begin(), new_ids.end(), old)) continue;
    Incident redirect;
    redirect.id = IncidentId(old);
    const AlertInfo& earliest = alerts[incident_earliest[old]];
    redirect.tenant = tenants[earliest.tenant];
    redirect.status = IncidentStatus::kRedirected;
    redirect.redirected_to = IncidentId(earliest.incident);
    redirect.first_activity = earliest.first;
    redirect.last_activity = earliest.last;
    out->push_back(std::move(redirect));
  }
}

Status EngineState::CollectEntities(WriteBatch& wb) {
  WEFT_ASSIGN_OR_RETURN(EntityResolver::Changes changes, resolver.TakeChanges());
  wb.entities = std::move(changes.upserts);
  wb.deleted_entities = std::move(changes.deletes);
  return Status::Ok();
}

Status EngineState::Replay(GraphStore& store, std::vector<Incident>* incidents) {
  // Entities first, as stored (aliases merged, conflicts recorded): each alert's evidence then
  // resolves to them through hash lookups alone.
  WEFT_ASSIGN_OR_RETURN(const StoreStats stats, store.EstimatedStats());
  // The tables are reserved for the whole store and faulted in by a second thread while this one
  // fills them (page_warmer.h). Not while ingesting: there the tables grow by doubling, half
  // empty, and the faults moved to the other core gave nothing measurable for 16-35 MB more
  // resident memory at 1M (docs/benchmarks.md, round 19).
  PageWarmer warmer;
  PageWarmer::Scope warming(warmer);
  resolver.Reserve(stats.entities);
  alerts.reserve(stats.alerts);
  alert_index.Reserve(stats.alerts);
  // About one incident id per stored incident record (redirects included): growing the id table
  // by doubling rehashed it and touched fresh pages about twice over.
  const std::size_t stored_incidents = std::min(stats.incidents, stats.alerts);
  incident_index.reserve(stored_incidents);
  incident_hashes.reserve(stored_incidents);
  incident_earliest.reserve(stored_incidents);
  // Each run of records (a read-ahead chunk) has the table entries it will touch prefetched
  // before any of it is added: the tables are larger than the caches, and the misses of a run
  // then overlap instead of coming one after another (docs/benchmarks.md, round 6).
  std::vector<std::uint32_t> run_tenants;  // Tenant() of each record of the run
  // The run's index keys, hashed once for the prefetch and the adoption: record i's from
  // key_offsets[i].
  std::vector<std::uint64_t> index_keys;
  std::vector<std::uint32_t> key_offsets;
  WEFT_RETURN_IF_ERROR(store.ForEachEntityRun("", [&](std::span<const EntityRecord> run) {
    run_tenants.clear();
    index_keys.clear();
    key_offsets.clear();
    for (const EntityRecord& r : run) {
      run_tenants.push_back(Tenant(r.tenant));
      key_offsets.push_back(static_cast<std::uint32_t>(index_keys.size()));
      resolver.PrefetchAdopt(run_tenants.back(), r, &index_keys);
    }
    for (std::size_t i = 0; i < run.size(); ++i) {
      AddCorrelatorEntity(run_tenants[i],
                          resolver.Adopt(run_tenants[i], run[i], &index_keys[key_offsets[i]]));
    }
    return true;
  }));
  // Each run's evidence is looked up on a second thread ahead of this one (evidence_lookahead.h):
  // the resolver changes only for an alert resolved whole (Stop first), unless alert-type links
  // are on, which add link keys to it for any alert: then every lookup is made here.
  EvidenceLookahead ahead(resolver, /*use_helper=*/!config.type_window || *config.type_window <= 0);
  Status added;
  WEFT_RETURN_IF_ERROR(store.ForEachAlertSummaryRun("", [&](std::span<const AlertSummary> run) {
    run_tenants.clear();
    for (const AlertSummary& a : run) run_tenants.push_back(Tenant(a.tenant));
    ahead.Begin(run, run_tenants);
    for (std::size_t i = 0; i < run.size(); ++i) PrefetchStoredAlert(run[i], run_tenants[i]);
    for (std::size_t i = 0; i < run.size() && added.ok(); ++i) {
      Result<bool> appended = AddStoredAlert(run[i], run_tenants[i], ahead.Get(i));
      added = appended.status();
      if (added.ok() && !*appended) {
        ahead.Stop();  // resolving the whole alert may change the resolver
        added = AddStoredAlertWhole(run[i], store);
      }
    }
    ahead.Stop();  // the run's records end with this call
    return added.ok();
  }));
  WEFT_RETURN_IF_ERROR(added);
  resolver.DiscardChanges();  // the replay re-derived stored state; nothing to write
  SettleIncidents(incidents);
  return Status::Ok();
}

}  // namespace weft::internal
