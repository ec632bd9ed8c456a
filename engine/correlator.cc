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
  entities_.push_back(EntityNode{id, tenant, correlating, false, {}});
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
  if (members_[a].size() < members_[b].size()) std::swap(a, b);
  parent_[b] = a;
  members_[a].insert(members_[a].end(), members_[b].begin(), members_[b].end());
  members_[b].clear();
  members_[b].shrink_to_fit();
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

void Correlator::InsertPosting(EntityId e, Timestamp t, AlertId a) {
  std::vector<Posting>& p = entities_[e].postings;
  const Posting item{t, a};
  if (p.empty() || p.back() < item) {
    p.push_back(item);
  } else {
    auto it = std::lower_bound(p.begin(), p.end(), item);
    if (it != p.end() && it->alert == a && it->time == t) return;
    p.insert(it, item);
  }
}

void Correlator::RemovePosting(EntityId e, Timestamp t, AlertId a) {
  std::vector<Posting>& p = entities_[e].postings;
  auto it = std::lower_bound(p.begin(), p.end(), Posting{t, a});
  if (it != p.end() && it->alert == a) p.erase(it);
}

void Correlator::LinkNeighbours(EntityId e, std::size_t i) {
  const std::vector<Posting>& p = entities_[e].postings;
  if (i > 0 && WithinWindow(p[i - 1].time, p[i].time)) Union(p[i - 1].alert, p[i].alert);
  if (i + 1 < p.size() && WithinWindow(p[i].time, p[i + 1].time)) Union(p[i].alert, p[i + 1].alert);
}

void Correlator::LinkChain(EntityId e) {
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

Correlator::AlertId Correlator::AddAlert(TenantId tenant, Timestamp time, const std::vector<EntityId>& entities) {
  const auto a = static_cast<AlertId>(alerts_.size());
  alerts_.push_back(AlertNode{tenant, time, entities});
  parent_.push_back(a);
  members_.push_back({a});
  dirty_.push_back(a);
  TenantState& ts = Tenant(tenant);
  ++ts.alerts;
  ts.changed = true;
  for (EntityId raw : entities) {
    const EntityId e = FindEntity(raw);
    InsertPosting(e, time, a);
    EntityNode& n = entities_[e];
    if (n.hub) continue;
    if (n.postings.size() > HubThreshold(n.tenant)) {
      MakeHub(e);
      continue;
    }
    if (!n.correlating) continue;
    const auto it = std::lower_bound(n.postings.begin(), n.postings.end(), Posting{time, a});
    LinkNeighbours(e, static_cast<std::size_t>(it - n.postings.begin()));
  }
  return a;
}

void Correlator::UpdateAlert(AlertId a, Timestamp time, const std::vector<EntityId>& entities) {
  AlertNode& node = alerts_[a];
  for (EntityId raw : node.entities) RemovePosting(FindEntity(raw), node.time, a);
  node.entities.clear();
  Split({a});  // without its old links its component may fall apart
  node.time = time;
  node.entities = entities;
  Tenant(node.tenant).changed = true;  // entity counts moved: hubs are re-checked
  for (EntityId raw : entities) {
    const EntityId e = FindEntity(raw);
    InsertPosting(e, time, a);
    EntityNode& n = entities_[e];
    if (n.hub) continue;
    if (n.postings.size() > HubThreshold(n.tenant)) {
      MakeHub(e);
      continue;
    }
    if (!n.correlating) continue;
    const auto it = std::lower_bound(n.postings.begin(), n.postings.end(), Posting{time, a});
    LinkNeighbours(e, static_cast<std::size_t>(it - n.postings.begin()));
  }
  dirty_.push_back(a);
}

void Correlator::MergeEntities(EntityId keep, EntityId gone) {
  keep = FindEntity(keep);
  gone = FindEntity(gone);
  if (keep == gone) return;
  EntityNode& k = entities_[keep];
  EntityNode& g = entities_[gone];
  assert(k.tenant == g.tenant && "entities of different tenants never merge");
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
  std::vector<AlertId> affected;
  std::unordered_set<AlertId> roots;
  for (AlertId s : seeds) {
    const AlertId r = FindAlert(s);
    if (roots.insert(r).second) affected.insert(affected.end(), members_[r].begin(), members_[r].end());
  }
  if (affected.size() <= 1) {
    for (AlertId a : affected) dirty_.push_back(a);
    return;
  }
  for (AlertId a : affected) {
    parent_[a] = a;
    members_[a].assign(1, a);
  }
  // Re-link from the current postings: a link never joins an affected alert to an unaffected
  // one (they were in different components and links are only ever removed here).
  for (AlertId a : affected) {
    const AlertNode& node = alerts_[a];
    for (EntityId raw : node.entities) {
      const EntityId e = FindEntity(raw);
      const EntityNode& n = entities_[e];
      if (!n.correlating || n.hub) continue;
      const auto it = std::lower_bound(n.postings.begin(), n.postings.end(), Posting{node.time, a});
      if (it == n.postings.end() || it->alert != a) continue;
      LinkNeighbours(e, static_cast<std::size_t>(it - n.postings.begin()));
    }
  }
  for (AlertId a : affected) dirty_.push_back(a);
}

Correlator::AlertId Correlator::Component(AlertId a) { return FindAlert(a); }

const std::vector<Correlator::AlertId>& Correlator::Members(AlertId root) { return members_[FindAlert(root)]; }

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
  const AlertNode& node = alerts_[a];
  std::vector<EntityId> seen;
  for (EntityId raw : node.entities) {
    const EntityId e = FindEntity(raw);
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
