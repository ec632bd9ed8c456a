#include "persistence/internal/codec.h"

#include <algorithm>
#include <map>
#include <vector>

namespace weft::codec {
namespace {

// ---- encoding

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void Byte(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Int(std::int64_t v) { Varint(ZigZag(v)); }
  // kNoTime (INT64_MIN) zig-zags to UINT64_MAX; +1 wraps it to 0, a one-byte varint.
  void Time(Timestamp t) { Varint(ZigZag(t) + 1); }
  template <typename E>
  void Enum(E v) {
    Byte(static_cast<std::uint8_t>(v));
  }
  void Str(std::string_view s) {
    Varint(s.size());
    out_.append(s.data(), s.size());
  }
  void Strs(const std::vector<std::string>& v) {
    Varint(v.size());
    for (const std::string& s : v) Str(s);
  }
  // A flag byte, then the strings: without `prefix` (flag 1) when every one begins with it,
  // else whole (flag 0).
  void StrsUnder(std::string_view prefix, const std::vector<std::string>& v) {
    const bool under = std::all_of(v.begin(), v.end(), [&](const std::string& s) {
      return s.size() >= prefix.size() && std::string_view(s).substr(0, prefix.size()) == prefix;
    });
    Byte(under ? 1 : 0);
    Varint(v.size());
    for (const std::string& s : v) Str(std::string_view(s).substr(under ? prefix.size() : 0));
  }
  template <typename E>
  void Enums(const std::vector<E>& v) {
    Varint(v.size());
    for (E e : v) Enum(e);
  }
  void Map(const std::map<std::string, std::string>& m) {
    Varint(m.size());
    for (const auto& [k, v] : m) {
      Str(k);
      Str(v);
    }
  }

 private:
  static std::uint64_t ZigZag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  }
  std::string& out_;
};

void PutEntity(Writer& w, const Entity& e) {
  w.Enum(e.kind);
  w.Str(e.key);
  w.Str(e.display_name);
  w.Enum(e.cloud);
  w.Varint(e.aliases.size());
  for (const Alias& a : e.aliases) {
    w.Str(a.type);
    w.Str(a.value);
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

// ---- decoding

// Reads fields from a bounded byte range. The first failure is recorded (with the field being
// read and the byte offset) and every later read fails too, so decoders can read a whole record
// and check status() once.
class Reader {
 public:
  Reader(std::string_view data, std::string_view record) : data_(data), record_(record) {}

  bool Byte(const char* field, std::uint8_t& v) {
    if (!ok_) return false;
    if (pos_ >= data_.size()) return Truncated(field);
    v = static_cast<std::uint8_t>(data_[pos_++]);
    return true;
  }

  bool Varint(const char* field, std::uint64_t& v) {
    if (!ok_) return false;
    const std::size_t start = pos_;
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return Truncated(field);
      const auto b = static_cast<std::uint8_t>(data_[pos_++]);
      if (shift == 63 && b > 1) return Garbled(field, start, "varint overflows 64 bits");
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return Garbled(field, start, "varint longer than 10 bytes");
  }

  bool Int(const char* field, std::int64_t& v) {
    std::uint64_t u = 0;
    if (!Varint(field, u)) return false;
    v = UnZigZag(u);
    return true;
  }

  bool Time(const char* field, Timestamp& t) {
    std::uint64_t u = 0;
    if (!Varint(field, u)) return false;
    t = UnZigZag(u - 1);
    return true;
  }

  // An enum stored as one byte; values above `max` are garbage.
  template <typename E>
  bool Enum(const char* field, E& v, E max) {
    const std::size_t start = pos_;
    std::uint8_t b = 0;
    if (!Byte(field, b)) return false;
    if (b > static_cast<std::uint8_t>(max)) {
      return Garbled(field, start,
                     "enum value " + std::to_string(b) + " is out of range 0.." +
                         std::to_string(static_cast<int>(max)));
    }
    v = static_cast<E>(b);
    return true;
  }

  bool Str(const char* field, std::string& s) {
    std::string_view v;
    if (!View(field, v)) return false;
    s.assign(v);
    return true;
  }

  // A list/map size. Every element takes at least one byte, so a count larger than the bytes
  // left is garbage (and must not drive a huge reserve()).
  bool Count(const char* field, std::size_t& n) {
    const std::size_t start = pos_;
    std::uint64_t v = 0;
    if (!Varint(field, v)) return false;
    if (v > data_.size() - pos_) {
      return Fail(field, start,
                  "is garbled or truncated: count " + std::to_string(v) + " exceeds the " +
                      std::to_string(data_.size() - pos_) + " bytes left");
    }
    n = static_cast<std::size_t>(v);
    return true;
  }

  // A string as a view into the record (valid while the record's bytes are).
  bool View(const char* field, std::string_view& s) {
    const std::size_t start = pos_;
    std::uint64_t n = 0;
    if (!Varint(field, n)) return false;
    if (n > data_.size() - pos_) {
      return Fail(field, start,
                  "is truncated: length " + std::to_string(n) + " exceeds the " +
                      std::to_string(data_.size() - pos_) + " bytes left");
    }
    s = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }

  // Skips `strings` strings, or a counted list of them.
  bool Skip(const char* field, std::size_t strings = 1) {
    std::string_view ignored;
    for (std::size_t i = 0; i < strings; ++i) {
      if (!View(field, ignored)) return false;
    }
    return true;
  }
  bool SkipStrs(const char* field, std::size_t per_element = 1) {
    std::size_t n = 0;
    return Count(field, n) && Skip(field, n * per_element);
  }
  bool SkipByte(const char* field) {
    std::uint8_t ignored = 0;
    return Byte(field, ignored);
  }
  bool SkipVarint(const char* field) {
    std::uint64_t ignored = 0;
    return Varint(field, ignored);
  }

  bool Strs(const char* field, std::vector<std::string>& v) {
    std::size_t n = 0;
    if (!Count(field, n)) return false;
    v.clear();
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!Str(field, v.emplace_back())) return false;
    }
    return true;
  }

  // What Writer::StrsUnder wrote: the strings, with `prefix` put back when the flag says so
  // (each built once, at its full size).
  bool StrsUnder(const char* field, std::string_view prefix, std::vector<std::string>& v) {
    bool under = false;
    std::size_t n = 0;
    if (!Enum(field, under, true) || !Count(field, n)) return false;
    if (!under) prefix = {};
    v.clear();
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::string_view rest;
      if (!View(field, rest)) return false;
      std::string& s = v.emplace_back();
      s.reserve(prefix.size() + rest.size());
      s.append(prefix).append(rest);
    }
    return true;
  }

  bool Map(const char* field, std::map<std::string, std::string>& m) {
    std::size_t n = 0;
    if (!Count(field, n)) return false;
    m.clear();
    for (std::size_t i = 0; i < n; ++i) {
      std::string k, v;
      if (!Str(field, k) || !Str(field, v)) return false;
      m.insert_or_assign(std::move(k), std::move(v));
    }
    return true;
  }

  bool Version() { return Version(kCodecVersion, kCodecVersion) != 0; }

  // The record's version when it is one of `oldest`..`newest`; else 0 (and the reader fails).
  std::uint8_t Version(std::uint8_t oldest, std::uint8_t newest) {
    std::uint8_t v = 0;
    if (!Byte("version", v)) return 0;
    if (v < oldest || v > newest) {
      const std::string reads = oldest == newest
                                    ? std::to_string(newest)
                                    : std::to_string(oldest) + " to " + std::to_string(newest);
      Fail("version", 0, "is " + std::to_string(v) + ", this build reads " + reads);
      return 0;
    }
    return v;
  }

  template <typename E>
  bool Enums(const char* field, std::vector<E>& v, E max) {
    std::size_t n = 0;
    if (!Count(field, n)) return false;
    v.assign(n, E{});
    for (E& e : v) {
      if (!Enum(field, e, max)) return false;
    }
    return true;
  }

  // Call after the last field: trailing bytes mean the record is not what we think it is.
  Status Finish() {
    if (ok_ && pos_ != data_.size()) {
      Fail("end", pos_, "has " + std::to_string(data_.size() - pos_) + " trailing bytes");
    }
    return status_;
  }

  bool ok() const { return ok_; }

 private:
  static std::int64_t UnZigZag(std::uint64_t u) {
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  bool Truncated(const char* field) {
    return Fail(field, pos_,
                "is truncated: the record ends at byte " + std::to_string(data_.size()));
  }
  bool Garbled(const char* field, std::size_t at, const std::string& what) {
    return Fail(field, at, "is garbled: " + what);
  }
  bool Fail(const char* field, std::size_t at, const std::string& what) {
    if (ok_) {
      ok_ = false;
      status_ = Status::Corruption(std::string(record_) + " record (" +
                                   std::to_string(data_.size()) + " bytes): field '" + field +
                                   "' at byte " + std::to_string(at) + " " + what);
    }
    return false;
  }

  std::string_view data_;
  std::string_view record_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  Status status_;
};

bool GetEntity(Reader& r, Entity& e) {
  r.Enum("entity.kind", e.kind, EntityKind::kGeneric);
  r.Str("entity.key", e.key);
  r.Str("entity.display_name", e.display_name);
  r.Enum("entity.cloud", e.cloud, Cloud::kOnPremises);
  std::size_t n = 0;
  if (!r.Count("entity.aliases", n)) return false;
  e.aliases.clear();
  e.aliases.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    Alias& a = e.aliases.emplace_back();
    r.Str("alias.type", a.type);
    r.Str("alias.value", a.value);
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
  w.Byte(kCodecVersion);
  w.Str(a.tenant);
  w.Enum(a.source);
  w.Str(a.product_name);
  w.Str(a.provider_id);
  w.Str(a.key);
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
    PutEntity(w, e.entity);
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
  w.Byte(kCodecVersion);
  w.Str(rec.tenant);
  PutEntity(w, rec.entity);
  w.Strs(rec.conflicts);
  w.Strs(rec.possible_matches);
}

void AppendRelation(const Relation& r, std::string& out) {
  Writer w(out);
  w.Byte(kCodecVersion);
  PutRelation(w, r);
}

void AppendIncident(const Incident& i, std::string& out) {
  Writer w(out);
  w.Byte(kIncidentCodecVersion);
  w.Str(i.id);
  w.Str(i.tenant);
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

Result<Alert> DecodeAlert(std::string_view bytes) {
  Reader r(bytes, "alert");
  Alert a;
  r.Version();
  r.Str("tenant", a.tenant);
  r.Enum("source", a.source, SourceProduct::kOther);
  r.Str("product_name", a.product_name);
  r.Str("provider_id", a.provider_id);
  r.Str("key", a.key);
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
      GetEntity(r, e.entity);
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

Status DecodeAlertSummary(std::string_view bytes, AlertSummary& s) {
  // The field order of AppendAlert; everything correlation does not use is skipped unread.
  Reader r(bytes, "alert");
  r.Version();
  r.View("tenant", s.tenant);
  r.Enum("source", s.source, SourceProduct::kOther);
  r.Skip("product_name", 2);  // and provider_id
  r.View("key", s.key);
  r.Skip("alert_type");
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
      std::string_view key;
      r.Enum("entity.kind", kind, EntityKind::kGeneric);
      r.View("entity.key", key);
      r.Skip("entity.display_name");
      r.SkipByte("entity.cloud");
      std::size_t aliases = 0;
      if (r.Count("entity.aliases", aliases)) {
        for (std::size_t j = 0; j < aliases && r.ok(); ++j) {
          r.Skip("alias.type", 2);  // and value
          r.SkipByte("alias.strength");
          r.Skip("alias.source");
        }
      }
      r.SkipStrs("entity.properties", 2);
      r.SkipStrs("entity.tags");
      r.SkipByte("evidence.role");
      s.evidence.emplace_back(kind, key);
    }
  }
  // Relations, provenances, truth labels and the upstream incident id follow; a summary stops
  // here (DecodeAlert checks the whole record).
  return r.ok() ? Status::Ok() : r.Finish();
}

Result<EntityRecord> DecodeEntityRecord(std::string_view bytes) {
  Reader r(bytes, "entity");
  EntityRecord rec;
  r.Version();
  r.Str("tenant", rec.tenant);
  GetEntity(r, rec.entity);
  r.Strs("conflicts", rec.conflicts);
  r.Strs("possible_matches", rec.possible_matches);
  WEFT_RETURN_IF_ERROR(r.Finish());
  return rec;
}

Result<Relation> DecodeRelation(std::string_view bytes) {
  Reader r(bytes, "relation");
  Relation rel;
  r.Version();
  GetRelation(r, rel);
  WEFT_RETURN_IF_ERROR(r.Finish());
  return rel;
}

Result<Incident> DecodeIncident(std::string_view bytes) {
  Reader r(bytes, "incident");
  Incident i;
  const std::uint8_t version = r.Version(1, kIncidentCodecVersion);
  r.Str("id", i.id);
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

}  // namespace weft::codec
