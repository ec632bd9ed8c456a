#include "engine/engine.h"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/internal/engine_state.h"
#include "model/canonical.h"

#include "absl/container/flat_hash_map.h"

namespace weft {
namespace {

constexpr std::string_view kConfigMeta = "correlation_config";
// How many alerts ahead of the one it adds Ingest prepares (and prefetches the entries of).
constexpr std::size_t kPrefetchAhead = 2;

}  // namespace

std::string SerializeConfig(const CorrelationConfig& c) {
  std::string out = "window=" + (c.window ? std::to_string(*c.window) : std::string("off")) + "\n";
  out += "hub_floor=" + std::to_string(c.hub.floor) + "\n";
  char share[64];
  std::snprintf(share, sizeof share, "%.17g", c.hub.share);
  out += std::string("hub_share=") + share + "\n";
  out +=
      "hub_absolute=" + (c.hub.absolute ? std::to_string(*c.hub.absolute) : std::string()) + "\n";
  out += "kinds=";
  bool first = true;
  for (EntityKind k : c.kinds) {
    if (!first) out += ',';
    out += EntityKindName(k);
    first = false;
  }
  out += "\nprivate_ips=" + std::string(c.private_ips_correlate ? "1" : "0") + "\n";
  if (c.type_window) out += "type_window=" + std::to_string(*c.type_window) + "\n";
  for (SourceProduct p : c.type_sources)
    out += "type_source=" + std::string(SourceProductName(p)) + "\n";
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
        c.hub.absolute =
            v.empty() ? std::nullopt : std::optional<std::size_t>(std::stoull(std::string(v)));
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
      } else if (k == "type_window") {
        c.type_window = std::stoll(std::string(v));
      } else if (k == "type_source") {
        std::optional<SourceProduct> p = ParseSourceProduct(v);
        if (!p)
          return Status::Corruption("stored correlation config names an unknown source '" +
                                    std::string(v) + "'");
        c.type_sources.insert(*p);
      } else if (k == "stop") {
        c.stop_list.emplace(v);
      }
    } catch (const std::exception&) {
      return Status::Corruption("stored correlation config has a bad value for '" + std::string(k) +
                                "'");
    }
  }
  return c;
}

Engine::Engine(GraphStore& store, std::unique_ptr<internal::EngineState> state)
    : store_(store), state_(std::move(state)) {}
Engine::~Engine() = default;

const CorrelationConfig& Engine::config() const { return state_->config; }
std::size_t Engine::alert_count() const { return state_->alerts.size(); }

namespace internal {

Result<std::optional<CorrelationConfig>> StoredCorrelationConfig(GraphStore& store) {
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> stored, store.GetMeta(kConfigMeta));
  if (!stored) return std::optional<CorrelationConfig>();
  WEFT_ASSIGN_OR_RETURN(CorrelationConfig config, ParseSerializedConfig(*stored));
  return std::optional<CorrelationConfig>(std::move(config));
}

std::pair<std::string, std::string> CorrelationConfigMeta(const CorrelationConfig& config) {
  return {std::string(kConfigMeta), SerializeConfig(config)};
}

}  // namespace internal

Result<CorrelationConfig> Engine::RulesInForce(GraphStore& store) {
  WEFT_ASSIGN_OR_RETURN(std::optional<CorrelationConfig> stored,
                        internal::StoredCorrelationConfig(store));
  return stored.value_or(CorrelationConfig());
}

Result<std::unique_ptr<Engine>> Engine::Open(GraphStore& store,
                                             std::optional<CorrelationConfig> config) {
  WEFT_ASSIGN_OR_RETURN(std::optional<CorrelationConfig> stored,
                        internal::StoredCorrelationConfig(store));
  CorrelationConfig effective = config.value_or(CorrelationConfig());
  if (stored) {
    if (config && config->Fingerprint() != stored->Fingerprint()) {
      return Status::InvalidArgument("the store's incidents were built with other rules (" +
                                     stored->Describe() +
                                     "); run `weft recorrelate --config FILE` to change them");
    }
    effective = *stored;
  }
  auto state = std::make_unique<internal::EngineState>(effective, store);
  WEFT_RETURN_IF_ERROR(state->Replay(store, nullptr));
  std::unique_ptr<Engine> engine(new Engine(store, std::move(state)));
  engine->config_stored_ = stored.has_value();
  return engine;
}

Result<IngestResult> Engine::Ingest(std::vector<Alert> alerts, std::vector<Relation> relations,
                                    Timestamp now) {
  internal::EngineState& s = *state_;
  if (poisoned_) return Status::Unavailable("an earlier batch failed to commit; reopen the store");
  for (const Alert& a : alerts) {
    // Refused before anything changes: every key begins "<tenant>/" (FinalizeAlert makes it so)
    // and every evidence entity's key with its kind (the entity builders make it so).
    WEFT_RETURN_IF_ERROR(internal::EngineState::CheckedKeyRest(a.tenant, a.key).status());
    for (const Evidence& ev : a.evidence) {
      if (!KeyHasKind(ev.entity.key, ev.entity.kind)) {
        return Status::InvalidArgument("alert " + a.key + ": entity key '" + ev.entity.key +
                                       "' does not begin with its kind '" +
                                       std::string(EntityKindName(ev.entity.kind)) + ":'");
      }
    }
  }
  // Any failure from here on may leave the in-memory state ahead of the store.
  poisoned_ = true;
  IngestResult result;
  WriteBatch wb;
  wb.alerts.reserve(alerts.size());  // an Alert is large: moving it again on growth costs
  const std::uint32_t batch = ++batch_;
  // Alerts this batch writes: index -> its position in wb.alerts (a re-delivery merges there).
  absl::flat_hash_map<std::uint32_t, std::uint32_t> slot_of;
  std::set<std::string> relation_keys;
  auto add_relation = [&](Relation r) {
    if (relation_keys.insert(r.tenant + '\0' + r.from + '\0' + r.relation + '\0' + r.to).second) {
      wb.relations.push_back(std::move(r));
    }
  };
  // The alerts kPrefetchAhead ahead are prepared (their entries prefetched) into a ring.
  std::array<internal::EngineState::PreparedEvidence, kPrefetchAhead + 1> prepared;
  auto prepared_of = [&prepared](std::size_t i) { return &prepared[i % prepared.size()]; };
  for (std::size_t i = 0; i < std::min(kPrefetchAhead, alerts.size()); ++i)
    s.PrepareIncoming(alerts[i], prepared_of(i));
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    if (i + kPrefetchAhead < alerts.size())
      s.PrepareIncoming(alerts[i + kPrefetchAhead], prepared_of(i + kPrefetchAhead));
    Alert& incoming = alerts[i];
    if (incoming.ingested == kNoTime) incoming.ingested = now;
    for (const Relation& r : incoming.relations) add_relation(r);
    const std::uint32_t known = s.FindAlert(incoming.tenant, incoming.key);
    if (known == internal::kNoAlert) {
      WEFT_ASSIGN_OR_RETURN(const std::uint32_t a, s.AddAlert(incoming, prepared_of(i)));
      slot_of.emplace(a, static_cast<std::uint32_t>(wb.alerts.size()));
      wb.alerts.push_back(std::move(incoming));
      ++result.new_alerts;
      continue;
    }
    const std::uint32_t a = known;
    auto [slot, first_in_batch] = slot_of.emplace(a, static_cast<std::uint32_t>(wb.alerts.size()));
    if (first_in_batch) {
      // Known from an earlier batch: merge into the stored record.
      WEFT_ASSIGN_OR_RETURN(std::optional<Alert> stored, store_.GetAlert(incoming.key));
      if (!stored)
        return Status::Corruption("alert " + incoming.key + " is indexed but not stored");
      stored->ingested = std::min(stored->ingested, now);
      if (MergeAlert(*stored, incoming) == MergeOutcome::kDuplicate) {
        slot_of.erase(slot);  // nothing to write: a later delivery reads the store again
        ++result.duplicates;
        continue;
      }
      wb.alerts.push_back(std::move(*stored));
    } else if (MergeAlert(wb.alerts[slot->second], incoming) == MergeOutcome::kDuplicate) {
      ++result.duplicates;
      continue;
    }
    ++result.updated_alerts;
    WEFT_RETURN_IF_ERROR(s.UpdateAlert(a, wb.alerts[slot->second]));
  }
  for (Relation& r : relations) add_relation(std::move(r));
  result.relations = wb.relations.size();
  s.SettleIncidents(&wb.incidents);
  result.incidents_written = wb.incidents.size();
  WEFT_RETURN_IF_ERROR(s.CollectEntities(wb));
  if (!config_stored_) wb.meta.push_back(internal::CorrelationConfigMeta(s.config));
  if (!wb.empty()) {
    if (Status st = store_.ApplyAsync(std::move(wb)); !st.ok()) {
      return st.WithContext("committing batch " + std::to_string(batch) + " (" +
                            std::to_string(alerts.size()) + " alerts) or one before it");
    }
  }
  config_stored_ = true;
  poisoned_ = false;
  return result;
}

Status Engine::Sync() {
  if (poisoned_) return Status::Unavailable("an earlier batch failed to commit; reopen the store");
  if (Status st = store_.Sync(); !st.ok()) {
    poisoned_ = true;
    return st.WithContext("waiting for the ingested batches to commit");
  }
  return Status::Ok();
}

Result<std::string> Engine::IncidentOf(const std::string& alert_key) const {
  const std::uint32_t a = state_->FindAlert(alert_key);
  if (a == internal::kNoAlert) return Status::NotFound("no alert with key '" + alert_key + "'");
  return state_->IncidentId(state_->alerts[a].incident);
}

std::vector<std::pair<std::string, std::vector<std::string>>> Engine::Grouping() {
  std::map<std::string, std::vector<std::string>> groups;
  for (std::uint32_t a = 0; a < state_->alerts.size(); ++a) {
    groups[state_->IncidentId(state_->alerts[a].incident)].emplace_back(state_->Key(a));
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> out(groups.begin(), groups.end());
  for (auto& [id, keys] : out) std::sort(keys.begin(), keys.end());
  return out;
}

Result<Explanation> Engine::Why(const std::string& key_a, const std::string& key_b) {
  internal::EngineState& s = *state_;
  const std::uint32_t a = s.FindAlert(key_a), b = s.FindAlert(key_b);
  if (a == internal::kNoAlert) return Status::NotFound("no alert with key '" + key_a + "'");
  if (b == internal::kNoAlert) return Status::NotFound("no alert with key '" + key_b + "'");
  Explanation ex;
  ex.incident_a = s.IncidentId(s.alerts[a].incident);
  ex.incident_b = s.IncidentId(s.alerts[b].incident);
  auto entity_key = [&](std::uint32_t e) {
    return std::string(s.resolver.Key(s.resolver.Find(e)));
  };
  if (s.alerts[a].tenant != s.alerts[b].tenant) {
    ex.guards.push_back("different tenants: " + s.tenants[s.alerts[a].tenant] + " and " +
                        s.tenants[s.alerts[b].tenant] + " (tenants never mix)");
    return ex;
  }
  if (a == b || s.correlator.Component(a) == s.correlator.Component(b)) {
    ex.linked = true;
    // Breadth-first search over direct links: the shortest chain of shared entities.
    std::unordered_map<std::uint32_t, std::pair<std::uint32_t, std::pair<std::uint32_t, Timestamp>>>
        parent;
    std::deque<std::uint32_t> queue{a};
    parent[a] = {a, {0, 0}};
    while (!queue.empty() && parent.count(b) == 0) {
      const std::uint32_t cur = queue.front();
      queue.pop_front();
      s.correlator.ForEachLink(
          cur, [&](Correlator::AlertId next, Correlator::EntityId e, Timestamp gap) {
            if (parent.emplace(next, std::make_pair(cur, std::make_pair(e, gap))).second)
              queue.push_back(next);
          });
    }
    for (std::uint32_t cur = b; cur != a;) {
      const auto& [prev, via] = parent.at(cur);
      ex.chain.push_back(LinkStep{s.Key(prev), s.Key(cur), entity_key(via.first), via.second});
      cur = prev;
    }
    std::reverse(ex.chain.begin(), ex.chain.end());
    return ex;
  }
  // Apart: say what keeps each shared entity from linking them.
  std::set<std::uint32_t> ea, eb;
  std::vector<std::uint32_t> ids;
  s.Entities(a, &ids);
  for (std::uint32_t e : ids) ea.insert(s.resolver.Find(e));
  ids.clear();
  s.Entities(b, &ids);
  for (std::uint32_t e : ids) eb.insert(s.resolver.Find(e));
  const Timestamp gap = std::abs(s.alerts[a].first - s.alerts[b].first);
  for (std::uint32_t e : ea) {
    if (eb.count(e) == 0) continue;
    const std::string key(s.resolver.Key(e));
    std::string reason;
    if (!s.resolver.IsLinkKey(e) &&
        !s.config.Correlates(s.resolver.Kind(e), key, s.resolver.PrivateIp(e), &reason)) {
      ex.guards.push_back(reason);
    } else if (s.correlator.IsHub(e)) {
      ex.guards.push_back(key + " is a hub (" + std::to_string(s.correlator.EntityAlertCount(e)) +
                          " alerts > " +
                          std::to_string(s.correlator.HubThreshold(s.alerts[a].tenant)) + ")");
    } else if (s.config.window && gap > *s.config.window) {
      ex.guards.push_back("window exceeded through " + key + ": " + FormatDuration(gap) +
                          " apart, window " + FormatDuration(*s.config.window) + " (by " +
                          FormatDuration(gap - *s.config.window) + ")");
    }
  }
  if (ex.guards.empty()) {
    ex.guards.push_back(eb.empty() && ea.empty()
                            ? "neither alert has a linking entity"
                            : "no shared entity links them, directly or through other alerts");
  }
  return ex;
}

}  // namespace weft
