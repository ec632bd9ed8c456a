#pragma once
// InMemoryStore: a GraphStore held in ordered maps, for tests and for throw-away runs (eval,
// bench). Same semantics as the RocksDB store except durability. Guarded by a mutex: safe for
// concurrent use.

#include <map>
#include <mutex>

#include "graph/graph_store.h"

namespace weft {

class InMemoryStore final : public GraphStore {
 public:
  InMemoryStore() = default;
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
  std::recursive_mutex mu_;  // recursive: a scan's visitor may read from the store
  std::map<std::string, Alert, std::less<>> alerts_;
  std::map<std::pair<std::string, std::string>, EntityRecord, std::less<>> entities_;
  std::map<std::string, Relation, std::less<>> relations_;  // key: tenant \0 from \0 relation \0 to
  std::map<std::string, Incident, std::less<>> incidents_;
  std::map<std::string, std::string, std::less<>> meta_;
};

// The key under which a relation is stored: tenant \0 from \0 relation \0 to.
std::string RelationStoreKey(const Relation& r);
// The prefix of the keys of the relations stored from `from`: tenant \0 from \0.
std::string RelationFromPrefix(std::string_view tenant, std::string_view from);

}  // namespace weft
