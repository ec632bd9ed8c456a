#include "persistence/internal/codec.h"

#include <string>
#include <vector>

#include "persistence/internal/codec_reader.h"
#include "persistence/internal/codec_writer.h"

namespace weft::codec {
namespace {

using internal::Reader;
using internal::Writer;

// An entity, in an alert's evidence (key written) or in an entity record (the key is the one the
// record is stored under). From version 2 the display name and alias values are written as parts
// of the entity key when they are (an IP's name, a VM id alias).
void PutEntity(Writer& w, const Entity& e, bool with_key) {
  w.Enum(e.kind);
  if (with_key) w.Str(e.key);
  w.Part(e.display_name, e.key);
  w.Enum(e.cloud);
  w.Varint(e.aliases.size());
  for (const Alias& a : e.aliases) {
    w.Str(a.type);
    w.Part(a.value, e.key);
    w.Enum(a.strength);
    w.Str(a.source);
  }
  w.Map(e.properties);
  w.Strs(e.tags);
}

void PutRelation(Writer& w, const Relation& r) {
  w.Str(r.tenant);
  w.Str(r.from);
  w.Str(r.to);
  w.Str(r.relation);
  w.Time(r.valid_from);
  w.Map(r.properties);
}

// Reads what PutEntity wrote at `version`; `stored_key` is the key of an entity record (null for
// evidence, whose key is in the bytes).
bool GetEntity(Reader& r, std::uint8_t version, const std::string_view* stored_key, Entity& e) {
  r.Enum("entity.kind", e.kind, EntityKind::kGeneric);
  if (stored_key != nullptr && version >= 2) {
    e.key.assign(*stored_key);
  } else {
    r.Str("entity.key", e.key);
  }
  // Version 1 wrote every string whole.
  auto part = [&](const char* field, std::string& out) {
    return version >= 2 ? r.Part(field, e.key, out) : r.Str(field, out);
  };
  part("entity.display_name", e.display_name);
  r.Enum("entity.cloud", e.cloud, Cloud::kOnPremises);
  std::size_t n = 0;
  if (!r.Count("entity.aliases", n)) return false;
  e.aliases.resize(n);  // kept aliases' strings are reused: every field is read below
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    Alias& a = e.aliases[i];
    r.Str("alias.type", a.type);
    part("alias.value", a.value);
    r.Enum("alias.strength", a.strength, AliasStrength::kStrong);
    r.Str("alias.source", a.source);
  }
  r.Map("entity.properties", e.properties);
  r.Strs("entity.tags", e.tags);
  return r.ok();
}

bool GetRelation(Reader& r, Relation& rel) {
  r.Str("relation.tenant", rel.tenant);
  r.Str("relation.from", rel.from);
  r.Str("relation.to", rel.to);
  r.Str("relation.relation", rel.relation);
  r.Time("relation.valid_from", rel.valid_from);
  r.Map("relation.properties", rel.properties);
  return r.ok();
}

}  // namespace

void AppendAlert(const Alert& a, std::string& out) {
  Writer w(out);
  w.Byte(kAlertCodecVersion);
  // The key is the record's store key; the tenant begins it and the provider id usually ends it.
  w.Part(a.tenant, a.key);
  w.Enum(a.source);
  w.Str(a.product_name);
  w.Part(a.provider_id, a.key);
  w.Str(a.alert_type);
  w.Str(a.title);
  w.Str(a.description);
  w.Enum(a.severity);
  w.Str(a.native_severity);
  w.Enum(a.status);
  w.Str(a.native_status);
  w.Enum(a.cloud);
  w.Time(a.first_activity);
  w.Time(a.last_activity);
  w.Time(a.created);
  w.Time(a.updated);
  w.Time(a.ingested);
  w.Int(a.count);
  w.Strs(a.tactics);
  w.Strs(a.techniques);
  w.Varint(a.evidence.size());
  for (const Evidence& e : a.evidence) {
    PutEntity(w, e.entity, /*with_key=*/true);
    w.Enum(e.role);
  }
  w.Varint(a.relations.size());
  for (const Relation& r : a.relations) PutRelation(w, r);
  w.Varint(a.provenances.size());
  for (const Provenance& p : a.provenances) {
    w.Str(p.format);
    w.Str(p.file);
    w.Str(p.record);
    w.Str(p.connector);
  }
  w.Strs(a.truth_labels);
  w.Str(a.upstream_incident_id);
}

void AppendEntityRecord(const EntityRecord& rec, std::string& out) {
  Writer w(out);
  w.Byte(kEntityCodecVersion);
  // The tenant and the entity key make the record's store key.
  PutEntity(w, rec.entity, /*with_key=*/false);
  w.Strs(rec.conflicts);
  w.Strs(rec.possible_matches);
}

void AppendRelation(const Relation& r, std::string& out) {
  Writer w(out);
  w.Byte(kRelationCodecVersion);
  PutRelation(w, r);
}

void AppendIncident(const Incident& i, std::string& out) {
  Writer w(out);
  w.Byte(kIncidentCodecVersion);
  w.Str(i.tenant);  // version 3: the id is the record's store key
  w.Enum(i.status);
  w.Str(i.redirected_to);
  w.Enum(i.severity);
  w.Str(i.classification);
  w.Str(i.determination);
  w.Time(i.first_activity);
  w.Time(i.last_activity);
  // Version 2: the keys of weft's incidents all begin "<tenant>/", which the record holds.
  w.StrsUnder(i.tenant + "/", i.alert_keys);
  w.Strs(i.entities);
  w.Str(i.title);
  w.Enums(i.sources);
  w.Enums(i.clouds);
}

std::string EncodeAlert(const Alert& alert) {
  std::string out;
  AppendAlert(alert, out);
  return out;
}
std::string EncodeEntityRecord(const EntityRecord& record) {
  std::string out;
  AppendEntityRecord(record, out);
  return out;
}
std::string EncodeRelation(const Relation& relation) {
  std::string out;
  AppendRelation(relation, out);
  return out;
}
std::string EncodeIncident(const Incident& incident) {
  std::string out;
  AppendIncident(incident, out);
  return out;
}

Result<Alert> DecodeAlert(std::string_view key, std::string_view bytes) {
  Reader r(bytes, "alert");
  Alert a;
  const std::uint8_t version = r.Version(1, kAlertCodecVersion);
  if (version >= 2) {
    a.key.assign(key);
    r.Part("tenant", key, a.tenant);
    r.Enum("source", a.source, SourceProduct::kOther);
    r.Str("product_name", a.product_name);
    r.Part("provider_id", key, a.provider_id);
  } else {
    r.Str("tenant", a.tenant);
    r.Enum("source", a.source, SourceProduct::kOther);
    r.Str("product_name", a.product_name);
    r.Str("provider_id", a.provider_id);
    r.Str("key", a.key);
  }
  r.Str("alert_type", a.alert_type);
  r.Str("title", a.title);
  r.Str("description", a.description);
  r.Enum("severity", a.severity, Severity::kHigh);
  r.Str("native_severity", a.native_severity);
  r.Enum("status", a.status, AlertStatus::kDismissed);
  r.Str("native_status", a.native_status);
  r.Enum("cloud", a.cloud, Cloud::kOnPremises);
  r.Time("first_activity", a.first_activity);
  r.Time("last_activity", a.last_activity);
  r.Time("created", a.created);
  r.Time("updated", a.updated);
  r.Time("ingested", a.ingested);
  r.Int("count", a.count);
  r.Strs("tactics", a.tactics);
  r.Strs("techniques", a.techniques);
  std::size_t n = 0;
  if (r.Count("evidence", n)) {
    a.evidence.reserve(n);
    for (std::size_t i = 0; i < n && r.ok(); ++i) {
      Evidence& e = a.evidence.emplace_back();
      GetEntity(r, version, nullptr, e.entity);
      r.Enum("evidence.role", e.role, EvidenceRole::kRelated);
    }
  }
  if (r.Count("relations", n)) {
    a.relations.reserve(n);
    for (std::size_t i = 0; i < n && r.ok(); ++i) GetRelation(r, a.relations.emplace_back());
  }
  if (r.Count("provenances", n)) {
    a.provenances.reserve(n);
    for (std::size_t i = 0; i < n && r.ok(); ++i) {
      Provenance& p = a.provenances.emplace_back();
      r.Str("provenance.format", p.format);
      r.Str("provenance.file", p.file);
      r.Str("provenance.record", p.record);
      r.Str("provenance.connector", p.connector);
    }
  }
  r.Strs("truth_labels", a.truth_labels);
  r.Str("upstream_incident_id", a.upstream_incident_id);
  WEFT_RETURN_IF_ERROR(r.Finish());
  return a;
}

Status DecodeAlertSummary(std::string_view key, std::string_view bytes, AlertSummary& s) {
  // The field order of AppendAlert; everything correlation does not use is skipped unread.
  Reader r(bytes, "alert");
  const std::uint8_t version = r.Version(1, kAlertCodecVersion);
  std::string_view ignored;
  // A string that version 2 may have written as part of `whole`.
  auto skip_part = [&](const char* field, std::string_view whole) {
    return version >= 2 ? r.PartView(field, whole, ignored) : r.Skip(field);
  };
  if (version >= 2) {
    s.key = key;
    r.PartView("tenant", key, s.tenant);
    r.Enum("source", s.source, SourceProduct::kOther);
    r.Skip("product_name");
    skip_part("provider_id", key);
  } else {
    r.View("tenant", s.tenant);
    r.Enum("source", s.source, SourceProduct::kOther);
    r.Skip("product_name", 2);  // and provider_id
    r.View("key", s.key);
  }
  r.View("alert_type", s.alert_type);
  r.View("title", s.title);
  r.Skip("description");
  r.Enum("severity", s.severity, Severity::kHigh);
  r.Skip("native_severity");
  r.Enum("status", s.status, AlertStatus::kDismissed);
  r.Skip("native_status");
  r.Enum("cloud", s.cloud, Cloud::kOnPremises);
  Timestamp first = kNoTime, created = kNoTime, ingested = kNoTime;
  r.Time("first_activity", first);
  r.Time("last_activity", s.last_activity);
  r.Time("created", created);
  r.SkipVarint("updated");
  r.Time("ingested", ingested);
  s.activity = first != kNoTime ? first : created != kNoTime ? created : ingested;
  r.SkipVarint("count");
  r.SkipStrs("tactics");
  r.SkipStrs("techniques");
  std::size_t n = 0;
  s.evidence.clear();
  if (r.Count("evidence", n)) {
    for (std::size_t i = 0; i < n && r.ok(); ++i) {
      EntityKind kind = EntityKind::kGeneric;
      std::string_view entity_key;
      r.Enum("entity.kind", kind, EntityKind::kGeneric);
      r.View("entity.key", entity_key);
      skip_part("entity.display_name", entity_key);
      r.SkipByte("entity.cloud");
      std::size_t aliases = 0;
      if (r.Count("entity.aliases", aliases)) {
        for (std::size_t j = 0; j < aliases && r.ok(); ++j) {
          r.Skip("alias.type");
          skip_part("alias.value", entity_key);
          r.SkipByte("alias.strength");
          r.Skip("alias.source");
        }
      }
      r.SkipStrs("entity.properties", 2);
      r.SkipStrs("entity.tags");
      r.SkipByte("evidence.role");
      s.evidence.emplace_back(kind, entity_key);
    }
  }
  // Relations, provenances, truth labels and the upstream incident id follow; a summary stops
  // here (DecodeAlert checks the whole record).
  return r.ok() ? Status::Ok() : r.Finish();
}

Result<EntityRecord> DecodeEntityRecord(std::string_view tenant, std::string_view key,
                                        std::string_view bytes) {
  EntityRecord rec;
  WEFT_RETURN_IF_ERROR(DecodeEntityRecordInto(tenant, key, bytes, rec));
  return rec;
}

Status DecodeEntityRecordInto(std::string_view tenant, std::string_view key, std::string_view bytes,
                              EntityRecord& rec) {
  Reader r(bytes, "entity");
  const std::uint8_t version = r.Version(1, kEntityCodecVersion);
  if (version >= 2) {
    rec.tenant.assign(tenant);
  } else {
    r.Str("tenant", rec.tenant);
  }
  GetEntity(r, version, &key, rec.entity);
  r.Strs("conflicts", rec.conflicts);
  r.Strs("possible_matches", rec.possible_matches);
  return r.Finish();
}

Result<Relation> DecodeRelation(std::string_view bytes) {
  Reader r(bytes, "relation");
  Relation rel;
  r.Version(kRelationCodecVersion, kRelationCodecVersion);
  GetRelation(r, rel);
  WEFT_RETURN_IF_ERROR(r.Finish());
  return rel;
}

Result<Incident> DecodeIncident(std::string_view id, std::string_view bytes) {
  Reader r(bytes, "incident");
  Incident i;
  const std::uint8_t version = r.Version(1, kIncidentCodecVersion);
  if (version >= 3) {
    i.id.assign(id);
  } else {
    r.Str("id", i.id);
  }
  r.Str("tenant", i.tenant);
  r.Enum("status", i.status, IncidentStatus::kRedirected);
  r.Str("redirected_to", i.redirected_to);
  r.Enum("severity", i.severity, Severity::kHigh);
  r.Str("classification", i.classification);
  r.Str("determination", i.determination);
  r.Time("first_activity", i.first_activity);
  r.Time("last_activity", i.last_activity);
  if (version >= 2) {
    r.StrsUnder("alert_keys", i.tenant + "/", i.alert_keys);
  } else {
    r.Strs("alert_keys", i.alert_keys);
  }
  r.Strs("entities", i.entities);
  r.Str("title", i.title);
  if (version >= 2) {
    r.Enums("sources", i.sources, SourceProduct::kOther);
    r.Enums("clouds", i.clouds, Cloud::kOnPremises);
  }
  WEFT_RETURN_IF_ERROR(r.Finish());
  return i;
}

namespace {

// The fields of an encoded incident up to its alert keys, as views (the others read past); the
// reader is left at the keys' count. `id` is the record's store key (version 3 keeps it there).
struct IncidentHead {
  std::string_view id, tenant;
  IncidentStatus status = IncidentStatus::kActive;
  bool keys_under_tenant = false;
};
IncidentHead ReadIncidentHead(Reader& r, std::string_view id) {
  IncidentHead head;
  head.id = id;
  const std::uint8_t version = r.Version(1, kIncidentCodecVersion);
  if (version < 3) r.View("id", head.id);
  r.View("tenant", head.tenant);
  std::string_view skipped;
  Severity severity{};
  Timestamp time = kNoTime;
  r.Enum("status", head.status, IncidentStatus::kRedirected);
  r.View("redirected_to", skipped);
  r.Enum("severity", severity, Severity::kHigh);
  r.View("classification", skipped);
  r.View("determination", skipped);
  r.Time("first_activity", time);
  r.Time("last_activity", time);
  if (version >= 2) r.Enum("alert_keys", head.keys_under_tenant, true);
  return head;
}

}  // namespace

Status DecodeIncidentMembers(std::string_view id, std::string_view bytes,
                             std::vector<std::string_view>& keys, IncidentMembers& members) {
  Reader r(bytes, "incident");
  const IncidentHead head = ReadIncidentHead(r, id);
  std::size_t n = 0;
  r.Count("alert_keys", n);
  keys.clear();
  for (std::size_t i = 0; i < n && r.ok(); ++i) r.View("alert_keys", keys.emplace_back());
  WEFT_RETURN_IF_ERROR(r.status());
  members.id = head.id;
  members.tenant = head.tenant;
  members.status = head.status;
  members.keys_under_tenant = head.keys_under_tenant;
  members.alert_keys = keys;
  return Status::Ok();
}

bool IncidentListsAlert(
    std::string_view bytes,
    const std::function<bool(std::string_view tenant, bool under, std::string_view key)>& wanted) {
  Reader r(bytes, "incident");
  const IncidentHead head = ReadIncidentHead(r, "");
  std::size_t n = 0;
  r.Count("alert_keys", n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    std::string_view key;
    if (r.View("alert_keys", key) && wanted(head.tenant, head.keys_under_tenant, key)) return true;
  }
  return !r.ok();
}

}  // namespace weft::codec
