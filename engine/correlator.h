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
// AddAlert records an alert; its links are made at the next call that reads components, hubs or
// links (or changes entities), alerts in arrival order in one pass whose memory accesses run a
// few alerts ahead, so that the cache misses of consecutive alerts overlap.
// Not thread-safe.

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engine/correlation_config.h"
#include "engine/internal/paged_array.h"
#include "engine/internal/posting_pool.h"
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

  // A new entity of `tenant` (below 2^29); `correlating` says whether its kind and key may link
  // alerts.
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
  // The entities `a` was added (or last updated) with, as given, appended to *out.
  void AlertEntities(AlertId a, std::vector<EntityId>* out) const;
  Timestamp AlertTime(AlertId a) const { return alerts_[a].time; }
  TenantId AlertTenant(AlertId a) const { return links_[a].tenant; }

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
  using Posting = internal::Posting;
  // 32 bytes, so one cache line holds it whole: the hot path touches an entity once.
  struct EntityNode {
    EntityId parent;
    std::uint32_t tenant : 29;
    std::uint32_t correlating : 1;
    std::uint32_t hub : 1;
    // Postings are sorted by (time, alert) while the entity links alerts; an entity that links
    // nothing (a hub or a non-correlating kind) only appends, and is sorted when it starts linking.
    std::uint32_t sorted : 1;
    std::uint32_t count;  // postings
    std::uint32_t block;  // pool block holding all postings when count >= 2
    // The greatest posting when count == 1 or the list is sorted: an alert arriving in time
    // order links to it without reading the block.
    Posting last;
  };
  struct AlertNode {
    Timestamp time;
    std::uint32_t first_entity;  // its entities are entity_ids_[first_entity, +entity_count)
    std::uint32_t entity_count;
  };
  // Union-find over alerts: parent, and per root the component size. Each component's members
  // also form a cycle through next (a union splices two cycles), so members are enumerated
  // without a per-component allocation. One struct so a union touches one line per alert.
  struct alignas(16) AlertLink {
    AlertId parent;
    std::uint32_t size;
    AlertId next;
    TenantId tenant;  // the alert's (here, so that AlertNode is 16 bytes)
  };
  struct TenantState {
    std::size_t alerts = 0;
    std::size_t threshold = 0;  // of the last SettleTenants
    // HubThreshold(alerts) for alerts == threshold_for: constant while a batch is linked.
    std::size_t threshold_for = SIZE_MAX;
    std::size_t current_threshold = 0;
    std::vector<EntityId> hubs;
    bool changed = false;
  };

  // The alerts of `n`: sorted by (time, id) when n.sorted. Valid until `n` changes.
  std::span<AlertId> Postings(EntityNode& n);
  // Replaces the postings of `n` by `p` (sorted).
  void SetPostings(EntityNode& n, std::span<const AlertId> p);
  Posting Key(AlertId a) const { return Posting{alerts_[a].time, a}; }
  bool Before(AlertId x, AlertId y) const { return Key(x) < Key(y); }
  AlertId FindAlert(AlertId a);
  void Unite(AlertId a, AlertId b);  // without marking the root dirty
  void Union(AlertId a, AlertId b);
  bool WithinWindow(Timestamp a, Timestamp b) const;
  // Adds (t, a) to the postings of `e` and links `a` to its in-window neighbours when `e` links.
  void InsertAndLink(EntityId e, Timestamp t, AlertId a);
  // Appends without keeping the order (for an entity that links nothing).
  void AppendUnsorted(EntityNode& n, const Posting& item);
  // Appends at the end of the block, growing it when full.
  void AppendRaw(EntityNode& n, const Posting& item);
  // Room for one more posting in the block of `n` (count >= 2); the block.
  AlertId* Reserve(EntityNode& n);
  void RemovePosting(EntityId e, Timestamp t, AlertId a);
  void LinkNeighbours(std::span<const AlertId> p, std::size_t index);
  void SortPostings(EntityNode& n);
  void LinkChain(EntityId e);
  void MakeHub(EntityId e);
  // Recomputes the components that hold any of `seeds` from the current links.
  void Split(const std::vector<AlertId>& seeds);
  void LinkAlert(AlertId a);  // links `a` through every linking entity it has
  void LinkPending();         // links the alerts added since the last call
  void AppendMembers(AlertId a, std::vector<AlertId>* out);
  TenantState& Tenant(TenantId t);
  std::size_t CurrentThreshold(TenantId t);  // HubThreshold(t), cached

  CorrelationConfig config_;
  std::uint64_t window_;  // config_.window in ms, or the largest value when off
  // Paged, so that growing them never copies (docs/correlation.md, Speed).
  internal::PagedArray<AlertNode> alerts_;
  internal::PagedArray<EntityId> entity_ids_;  // every alert's entities, back to back
  internal::PagedArray<AlertLink> links_;
  std::size_t linked_ = 0;          // alerts [0, linked_) are linked
  std::vector<AlertId> scratch_;    // reused by Split
  std::vector<EntityId> resolved_;  // reused by LinkAlert
  internal::PagedArray<EntityNode> entities_;
  internal::PostingPool pool_;
  std::vector<TenantState> tenants_;
  std::vector<AlertId> dirty_;
  std::vector<AlertId> sort_buffer_;  // reused by TakeDirtyRoots
};

}  // namespace weft
