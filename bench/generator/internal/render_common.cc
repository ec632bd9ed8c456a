// Renderer helpers, the dispatch on channel, and weft's own JSON-lines format.

#include <algorithm>

#include "bench/generator/internal/render.h"

namespace weft::generator::internal {

std::string Iso(Timestamp t) { return FormatTimestamp(t); }

std::vector<std::uint64_t> RefsOf(const GeneratedAlert& g, std::initializer_list<Slot> slots) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t ref : g.entity_refs) {
    if (std::find(slots.begin(), slots.end(), RefSlot(ref)) != slots.end()) out.push_back(ref);
  }
  return out;
}

bool HasSlot(const GeneratedAlert& g, Slot slot) {
  return std::any_of(g.entity_refs.begin(), g.entity_refs.end(),
                     [slot](std::uint64_t r) { return RefSlot(r) == slot; });
}

std::string IpOf(std::uint64_t ref, const Tenant& t) {
  switch (RefSlot(ref)) {
    case Slot::kHubNatIp: return t.NatIp();
    case Slot::kHubScannerIp: return Tenant::ScannerIp(static_cast<int>(RefIndex(ref)));
    default: return t.Ip(RefIndex(ref));
  }
}

std::string FirstIp(const GeneratedAlert& g, const Tenant& t) {
  for (std::uint64_t ref :
       RefsOf(g, {Slot::kAttackerIp, Slot::kC2Ip, Slot::kHubNatIp, Slot::kHubScannerIp})) {
    return IpOf(ref, t);
  }
  return "";
}

FileIds FileOf(std::uint64_t ref, const Tenant& t) {
  return RefSlot(ref) == Slot::kHubCommonFile ? t.CommonFile() : t.File(RefIndex(ref));
}

UserIds2 UserOf(std::uint64_t ref, const Tenant& t) {
  return RefSlot(ref) == Slot::kHubServiceAccount ? t.ServiceAccount() : t.User(RefIndex(ref));
}

// {"tenant","source","id","time","severity","title","entities":[{"kind","id","role",...}], ...}:
// the fields importers/weft_format.cc reads, with each entity's aliases so that alias
// resolution works across products.
Json RenderWeft(const GeneratedAlert& g) {
  const Alert& a = g.alert;
  Json j = Json::object();
  j["tenant"] = a.tenant;
  j["source"] = std::string(SourceProductName(a.source));
  j["product_name"] = a.product_name;
  j["id"] = a.provider_id;
  j["time"] = Iso(a.first_activity);
  j["first_activity"] = Iso(a.first_activity);
  j["last_activity"] = Iso(a.last_activity);
  j["created"] = Iso(a.created);
  j["updated"] = Iso(a.updated);
  j["severity"] = std::string(SeverityName(a.severity));
  j["native_severity"] = a.native_severity;
  j["status"] = std::string(AlertStatusName(a.status));
  j["cloud"] = std::string(CloudName(a.cloud));
  j["alert_type"] = a.alert_type;
  j["title"] = a.title;
  j["tactics"] = a.tactics;
  j["techniques"] = a.techniques;
  Json entities = Json::array();
  for (const Evidence& ev : a.evidence) {
    Json e = Json::object();
    e["kind"] = std::string(EntityKindName(ev.entity.kind));
    e["id"] = ev.entity.key.substr(ev.entity.key.find(':') + 1);
    e["role"] = std::string(EvidenceRoleName(ev.role));
    if (!ev.entity.display_name.empty()) e["name"] = ev.entity.display_name;
    if (ev.entity.cloud != Cloud::kUnknown) e["cloud"] = std::string(CloudName(ev.entity.cloud));
    if (ev.entity.aliases.size() > 1) {
      Json aliases = Json::array();
      for (const Alias& al : ev.entity.aliases) {
        aliases.push_back(Json{
            {"type", al.type}, {"value", al.value}, {"strength", al.strong() ? "strong" : "weak"}});
      }
      e["aliases"] = std::move(aliases);
    }
    entities.push_back(std::move(e));
  }
  j["entities"] = std::move(entities);
  if (!a.upstream_incident_id.empty()) j["upstream_incident_id"] = a.upstream_incident_id;
  return j;
}

std::string RenderRecord(const GeneratedAlert& g, const Tenant& tenant, bool weft) {
  Json j;
  if (weft) {
    j = RenderWeft(g);
  } else {
    switch (g.channel) {
      case Channel::kMdcRest: j = RenderMdcRest(g, tenant); break;
      case Channel::kSentinel: j = RenderSentinel(g, tenant); break;
      case Channel::kGraphMde:
      case Channel::kGraphMdo:
      case Channel::kGraphEntra: j = RenderGraph(g, tenant); break;
      case Channel::kGuardDuty: j = RenderGuardDuty(g, tenant); break;
      case Channel::kSecurityHub: j = RenderSecurityHub(g, tenant); break;
      case Channel::kScc: j = RenderScc(g, tenant); break;
      case Channel::kOcsf: j = RenderOcsf(g, tenant); break;
    }
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace weft::generator::internal
