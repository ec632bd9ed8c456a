#include "graph/in_memory_store.h"

#include <absl/container/node_hash_map.h>

#include <algorithm>
#include <map>
#include <vector>

namespace weft {

struct InMemoryStore::Records {
  // Node maps: a record keeps its address while others are added, so the sorted list of
  // records a scan visits stays valid whatever its visitor reads.
  absl::node_hash_map<std::string, Alert> alerts;
  absl::node_hash_map<std::pair<std::string, std::string>, EntityRecord> entities;
  std::map<std::string, Relation, std::less<>> relations;  // key: tenant \0 from \0 relation \0 to
  absl::node_hash_map<std::string, Incident> incidents;
  std::map<std::string, std::string, std::less<>> meta;
};

InMemoryStore::InMemoryStore() : records_(std::make_unique<Records>()) {}
InMemoryStore::~InMemoryStore() = default;

namespace {

// The records of `map` whose value `keep` accepts, in key order.
template <typename Map, typename Keep>
std::vector<const typename Map::value_type*> InKeyOrder(const Map& map, Keep keep) {
  std::vector<const typename Map::value_type*> out;
  for (const auto& kv : map) {
    if (keep(kv.second)) out.push_back(&kv);
  }
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return out;
}

// Debian's Abseil has its own string_view, which its string maps look up by.
absl::string_view View(std::string_view s) { return {s.data(), s.size()}; }

// Visits the records `sorted` points to, in order, until `visit` says stop.
template <typename Sorted, typename Visit>
void VisitAll(const Sorted& sorted, const Visit& visit) {
  for (const auto* kv : sorted) {
    if (!visit(kv->second)) break;
  }
}

}  // namespace

std::string RelationFromPrefix(std::string_view tenant, std::string_view from) {
  std::string k;
  k.reserve(tenant.size() + from.size() + 2);
  k.append(tenant).push_back('\0');
  k.append(from).push_back('\0');
  return k;
}

std::string RelationStoreKey(const Relation& r) {
  std::string k = RelationFromPrefix(r.tenant, r.from);
  k.reserve(k.size() + r.relation.size() + r.to.size() + 1);
  k.append(r.relation).push_back('\0');
  k.append(r.to);
  return k;
}

Status InMemoryStore::Apply(const WriteBatch& batch) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (const Alert& a : batch.alerts) records_->alerts.insert_or_assign(a.key, a);
  for (const auto& [tenant, key] : batch.deleted_entities) records_->entities.erase({tenant, key});
  for (const EntityRecord& e : batch.entities) {
    records_->entities.insert_or_assign(std::make_pair(e.tenant, e.entity.key), e);
  }
  for (const Relation& r : batch.relations) records_->relations[RelationStoreKey(r)] = r;
  for (const std::string& id : batch.deleted_incidents) records_->incidents.erase(id);
  for (const Incident& i : batch.incidents) records_->incidents.insert_or_assign(i.id, i);
  for (const auto& [name, value] : batch.meta) records_->meta[name] = value;
  return Status::Ok();
}

Result<std::optional<Alert>> InMemoryStore::GetAlert(std::string_view key) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = records_->alerts.find(View(key));
  if (it == records_->alerts.end()) return std::optional<Alert>();
  return std::optional<Alert>(it->second);
}

Result<std::optional<EntityRecord>> InMemoryStore::GetEntity(std::string_view tenant,
                                                             std::string_view key) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = records_->entities.find(std::make_pair(std::string(tenant), std::string(key)));
  if (it == records_->entities.end()) return std::optional<EntityRecord>();
  return std::optional<EntityRecord>(it->second);
}

Result<std::optional<Incident>> InMemoryStore::GetIncident(std::string_view id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = records_->incidents.find(View(id));
  if (it == records_->incidents.end()) return std::optional<Incident>();
  return std::optional<Incident>(it->second);
}

Result<std::optional<std::string>> InMemoryStore::GetMeta(std::string_view name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = records_->meta.find(name);
  if (it == records_->meta.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status InMemoryStore::ForEachAlert(std::string_view tenant,
                                   const std::function<bool(const Alert&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  VisitAll(InKeyOrder(records_->alerts,
                      [&](const Alert& a) { return tenant.empty() || a.tenant == tenant; }),
           visit);
  return Status::Ok();
}

Status InMemoryStore::ForEachEntity(std::string_view tenant,
                                    const std::function<bool(const EntityRecord&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  VisitAll(InKeyOrder(records_->entities,
                      [&](const EntityRecord& e) { return tenant.empty() || e.tenant == tenant; }),
           visit);
  return Status::Ok();
}

Status InMemoryStore::ForEachRelation(std::string_view tenant,
                                      const std::function<bool(const Relation&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (const auto& [key, r] : records_->relations) {
    if (!tenant.empty() && r.tenant != tenant) continue;
    if (!visit(r)) break;
  }
  return Status::Ok();
}

Status InMemoryStore::ForEachRelationFrom(std::string_view tenant, std::string_view from,
                                          const std::function<bool(const Relation&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const std::string prefix = RelationFromPrefix(tenant, from);
  for (auto it = records_->relations.lower_bound(prefix);
       it != records_->relations.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (!visit(it->second)) break;
  }
  return Status::Ok();
}

Status InMemoryStore::ForEachIncident(std::string_view tenant,
                                      const std::function<bool(const Incident&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  VisitAll(InKeyOrder(records_->incidents,
                      [&](const Incident& i) { return tenant.empty() || i.tenant == tenant; }),
           visit);
  return Status::Ok();
}

Result<StoreStats> InMemoryStore::Stats() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return StoreStats{records_->alerts.size(), records_->entities.size(), records_->relations.size(),
                    records_->incidents.size(), 0};
}

}  // namespace weft
