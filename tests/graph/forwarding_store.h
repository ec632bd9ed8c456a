#pragma once
// A GraphStore that forwards every read and Apply to another store: the base of the test stores
// that change one behaviour (hold a commit at a gate, count scans) and keep the rest. ApplyAsync
// and Sync keep the GraphStore defaults, so they go through this store's Apply.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "graph/graph_store.h"

namespace weft::testing {

class ForwardingStore : public GraphStore {
 public:
  explicit ForwardingStore(GraphStore& inner) : inner_(inner) {}

  Status Apply(const WriteBatch& batch) override { return inner_.Apply(batch); }
  Result<std::optional<Alert>> GetAlert(std::string_view key) override {
    return inner_.GetAlert(key);
  }
  Result<std::optional<EntityRecord>> GetEntity(std::string_view tenant,
                                                std::string_view key) override {
    return inner_.GetEntity(tenant, key);
  }
  Result<std::optional<Incident>> GetIncident(std::string_view id) override {
    return inner_.GetIncident(id);
  }
  Result<std::optional<std::string>> GetMeta(std::string_view name) override {
    return inner_.GetMeta(name);
  }
  Status ForEachAlert(std::string_view t, const std::function<bool(const Alert&)>& v) override {
    return inner_.ForEachAlert(t, v);
  }
  Status ForEachEntity(std::string_view t,
                       const std::function<bool(const EntityRecord&)>& v) override {
    return inner_.ForEachEntity(t, v);
  }
  Status ForEachRelation(std::string_view t,
                         const std::function<bool(const Relation&)>& v) override {
    return inner_.ForEachRelation(t, v);
  }
  Status ForEachRelationFrom(std::string_view t, std::string_view from,
                             const std::function<bool(const Relation&)>& v) override {
    return inner_.ForEachRelationFrom(t, from, v);
  }
  Status ForEachIncident(std::string_view t,
                         const std::function<bool(const Incident&)>& v) override {
    return inner_.ForEachIncident(t, v);
  }
  Status ForEachAlertSummary(std::string_view t,
                             const std::function<bool(const AlertSummary&)>& v) override {
    return inner_.ForEachAlertSummary(t, v);
  }
  Status ForEachEntityRun(std::string_view t,
                          const std::function<bool(std::span<const EntityRecord>)>& v) override {
    return inner_.ForEachEntityRun(t, v);
  }
  Status ForEachAlertSummaryRun(
      std::string_view t, const std::function<bool(std::span<const AlertSummary>)>& v) override {
    return inner_.ForEachAlertSummaryRun(t, v);
  }
  Result<StoreStats> Stats() override { return inner_.Stats(); }
  Result<StoreStats> EstimatedStats() override { return inner_.EstimatedStats(); }

 private:
  GraphStore& inner_;
};

}  // namespace weft::testing
