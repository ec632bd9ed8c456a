#include "engine/correlator.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>
#include <unordered_set>

namespace weft {

using internal::PostingPool;

static_assert(sizeof(internal::Posting) == 16);

Correlator::Correlator(CorrelationConfig config)
    : config_(std::move(config)),
      window_(config_.window ? static_cast<std::uint64_t>(*config_.window)
                             : std::numeric_limits<std::uint64_t>::max()) {}

Correlator::TenantState& Correlator::Tenant(TenantId t) {
  if (t >= tenants_.size()) tenants_.resize(t + 1);
  return tenants_[t];
}

std::size_t Correlator::HubThreshold(TenantId tenant) const {
  const std::size_t n = tenant < tenants_.size() ? tenants_[tenant].alerts : 0;
  return config_.hub.Threshold(n);
}

std::size_t Correlator::CurrentThreshold(TenantId t) {
  TenantState& ts = tenants_[t];
  if (ts.threshold_for != ts.alerts) {
    ts.threshold_for = ts.alerts;
    ts.current_threshold = config_.hub.Threshold(ts.alerts);
  }
  return ts.current_threshold;
}

Correlator::EntityId Correlator::AddEntity(TenantId tenant, bool correlating) {
  assert(tenant < (1u << 29) && "tenant ids are below 2^29");
  const auto id = static_cast<EntityId>(entities_.size());
  EntityNode n{};
  n.parent = id;
  n.tenant = tenant;
  n.correlating = correlating ? 1 : 0;
  n.hub = 0;
  n.sorted = 1;
  entities_.push_back(n);
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
  while (links_[a].parent != a) {
    links_[a].parent = links_[links_[a].parent].parent;
    a = links_[a].parent;
  }
  return a;
}

void Correlator::Unite(AlertId a, AlertId b) {
  a = FindAlert(a);
  b = FindAlert(b);
  if (a == b) return;
  if (links_[a].size < links_[b].size) std::swap(a, b);
  links_[b].parent = a;
  links_[a].size += links_[b].size;
  std::swap(links_[a].next, links_[b].next);  // splice the two member cycles into one
}

void Correlator::Union(AlertId a, AlertId b) {
  Unite(a, b);
  dirty_.push_back(a);
}

bool Correlator::WithinWindow(Timestamp a, Timestamp b) const {
  // Unsigned, so that no pair of timestamps overflows.
  const std::uint64_t gap = a > b ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)
                                  : static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
  return gap <= window_;
}

bool Correlator::EntityCorrelating(EntityId e) { return entities_[FindEntity(e)].correlating != 0; }

bool Correlator::IsHub(EntityId e) {
  LinkPending();
  return entities_[FindEntity(e)].hub != 0;
}

bool Correlator::Links(EntityId e) {
  LinkPending();
  const EntityNode& n = entities_[FindEntity(e)];
  return n.correlating && !n.hub;
}

std::size_t Correlator::EntityAlertCount(EntityId e) {
  LinkPending();
  return entities_[FindEntity(e)].count;
}

std::span<Correlator::AlertId> Correlator::Postings(EntityNode& n) {
  if (n.count == 0) return {};
  if (n.count == 1) return {&n.last.alert, 1};
  return {pool_.data(n.block), n.count};
}

void Correlator::SetPostings(EntityNode& n, std::span<const AlertId> p) {
  if (n.count >= 2) pool_.Free(n.block, n.count);
  n.count = static_cast<std::uint32_t>(p.size());
  n.block = 0;
  n.sorted = 1;
  if (p.empty()) return;
  n.last = Key(p.back());
  if (n.count >= 2) {
    n.block = pool_.Allocate(n.count);
    std::copy(p.begin(), p.end(), pool_.data(n.block));
  }
}

Correlator::AlertId* Correlator::Reserve(EntityNode& n) {
  if (n.count == PostingPool::Capacity(n.count)) {  // full: move to a block twice the size
    const std::uint32_t block = pool_.Allocate(n.count + 1);
    const AlertId* old = pool_.data(n.block);
    std::copy(old, old + n.count, pool_.data(block));
    pool_.Free(n.block, n.count);
    n.block = block;
  }
  return pool_.data(n.block);
}

void Correlator::AppendRaw(EntityNode& n, const Posting& item) {
  if (n.count == 0) {
    n.last = item;
    n.count = 1;
    return;
  }
  if (n.count == 1) {
    n.block = pool_.Allocate(2);
    AlertId* p = pool_.data(n.block);
    p[0] = n.last.alert;
    p[1] = item.alert;
    n.count = 2;
    return;
  }
  Reserve(n)[n.count++] = item.alert;
}

void Correlator::AppendUnsorted(EntityNode& n, const Posting& item) {
  const bool in_order = n.count == 0 || (n.sorted && n.last < item);
  AppendRaw(n, item);
  if (in_order) {
    n.last = item;
  } else {
    n.sorted = 0;
  }
}

void Correlator::SortPostings(EntityNode& n) {
  if (n.sorted) return;
  std::span<AlertId> p = Postings(n);
  std::sort(p.begin(), p.end(), [this](AlertId x, AlertId y) { return Before(x, y); });
  n.sorted = 1;
  n.last = Key(p.back());
}

void Correlator::InsertAndLink(EntityId e, Timestamp t, AlertId a) {
  EntityNode& n = entities_[e];
  const Posting item{t, a};
  if (!n.correlating || n.hub) {
    AppendUnsorted(n, item);
    return;
  }
  // A linking entity is sorted; most alerts arrive after its latest one and link to that alone,
  // without reading the block.
  if (n.count == 0 || n.last < item) {
    const Posting prev = n.last;
    const bool had = n.count != 0;
    AppendRaw(n, item);
    n.last = item;
    if (had && WithinWindow(prev.time, t)) Unite(prev.alert, a);
    return;
  }
  if (n.last == item) return;
  if (n.count == 1) {  // before the only posting
    const Posting only = n.last;
    n.block = pool_.Allocate(2);
    AlertId* p = pool_.data(n.block);
    p[0] = a;
    p[1] = only.alert;
    n.count = 2;
    if (WithinWindow(t, only.time)) Unite(a, only.alert);
    return;
  }
  const AlertId* begin = pool_.data(n.block);
  const AlertId* it = std::lower_bound(begin, begin + n.count, a,
                                       [this](AlertId x, AlertId y) { return Before(x, y); });
  if (*it == a) return;  // it < end: item < last
  const auto i = static_cast<std::size_t>(it - begin);
  AlertId* p = Reserve(n);
  std::move_backward(p + i, p + n.count, p + n.count + 1);
  p[i] = a;
  ++n.count;
  LinkNeighbours({p, n.count}, i);
}

void Correlator::RemovePosting(EntityId e, Timestamp t, AlertId a) {
  (void)t;  // alerts_[a].time still holds it
  EntityNode& n = entities_[e];
  std::span<AlertId> p = Postings(n);
  auto it = std::find(p.begin(), p.end(), a);  // rare (an update): a scan keeps it simple
  if (it == p.end()) return;
  const auto i = static_cast<std::size_t>(it - p.begin());
  if (n.count <= 2) {
    const Posting keep = n.count == 2 ? Key(p[1 - i]) : Posting{};
    if (n.count == 2) pool_.Free(n.block, 2);
    n.count -= 1;
    n.last = keep;
    n.sorted = 1;
    return;
  }
  std::move(p.begin() + static_cast<std::ptrdiff_t>(i) + 1, p.end(),
            p.begin() + static_cast<std::ptrdiff_t>(i));
  --n.count;
  if (PostingPool::Capacity(n.count) <
      PostingPool::Capacity(n.count + 1)) {  // back to the smaller block
    const std::uint32_t block = pool_.Allocate(n.count);
    const AlertId* old = pool_.data(n.block);
    std::copy(old, old + n.count, pool_.data(block));
    pool_.Free(n.block, n.count + 1);
    n.block = block;
  }
  if (n.sorted) n.last = Key(pool_.data(n.block)[n.count - 1]);
}

void Correlator::LinkNeighbours(std::span<const AlertId> p, std::size_t i) {
  const Timestamp t = alerts_[p[i]].time;
  if (i > 0 && WithinWindow(alerts_[p[i - 1]].time, t)) Unite(p[i - 1], p[i]);
  if (i + 1 < p.size() && WithinWindow(t, alerts_[p[i + 1]].time)) Unite(p[i], p[i + 1]);
}

void Correlator::LinkChain(EntityId e) {
  EntityNode& n = entities_[e];
  SortPostings(n);
  const std::span<const AlertId> p = Postings(n);
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (WithinWindow(alerts_[p[i - 1]].time, alerts_[p[i]].time)) Union(p[i - 1], p[i]);
  }
}

void Correlator::MakeHub(EntityId e) {
  EntityNode& n = entities_[e];
  n.hub = 1;
  tenants_[n.tenant].hubs.push_back(e);
  if (!n.correlating) return;  // it never linked anything: nothing to split
  std::vector<AlertId> seeds;
  seeds.reserve(n.count);
  for (const AlertId p : Postings(n)) seeds.push_back(p);
  Split(seeds);
}

void Correlator::LinkAlert(AlertId a) {
  const AlertNode node = alerts_[a];
  const TenantId tenant = links_[a].tenant;
  resolved_.clear();
  for (std::uint32_t k = 0; k < node.entity_count; ++k) {
    const EntityId e = FindEntity(entity_ids_[node.first_entity + k]);
    if (std::find(resolved_.begin(), resolved_.end(), e) != resolved_.end()) continue;  // a repeat
    resolved_.push_back(e);
  }
  const std::size_t threshold = CurrentThreshold(tenant);
  for (const EntityId e : resolved_) {
    EntityNode& n = entities_[e];
    const std::size_t limit = n.tenant == tenant ? threshold : CurrentThreshold(n.tenant);
    if (!n.hub && n.count >= limit) {  // this alert makes it a hub: it links nothing
      AppendUnsorted(n, Posting{node.time, a});
      MakeHub(e);
      continue;
    }
    InsertAndLink(e, node.time, a);
  }
}

void Correlator::LinkPending() {
  // Three stages run ahead of the alert being linked: its entities' nodes are fetched kNodes
  // alerts ahead, the alerts they last linked kLinks ahead, and those alerts' parents kRoots
  // ahead. Only hints: LinkAlert reads everything again.
  constexpr std::size_t kNodes = 12, kLinks = 6, kRoots = 2;
  const std::size_t end = alerts_.size();
  for (std::size_t a = linked_; a < end; ++a) {
    if (a + kNodes < end) {
      const AlertNode& ahead = alerts_[a + kNodes];
      for (std::uint32_t k = 0; k < ahead.entity_count; ++k) {
        __builtin_prefetch(&entities_[entity_ids_[ahead.first_entity + k]]);
      }
    }
    if (a + kLinks < end) {
      const AlertNode& ahead = alerts_[a + kLinks];
      for (std::uint32_t k = 0; k < ahead.entity_count; ++k) {
        const EntityNode& n = entities_[entity_ids_[ahead.first_entity + k]];
        if (n.count != 0) __builtin_prefetch(&links_[n.last.alert]);
      }
    }
    if (a + kRoots < end) {
      const AlertNode& ahead = alerts_[a + kRoots];
      for (std::uint32_t k = 0; k < ahead.entity_count; ++k) {
        const EntityNode& n = entities_[entity_ids_[ahead.first_entity + k]];
        if (n.count != 0) __builtin_prefetch(&links_[links_[n.last.alert].parent]);
      }
    }
    linked_ = a + 1;  // before LinkAlert: nothing it calls links pending alerts again
    LinkAlert(static_cast<AlertId>(a));
  }
}

Correlator::AlertId Correlator::AddAlert(TenantId tenant, Timestamp time,
                                         const std::vector<EntityId>& entities) {
  const auto a = static_cast<AlertId>(alerts_.size());
  alerts_.push_back(AlertNode{time, static_cast<std::uint32_t>(entity_ids_.size()),
                              static_cast<std::uint32_t>(entities.size())});
  for (const EntityId e : entities) entity_ids_.push_back(e);
  links_.push_back(AlertLink{a, 1, a, tenant});
  TenantState& ts = Tenant(tenant);
  ++ts.alerts;
  ts.changed = true;
  dirty_.push_back(a);  // its root, whatever it joins, is resolved by TakeDirtyRoots
  return a;
}

void Correlator::AlertEntities(AlertId a, std::vector<EntityId>* out) const {
  const AlertNode& node = alerts_[a];
  for (std::uint32_t k = 0; k < node.entity_count; ++k)
    out->push_back(entity_ids_[node.first_entity + k]);
}

void Correlator::UpdateAlert(AlertId a, Timestamp time, const std::vector<EntityId>& entities) {
  LinkPending();
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
  for (const EntityId e : entities) entity_ids_.push_back(e);
  Tenant(links_[a].tenant).changed = true;  // entity counts moved: hubs are re-checked
  LinkAlert(a);
  dirty_.push_back(a);
}

void Correlator::MergeEntities(EntityId keep, EntityId gone) {
  LinkPending();
  keep = FindEntity(keep);
  gone = FindEntity(gone);
  if (keep == gone) return;
  EntityNode& k = entities_[keep];
  EntityNode& g = entities_[gone];
  assert(k.tenant == g.tenant && "entities of different tenants never merge");
  SortPostings(k);
  SortPostings(g);
  const std::span<const AlertId> kp = Postings(k);
  const std::span<const AlertId> gp = Postings(g);
  std::vector<AlertId> merged;
  merged.reserve(kp.size() + gp.size());
  std::merge(kp.begin(), kp.end(), gp.begin(), gp.end(), std::back_inserter(merged),
             [this](AlertId x, AlertId y) { return Before(x, y); });
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  g.parent = keep;
  SetPostings(g, {});
  const bool was_linking = (k.correlating && !k.hub) || (g.correlating && !g.hub);
  SetPostings(k, merged);
  k.correlating = k.correlating && g.correlating;
  if (!k.hub && (g.hub || k.count > HubThreshold(k.tenant))) {
    k.hub = 1;
    tenants_[k.tenant].hubs.push_back(keep);
  }
  // A hub is re-checked at the next SettleTenants even if the tenant gains no alert: the merged
  // entity may be under the threshold that made a part a hub.
  if (k.hub) tenants_[k.tenant].changed = true;
  if (k.correlating && !k.hub) {
    LinkChain(keep);
  } else if (was_linking) {  // links through either part are gone (it is a hub, or no longer
                             // correlates)
    std::vector<AlertId> seeds;
    for (const AlertId p : merged) seeds.push_back(p);
    Split(seeds);
  }
}

void Correlator::SettleTenants() {
  LinkPending();
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
      if (n.count > threshold) {
        still.push_back(e);
        continue;
      }
      n.hub = 0;
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
    if (roots.insert(r).second) AppendMembers(r, &affected);
  }
  if (affected.size() <= 1) {
    for (AlertId a : affected) dirty_.push_back(a);
    return;
  }
  for (AlertId a : affected) links_[a] = AlertLink{a, 1, a, links_[a].tenant};
  // Re-link from the current postings: a link never joins an affected alert to an unaffected
  // one (they were in different components and links are only ever removed here).
  const std::vector<AlertId> members(affected);  // Unite may not touch scratch_, but Split may
  for (AlertId a : members) {
    const AlertNode node = alerts_[a];
    for (std::uint32_t k = 0; k < node.entity_count; ++k) {
      EntityNode& n = entities_[FindEntity(entity_ids_[node.first_entity + k])];
      if (!n.correlating || n.hub) continue;
      const std::span<const AlertId> p = Postings(n);
      const auto it = std::lower_bound(p.begin(), p.end(), a,
                                       [this](AlertId x, AlertId y) { return Before(x, y); });
      if (it == p.end() || *it != a) continue;
      LinkNeighbours(p, static_cast<std::size_t>(it - p.begin()));
    }
  }
  for (AlertId a : members) dirty_.push_back(a);
}

Correlator::AlertId Correlator::Component(AlertId a) {
  LinkPending();
  return FindAlert(a);
}

std::size_t Correlator::ComponentSize(AlertId a) {
  LinkPending();
  return links_[FindAlert(a)].size;
}

void Correlator::Members(AlertId a, std::vector<AlertId>* out) {
  LinkPending();
  AppendMembers(a, out);
}

void Correlator::AppendMembers(AlertId a, std::vector<AlertId>* out) {
  const AlertId start = a;
  do {
    out->push_back(a);
    a = links_[a].next;
  } while (a != start);
}

namespace {

// Sorts ids with a least-significant-digit radix sort, one pass per significant byte: a
// batch's thousand or so ids in a few microseconds (std::sort took about 20).
void SortIds(std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>& buffer) {
  if (ids.size() < 64) {
    std::sort(ids.begin(), ids.end());
    return;
  }
  const std::uint32_t max = *std::max_element(ids.begin(), ids.end());
  buffer.resize(ids.size());
  for (unsigned shift = 0; shift < 32 && (max >> shift) != 0; shift += 8) {
    std::array<std::uint32_t, 257> start{};
    for (const std::uint32_t x : ids) ++start[((x >> shift) & 0xff) + 1];
    for (std::size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
    for (const std::uint32_t x : ids) buffer[start[(x >> shift) & 0xff]++] = x;
    ids.swap(buffer);
  }
}

}  // namespace

std::vector<Correlator::AlertId> Correlator::TakeDirtyRoots() {
  LinkPending();
  std::vector<AlertId> roots;
  roots.reserve(dirty_.size());
  for (AlertId a : dirty_) roots.push_back(FindAlert(a));
  dirty_.clear();
  SortIds(roots, sort_buffer_);
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  return roots;
}

void Correlator::ForEachLink(AlertId a,
                             const std::function<void(AlertId, EntityId, Timestamp)>& visit) {
  LinkPending();
  const AlertNode node = alerts_[a];
  std::vector<EntityId> seen;
  for (std::uint32_t k = 0; k < node.entity_count; ++k) {
    const EntityId e = FindEntity(entity_ids_[node.first_entity + k]);
    if (std::find(seen.begin(), seen.end(), e) != seen.end()) continue;
    seen.push_back(e);
    EntityNode& n = entities_[e];
    if (!n.correlating || n.hub) continue;
    for (const AlertId b : Postings(n)) {
      const Timestamp t = alerts_[b].time;
      if (b == a || !WithinWindow(t, node.time)) continue;
      visit(b, e, t > node.time ? t - node.time : node.time - t);
    }
  }
}

}  // namespace weft
