#include <algorithm>

#include <nlohmann/json.hpp>

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "importers/weft_json.h"
#include "model/canonical.h"

namespace weft {
namespace importers {
namespace {

std::vector<std::string> StringList(const Json& j, std::string_view key) {
  std::vector<std::string> out;
  const Json* m = Member(j, key);
  if (m == nullptr) return out;
  if (m->is_string()) {
    out.push_back(m->get<std::string>());
    return out;
  }
  if (!m->is_array()) return out;
  for (const Json& v : *m) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// {"kind": "ip", "id": "203.0.113.7"} or {"key": "ip:203.0.113.7"}, plus optional aliases.
Result<Entity> ParseEntity(const Json& j, std::string_view source) {
  if (!j.is_object()) return Status::InvalidArgument("an entity is not a JSON object");
  std::string kind_name = Str(j, "kind");
  std::string value = Str(j, "id");
  if (std::string key = Str(j, "key"); !key.empty()) {
    WEFT_ASSIGN_OR_RETURN(auto parts, SplitEntityKey(key));
    kind_name = std::string(EntityKindName(parts.first));
    value = parts.second;
  }
  if (kind_name.empty()) return Status::InvalidArgument("an entity has no 'kind'");
  std::optional<EntityKind> kind = ParseEntityKind(kind_name);
  if (!kind) return Status::InvalidArgument("unknown entity kind '" + kind_name + "'");
  if (value.empty()) return Status::InvalidArgument("a '" + kind_name + "' entity has no 'id'");
  std::optional<Entity> e = MakeFromKey(*kind, value, source);
  if (!e)
    return Status::InvalidArgument("entity '" + kind_name + ":" + value +
                                   "' has a placeholder value");
  if (const Json* aliases = Member(j, "aliases"); aliases != nullptr && aliases->is_array()) {
    for (const Json& a : *aliases) {
      Alias alias{Str(a, "type"), Str(a, "value"),
                  Str(a, "strength") == "weak" ? AliasStrength::kWeak : AliasStrength::kStrong,
                  Str(a, "source")};
      if (!alias.type.empty() && !alias.value.empty()) e->AddAlias(std::move(alias));
    }
  }
  if (std::string name = Str(j, "name"); !name.empty()) e->display_name = name;
  if (std::optional<Cloud> c = ParseCloud(Str(j, "cloud")); c && *c != Cloud::kUnknown)
    e->cloud = *c;
  for (std::string& t : StringList(j, "tags")) e->tags.push_back(std::move(t));
  if (const Json* props = Member(j, "properties"); props != nullptr && props->is_object()) {
    for (auto it = props->begin(); it != props->end(); ++it)
      e->properties[std::string(it->key())] = Str(it);
  }
  return std::move(*e);
}

class WeftAlert final : public Format {
 public:
  std::string_view name() const override { return "weft"; }
  bool Matches(const Json& j) const override {
    return j.contains("tenant") && j.contains("id") && j.contains("entities") &&
           (j.contains("time") || j.contains("first_activity"));
  }
  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    for (std::string_view required : {"tenant", "id", "entities"}) {
      if (Member(j, required) == nullptr)
        return Status::InvalidArgument("missing required field '" + std::string(required) + "'");
    }
    if (!Member(j, "tenant")->is_string())
      return Status::InvalidArgument("field 'tenant' is not a string");
    if (!Member(j, "entities")->is_array())
      return Status::InvalidArgument("field 'entities' is not an array");
    Alert a;
    a.tenant = Str(j, "tenant");
    const std::string source = Str(j, "source");
    a.source = source.empty() ? SourceProduct::kWeft
                              : ParseSourceProduct(source).value_or(SourceProduct::kOther);
    a.product_name = Str(j, "product_name");
    if (a.product_name.empty() && a.source == SourceProduct::kOther) a.product_name = source;
    a.provider_id = Str(j, "id");
    a.alert_type = Str(j, "alert_type");
    a.title = Str(j, "title");
    a.description = Str(j, "description");
    a.native_severity = Str(j, "native_severity");
    const std::string severity = Str(j, "severity");
    if (!severity.empty()) {
      std::optional<Severity> s = ParseSeverity(severity);
      if (!s) return Status::InvalidArgument("unknown severity '" + severity + "'");
      a.severity = *s;
      if (a.native_severity.empty()) a.native_severity = severity;
    }
    a.status = ParseAlertStatus(Str(j, "status")).value_or(AlertStatus::kNew);
    a.cloud = ParseCloud(Str(j, "cloud")).value_or(Cloud::kUnknown);
    a.first_activity = Time(j, "first_activity");
    if (a.first_activity == kNoTime) a.first_activity = Time(j, "time");
    if (a.first_activity == kNoTime) {
      return Status::InvalidArgument(Member(j, "time") == nullptr
                                         ? "missing required field 'time'"
                                         : "field 'time' is not a timestamp");
    }
    a.last_activity = Time(j, "last_activity");
    a.created = Time(j, "created");
    a.updated = Time(j, "updated");
    if (const Json* c = Member(j, "count"); c != nullptr && c->is_number_integer())
      a.count = c->get<std::int64_t>();
    a.tactics = StringList(j, "tactics");
    a.techniques = StringList(j, "techniques");
    a.truth_labels = StringList(j, "labels");
    a.upstream_incident_id = Str(j, "upstream_incident_id");
    std::string_view product = SourceProductName(a.source);
    for (const Json& ej : *Member(j, "entities")) {
      WEFT_ASSIGN_OR_RETURN(Entity e, ParseEntity(ej, product));
      const std::string role = Str(ej, "role");
      std::optional<EvidenceRole> r = ParseEvidenceRole(role);
      if (!r) return Status::InvalidArgument("unknown evidence role '" + role + "'");
      a.evidence.push_back(Evidence{std::move(e), *r});
    }
    if (const Json* rels = Member(j, "relations"); rels != nullptr && rels->is_array()) {
      for (const Json& r : *rels) {
        a.relations.push_back(
            Relation{a.tenant, Str(r, "from"), Str(r, "to"), Str(r, "relation"), kNoTime, {}});
      }
    }
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }
};

// {"tenant":…, "from":{"kind":…,"id":…}, "to":{…}, "relation":"has_role_on", "properties":{…}}
class WeftRelation final : public Format {
 public:
  std::string_view name() const override { return "relations"; }
  bool Matches(const Json& j) const override {
    return j.contains("from") && j.contains("to") && j.contains("relation");
  }
  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const std::string tenant = ctx.Tenant(Str(j, "tenant"));
    if (tenant.empty()) return Status::InvalidArgument("relation has no tenant (give --tenant)");
    const std::string relation = Str(j, "relation");
    if (relation.empty()) return Status::InvalidArgument("missing required field 'relation'");
    const Json* from = Member(j, "from");
    const Json* to = Member(j, "to");
    if (from == nullptr || to == nullptr)
      return Status::InvalidArgument("relation needs 'from' and 'to' entities");
    WEFT_ASSIGN_OR_RETURN(Entity f, ParseEntity(*from, "inventory"));
    WEFT_ASSIGN_OR_RETURN(Entity t, ParseEntity(*to, "inventory"));
    Relation r{tenant, f.key, t.key, relation, Time(j, "time"), {}};
    if (const Json* props = Member(j, "properties"); props != nullptr && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it)
        r.properties[std::string(it->key())] = Str(it);
    }
    // Tags travel on the entities: record them as properties of the relation's ends.
    for (const std::string& tag : f.tags) r.properties["from_tag:" + tag] = "true";
    for (const std::string& tag : t.tags) r.properties["to_tag:" + tag] = "true";
    out.relations.push_back(std::move(r));
    return Status::Ok();
  }
};

}  // namespace

const Format& WeftAlertFormat() {
  static const WeftAlert kFormat;
  return kFormat;
}

const Format& WeftRelationFormat() {
  static const WeftRelation kFormat;
  return kFormat;
}

}  // namespace importers

std::string AlertToWeftJson(const Alert& a) {
  using Json = nlohmann::json;
  Json j = Json::object();
  j["key"] = a.key;
  j["tenant"] = a.tenant;
  j["source"] = std::string(SourceProductName(a.source));
  if (!a.product_name.empty()) j["product_name"] = a.product_name;
  j["id"] = a.provider_id;
  j["time"] = FormatTimestamp(a.activity_time());
  j["first_activity"] = FormatTimestamp(a.first_activity);
  j["last_activity"] = FormatTimestamp(a.last_activity);
  if (a.created != kNoTime) j["created"] = FormatTimestamp(a.created);
  if (a.updated != kNoTime) j["updated"] = FormatTimestamp(a.updated);
  if (a.ingested != kNoTime) j["ingested"] = FormatTimestamp(a.ingested);
  j["severity"] = std::string(SeverityName(a.severity));
  if (!a.native_severity.empty()) j["native_severity"] = a.native_severity;
  j["status"] = std::string(AlertStatusName(a.status));
  j["cloud"] = std::string(CloudName(a.cloud));
  if (!a.alert_type.empty()) j["alert_type"] = a.alert_type;
  j["title"] = a.title;
  if (!a.description.empty()) j["description"] = a.description;
  if (a.count != 1) j["count"] = a.count;
  j["tactics"] = a.tactics;
  j["techniques"] = a.techniques;
  Json entities = Json::array();
  for (const Evidence& ev : a.evidence) {
    Json e = Json::object();
    e["kind"] = std::string(EntityKindName(ev.entity.kind));
    e["id"] = ev.entity.key.substr(ev.entity.key.find(':') + 1);
    e["key"] = ev.entity.key;
    e["role"] = std::string(EvidenceRoleName(ev.role));
    if (!ev.entity.display_name.empty()) e["name"] = ev.entity.display_name;
    if (ev.entity.cloud != Cloud::kUnknown) e["cloud"] = std::string(CloudName(ev.entity.cloud));
    if (!ev.entity.aliases.empty()) {
      Json aliases = Json::array();
      for (const Alias& al : ev.entity.aliases) {
        aliases.push_back({{"type", al.type},
                           {"value", al.value},
                           {"strength", al.strong() ? "strong" : "weak"},
                           {"source", al.source}});
      }
      e["aliases"] = std::move(aliases);
    }
    if (!ev.entity.properties.empty()) e["properties"] = ev.entity.properties;
    if (!ev.entity.tags.empty()) e["tags"] = ev.entity.tags;
    entities.push_back(std::move(e));
  }
  j["entities"] = std::move(entities);
  if (!a.relations.empty()) {
    Json rels = Json::array();
    for (const Relation& r : a.relations)
      rels.push_back({{"from", r.from}, {"to", r.to}, {"relation", r.relation}});
    j["relations"] = std::move(rels);
  }
  Json provs = Json::array();
  for (const Provenance& p : a.provenances) {
    provs.push_back(
        {{"format", p.format}, {"file", p.file}, {"record", p.record}, {"connector", p.connector}});
  }
  j["provenances"] = std::move(provs);
  if (!a.truth_labels.empty()) j["labels"] = a.truth_labels;
  if (!a.upstream_incident_id.empty()) j["upstream_incident_id"] = a.upstream_incident_id;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace weft
