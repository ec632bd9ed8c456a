#include "graph/graph_store.h"

#include <algorithm>

namespace weft {

Status GraphStore::ForEachAlertSummary(std::string_view tenant,
                                       const std::function<bool(const AlertSummary&)>& visit) {
  AlertSummary s;
  return ForEachAlert(tenant, [&](const Alert& a) {
    s.tenant = a.tenant;
    s.key = a.key;
    s.title = a.title;
    s.alert_type = a.alert_type;
    s.activity = a.activity_time();
    s.last_activity = a.last_activity;
    s.severity = a.severity;
    s.status = a.status;
    s.source = a.source;
    s.cloud = a.cloud;
    s.evidence.clear();
    for (const Evidence& ev : a.evidence) s.evidence.emplace_back(ev.entity.kind, ev.entity.key);
    return visit(s);
  });
}

Status GraphStore::ForEachAlertSummaryNaming(
    std::string_view tenant, std::span<const std::string>,
    const std::function<bool(const AlertSummary&)>& visit) {
  return ForEachAlertSummary(tenant, visit);
}

Status GraphStore::ForEachIncidentMembers(
    std::string_view tenant, const std::function<bool(const IncidentMembers&)>& visit) {
  std::vector<std::string_view> keys;
  return ForEachIncident(tenant, [&](const Incident& i) {
    IncidentMembers m;
    m.id = i.id;
    m.tenant = i.tenant;
    m.status = i.status;
    const std::size_t prefix = i.tenant.size() + 1;
    m.keys_under_tenant = std::all_of(i.alert_keys.begin(), i.alert_keys.end(), [&](auto& k) {
      return k.size() >= prefix && k.starts_with(i.tenant) && k[i.tenant.size()] == '/';
    });
    keys.clear();
    for (const std::string& k : i.alert_keys)
      keys.push_back(std::string_view(k).substr(m.keys_under_tenant ? prefix : 0));
    m.alert_keys = keys;
    return visit(m);
  });
}

Status GraphStore::ForEachIncidentHolding(std::string_view tenant, std::span<const std::string>,
                                          const std::function<bool(const Incident&)>& visit) {
  return ForEachIncident(tenant, visit);
}

Status GraphStore::ForEachRelationFrom(std::string_view tenant, std::string_view from,
                                       const std::function<bool(const Relation&)>& visit) {
  return ForEachRelation(tenant, [&](const Relation& r) { return r.from != from || visit(r); });
}

Status GraphStore::ForEachEntityOfKind(std::string_view tenant, EntityKind kind,
                                       const std::function<bool(const EntityRecord&)>& visit) {
  return ForEachEntity(tenant,
                       [&](const EntityRecord& r) { return r.entity.kind != kind || visit(r); });
}

Status GraphStore::ForEachEntityRun(
    std::string_view tenant, const std::function<bool(std::span<const EntityRecord>)>& visit) {
  return ForEachEntity(tenant, [&](const EntityRecord& r) { return visit({&r, 1}); });
}

Status GraphStore::ForEachAlertSummaryRun(
    std::string_view tenant, const std::function<bool(std::span<const AlertSummary>)>& visit) {
  return ForEachAlertSummary(tenant, [&](const AlertSummary& a) { return visit({&a, 1}); });
}

}  // namespace weft
