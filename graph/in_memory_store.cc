#include "graph/in_memory_store.h"

namespace weft {

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
  for (const Alert& a : batch.alerts) alerts_[a.key] = a;
  for (const auto& [tenant, key] : batch.deleted_entities) entities_.erase({tenant, key});
  for (const EntityRecord& e : batch.entities) entities_[{e.tenant, e.entity.key}] = e;
  for (const Relation& r : batch.relations) relations_[RelationStoreKey(r)] = r;
  for (const std::string& id : batch.deleted_incidents) incidents_.erase(id);
  for (const Incident& i : batch.incidents) incidents_[i.id] = i;
  for (const auto& [name, value] : batch.meta) meta_[name] = value;
  return Status::Ok();
}

Result<std::optional<Alert>> InMemoryStore::GetAlert(std::string_view key) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = alerts_.find(key);
  if (it == alerts_.end()) return std::optional<Alert>();
  return std::optional<Alert>(it->second);
}

Result<std::optional<EntityRecord>> InMemoryStore::GetEntity(std::string_view tenant,
                                                             std::string_view key) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = entities_.find(std::make_pair(std::string(tenant), std::string(key)));
  if (it == entities_.end()) return std::optional<EntityRecord>();
  return std::optional<EntityRecord>(it->second);
}

Result<std::optional<Incident>> InMemoryStore::GetIncident(std::string_view id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = incidents_.find(id);
  if (it == incidents_.end()) return std::optional<Incident>();
  return std::optional<Incident>(it->second);
}

Result<std::optional<std::string>> InMemoryStore::GetMeta(std::string_view name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = meta_.find(name);
  if (it == meta_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status InMemoryStore::ForEachAlert(std::string_view tenant,
                                   const std::function<bool(const Alert&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (const auto& [key, alert] : alerts_) {
    if (!tenant.empty() && alert.tenant != tenant) continue;
    if (!visit(alert)) break;
  }
  return Status::Ok();
}

Status InMemoryStore::ForEachEntity(std::string_view tenant,
                                    const std::function<bool(const EntityRecord&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (const auto& [key, e] : entities_) {
    if (!tenant.empty() && e.tenant != tenant) continue;
    if (!visit(e)) break;
  }
  return Status::Ok();
}

Status InMemoryStore::ForEachRelation(std::string_view tenant,
                                      const std::function<bool(const Relation&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (const auto& [key, r] : relations_) {
    if (!tenant.empty() && r.tenant != tenant) continue;
    if (!visit(r)) break;
  }
  return Status::Ok();
}

Status InMemoryStore::ForEachRelationFrom(std::string_view tenant, std::string_view from,
                                          const std::function<bool(const Relation&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const std::string prefix = RelationFromPrefix(tenant, from);
  for (auto it = relations_.lower_bound(prefix);
       it != relations_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (!visit(it->second)) break;
  }
  return Status::Ok();
}

Status InMemoryStore::ForEachIncident(std::string_view tenant,
                                      const std::function<bool(const Incident&)>& visit) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (const auto& [id, inc] : incidents_) {
    if (!tenant.empty() && inc.tenant != tenant) continue;
    if (!visit(inc)) break;
  }
  return Status::Ok();
}

Result<StoreStats> InMemoryStore::Stats() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return StoreStats{alerts_.size(), entities_.size(), relations_.size(), incidents_.size(), 0};
}

}  // namespace weft
