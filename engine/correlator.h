#pragma once
// Correlator: incremental connected components over alerts linked by shared entities, under
// the window and hub rules of a CorrelationConfig. Pure in-memory; the Engine feeds it resolved
// entity ids and persists what it decides.
//
// Links: for every correlating, non-hub entity, its alerts sorted by activity time are linked
// consecutively when their gap is within the window. (Any two alerts sharing the entity within
// the window are then connected, so the components equal those of the all-pairs link graph.)
// Arrival work is proportional to an alert's entities and their in-window neighbours. When an
// entity becomes a hub (more alerts than the tenant's threshold) or an alert changes, only the
// components it touches are recomputed, and they split; when a tenant grows so that a hub falls
// back under the threshold, its links are added. The result depends only on the set of alerts
// and the configuration, never on the arrival order.
// Not thread-safe.

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/correlation_config.h"
#include "model/time.h"

namespace weft {

class Correlator {
 public:
  using AlertId = std::uint32_t;
  using EntityId = std::uint32_t;
  using TenantId = std::uint32_t;

  explicit Correlator(CorrelationConfig config);
  Correlator(const Correlator&) = delete;
  Correlator& operator=(const Correlator&) = delete;

  const CorrelationConfig& config() const { return config_; }

  // A new entity of `tenant`; `correlating` says whether its kind and key may link alerts.
  EntityId AddEntity(TenantId tenant, bool correlating);
  // Identity resolution found `gone` to be the same entity as `keep`: their alerts merge.
  void MergeEntities(EntityId keep, EntityId gone);
  // The representative of `e` after merges.
  EntityId FindEntity(EntityId e);

  // A new alert; `entities` may repeat and may be merged ids.
  AlertId AddAlert(TenantId tenant, Timestamp time, const std::vector<EntityId>& entities);
  // Replaces an alert's time and entities (an update brought new evidence or an earlier time).
  void UpdateAlert(AlertId a, Timestamp time, const std::vector<EntityId>& entities);

  // Re-checks the hub threshold of tenants whose alert count changed since the last call and
  // links the alerts of entities that are no longer hubs. Call at the end of each batch.
  void SettleTenants();

  // The component (incident) root of `a`; its size; its members (appended to *out, in no
  // particular order).
  AlertId Component(AlertId a);
  std::size_t ComponentSize(AlertId a);
  void Members(AlertId a, std::vector<AlertId>* out);
  // Roots of every component changed since the last call, each once.
  std::vector<AlertId> TakeDirtyRoots();

  std::size_t alert_count() const { return alerts_.size(); }
  Timestamp AlertTime(AlertId a) const { return alerts_[a].time; }
  TenantId AlertTenant(AlertId a) const { return alerts_[a].tenant; }

  std::size_t HubThreshold(TenantId tenant) const;
  std::size_t EntityAlertCount(EntityId e);
  bool IsHub(EntityId e);
  bool EntityCorrelating(EntityId e);
  // True when alerts sharing `e` link (correlating and not a hub).
  bool Links(EntityId e);
  // Calls visit(b, entity, gap) for each alert b directly linked to `a` through any entity
  // (every in-window alert sharing a linking entity, not only the chain neighbours).
  void ForEachLink(AlertId a, const std::function<void(AlertId, EntityId, Timestamp)>& visit);

 private:
  struct Posting {
    Timestamp time;
    AlertId alert;
    friend bool operator<(const Posting& x, const Posting& y) {
      return x.time != y.time ? x.time < y.time : x.alert < y.alert;
    }
  };
  struct EntityNode {
    EntityId parent;
    TenantId tenant;
    bool correlating;
    bool hub = false;
    // Sorted by (time, alert) while the entity links alerts; an entity that links nothing (a hub
    // or a non-correlating kind) only appends, and is sorted when it starts linking.
    bool sorted = true;
    std::vector<Posting> postings;
  };
  struct AlertNode {
    TenantId tenant;
    Timestamp time;
    std::uint32_t first_entity;  // its entities are entity_ids_[first_entity, +entity_count)
    std::uint32_t entity_count;
  };
  struct TenantState {
    std::size_t alerts = 0;
    std::size_t threshold = 0;
    std::vector<EntityId> hubs;
    bool changed = false;
  };

  AlertId FindAlert(AlertId a);
  void Union(AlertId a, AlertId b);
  bool WithinWindow(Timestamp a, Timestamp b) const;
  void InsertPosting(EntityId e, Timestamp t, AlertId a);
  void RemovePosting(EntityId e, Timestamp t, AlertId a);
  void LinkNeighbours(EntityId e, std::size_t index);
  void SortPostings(EntityNode& n);
  void LinkChain(EntityId e);
  void MakeHub(EntityId e);
  // Recomputes the components that hold any of `seeds` from the current links.
  void Split(const std::vector<AlertId>& seeds);
  void LinkAlert(AlertId a);  // links `a` through every linking entity it has
  void CheckHub(EntityId e);
  TenantState& Tenant(TenantId t);

  CorrelationConfig config_;
  std::vector<AlertNode> alerts_;
  std::vector<EntityId> entity_ids_;  // every alert's entities, back to back
  // Union-find over alerts: parent, and per root the component size. Each component's members
  // also form a cycle through next_ (a union splices two cycles), so members are enumerated
  // without a per-component allocation.
  std::vector<AlertId> parent_;
  std::vector<std::uint32_t> size_;
  std::vector<AlertId> next_;
  std::vector<AlertId> scratch_;  // reused by Split
  std::vector<EntityNode> entities_;
  std::vector<TenantState> tenants_;
  std::vector<AlertId> dirty_;
};

}  // namespace weft
