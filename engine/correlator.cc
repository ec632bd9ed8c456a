#include "engine/correlator.h"

#include <algorithm>
#include <cassert>
#include <unordered_set>

namespace weft {

Correlator::Correlator(CorrelationConfig config) : config_(std::move(config)) {}

Correlator::TenantState& Correlator::Tenant(TenantId t) {
  if (t >= tenants_.size()) tenants_.resize(t + 1);
  return tenants_[t];
}

std::size_t Correlator::HubThreshold(TenantId tenant) const {
  const std::size_t n = tenant < tenants_.size() ? tenants_[tenant].alerts : 0;
  return config_.hub.Threshold(n);
}

Correlator::EntityId Correlator::AddEntity(TenantId tenant, bool correlating) {
  const auto id = static_cast<EntityId>(entities_.size());
  entities_.push_back(EntityNode{id, tenant, correlating, false, true, {}});
  Tenant(tenant);
  return id;
}

Correlator::EntityId Correlator::FindEntity(EntityId e) {
  while (entities_[e].parent != e) {
    entities_[e].parent = entities_[entities_[e].parent].parent;
    e = entities_[e].parent;
  }
  return e;
}

Correlator::AlertId Correlator::FindAlert(AlertId a) {
  while (parent_[a] != a) {
    parent_[a] = parent_[parent_[a]];
    a = parent_[a];
  }
  return a;
}

void Correlator::Union(AlertId a, AlertId b) {
  a = FindAlert(a);
  b = FindAlert(b);
  if (a == b) return;
  if (size_[a] < size_[b]) std::swap(a, b);
  parent_[b] = a;
  size_[a] += size_[b];
  std::swap(next_[a], next_[b]);  // splice the two member cycles into one
  dirty_.push_back(a);
}

bool Correlator::WithinWindow(Timestamp a, Timestamp b) const {
  if (!config_.window) return true;
  const Timestamp gap = a > b ? a - b : b - a;
  return gap <= *config_.window;
}

bool Correlator::EntityCorrelating(EntityId e) { return entities_[FindEntity(e)].correlating; }

bool Correlator::IsHub(EntityId e) { return entities_[FindEntity(e)].hub; }

bool Correlator::Links(EntityId e) {
  const EntityNode& n = entities_[FindEntity(e)];
  return n.correlating && !n.hub;
}

std::size_t Correlator::EntityAlertCount(EntityId e) { return entities_[FindEntity(e)].postings.size(); }

void Correlator::SortPostings(EntityNode& n) {
  if (n.sorted) return;
  std::sort(n.postings.begin(), n.postings.end());
  n.sorted = true;
}

void Correlator::InsertPosting(EntityId e, Timestamp t, AlertId a) {
  EntityNode& n = entities_[e];
  std::vector<Posting>& p = n.postings;
  const Posting item{t, a};
  if (p.empty() || p.back() < item) {
    p.push_back(item);
  } else if (!n.correlating || n.hub) {
    p.push_back(item);  // links nothing: order does not matter until it does
    n.sorted = false;
  } else {
    auto it = std::lower_bound(p.begin(), p.end(), item);
    if (it != p.end() && it->alert == a && it->time == t) return;
    p.insert(it, item);
  }
}

void Correlator::RemovePosting(EntityId e, Timestamp t, AlertId a) {
  EntityNode& n = entities_[e];
  std::vector<Posting>& p = n.postings;
  if (!n.sorted) {
    auto it = std::find_if(p.begin(), p.end(), [&](const Posting& x) { return x.alert == a && x.time == t; });
    if (it != p.end()) p.erase(it);
    return;
  }
  auto it = std::lower_bound(p.begin(), p.end(), Posting{t, a});
  if (it != p.end() && it->alert == a) p.erase(it);
}

void Correlator::LinkNeighbours(EntityId e, std::size_t i) {
  const std::vector<Posting>& p = entities_[e].postings;
  if (i > 0 && WithinWindow(p[i - 1].time, p[i].time)) Union(p[i - 1].alert, p[i].alert);
  if (i + 1 < p.size() && WithinWindow(p[i].time, p[i + 1].time)) Union(p[i].alert, p[i + 1].alert);
}

void Correlator::LinkChain(EntityId e) {
  SortPostings(entities_[e]);
  const std::vector<Posting>& p = entities_[e].postings;
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (WithinWindow(p[i - 1].time, p[i].time)) Union(p[i - 1].alert, p[i].alert);
  }
}

void Correlator::MakeHub(EntityId e) {
  EntityNode& n = entities_[e];
  n.hub = true;
  tenants_[n.tenant].hubs.push_back(e);
  if (!n.correlating) return;  // it never linked anything: nothing to split
  std::vector<AlertId> seeds;
  seeds.reserve(n.postings.size());
  for (const Posting& p : n.postings) seeds.push_back(p.alert);
  Split(seeds);
}

void Correlator::CheckHub(EntityId e) {
  EntityNode& n = entities_[e];
  if (!n.hub && n.postings.size() > HubThreshold(n.tenant)) MakeHub(e);
}

void Correlator::LinkAlert(AlertId a) {
  const AlertNode node = alerts_[a];
  for (std::uint32_t k = 0; k < node.entity_count; ++k) {
    const EntityId e = FindEntity(entity_ids_[node.first_entity + k]);
    InsertPosting(e, node.time, a);
    EntityNode& n = entities_[e];
    if (n.hub) continue;
    if (n.postings.size() > HubThreshold(n.tenant)) {
      MakeHub(e);
      continue;
    }
    if (!n.correlating) continue;
    const auto it = std::lower_bound(n.postings.begin(), n.postings.end(), Posting{node.time, a});
    LinkNeighbours(e, static_cast<std::size_t>(it - n.postings.begin()));
  }
}

Correlator::AlertId Correlator::AddAlert(TenantId tenant, Timestamp time, const std::vector<EntityId>& entities) {
  const auto a = static_cast<AlertId>(alerts_.size());
  alerts_.push_back(AlertNode{tenant, time, static_cast<std::uint32_t>(entity_ids_.size()),
                              static_cast<std::uint32_t>(entities.size())});
  entity_ids_.insert(entity_ids_.end(), entities.begin(), entities.end());
  parent_.push_back(a);
  size_.push_back(1);
  next_.push_back(a);
  dirty_.push_back(a);
  TenantState& ts = Tenant(tenant);
  ++ts.alerts;
  ts.changed = true;
  LinkAlert(a);
  return a;
}

void Correlator::UpdateAlert(AlertId a, Timestamp time, const std::vector<EntityId>& entities) {
  AlertNode& node = alerts_[a];
  for (std::uint32_t k = 0; k < node.entity_count; ++k) {
    RemovePosting(FindEntity(entity_ids_[node.first_entity + k]), node.time, a);
  }
  node.entity_count = 0;
  Split({a});  // without its old links its component may fall apart
  AlertNode& fresh = alerts_[a];
  fresh.time = time;
  fresh.first_entity = static_cast<std::uint32_t>(entity_ids_.size());
  fresh.entity_count = static_cast<std::uint32_t>(entities.size());
  entity_ids_.insert(entity_ids_.end(), entities.begin(), entities.end());
  Tenant(fresh.tenant).changed = true;  // entity counts moved: hubs are re-checked
  LinkAlert(a);
  dirty_.push_back(a);
}

void Correlator::MergeEntities(EntityId keep, EntityId gone) {
  keep = FindEntity(keep);
  gone = FindEntity(gone);
  if (keep == gone) return;
  EntityNode& k = entities_[keep];
  EntityNode& g = entities_[gone];
  assert(k.tenant == g.tenant && "entities of different tenants never merge");
  SortPostings(k);
  SortPostings(g);
  std::vector<Posting> merged;
  merged.reserve(k.postings.size() + g.postings.size());
  std::merge(k.postings.begin(), k.postings.end(), g.postings.begin(), g.postings.end(), std::back_inserter(merged));
  merged.erase(std::unique(merged.begin(), merged.end(),
                           [](const Posting& x, const Posting& y) { return x.alert == y.alert && x.time == y.time; }),
               merged.end());
  g.parent = keep;
  g.postings.clear();
  g.postings.shrink_to_fit();
  const bool was_linking = (k.correlating && !k.hub) || (g.correlating && !g.hub);
  k.postings = std::move(merged);
  k.correlating = k.correlating && g.correlating;
  if (g.hub && !k.hub) {
    k.hub = true;
    tenants_[k.tenant].hubs.push_back(keep);
  }
  if (!k.hub && k.postings.size() > HubThreshold(k.tenant)) {
    MakeHub(keep);
    return;
  }
  if (k.correlating && !k.hub) {
    LinkChain(keep);
  } else if (was_linking) {
    std::vector<AlertId> seeds;
    for (const Posting& p : k.postings) seeds.push_back(p.alert);
    Split(seeds);
  }
}

void Correlator::SettleTenants() {
  for (TenantId t = 0; t < tenants_.size(); ++t) {
    TenantState& ts = tenants_[t];
    if (!ts.changed) continue;
    ts.changed = false;
    const std::size_t threshold = config_.hub.Threshold(ts.alerts);
    ts.threshold = threshold;
    std::vector<EntityId> still;
    for (EntityId e : ts.hubs) {
      if (FindEntity(e) != e) continue;  // merged away
      EntityNode& n = entities_[e];
      if (n.postings.size() > threshold) {
        still.push_back(e);
        continue;
      }
      n.hub = false;
      if (n.correlating) LinkChain(e);
    }
    ts.hubs = std::move(still);
  }
}

void Correlator::Split(const std::vector<AlertId>& seeds) {
  // The affected set: every member of every component a seed is in.
  std::vector<AlertId>& affected = scratch_;
  affected.clear();
  std::unordered_set<AlertId> roots;
  for (AlertId s : seeds) {
    const AlertId r = FindAlert(s);
    if (roots.insert(r).second) Members(r, &affected);
  }
  if (affected.size() <= 1) {
    for (AlertId a : affected) dirty_.push_back(a);
    return;
  }
  for (AlertId a : affected) {
    parent_[a] = a;
    size_[a] = 1;
    next_[a] = a;
  }
  // Re-link from the current postings: a link never joins an affected alert to an unaffected
  // one (they were in different components and links are only ever removed here).
  const std::vector<AlertId> members(affected);  // Union may not touch scratch_, but Members may
  for (AlertId a : members) {
    const AlertNode node = alerts_[a];
    for (std::uint32_t k = 0; k < node.entity_count; ++k) {
      const EntityId e = FindEntity(entity_ids_[node.first_entity + k]);
      const EntityNode& n = entities_[e];
      if (!n.correlating || n.hub) continue;
      const auto it = std::lower_bound(n.postings.begin(), n.postings.end(), Posting{node.time, a});
      if (it == n.postings.end() || it->alert != a) continue;
      LinkNeighbours(e, static_cast<std::size_t>(it - n.postings.begin()));
    }
  }
  for (AlertId a : members) dirty_.push_back(a);
}

Correlator::AlertId Correlator::Component(AlertId a) { return FindAlert(a); }

std::size_t Correlator::ComponentSize(AlertId a) { return size_[FindAlert(a)]; }

void Correlator::Members(AlertId a, std::vector<AlertId>* out) {
  const AlertId start = a;
  do {
    out->push_back(a);
    a = next_[a];
  } while (a != start);
}

std::vector<Correlator::AlertId> Correlator::TakeDirtyRoots() {
  std::vector<AlertId> roots;
  roots.reserve(dirty_.size());
  for (AlertId a : dirty_) roots.push_back(FindAlert(a));
  dirty_.clear();
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  return roots;
}

void Correlator::ForEachLink(AlertId a, const std::function<void(AlertId, EntityId, Timestamp)>& visit) {
  const AlertNode node = alerts_[a];
  std::vector<EntityId> seen;
  for (std::uint32_t k = 0; k < node.entity_count; ++k) {
    const EntityId e = FindEntity(entity_ids_[node.first_entity + k]);
    if (std::find(seen.begin(), seen.end(), e) != seen.end()) continue;
    seen.push_back(e);
    const EntityNode& n = entities_[e];
    if (!n.correlating || n.hub) continue;
    for (const Posting& p : n.postings) {
      if (p.alert == a || !WithinWindow(p.time, node.time)) continue;
      visit(p.alert, e, p.time > node.time ? p.time - node.time : node.time - p.time);
    }
  }
}

}  // namespace weft
