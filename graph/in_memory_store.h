#pragma once
// InMemoryStore: a GraphStore held in memory, for tests and for throw-away runs (eval, bench).
// Same semantics as the RocksDB store except durability, scans included: they visit records in
// key order, as RocksDB does. Alerts, entities and incidents are kept in hash maps and sorted when
// scanned (an ingest writes and reads them by key, and scans are rare next to that; ordered maps
// spent half of an in-memory ingest comparing keys); relations stay ordered for the prefix scans
// of ForEachRelationFrom. Guarded by a mutex: safe for concurrent use.

#include <memory>
#include <mutex>

#include "graph/graph_store.h"

namespace weft {

class InMemoryStore final : public GraphStore {
 public:
  InMemoryStore();
  ~InMemoryStore() override;
  InMemoryStore(const InMemoryStore&) = delete;
  InMemoryStore& operator=(const InMemoryStore&) = delete;

  Status Apply(const WriteBatch& batch) override;
  Result<std::optional<Alert>> GetAlert(std::string_view key) override;
  Result<std::optional<EntityRecord>> GetEntity(std::string_view tenant,
                                                std::string_view key) override;
  Result<std::optional<Incident>> GetIncident(std::string_view id) override;
  Result<std::optional<std::string>> GetMeta(std::string_view name) override;
  Status ForEachAlert(std::string_view tenant,
                      const std::function<bool(const Alert&)>& visit) override;
  Status ForEachEntity(std::string_view tenant,
                       const std::function<bool(const EntityRecord&)>& visit) override;
  Status ForEachRelation(std::string_view tenant,
                         const std::function<bool(const Relation&)>& visit) override;
  Status ForEachRelationFrom(std::string_view tenant, std::string_view from,
                             const std::function<bool(const Relation&)>& visit) override;
  Status ForEachIncident(std::string_view tenant,
                         const std::function<bool(const Incident&)>& visit) override;
  Result<StoreStats> Stats() override;

 private:
  struct Records;            // the maps (in_memory_store.cc)
  std::recursive_mutex mu_;  // recursive: a scan's visitor may read from the store
  std::unique_ptr<Records> records_;
};

// The key under which a relation is stored: tenant \0 from \0 relation \0 to.
std::string RelationStoreKey(const Relation& r);
// The prefix of the keys of the relations stored from `from`: tenant \0 from \0.
std::string RelationFromPrefix(std::string_view tenant, std::string_view from);

}  // namespace weft
