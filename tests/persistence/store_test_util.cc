#include "tests/persistence/store_test_util.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace weft::testing {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out + "]";
}

std::string Join(const std::map<std::string, std::string>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) out += k + "=" + v + ";";
  return out + "}";
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/weft_rocks_test_XXXXXX";
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << tmpl;
    return;
  }
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string Dump(const Entity& e) {
  std::ostringstream o;
  o << "kind=" << EntityKindName(e.kind) << " key=" << e.key << " display=" << e.display_name
    << " cloud=" << CloudName(e.cloud) << " aliases=[";
  for (const Alias& a : e.aliases) {
    o << a.type << ":" << a.value << "/" << (a.strong() ? "strong" : "weak") << "/" << a.source
      << ",";
  }
  o << "] props=" << Join(e.properties) << " tags=" << Join(e.tags);
  return o.str();
}

std::string Dump(const Relation& r) {
  std::ostringstream o;
  o << "tenant=" << r.tenant << " from=" << r.from << " to=" << r.to << " relation=" << r.relation
    << " valid_from=" << r.valid_from << " props=" << Join(r.properties);
  return o.str();
}

std::string Dump(const Alert& a) {
  std::ostringstream o;
  o << "tenant=" << a.tenant << "\nsource=" << SourceProductName(a.source)
    << "\nproduct_name=" << a.product_name << "\nprovider_id=" << a.provider_id << "\nkey=" << a.key
    << "\nalert_type=" << a.alert_type << "\ntitle=" << a.title << "\ndescription=" << a.description
    << "\nseverity=" << SeverityName(a.severity) << "\nnative_severity=" << a.native_severity
    << "\nstatus=" << AlertStatusName(a.status) << "\nnative_status=" << a.native_status
    << "\ncloud=" << CloudName(a.cloud) << "\nfirst_activity=" << a.first_activity
    << "\nlast_activity=" << a.last_activity << "\ncreated=" << a.created
    << "\nupdated=" << a.updated << "\ningested=" << a.ingested << "\ncount=" << a.count
    << "\ntactics=" << Join(a.tactics) << "\ntechniques=" << Join(a.techniques) << "\n";
  for (const Evidence& e : a.evidence)
    o << "evidence " << EvidenceRoleName(e.role) << " " << Dump(e.entity) << "\n";
  for (const Relation& r : a.relations) o << "relation " << Dump(r) << "\n";
  for (const Provenance& p : a.provenances) {
    o << "provenance format=" << p.format << " file=" << p.file << " record=" << p.record
      << " connector=" << p.connector << "\n";
  }
  o << "truth_labels=" << Join(a.truth_labels)
    << "\nupstream_incident_id=" << a.upstream_incident_id << "\n";
  return o.str();
}

std::string Dump(const EntityRecord& e) {
  return "tenant=" + e.tenant + "\n" + Dump(e.entity) + "\nconflicts=" + Join(e.conflicts) +
         "\npossible_matches=" + Join(e.possible_matches) + "\n";
}

std::string Dump(const Incident& i) {
  std::ostringstream o;
  o << "id=" << i.id << "\ntenant=" << i.tenant << "\nstatus=" << IncidentStatusName(i.status)
    << "\nredirected_to=" << i.redirected_to << "\nseverity=" << SeverityName(i.severity)
    << "\nclassification=" << i.classification << "\ndetermination=" << i.determination
    << "\nfirst_activity=" << i.first_activity << "\nlast_activity=" << i.last_activity
    << "\nalert_keys=" << Join(i.alert_keys) << "\nentities=" << Join(i.entities)
    << "\ntitle=" << i.title << "\nsources=";
  for (SourceProduct p : i.sources) o << SourceProductName(p) << ";";
  o << "\nclouds=";
  for (Cloud c : i.clouds) o << CloudName(c) << ";";
  o << "\n";
  return o.str();
}

Alert FullAlert(int n, const std::string& tenant) {
  const std::string s = std::to_string(n);
  Alert a;
  a.tenant = tenant;
  a.source = SourceProduct::kDefenderForEndpoint;
  a.product_name = "Microsoft Defender for Endpoint";
  a.provider_id = "da637" + s;
  a.key = MakeAlertKey(a.tenant, a.source, a.provider_id);
  a.alert_type = "WindowsDefenderAv_" + s;
  a.title = "Suspicious PowerShell command line #" + s;
  a.description = "A process ran an encoded command.\nSecond line, tab\there, utf-8: \xc3\xa9";
  a.severity = Severity::kHigh;
  a.native_severity = "High";
  a.status = AlertStatus::kInProgress;
  a.native_status = "InProgress";
  a.cloud = Cloud::kAzure;
  a.first_activity = 1717695170000 + n;
  a.last_activity = 1717695180000 + n;
  a.created = 1717695190000;
  a.updated = -5;  // before the epoch: exercises negative zig-zag values
  a.ingested = INT64_MAX;
  a.count = 3 + n;
  a.tactics = {"Execution", "Persistence"};
  a.techniques = {"T1059.001", "T1547"};
  Evidence device;
  device.role = EvidenceRole::kImpacted;
  device.entity.kind = EntityKind::kDevice;
  device.entity.key = "device:mde:4f1c" + s;
  device.entity.display_name = "web-01";
  device.entity.cloud = Cloud::kAzure;
  device.entity.aliases = {{"mde", "4f1c" + s, AliasStrength::kStrong, "Defender for Endpoint"},
                           {"host", "web-01", AliasStrength::kWeak, ""}};
  device.entity.properties = {{"os", "Windows11"}, {"region", "westeurope"}};
  device.entity.tags = {"crown-jewel", "internet-exposed"};
  Evidence ip;
  ip.role = EvidenceRole::kRelated;
  ip.entity.kind = EntityKind::kIp;
  ip.entity.key = "ip:10.1.2." + s;
  ip.entity.aliases = {{"ip", "10.1.2." + s, AliasStrength::kStrong, ""}};
  a.evidence = {device, ip};
  Relation r;
  r.tenant = tenant;
  r.from = ip.entity.key;
  r.to = device.entity.key;
  r.relation = "assigned_to";
  r.valid_from = 1717695170000;
  r.properties = {{"nic", "eth0"}, {"", "empty key"}};
  a.relations = {r};
  a.provenances = {{"defender-endpoint-api", "alerts.ndjson", "line " + s, "MDE API"},
                   {"sentinel", "", "[2]", ""}};
  a.truth_labels = {"inc-a", "inc-b"};
  a.upstream_incident_id = "inc-" + s;
  return a;
}

EntityRecord FullEntityRecord(int n, const std::string& tenant) {
  EntityRecord e;
  e.tenant = tenant;
  e.entity = FullAlert(n, tenant).evidence[0].entity;
  e.conflicts = {"mde:other conflicts with device:mde:9999"};
  e.possible_matches = {"device:azure:/subscriptions/x/vm/web-01", "device:mde:5555"};
  return e;
}

Incident FullIncident(int n, const std::string& tenant) {
  Incident i;
  i.id = MakeIncidentId(tenant + "/m365/da637" + std::to_string(n));
  i.tenant = tenant;
  i.status = IncidentStatus::kRedirected;
  i.redirected_to = "inc-00000000000000ff";
  i.severity = Severity::kHigh;
  i.classification = "truePositive";
  i.determination = "malware";
  i.first_activity = 1717695170000;
  i.last_activity = 1717695990000 + n;
  i.alert_keys = {tenant + "/m365/da6371", tenant + "/m365/da6372"};
  i.entities = {"device:mde:4f1c1", "ip:10.1.2.1"};
  i.title = "Multi-stage incident #" + std::to_string(n);
  i.sources = {SourceProduct::kDefenderForEndpoint, SourceProduct::kGuardDuty};
  i.clouds = {Cloud::kAzure, Cloud::kAws};
  return i;
}

namespace {

struct EntityColumn {
  std::string_view entity_type;
  std::string_view column;
  EntityKind kind;
};

constexpr EntityColumn kEntityColumns[] = {
    {"Machine", "DeviceId", EntityKind::kDevice},
    {"Ip", "IpAddress", EntityKind::kIp},
    {"User", "AccountObjectId", EntityKind::kUser},
    {"File", "Sha256", EntityKind::kFile},
    {"Url", "Url", EntityKind::kUrl},
    {"MailMessage", "NetworkMessageId", EntityKind::kMailMessage},
    {"Mailbox", "AccountUpn", EntityKind::kMailbox},
    {"CloudApplication", "ApplicationId", EntityKind::kCloudApp},
    {"AzureResource", "ResourceIdName", EntityKind::kCloudResource},
    {"RegistryKey", "RegistryKey", EntityKind::kRegistry}};

GuideData LoadGuide() {
  GuideData data;
  std::ifstream in(std::string(WEFT_TEST_DATA_DIR) + "/persistence/guide_sample_400.csv");
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = Split(line, ',');
  auto col = [&header](std::string_view name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::map<std::string, size_t> alert_index;   // alert key -> index in data.alerts
  std::map<std::string, size_t> entity_index;  // tenant \0 key -> index in data.entities
  std::map<std::string, std::vector<std::string>> incident_alerts;  // tenant/incident -> alert keys
  std::vector<std::string> incident_order;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = Split(line, ',');
    if (f.size() != header.size()) continue;
    Alert row;
    row.tenant = "org" + f[col("OrgId")];
    row.source = SourceProduct::kGuide;
    row.provider_id = f[col("AlertId")];
    row.alert_type = f[col("DetectorId")];
    row.title = f[col("AlertTitle")];
    row.first_activity = ParseTimestamp(f[col("Timestamp")]).value_or(kNoTime);
    if (!f[col("Category")].empty()) row.tactics = {f[col("Category")]};
    if (!f[col("MitreTechniques")].empty()) row.techniques = Split(f[col("MitreTechniques")], ';');
    if (!f[col("IncidentGrade")].empty())
      row.truth_labels = {row.tenant + "/" + f[col("IncidentId")]};
    row.upstream_incident_id = f[col("IncidentId")];
    row.provenances = {{"guide", "guide_sample_400.csv", "id " + f[col("Id")], ""}};
    Evidence ev;
    ev.role =
        f[col("EvidenceRole")] == "Impacted" ? EvidenceRole::kImpacted : EvidenceRole::kRelated;
    ev.entity.kind = EntityKind::kGeneric;
    ev.entity.key = "generic:guide:" + f[col("Id")];
    for (const EntityColumn& c : kEntityColumns) {
      if (c.entity_type == f[col("EntityType")]) {
        ev.entity.kind = c.kind;
        ev.entity.key = std::string(EntityKindName(c.kind)) + ":guide:" + f[col(c.column)];
        ev.entity.aliases = {{"guide", f[col(c.column)], AliasStrength::kStrong, "GUIDE"}};
      }
    }
    ev.entity.properties = {{"entity_type", f[col("EntityType")]}};
    if (!f[col("CountryCode")].empty()) ev.entity.properties["country"] = f[col("CountryCode")];
    row.evidence = {ev};
    if (!FinalizeAlert(row).ok()) continue;

    auto [it, added] = alert_index.emplace(row.key, data.alerts.size());
    if (added) {
      data.alerts.push_back(row);
      const std::string inc = row.tenant + "/" + row.upstream_incident_id;
      if (incident_alerts.find(inc) == incident_alerts.end()) incident_order.push_back(inc);
      incident_alerts[inc].push_back(row.key);
    } else {
      Alert& stored = data.alerts[it->second];
      MergeAlert(stored, row);
      if (stored.evidence.size() >= 2 && ev.entity.key != stored.evidence[0].entity.key) {
        Relation r{row.tenant,  ev.entity.key,      stored.evidence[0].entity.key,
                   "seen_with", row.first_activity, {}};
        stored.relations.push_back(r);
        data.relations.push_back(r);
      }
    }
    auto [eit, eadded] =
        entity_index.emplace(row.tenant + '\0' + ev.entity.key, data.entities.size());
    if (eadded) {
      data.entities.push_back(EntityRecord{row.tenant, ev.entity, {}, {}});
    } else {
      data.entities[eit->second].entity.MergeFrom(ev.entity);
    }
  }
  std::map<std::string, const Alert*> by_key;
  for (const Alert& a : data.alerts) by_key[a.key] = &a;
  for (const std::string& inc : incident_order) {
    std::vector<std::string> keys = incident_alerts[inc];
    std::sort(keys.begin(), keys.end());
    const Alert* earliest = by_key[keys[0]];
    Incident i;
    i.tenant = earliest->tenant;
    i.alert_keys = keys;
    std::set<std::string> entities;
    i.first_activity = earliest->first_activity;
    i.last_activity = earliest->last_activity;
    for (const std::string& k : keys) {
      const Alert* a = by_key[k];
      if (a->first_activity < earliest->first_activity) earliest = a;
      i.first_activity = std::min(i.first_activity, a->first_activity);
      i.last_activity = std::max(i.last_activity, a->last_activity);
      i.severity = MaxSeverity(i.severity, a->severity);
      for (const Evidence& e : a->evidence) entities.insert(e.entity.key);
    }
    i.id = MakeIncidentId(earliest->key);
    i.title = earliest->title;
    i.classification = earliest->truth_labels.empty() ? "" : "graded";
    i.entities.assign(entities.begin(), entities.end());
    data.incidents.push_back(i);
  }
  return data;
}

template <typename T>
using Visitor = std::function<bool(const T&)>;

template <typename T, typename Scan>
std::vector<std::string> DumpAll(Scan scan) {
  std::vector<std::string> out;
  const Status s = scan([&out](const T& v) {
    out.push_back(Dump(v));
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

}  // namespace

const GuideData& GuideSample() {
  static const GuideData kData = LoadGuide();
  return kData;
}

std::vector<std::string> DumpAlerts(GraphStore& store, const std::string& tenant) {
  return DumpAll<Alert>([&](const Visitor<Alert>& v) { return store.ForEachAlert(tenant, v); });
}
std::vector<std::string> DumpEntities(GraphStore& store, const std::string& tenant) {
  return DumpAll<EntityRecord>(
      [&](const Visitor<EntityRecord>& v) { return store.ForEachEntity(tenant, v); });
}
std::vector<std::string> DumpRelations(GraphStore& store, const std::string& tenant) {
  return DumpAll<Relation>(
      [&](const Visitor<Relation>& v) { return store.ForEachRelation(tenant, v); });
}
std::vector<std::string> DumpIncidents(GraphStore& store, const std::string& tenant) {
  return DumpAll<Incident>(
      [&](const Visitor<Incident>& v) { return store.ForEachIncident(tenant, v); });
}

}  // namespace weft::testing
