#pragma once
// Engine: weft's correlation engine over a GraphStore. It resolves the entities of arriving
// alerts to one node per real thing, links alerts under the CorrelationConfig, maintains
// incidents incrementally, and writes each ingested batch (alerts, entities, relations, changed
// incidents) to the store as one atomic WriteBatch. Opening an Engine on a store replays the
// stored entities and alerts to rebuild the in-memory correlation state. Explains links (Why)
// and rebuilds incidents under new rules (Recorrelate, in recorrelate.cc).
// Not thread-safe: one writer at a time; the store may serve readers meanwhile.

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/correlation_config.h"
#include "graph/graph_store.h"
#include "model/alert.h"
#include "model/incident.h"

namespace weft {
namespace internal {
struct EngineState;
}  // namespace internal

struct IngestResult {
  std::size_t new_alerts = 0;
  std::size_t updated_alerts = 0;  // known alerts that this batch changed (evidence, update)
  std::size_t duplicates = 0;      // deliveries that changed nothing
  std::size_t relations = 0;
  std::size_t incidents_written = 0;  // incident records created or changed (incl. redirects)
};

// One step of a link chain: alert `from` and `to` share `entity`, `gap` apart.
struct LinkStep {
  std::string from;
  std::string to;
  std::string entity;
  Timestamp gap = 0;
};

// Why two alerts are (or are not) in one incident.
struct Explanation {
  bool linked = false;
  std::string incident_a, incident_b;
  std::vector<LinkStep> chain;  // when linked: the links from a to b, in order
  std::vector<std::string>
      guards;  // when apart: each reason, e.g. "ip:1.2.3.4 is a hub (41 alerts > 12)"
};

// What a re-correlation changed, by incident id.
struct IncidentDiff {
  std::size_t unchanged = 0;         // incidents with the same id and the same alerts
  std::vector<std::string> merged;   // new grouping joins alerts of several old incidents
  std::vector<std::string> split;    // old incidents whose alerts now lie in several
  std::vector<std::string> created;  // new incidents with an id not in use before
  std::vector<std::string> removed;  // old incidents that no longer exist (now redirected)
  std::size_t alerts = 0;
  bool applied = false;
  bool no_change() const {
    return merged.empty() && split.empty() && created.empty() && removed.empty();
  }
};

struct RecorrelateOptions {
  CorrelationConfig config;
  Timestamp since = kNoTime;  // only incidents active at or after this time; kNoTime = all
  Timestamp until = kNoTime;  // only incidents that began at or before this time; kNoTime = all
  bool dry_run = false;       // report the diff without writing it
};

class Engine {
 public:
  // Rebuilds every incident from the stored alerts under `options.config` and reports the diff
  // against the stored incidents. Unless dry_run, writes the new grouping (and the rules) in one
  // atomic batch. Under the rules already in force the diff is empty.
  static Result<IncidentDiff> Recorrelate(GraphStore& store, const RecorrelateOptions& options);

  // Opens the engine on `store`. `config`: the rules to use; nullopt = the rules stored with
  // the incidents (or the defaults for a new store). InvalidArgument when `config` differs from
  // the rules the stored incidents were built with (use Recorrelate to change rules).
  static Result<std::unique_ptr<Engine>> Open(GraphStore& store,
                                              std::optional<CorrelationConfig> config);
  // The rules the store's incidents were built with (the defaults for a new store), without
  // opening an engine.
  static Result<CorrelationConfig> RulesInForce(GraphStore& store);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // Ingests one batch: new alerts are added, known ones merged (provenances, evidence, updates),
  // relations stored, incidents updated; all of it written atomically (GraphStore::ApplyAsync).
  // `now` stamps ingestion. On a synchronous store the batch is durable when this returns OK;
  // on a PipelinedStore it is committed while the caller prepares the next batches, and durable
  // once Sync, or the store's depth-th Ingest after it, returns OK (the next one at depth 1).
  // After a store error the engine refuses further batches (reopen it).
  Result<IngestResult> Ingest(std::vector<Alert> alerts, std::vector<Relation> relations,
                              Timestamp now);
  // Waits until every ingested batch is durable. Acknowledge a source's alerts after this (or
  // after the Ingest that makes them durable, above) returns OK.
  Status Sync();

  // Explains the link, or the guards, between two alert keys. NotFound for an unknown key.
  Result<Explanation> Why(const std::string& key_a, const std::string& key_b);

  // The current incident id of an alert; NotFound when unknown.
  Result<std::string> IncidentOf(const std::string& alert_key) const;
  // Every current (not redirected) incident id, with its alert keys, sorted.
  std::vector<std::pair<std::string, std::vector<std::string>>> Grouping();

  const CorrelationConfig& config() const;
  std::size_t alert_count() const;

 private:
  Engine(GraphStore& store, std::unique_ptr<internal::EngineState> state);
  GraphStore& store_;
  std::unique_ptr<internal::EngineState> state_;
  bool config_stored_ = false;
  bool poisoned_ = false;
  std::uint32_t batch_ = 0;  // batches ingested in this process, from 1
};

// Serialized form of a CorrelationConfig as stored in the store's meta ("key=value" lines).
std::string SerializeConfig(const CorrelationConfig& config);
Result<CorrelationConfig> ParseSerializedConfig(std::string_view text);

}  // namespace weft
