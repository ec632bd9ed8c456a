#pragma once
// EngineState: everything an Engine keeps in memory between batches, laid out to stay small at
// millions of alerts. Per alert a fixed 64-byte record (times, tenant, title id, incident,
// entity range) plus its key packed in an arena; per incident a 64-bit id hash; per entity the
// resolver's compact node. Full alert, entity and incident records live in the store; incident
// records are built from this state when a component changes.
// Not thread-safe; owned by one Engine (or one re-correlation).

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/correlation_config.h"
#include "engine/correlator.h"
#include "engine/entity_resolver.h"
#include "engine/internal/huge_pages.h"
#include "engine/internal/key_index.h"
#include "engine/internal/string_arena.h"
#include "graph/graph_store.h"
#include "graph/string_view_hash.h"
#include "model/alert.h"
#include "model/incident.h"

#include "absl/container/flat_hash_map.h"

namespace weft::internal {

inline constexpr std::uint32_t kNoIncident = UINT32_MAX;
inline constexpr std::uint32_t kNoAlert = UINT32_MAX;

// The rules the store's incidents were built with (nullopt for a store without incidents), and
// the meta entry that records `config` (both defined in engine.cc).
Result<std::optional<CorrelationConfig>> StoredCorrelationConfig(GraphStore& store);
std::pair<std::string, std::string> CorrelationConfigMeta(const CorrelationConfig& config);

// An alert key as the engine holds it: its tenant's index and the rest of the key after
// "<tenant>/", the prefix every key starts with (MakeAlertKey). A GUID tenant repeated in every
// key cost 37 bytes per alert (33 MB at 1M alerts).
struct AlertKeyRef {
  std::uint32_t tenant = 0;
  std::string_view rest;
  friend bool operator==(const AlertKeyRef&, const AlertKeyRef&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const AlertKeyRef& k) {
    return H::combine(std::move(h), k.tenant, AbslView(k.rest));
  }
};

struct AlertInfo {
  StringArena::Ref key_rest;  // the key after "<tenant>/"
  Timestamp first = kNoTime;
  Timestamp last = kNoTime;
  std::uint32_t tenant = 0;
  std::uint32_t title = 0;  // index into EngineState::titles
  std::uint32_t incident = kNoIncident;
  Severity severity = Severity::kLow;
  AlertStatus status = AlertStatus::kNew;
  SourceProduct source = SourceProduct::kOther;  // for the incident's sources and clouds
  Cloud cloud = Cloud::kUnknown;
};
static_assert(sizeof(AlertInfo) <= 48, "an AlertInfo per alert: keep it small");

struct EngineState {
  EngineState(CorrelationConfig c, GraphStore& store);
  EngineState(const EngineState&) = delete;  // alert_index reads keys through `alerts`
  EngineState& operator=(const EngineState&) = delete;

  // Loads the stored entities and alerts (an engine reopening, or a re-correlation) and computes
  // the incidents, appending their records to `incidents` when given. Leaves nothing to write.
  Status Replay(GraphStore& store, std::vector<Incident>* incidents);

  std::uint32_t Tenant(std::string_view name);
  std::uint32_t Title(std::string_view title);
  // The alert's full key; its parts without a copy; the id hash of an incident it is earliest in.
  std::string Key(std::uint32_t alert) const;
  AlertKeyRef KeyRef(std::uint32_t alert) const {
    return {alerts[alert].tenant, alerts[alert].key_rest.view()};
  }
  std::uint64_t IncidentHashOf(std::uint32_t alert) const;
  // The alert with this key, or kNoAlert. The first form is for callers that know the tenant;
  // the second tries each tenant whose name and '/' begin the key.
  std::uint32_t FindAlert(std::string_view tenant, std::string_view key) const;
  std::uint32_t FindAlert(std::string_view key) const;
  // The key after "<tenant>/"; an error naming the key when it does not begin so.
  static Result<std::string_view> CheckedKeyRest(std::string_view tenant, std::string_view key);
  // The entities alert `a` was resolved to when added or last updated (the correlator keeps
  // them), appended to *out; resolver.Find gives their current representatives.
  void Entities(std::uint32_t a, std::vector<std::uint32_t>* out) const {
    correlator.AlertEntities(a, out);
  }
  std::string IncidentId(std::uint32_t incident) const {
    return FormatIncidentId(incident_hashes[incident]);
  }
  // The incident index of a formatted id, or kNoIncident.
  std::uint32_t FindIncident(std::string_view id) const;

  // An alert's evidence prepared for resolution (EntityResolver::Prepare), in evidence order;
  // empty when its tenant was not known yet.
  using PreparedEvidence = std::vector<EntityResolver::Probe>;
  // Prepares `alert`'s evidence into *out and brings the table entries that finding the alert
  // and resolving its evidence probe first into the cache. Ingest calls it a few alerts ahead of
  // the one it adds, so that the misses of the tables (larger than the caches at a million
  // alerts) overlap with work instead of stalling it.
  void PrepareIncoming(const Alert& alert, PreparedEvidence* out) const;
  // Adds a new (finalized) alert; returns its index. `prepared`: PrepareIncoming(alert), if made.
  Result<std::uint32_t> AddAlert(const Alert& alert, const PreparedEvidence* prepared = nullptr);
  // Adds a stored alert during a replay whose evidence keys resolved to `evidence` (the
  // adopted entities' representatives, EvidenceLookahead::kUnknown for an unknown key); false,
  // and nothing added, when a key is unknown or names clashing entities: the alert must then be
  // resolved whole (AddStoredAlertWhole). `tenant` is Tenant(summary.tenant).
  Result<bool> AddStoredAlert(const AlertSummary& summary, std::uint32_t tenant,
                              std::span<const std::uint32_t> evidence);
  // Adds a stored alert as on arrival, decoded from the scanned record or read from `store`
  // (replay_fallbacks counts them).
  Status AddStoredAlertWhole(const AlertSummary& summary, GraphStore& store);
  // Brings the alert-index entry AddStoredAlert(summary, tenant) will probe into the cache.
  void PrefetchStoredAlert(const AlertSummary& summary, std::uint32_t tenant) const;
  // An alert merged with a new delivery: new times, status, title or evidence.
  Status UpdateAlert(std::uint32_t a, const Alert& merged);
  // Recomputes the incidents of every changed component; appends their records (and the
  // redirects of incidents that lost their id) to `out` when given.
  void SettleIncidents(std::vector<Incident>* out);
  // Moves the entity changes of the batch into `wb`.
  Status CollectEntities(WriteBatch& wb);
  // The record of incident `incident` (interned, its earliest alert known), made of `members`.
  Incident BuildIncident(const std::vector<Correlator::AlertId>& members, std::uint32_t incident);

  CorrelationConfig config;
  Correlator correlator;
  EntityResolver resolver;
  HugeVector<AlertInfo> alerts;  // index = Correlator::AlertId
  StringArena alert_keys;
  // Alert key -> index into `alerts`; the keys are read where `alerts` holds them.
  struct AlertKeyOf {
    const HugeVector<AlertInfo>* alerts;
    AlertKeyRef operator()(std::uint32_t a) const {
      return {(*alerts)[a].tenant, (*alerts)[a].key_rest.view()};
    }
  };
  KeyIndex<AlertKeyOf> alert_index{AlertKeyOf{&alerts}};
  // Tenants and titles, interned: deques keep each string in place for the views indexing it.
  std::deque<std::string> tenants;
  absl::flat_hash_map<std::string_view, std::uint32_t, StringViewHash> tenant_index;
  std::vector<std::uint64_t> tenant_key_hashes;  // StableHash(tenant + "/"), by tenant
  std::deque<std::string> titles;
  absl::flat_hash_map<std::string_view, std::uint32_t, StringViewHash> title_index;
  HugeVector<std::uint64_t> incident_hashes;
  HugeHashMap<std::uint64_t, std::uint32_t> incident_index;
  HugeVector<std::uint32_t> incident_earliest;  // incident -> its earliest alert when last written
  std::size_t replay_fallbacks = 0;

 private:
  std::uint32_t InternIncident(std::uint64_t hash);
  // Resolves an alert's evidence into *ids (appended), keeping the correlator in step.
  Status ResolveEvidence(std::uint32_t tenant, const Alert& alert, const PreparedEvidence* prepared,
                         std::vector<std::uint32_t>* ids);
  void AddCorrelatorEntity(std::uint32_t tenant, std::uint32_t entity);
  // With config.type_window: appends the link key of the alert's type bucket to *ids.
  void AddTypeLink(std::uint32_t tenant, SourceProduct source, std::string_view alert_type,
                   Timestamp first, std::vector<std::uint32_t>* ids);
  // Appends an alert whose entities are scratch_ids_; returns its index.
  std::uint32_t Append(AlertInfo info, std::string_view key_rest);

  // The tenant Tenant() returned last, and its name (a view of its string in `tenants`).
  std::uint32_t last_tenant_ = 0;
  std::string_view last_tenant_name_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merges_;  // scratch
  std::vector<std::uint32_t> created_;                           // scratch
  std::vector<std::uint32_t> scratch_ids_;
  std::vector<std::uint32_t> old_ids_;  // scratch of UpdateAlert
};

}  // namespace weft::internal
