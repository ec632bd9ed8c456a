#pragma once
// GraphStore: the persistent property graph weft keeps, behind an interface with an in-memory
// twin (InMemoryStore) for tests and a RocksDB implementation in persistence/.
//
// Nodes: alerts (by alert key), entities (by tenant + canonical key), incidents (by id).
// Edges: alert -> entity evidence (held inside each Alert with its role), entity -> entity
// relations (runs_on, logged_on, alias_of, has_role_on, ...), alert -> incident membership
// (held inside each Incident). Meta: small named values (format version, configuration).
//
// Writes go through Apply(WriteBatch), which is atomic (all or nothing) and durable when it
// returns OK. Reads see every batch applied before them. Implementations are safe for one
// writer and concurrent readers; callers serialise writers.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/alert.h"
#include "model/entity.h"
#include "model/incident.h"
#include "model/status.h"

namespace weft {

// An entity node: the resolved entity (all aliases it has accumulated) of one tenant.
struct EntityRecord {
  std::string tenant;
  Entity entity;
  // Strong aliases that could not merge (same alias type, different value), as
  // "<alias> conflicts with <entity key>".
  std::vector<std::string> conflicts;
  // Entity keys that share a weak alias (e.g. a host name) but no strong one: possible matches.
  std::vector<std::string> possible_matches;
};

struct WriteBatch {
  std::vector<Alert> alerts;           // upserts by alert key
  std::vector<EntityRecord> entities;  // upserts by (tenant, entity key)
  std::vector<std::pair<std::string, std::string>> deleted_entities;  // (tenant, key)
  std::vector<Relation> relations;  // upserts by (tenant, from, relation, to)
  std::vector<Incident> incidents;  // upserts by id
  std::vector<std::string> deleted_incidents;
  std::vector<std::pair<std::string, std::string>> meta;  // upserts by name

  bool empty() const {
    return alerts.empty() && entities.empty() && deleted_entities.empty() && relations.empty() &&
           incidents.empty() && deleted_incidents.empty() && meta.empty();
  }
};

// What correlation needs of a stored alert: no descriptions, provenances or entity details, only
// each evidence entity's kind and key. Views are valid only during the visit that passes it.
struct AlertSummary {
  std::string_view tenant;
  std::string_view key;
  std::string_view title;
  std::string_view alert_type;   // Alert::alert_type (detector / rule id)
  Timestamp activity = kNoTime;  // Alert::activity_time()
  Timestamp last_activity = kNoTime;
  Severity severity = Severity::kLow;
  AlertStatus status = AlertStatus::kNew;
  SourceProduct source = SourceProduct::kOther;
  Cloud cloud = Cloud::kUnknown;
  std::vector<std::pair<EntityKind, std::string_view>> evidence;  // kind and key, in evidence order
  // The whole alert, for the few a caller needs in full (a replay re-resolves an alert whose
  // evidence names clashing entities): when the store can, `record` is the bytes this summary
  // was read from and `decode_record(key, record)` decodes them, which saves a random point
  // read. Null: read the alert with GetAlert.
  std::string_view record;
  Result<Alert> (*decode_record)(std::string_view key, std::string_view record) = nullptr;
};

// What a re-correlation compares of a stored incident: its id, tenant, status and alert keys,
// with no titles, entities or verdicts. Views are valid only during the visit that passes it.
// The alert keys come as the store keeps them: with `keys_under_tenant`, each is the part after
// "<tenant>/" (where every key weft writes begins); without, whole.
struct IncidentMembers {
  std::string_view id;
  std::string_view tenant;
  IncidentStatus status = IncidentStatus::kActive;
  bool keys_under_tenant = false;
  std::span<const std::string_view> alert_keys;
};

// Statistics for reports and benchmarks.
struct StoreStats {
  std::uint64_t alerts = 0;
  std::uint64_t entities = 0;
  std::uint64_t relations = 0;
  std::uint64_t incidents = 0;
  std::uint64_t disk_bytes = 0;  // 0 for in-memory stores
};

class GraphStore {
 public:
  virtual ~GraphStore() = default;

  // Applies every change in `batch` atomically. OK means durable (survives a process kill).
  // IOError/Corruption from the underlying storage; the store is unchanged then.
  virtual Status Apply(const WriteBatch& batch) = 0;

  // Submits `batch` to be applied, atomically, possibly after this returns: a store that
  // commits on a background thread (PipelinedStore) returns once the batch is queued. Reads
  // issued afterwards see the batch. It is durable once a later ApplyAsync or Sync returns OK;
  // an error may be that of an earlier batch. The default applies it synchronously.
  virtual Status ApplyAsync(WriteBatch batch) { return Apply(batch); }
  // Waits until every submitted batch is durable; the error of any that failed.
  virtual Status Sync() { return Status::Ok(); }

  // Point reads: nullopt when absent.
  virtual Result<std::optional<Alert>> GetAlert(std::string_view key) = 0;
  virtual Result<std::optional<EntityRecord>> GetEntity(std::string_view tenant,
                                                        std::string_view key) = 0;
  virtual Result<std::optional<Incident>> GetIncident(std::string_view id) = 0;
  virtual Result<std::optional<std::string>> GetMeta(std::string_view name) = 0;

  // Scans in key order; `tenant` "" means every tenant. The visitor returns false to stop early.
  // References passed to the visitor are valid only during the call. A visitor may read from the
  // store (point reads, other scans) but must not Apply.
  virtual Status ForEachAlert(std::string_view tenant,
                              const std::function<bool(const Alert&)>& visit) = 0;
  virtual Status ForEachEntity(std::string_view tenant,
                               const std::function<bool(const EntityRecord&)>& visit) = 0;
  virtual Status ForEachRelation(std::string_view tenant,
                                 const std::function<bool(const Relation&)>& visit) = 0;
  // The relations of `tenant` whose `from` is exactly `from`, in key order (relation, then to).
  // The default filters ForEachRelation; stores keyed by (tenant, from, ...) read only those.
  virtual Status ForEachRelationFrom(std::string_view tenant, std::string_view from,
                                     const std::function<bool(const Relation&)>& visit);
  // The entities of one kind, in key order. An entity's key begins with its kind's name
  // ("device:..."; see KeyHasKind), so stores keyed by (tenant, key) read that kind's keys alone
  // (a device page among millions of entities); the default filters ForEachEntity.
  virtual Status ForEachEntityOfKind(std::string_view tenant, EntityKind kind,
                                     const std::function<bool(const EntityRecord&)>& visit);
  virtual Status ForEachIncident(std::string_view tenant,
                                 const std::function<bool(const Incident&)>& visit) = 0;
  // ForEachAlert reduced to AlertSummary. Stores that can read a summary without decoding the
  // whole alert override it (an engine reopening a store reads every alert this way).
  virtual Status ForEachAlertSummary(std::string_view tenant,
                                     const std::function<bool(const AlertSummary&)>& visit);
  // ForEachAlertSummary narrowed to the alerts whose evidence may name one of `entity_keys`:
  // each of those is visited, and others may be, so the visitor still checks the evidence. Stores
  // that can test a record's bytes for the keys before decoding it do (a device page decodes the
  // few of a tenant's million alerts that may name the device); the default visits every alert.
  virtual Status ForEachAlertSummaryNaming(std::string_view tenant,
                                           std::span<const std::string> entity_keys,
                                           const std::function<bool(const AlertSummary&)>& visit);
  // ForEachIncident reduced to IncidentMembers. Stores that can read them without decoding the
  // whole incident override it (a re-correlation reads every stored incident this way).
  virtual Status ForEachIncidentMembers(std::string_view tenant,
                                        const std::function<bool(const IncidentMembers&)>& visit);
  // ForEachIncident narrowed the same way to the incidents that may hold one of `alert_keys`.
  virtual Status ForEachIncidentHolding(std::string_view tenant,
                                        std::span<const std::string> alert_keys,
                                        const std::function<bool(const Incident&)>& visit);
  // ForEachEntity and ForEachAlertSummary a run of consecutive records at a time, valid during
  // the call: a visitor that probes memory at random for each record (an engine replaying the
  // store) can prefetch for a whole run before it visits the run. The defaults pass one record
  // per call; a store whose scans read ahead in chunks passes the chunks.
  virtual Status ForEachEntityRun(std::string_view tenant,
                                  const std::function<bool(std::span<const EntityRecord>)>& visit);
  virtual Status ForEachAlertSummaryRun(
      std::string_view tenant, const std::function<bool(std::span<const AlertSummary>)>& visit);

  virtual Result<StoreStats> Stats() = 0;
  // The counts of Stats() as cheap estimates, for sizing tables before a scan (a replay): they
  // may be off by the records overwritten or deleted but not yet compacted, and disk_bytes may be
  // 0. The default is Stats(), for a store whose exact counts cost nothing.
  virtual Result<StoreStats> EstimatedStats() { return Stats(); }
};

}  // namespace weft
