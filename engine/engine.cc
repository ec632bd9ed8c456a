#include "engine/engine.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "model/canonical.h"

namespace weft {
namespace {

constexpr std::uint32_t kNoIncident = UINT32_MAX;
constexpr std::string_view kConfigMeta = "correlation_config";

struct AlertInfo {
  std::string key;
  std::uint32_t tenant = 0;
  Timestamp first = kNoTime;
  Timestamp last = kNoTime;
  Severity severity = Severity::kLow;
  AlertStatus status = AlertStatus::kNew;
  std::string title;
  std::vector<std::uint32_t> entities;  // resolver ids as resolved at the time
  std::uint32_t incident = kNoIncident;
  std::uint32_t batch = 0;  // the batch that last wrote it, and its index in that batch's alerts
  std::uint32_t slot = 0;
};

bool EarlierAlert(const AlertInfo& a, const AlertInfo& b) {
  return a.first != b.first ? a.first < b.first : a.key < b.key;
}

}  // namespace

struct Engine::State {
  explicit State(CorrelationConfig c) : config(c), correlator(std::move(c)) {}

  CorrelationConfig config;
  Correlator correlator;
  EntityResolver resolver;
  std::vector<AlertInfo> alerts;  // index = Correlator::AlertId
  absl::flat_hash_map<std::string, std::uint32_t> alert_index;
  std::vector<std::string> tenants;
  absl::flat_hash_map<std::string, std::uint32_t> tenant_index;
  std::vector<std::string> incident_ids;
  absl::flat_hash_map<std::string, std::uint32_t> incident_index;
  std::vector<std::uint32_t> incident_earliest;  // incident -> its earliest alert when last written
  std::vector<std::string> persisted_entity_key;   // entity node -> key of its stored record
  bool config_stored = false;
  bool poisoned = false;
  std::uint32_t batch = 0;  // batches ingested in this process, from 1

  std::uint32_t Tenant(const std::string& name) {
    auto [it, inserted] = tenant_index.emplace(name, static_cast<std::uint32_t>(tenants.size()));
    if (inserted) tenants.push_back(name);
    return it->second;
  }

  std::uint32_t InternIncident(const std::string& id) {
    auto [it, inserted] = incident_index.emplace(id, static_cast<std::uint32_t>(incident_ids.size()));
    if (inserted) {
      incident_ids.push_back(id);
      incident_earliest.push_back(0);
    }
    return it->second;
  }

  // Resolves an alert's evidence to entity ids, keeping the correlator's entities in step.
  std::vector<std::uint32_t> ResolveEvidence(std::uint32_t tenant, const Alert& alert) {
    std::vector<std::uint32_t> ids;
    ids.reserve(alert.evidence.size());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merges;
    std::vector<std::uint32_t> created;
    for (const Evidence& ev : alert.evidence) {
      merges.clear();
      created.clear();
      const std::uint32_t id = resolver.Resolve(tenant, alert.tenant, ev.entity, &merges, &created);
      for (std::uint32_t c : created) {
        const Entity& e = resolver.Record(c).entity;
        const bool private_ip = e.kind == EntityKind::kIp && e.properties.count("scope") != 0;
        const std::uint32_t cid = correlator.AddEntity(tenant, config.Correlates(e.kind, e.key, private_ip));
        (void)cid;
        assert(cid == c && "resolver and correlator entity ids move in step");
        persisted_entity_key.emplace_back();
      }
      for (auto [keep, gone] : merges) correlator.MergeEntities(keep, gone);
      ids.push_back(id);
    }
    return ids;
  }

  // Adds a new alert (already finalized) to the in-memory state.
  void AddAlert(const Alert& alert) {
    const std::uint32_t tenant = Tenant(alert.tenant);
    AlertInfo info;
    info.key = alert.key;
    info.tenant = tenant;
    info.first = alert.activity_time();
    info.last = std::max(alert.last_activity, info.first);
    info.severity = alert.severity;
    info.status = alert.status;
    info.title = alert.title;
    info.entities = ResolveEvidence(tenant, alert);
    const Correlator::AlertId a = correlator.AddAlert(tenant, info.first, info.entities);
    alert_index.emplace(info.key, a);
    alerts.push_back(std::move(info));
  }

  void UpdateAlert(std::uint32_t a, const Alert& merged) {
    AlertInfo& info = alerts[a];
    std::vector<std::uint32_t> ids = ResolveEvidence(info.tenant, merged);
    const Timestamp first = merged.activity_time();
    info.last = std::max(merged.last_activity, first);
    info.severity = merged.severity;
    info.status = merged.status;
    info.title = merged.title;
    if (ids != info.entities || first != info.first) {
      info.first = first;
      info.entities = ids;
      correlator.UpdateAlert(a, first, ids);
    }
  }

  Incident BuildIncident(const std::vector<Correlator::AlertId>& members, std::uint32_t* earliest) {
    Incident inc;
    std::uint32_t best = members.front();
    std::uint32_t top = members.front();
    std::vector<std::uint32_t> entity_reps;
    inc.first_activity = alerts[best].first;
    inc.last_activity = alerts[best].last;
    inc.severity = alerts[best].severity;  // then raised to the highest member's
    bool all_closed = true;
    inc.alert_keys.reserve(members.size());
    for (Correlator::AlertId m : members) {
      const AlertInfo& info = alerts[m];
      if (EarlierAlert(info, alerts[best])) best = m;
      if (info.severity > alerts[top].severity || (info.severity == alerts[top].severity && EarlierAlert(info, alerts[top]))) {
        top = m;
      }
      inc.first_activity = std::min(inc.first_activity, info.first);
      inc.last_activity = std::max(inc.last_activity, info.last);
      inc.severity = MaxSeverity(inc.severity, info.severity);
      all_closed &= info.status == AlertStatus::kResolved || info.status == AlertStatus::kDismissed;
      inc.alert_keys.push_back(info.key);
      for (std::uint32_t e : info.entities) entity_reps.push_back(resolver.Find(e));
    }
    std::sort(inc.alert_keys.begin(), inc.alert_keys.end());
    std::sort(entity_reps.begin(), entity_reps.end());
    entity_reps.erase(std::unique(entity_reps.begin(), entity_reps.end()), entity_reps.end());
    inc.entities.reserve(entity_reps.size());
    for (std::uint32_t e : entity_reps) inc.entities.push_back(resolver.Record(e).entity.key);
    std::sort(inc.entities.begin(), inc.entities.end());
    inc.id = MakeIncidentId(alerts[best].key);
    inc.tenant = tenants[alerts[best].tenant];
    inc.status = all_closed ? IncidentStatus::kResolved : IncidentStatus::kActive;
    inc.title = alerts[top].title;
    *earliest = best;
    return inc;
  }

  // Recomputes the incidents of every changed component; appends records to `out` when given.
  void SettleIncidents(std::vector<Incident>* out) {
    correlator.SettleTenants();
    const std::vector<Correlator::AlertId> roots = correlator.TakeDirtyRoots();
    std::set<std::uint32_t> old_ids;
    std::vector<Correlator::AlertId> members;
    for (Correlator::AlertId r : roots) {
      members.clear();
      correlator.Members(r, &members);
      for (Correlator::AlertId m : members) {
        if (alerts[m].incident != kNoIncident) old_ids.insert(alerts[m].incident);
      }
    }
    std::set<std::uint32_t> new_ids;
    for (Correlator::AlertId r : roots) {
      members.clear();
      correlator.Members(r, &members);
      std::uint32_t earliest = 0;
      Incident inc = BuildIncident(members, &earliest);
      const std::uint32_t idx = InternIncident(inc.id);
      incident_earliest[idx] = earliest;
      new_ids.insert(idx);
      for (Correlator::AlertId m : members) alerts[m].incident = idx;
      if (out != nullptr) out->push_back(std::move(inc));
    }
    if (out == nullptr) return;
    for (std::uint32_t old : old_ids) {
      if (new_ids.count(old) != 0) continue;
      Incident redirect;
      redirect.id = incident_ids[old];
      const AlertInfo& earliest = alerts[incident_earliest[old]];
      redirect.tenant = tenants[earliest.tenant];
      redirect.status = IncidentStatus::kRedirected;
      redirect.redirected_to = incident_ids[earliest.incident];
      redirect.first_activity = earliest.first;
      redirect.last_activity = earliest.last;
      out->push_back(std::move(redirect));
    }
  }

  // Writes the records of every entity whose record changed in this batch; deletes the stored
  // record of an entity merged into another or re-keyed.
  void CollectEntities(WriteBatch& wb) {
    std::vector<std::uint32_t> reps;
    for (std::uint32_t raw : resolver.TakeDirty()) {
      const std::uint32_t rep = resolver.Find(raw);
      if (raw != rep) {
        if (!persisted_entity_key[raw].empty() && persisted_entity_key[raw] != resolver.Record(rep).entity.key) {
          wb.deleted_entities.emplace_back(resolver.Record(rep).tenant, persisted_entity_key[raw]);
        }
        persisted_entity_key[raw].clear();
      }
      reps.push_back(rep);
    }
    std::sort(reps.begin(), reps.end());
    reps.erase(std::unique(reps.begin(), reps.end()), reps.end());
    for (std::uint32_t rep : reps) {
      EntityRecord record = resolver.Record(rep);
      record.possible_matches = resolver.PossibleMatches(rep);
      std::string& persisted = persisted_entity_key[rep];
      if (!persisted.empty() && persisted != record.entity.key) wb.deleted_entities.emplace_back(record.tenant, persisted);
      persisted = record.entity.key;
      wb.entities.push_back(std::move(record));
    }
  }
};

std::string SerializeConfig(const CorrelationConfig& c) {
  std::string out = "window=" + (c.window ? std::to_string(*c.window) : std::string("off")) + "\n";
  out += "hub_floor=" + std::to_string(c.hub.floor) + "\n";
  char share[64];
  std::snprintf(share, sizeof share, "%.17g", c.hub.share);
  out += std::string("hub_share=") + share + "\n";
  out += "hub_absolute=" + (c.hub.absolute ? std::to_string(*c.hub.absolute) : std::string()) + "\n";
  out += "kinds=";
  bool first = true;
  for (EntityKind k : c.kinds) {
    out += (first ? "" : ",") + std::string(EntityKindName(k));
    first = false;
  }
  out += "\nprivate_ips=" + std::string(c.private_ips_correlate ? "1" : "0") + "\n";
  for (const std::string& s : c.stop_list) out += "stop=" + s + "\n";
  return out;
}

Result<CorrelationConfig> ParseSerializedConfig(std::string_view text) {
  CorrelationConfig c;
  c.stop_list.clear();
  c.kinds.clear();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view k = line.substr(0, eq), v = line.substr(eq + 1);
    try {
      if (k == "window") {
        c.window = v == "off" ? std::nullopt : std::optional<Timestamp>(std::stoll(std::string(v)));
      } else if (k == "hub_floor") {
        c.hub.floor = std::stoull(std::string(v));
      } else if (k == "hub_share") {
        c.hub.share = std::stod(std::string(v));
      } else if (k == "hub_absolute") {
        c.hub.absolute = v.empty() ? std::nullopt : std::optional<std::size_t>(std::stoull(std::string(v)));
      } else if (k == "kinds") {
        std::size_t s = 0;
        while (s < v.size()) {
          std::size_t comma = v.find(',', s);
          if (comma == std::string_view::npos) comma = v.size();
          if (auto kind = ParseEntityKind(v.substr(s, comma - s))) c.kinds.insert(*kind);
          s = comma + 1;
        }
      } else if (k == "private_ips") {
        c.private_ips_correlate = v == "1";
      } else if (k == "stop") {
        c.stop_list.emplace(v);
      }
    } catch (const std::exception&) {
      return Status::Corruption("stored correlation config has a bad value for '" + std::string(k) + "'");
    }
  }
  return c;
}

Engine::Engine(GraphStore& store, std::unique_ptr<State> state) : store_(store), state_(std::move(state)) {}
Engine::~Engine() = default;

const CorrelationConfig& Engine::config() const { return state_->config; }
std::size_t Engine::alert_count() const { return state_->alerts.size(); }

Result<IncidentDiff> Engine::Recorrelate(GraphStore& store, const RecorrelateOptions& options) {
  State fresh(options.config);
  WEFT_RETURN_IF_ERROR(store.ForEachAlert("", [&](const Alert& a) {
    fresh.AddAlert(a);
    return true;
  }));
  std::vector<Incident> computed;
  fresh.SettleIncidents(&computed);
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
      auto it = fresh.alert_index.find(k);
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
    const std::uint32_t new_idx = fresh.incident_index.at(inc.id);
    members_olds.clear();
    for (const std::string& k : inc.alert_keys) {
      const std::uint32_t a = fresh.alert_index.at(k);
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
    if (fresh.incident_index.count(old.id) != 0) continue;  // the id lives on (the fresh state holds only current ids)
    diff.removed.push_back(old.id);
    Incident redirect;
    redirect.id = old.id;
    redirect.tenant = old.tenant;
    redirect.status = IncidentStatus::kRedirected;
    // The incident that now holds the old incident's first alert (by key order) takes it over.
    if (old.first_alert != kNoIncident) redirect.redirected_to = fresh.incident_ids[fresh.alerts[old.first_alert].incident];
    redirect.first_activity = old.first_activity;
    redirect.last_activity = old.last_activity;
    wb.incidents.push_back(std::move(redirect));
  }
  for (auto* list : {&diff.unchanged, &diff.merged, &diff.split, &diff.created, &diff.removed}) {
    std::sort(list->begin(), list->end());
  }
  if (options.dry_run) return diff;
  wb.meta.emplace_back(std::string(kConfigMeta), SerializeConfig(options.config));
  WEFT_RETURN_IF_ERROR(store.Apply(wb));
  diff.applied = true;
  return diff;
}

Result<std::unique_ptr<Engine>> Engine::Open(GraphStore& store, std::optional<CorrelationConfig> config) {
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> stored, store.GetMeta(kConfigMeta));
  CorrelationConfig effective = config.value_or(CorrelationConfig());
  if (stored) {
    WEFT_ASSIGN_OR_RETURN(CorrelationConfig stored_config, ParseSerializedConfig(*stored));
    if (config && config->Fingerprint() != stored_config.Fingerprint()) {
      return Status::InvalidArgument("the store's incidents were built with other rules (" + stored_config.Describe() +
                                     "); run `weft recorrelate --config FILE` to change them");
    }
    effective = stored_config;
  }
  auto state = std::make_unique<State>(effective);
  state->config_stored = stored.has_value();
  Status scan = store.ForEachAlert("", [&](const Alert& a) {
    state->AddAlert(a);
    return true;
  });
  WEFT_RETURN_IF_ERROR(scan);
  state->SettleIncidents(nullptr);
  (void)state->resolver.TakeDirty();  // the replay wrote nothing new
  for (std::uint32_t e = 0; e < state->resolver.size(); ++e) {
    if (state->resolver.Find(e) == e) state->persisted_entity_key[e] = state->resolver.Record(e).entity.key;
  }
  return std::unique_ptr<Engine>(new Engine(store, std::move(state)));
}

Result<IngestResult> Engine::Ingest(std::vector<Alert> alerts, std::vector<Relation> relations, Timestamp now) {
  State& s = *state_;
  if (s.poisoned) return Status::Unavailable("an earlier batch failed to commit; reopen the store");
  IngestResult result;
  WriteBatch wb;
  const std::uint32_t batch = ++s.batch;
  std::set<std::string> relation_keys;
  auto add_relation = [&](Relation r) {
    if (relation_keys.insert(r.tenant + '\0' + r.from + '\0' + r.relation + '\0' + r.to).second) {
      wb.relations.push_back(std::move(r));
    }
  };
  for (Alert& incoming : alerts) {
    if (incoming.ingested == kNoTime) incoming.ingested = now;
    for (const Relation& r : incoming.relations) add_relation(r);
    auto known = s.alert_index.find(incoming.key);
    if (known == s.alert_index.end()) {
      s.AddAlert(incoming);
      AlertInfo& info = s.alerts.back();
      info.batch = batch;
      info.slot = static_cast<std::uint32_t>(wb.alerts.size());
      wb.alerts.push_back(std::move(incoming));
      ++result.new_alerts;
      continue;
    }
    AlertInfo& info = s.alerts[known->second];
    if (info.batch != batch) {
      // Known from an earlier batch: merge into the stored record.
      WEFT_ASSIGN_OR_RETURN(std::optional<Alert> stored, store_.GetAlert(incoming.key));
      if (!stored) return Status::Corruption("alert " + incoming.key + " is indexed but not stored");
      stored->ingested = std::min(stored->ingested, now);
      if (MergeAlert(*stored, incoming) == MergeOutcome::kDuplicate) {
        ++result.duplicates;
        continue;
      }
      info.batch = batch;
      info.slot = static_cast<std::uint32_t>(wb.alerts.size());
      wb.alerts.push_back(std::move(*stored));
    } else if (MergeAlert(wb.alerts[info.slot], incoming) == MergeOutcome::kDuplicate) {
      ++result.duplicates;
      continue;
    }
    ++result.updated_alerts;
    s.UpdateAlert(known->second, wb.alerts[info.slot]);
  }
  for (Relation& r : relations) add_relation(std::move(r));
  result.relations = wb.relations.size();
  s.SettleIncidents(&wb.incidents);
  result.incidents_written = wb.incidents.size();
  s.CollectEntities(wb);
  if (!s.config_stored) wb.meta.emplace_back(std::string(kConfigMeta), SerializeConfig(s.config));
  if (wb.empty()) return result;
  if (Status st = store_.Apply(wb); !st.ok()) {
    s.poisoned = true;
    return st.WithContext("committing a batch of " + std::to_string(alerts.size()) + " alerts");
  }
  s.config_stored = true;
  return result;
}

Result<std::string> Engine::IncidentOf(const std::string& alert_key) const {
  auto it = state_->alert_index.find(alert_key);
  if (it == state_->alert_index.end()) return Status::NotFound("no alert with key '" + alert_key + "'");
  return state_->incident_ids[state_->alerts[it->second].incident];
}

std::vector<std::pair<std::string, std::vector<std::string>>> Engine::Grouping() {
  std::map<std::string, std::vector<std::string>> groups;
  for (const AlertInfo& a : state_->alerts) groups[state_->incident_ids[a.incident]].push_back(a.key);
  std::vector<std::pair<std::string, std::vector<std::string>>> out(groups.begin(), groups.end());
  for (auto& [id, keys] : out) std::sort(keys.begin(), keys.end());
  return out;
}

Result<Explanation> Engine::Why(const std::string& key_a, const std::string& key_b) {
  State& s = *state_;
  auto ia = s.alert_index.find(key_a);
  if (ia == s.alert_index.end()) return Status::NotFound("no alert with key '" + key_a + "'");
  auto ib = s.alert_index.find(key_b);
  if (ib == s.alert_index.end()) return Status::NotFound("no alert with key '" + key_b + "'");
  const std::uint32_t a = ia->second, b = ib->second;
  Explanation ex;
  ex.incident_a = s.incident_ids[s.alerts[a].incident];
  ex.incident_b = s.incident_ids[s.alerts[b].incident];
  auto entity_key = [&](std::uint32_t e) { return s.resolver.Record(s.resolver.Find(e)).entity.key; };
  if (s.alerts[a].tenant != s.alerts[b].tenant) {
    ex.guards.push_back("different tenants: " + s.tenants[s.alerts[a].tenant] + " and " + s.tenants[s.alerts[b].tenant] +
                        " (tenants never mix)");
    return ex;
  }
  if (a == b || s.correlator.Component(a) == s.correlator.Component(b)) {
    ex.linked = true;
    // Breadth-first search over direct links: the shortest chain of shared entities.
    std::unordered_map<std::uint32_t, std::pair<std::uint32_t, std::pair<std::uint32_t, Timestamp>>> parent;
    std::deque<std::uint32_t> queue{a};
    parent[a] = {a, {0, 0}};
    while (!queue.empty() && parent.count(b) == 0) {
      const std::uint32_t cur = queue.front();
      queue.pop_front();
      s.correlator.ForEachLink(cur, [&](Correlator::AlertId next, Correlator::EntityId e, Timestamp gap) {
        if (parent.emplace(next, std::make_pair(cur, std::make_pair(e, gap))).second) queue.push_back(next);
      });
    }
    for (std::uint32_t cur = b; cur != a;) {
      const auto& [prev, via] = parent.at(cur);
      ex.chain.push_back(LinkStep{s.alerts[prev].key, s.alerts[cur].key, entity_key(via.first), via.second});
      cur = prev;
    }
    std::reverse(ex.chain.begin(), ex.chain.end());
    return ex;
  }
  // Apart: say what keeps each shared entity from linking them.
  std::set<std::uint32_t> ea, eb;
  for (std::uint32_t e : s.alerts[a].entities) ea.insert(s.resolver.Find(e));
  for (std::uint32_t e : s.alerts[b].entities) eb.insert(s.resolver.Find(e));
  const Timestamp gap = std::abs(s.alerts[a].first - s.alerts[b].first);
  for (std::uint32_t e : ea) {
    if (eb.count(e) == 0) continue;
    const Entity& ent = s.resolver.Record(e).entity;
    std::string reason;
    const bool private_ip = ent.kind == EntityKind::kIp && ent.properties.count("scope") != 0;
    if (!s.config.Correlates(ent.kind, ent.key, private_ip, &reason)) {
      ex.guards.push_back(reason);
    } else if (s.correlator.IsHub(e)) {
      ex.guards.push_back(ent.key + " is a hub (" + std::to_string(s.correlator.EntityAlertCount(e)) + " alerts > " +
                          std::to_string(s.correlator.HubThreshold(s.alerts[a].tenant)) + ")");
    } else if (s.config.window && gap > *s.config.window) {
      ex.guards.push_back("window exceeded through " + ent.key + ": " + FormatDuration(gap) + " apart, window " +
                          FormatDuration(*s.config.window) + " (by " + FormatDuration(gap - *s.config.window) + ")");
    }
  }
  if (ex.guards.empty()) {
    ex.guards.push_back(eb.empty() && ea.empty() ? "neither alert has a linking entity"
                                                 : "no shared entity links them, directly or through other alerts");
  }
  return ex;
}

}  // namespace weft
