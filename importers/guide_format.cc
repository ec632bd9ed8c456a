// "guide": rows of Microsoft's GUIDE data set (Kaggle "Microsoft Security Incident
// Prediction", arXiv:2407.09017). One CSV row is one evidence entity of one alert, so each row
// becomes a partial alert (key tenant "org-<OrgId>" + AlertId) and the rows of one alert merge
// downstream by key. Entity values are anonymised integer codes: every key is typed with a
// "guide" identifier space, and the per-column sentinel codes (GUIDE's "empty") never make an
// entity. IncidentId is kept as a truth label only.

#include <algorithm>

#include "importers/internal/finding_util.h"
#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

constexpr std::string_view kSource = "GUIDE";

// GUIDE encodes "no value" per column as that column's most frequent code. These are the codes
// measured on GUIDE_Train and GUIDE_Test (they are the same in both; /work/shared/data/README.md
// section 1). A value equal to its column's sentinel, "0" (a second "unknown" code) or "" never
// makes an entity: otherwise every alert would join every other through "no device".
struct Sentinel {
  std::string_view column;
  std::string_view code;
};
constexpr Sentinel kSentinels[] = {
    {"DeviceId", "98799"},
    {"Sha256", "138268"},
    {"IpAddress", "360606"},
    {"Url", "160396"},
    {"AccountSid", "441377"},
    {"AccountUpn", "673934"},
    {"AccountObjectId", "425863"},
    {"AccountName", "453297"},
    {"DeviceName", "153085"},
    {"NetworkMessageId", "529644"},
    {"RegistryKey", "1631"},
    {"RegistryValueName", "635"},
    {"RegistryValueData", "860"},
    {"ApplicationId", "2251"},
    {"ApplicationName", "3421"},
    {"OAuthApplicationId", "881"},
    {"FileName", "289573"},
    {"FolderPath", "117668"},
    {"ResourceIdName", "3586"},
    {"OSFamily", "5"},
    {"OSVersion", "66"},
    {"CountryCode", "242"},
    {"State", "1445"},
    {"City", "10630"},
};

// A row: the CSV header as written ("AlertId") or in lower case ("alertid").
class Row {
 public:
  explicit Row(const Json& j) : j_(j) {}
  // The raw cell, trimmed; "" when absent.
  std::string Raw(std::string_view column) const {
    const Json* m = Member(j_, column);
    if (m == nullptr) m = Member(j_, ToLower(column));
    return std::string(Trim(Str(m)));
  }
  // The cell as an entity value: "" for the column's sentinel code, "0" and placeholders.
  std::string Value(std::string_view column) const {
    std::string v = Raw(column);
    if (IsPlaceholder(v)) return "";
    for (const Sentinel& s : kSentinels) {
      if (s.column == column && s.code == v) return "";
    }
    return v;
  }

 private:
  const Json& j_;
};

std::optional<Entity> UserOf(const Row& row) {
  // Strongest first: SID, UPN, object id (each an anonymised code), then the name (weak).
  const std::pair<std::string_view, std::string_view> kIds[] = {
      {"AccountSid", "guide-sid"}, {"AccountUpn", "guide-upn"}, {"AccountObjectId", "guide-oid"}};
  UserIds ids;
  std::vector<std::pair<std::string, std::string>> more;
  for (auto [column, type] : kIds) {
    std::string v = row.Value(column);
    if (v.empty()) continue;
    if (ids.other_id_type.empty()) {
      ids.other_id_type = std::string(type);
      ids.other_id = v;
    } else {
      more.emplace_back(type, v);
    }
  }
  ids.account_name = row.Value("AccountName");
  std::optional<Entity> user = MakeUser(ids, kSource);
  if (user) {
    for (auto& [type, v] : more)
      user->AddAlias(Alias{type, v, AliasStrength::kStrong, std::string(kSource)});
  }
  return user;
}

std::optional<Entity> FileOf(const Row& row) {
  if (std::string sha = row.Value("Sha256"); !sha.empty())
    return MakeGeneric("guide-sha256", sha, kSource);
  return MakeFile("", "", "", row.Value("FileName"), kSource);  // weak: "file:name:<code>"
}

// The entity a row is about, by EntityType; nullopt for types with no identifying column
// (CloudLogonRequest, CloudLogonSession, GenericEntity, ...) or only sentinel values.
std::optional<Entity> EntityOf(const Row& row) {
  const std::string type = ToLower(row.Raw("EntityType"));
  auto typed = [&](std::string_view column) {
    std::string v = row.Value(column);
    return v.empty() ? v : "guide:" + v;
  };
  if (type == "machine") {
    DeviceIds ids;
    ids.other_id_type = "guide";
    ids.other_id = row.Value("DeviceId");
    ids.hostname = row.Value("DeviceName");  // weak: "device:host:<code>" when no DeviceId
    return MakeDevice(ids, kSource);
  }
  if (type == "user" || type == "mailbox")
    return UserOf(row);  // a mailbox row carries its owner's ids
  if (type == "ip") return MakeGeneric("guide-ip", row.Value("IpAddress"), kSource);
  if (type == "url") return MakeGeneric("guide-url", row.Value("Url"), kSource);
  if (type == "file" || type == "process") return FileOf(row);  // a process by its image file
  if (type == "mailmessage") return MakeMailMessage(typed("NetworkMessageId"), kSource);
  if (type == "mailcluster")
    return MakeGeneric("guide-mailcluster", row.Value("EmailClusterId"), kSource);
  if (type == "cloudapplication")
    return MakeCloudApp(typed("ApplicationId"), typed("ApplicationName"), kSource);
  if (type == "oauthapplication") {
    const std::string id = row.Value("OAuthApplicationId");
    return MakeCloudApp(id.empty() ? "" : "guide-oauth:" + id, typed("ApplicationName"), kSource);
  }
  if (type == "registrykey" || type == "registryvalue") {
    return MakeRegistry(typed("RegistryKey"), row.Value("RegistryValueName"), kSource);
  }
  if (type == "azureresource") {
    return MakeCloudResource(typed("ResourceIdName"), Cloud::kAzure, row.Raw("ResourceType"),
                             kSource);
  }
  if (type == "malware") return MakeGeneric("guide-malware", row.Value("ThreatFamily"), kSource);
  return std::nullopt;
}

class GuideFormat final : public Format {
 public:
  std::string_view name() const override { return "guide"; }

  bool Matches(const Json& j) const override {
    auto has = [&](std::string_view c) { return j.contains(c) || j.contains(ToLower(c)); };
    return has("AlertId") && has("OrgId") && has("IncidentId") && has("EntityType") &&
           has("DetectorId");
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const Row row(j);
    Alert a;
    a.source = SourceProduct::kGuide;
    a.provider_id = row.Raw("AlertId");
    if (a.provider_id.empty()) return Status::InvalidArgument("missing required field 'AlertId'");
    const std::string org = row.Raw("OrgId");
    if (org.empty()) return Status::InvalidArgument("missing required field 'OrgId'");
    a.tenant = ctx.Tenant("org-" + org);
    const std::string ts = row.Raw("Timestamp");
    std::optional<Timestamp> t = ParseTimestamp(ts);
    if (!t) return Status::InvalidArgument("field 'Timestamp' is not a timestamp: '" + ts + "'");
    a.first_activity = *t;
    a.last_activity = *t;
    // GUIDE has no severity: every alert is medium, with no native value.
    a.severity = Severity::kMedium;
    a.native_severity = "";
    a.alert_type = row.Raw("DetectorId");
    a.title = "AlertTitle " + row.Raw("AlertTitle");
    const std::string category = row.Raw("Category");
    if (!category.empty()) {
      std::string tactic = TacticName(category);
      a.tactics.push_back(tactic.empty() ? category : tactic);
    }
    const std::string techniques = row.Raw("MitreTechniques");
    for (size_t start = 0; start < techniques.size();) {
      size_t end = techniques.find(';', start);
      if (end == std::string::npos) end = techniques.size();
      const std::string tech =
          ToUpper(Trim(std::string_view(techniques).substr(start, end - start)));
      if (IsTechniqueId(tech)) a.techniques.push_back(tech);
      start = end + 1;
    }
    if (std::string incident = row.Raw("IncidentId"); !incident.empty())
      a.truth_labels.push_back(incident);
    const EvidenceRole role = ToLower(row.Raw("EvidenceRole")) == "impacted"
                                  ? EvidenceRole::kImpacted
                                  : EvidenceRole::kRelated;
    if (std::optional<Entity> e = EntityOf(row)) {
      e->properties["guide_entity_type"] = row.Raw("EntityType");
      a.evidence.push_back(Evidence{std::move(*e), role});
    }
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }
};

}  // namespace

const Format& GuideEvidenceFormat() {
  static const GuideFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
