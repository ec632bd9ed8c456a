// "scc": Google Cloud Security Command Center findings: Pub/Sub notifications
// {notificationConfigName, finding, resource}, ListFindings results {finding, resource} (the
// importer unwraps `listFindingsResults`), and bare findings; v1 and v2 finding names.

#include "importers/internal/finding_util.h"
#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

constexpr std::string_view kSource = "Security Command Center";

// SCC MitreAttack.Technique enum names -> MITRE ATT&CK ids, from the comments of
// google/cloud/securitycenter/v2/mitre_attack.proto (the v1 enum is the same set).
struct TechniqueEntry {
  std::string_view name;
  std::string_view id;
};
constexpr TechniqueEntry kTechniques[] = {
    {"MASQUERADING", "T1036"},
    {"MATCH_LEGITIMATE_NAME_OR_LOCATION", "T1036.005"},
    {"BOOT_OR_LOGON_INITIALIZATION_SCRIPTS", "T1037"},
    {"STARTUP_ITEMS", "T1037.005"},
    {"NETWORK_SERVICE_DISCOVERY", "T1046"},
    {"PROCESS_DISCOVERY", "T1057"},
    {"COMMAND_AND_SCRIPTING_INTERPRETER", "T1059"},
    {"UNIX_SHELL", "T1059.004"},
    {"PERMISSION_GROUPS_DISCOVERY", "T1069"},
    {"CLOUD_GROUPS", "T1069.003"},
    {"APPLICATION_LAYER_PROTOCOL", "T1071"},
    {"DNS", "T1071.004"},
    {"SOFTWARE_DEPLOYMENT_TOOLS", "T1072"},
    {"VALID_ACCOUNTS", "T1078"},
    {"DEFAULT_ACCOUNTS", "T1078.001"},
    {"LOCAL_ACCOUNTS", "T1078.003"},
    {"CLOUD_ACCOUNTS", "T1078.004"},
    {"PROXY", "T1090"},
    {"EXTERNAL_PROXY", "T1090.002"},
    {"MULTI_HOP_PROXY", "T1090.003"},
    {"ACCOUNT_MANIPULATION", "T1098"},
    {"ADDITIONAL_CLOUD_CREDENTIALS", "T1098.001"},
    {"SSH_AUTHORIZED_KEYS", "T1098.004"},
    {"ADDITIONAL_CONTAINER_CLUSTER_ROLES", "T1098.006"},
    {"INGRESS_TOOL_TRANSFER", "T1105"},
    {"NATIVE_API", "T1106"},
    {"BRUTE_FORCE", "T1110"},
    {"SHARED_MODULES", "T1129"},
    {"ACCESS_TOKEN_MANIPULATION", "T1134"},
    {"TOKEN_IMPERSONATION_OR_THEFT", "T1134.001"},
    {"EXPLOIT_PUBLIC_FACING_APPLICATION", "T1190"},
    {"DOMAIN_POLICY_MODIFICATION", "T1484"},
    {"DATA_DESTRUCTION", "T1485"},
    {"SERVICE_STOP", "T1489"},
    {"INHIBIT_SYSTEM_RECOVERY", "T1490"},
    {"RESOURCE_HIJACKING", "T1496"},
    {"NETWORK_DENIAL_OF_SERVICE", "T1498"},
    {"CLOUD_SERVICE_DISCOVERY", "T1526"},
    {"STEAL_APPLICATION_ACCESS_TOKEN", "T1528"},
    {"ACCOUNT_ACCESS_REMOVAL", "T1531"},
    {"STEAL_WEB_SESSION_COOKIE", "T1539"},
    {"CREATE_OR_MODIFY_SYSTEM_PROCESS", "T1543"},
    {"ABUSE_ELEVATION_CONTROL_MECHANISM", "T1548"},
    {"UNSECURED_CREDENTIALS", "T1552"},
    {"MODIFY_AUTHENTICATION_PROCESS", "T1556"},
    {"IMPAIR_DEFENSES", "T1562"},
    {"DISABLE_OR_MODIFY_TOOLS", "T1562.001"},
    {"EXFILTRATION_OVER_WEB_SERVICE", "T1567"},
    {"EXFILTRATION_TO_CLOUD_STORAGE", "T1567.002"},
    {"DYNAMIC_RESOLUTION", "T1568"},
    {"LATERAL_TOOL_TRANSFER", "T1570"},
    {"MODIFY_CLOUD_COMPUTE_INFRASTRUCTURE", "T1578"},
    {"CREATE_SNAPSHOT", "T1578.001"},
    {"CLOUD_INFRASTRUCTURE_DISCOVERY", "T1580"},
    {"OBTAIN_CAPABILITIES", "T1588"},
    {"ACTIVE_SCANNING", "T1595"},
    {"SCANNING_IP_BLOCKS", "T1595.001"},
    {"CONTAINER_AND_RESOURCE_DISCOVERY", "T1613"},
};

std::string TechniqueId(std::string_view enum_name) {
  const std::string n = ToUpper(Trim(enum_name));
  for (const TechniqueEntry& t : kTechniques) {
    if (n == t.name) return std::string(t.id);
  }
  return IsTechniqueId(n) ? n : "";
}

// A member written in camelCase (JSON of the proto) or snake_case (some exporters).
const Json* Field(const Json& j, std::string_view camel, std::string_view snake) {
  const Json* m = Member(j, camel);
  return m != nullptr ? m : Member(j, snake);
}

template <typename Fn>
void ForEachElement(const Json* j, Fn fn) {
  if (j == nullptr) return;
  if (!j->is_array()) {
    fn(*j);
    return;
  }
  for (const Json& e : *j) fn(e);
}

// The segment after "<collection>/" in a resource name ("organizations/123/..." -> "123").
std::string Segment(std::string_view name, std::string_view collection) {
  const std::string needle = std::string(collection) + "/";
  size_t p = name.find(needle);
  while (p != std::string_view::npos && p != 0 && name[p - 1] != '/') p = name.find(needle, p + 1);
  if (p == std::string_view::npos) return "";
  const size_t start = p + needle.size();
  const size_t end = name.find('/', start);
  return std::string(
      name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

// v2 names of findings in the "global" location equal the v1 names with "/locations/global"
// added; drop it so both APIs give one key. Other locations have no v1 form and stay as is.
std::string CanonicalFindingName(std::string name) {
  const size_t p = name.find("/locations/global/");
  if (p != std::string::npos) name.erase(p, 17);
  return name;
}

Severity SeverityOf(const std::string& native, const Json& finding, std::string* shown) {
  *shown = native;
  if (std::optional<Severity> s = ParseSeverity(native)) return *s;
  // SCC's enum: SEVERITY_UNSPECIFIED carries no severity at all, like Defender's informational.
  if (ToUpper(native) == "SEVERITY_UNSPECIFIED") return Severity::kInformational;
  const std::string level = Str(finding, {"sourceProperties", "SeverityLevel"});
  if (std::optional<Severity> s = ParseSeverity(level)) {
    *shown = level;
    return *s;
  }
  return Severity::kMedium;
}

void AddMitre(Alert& a, const Json& finding) {
  const Json* mitre = Field(finding, "mitreAttack", "mitre_attack");
  if (mitre == nullptr) return;
  for (auto [camel, snake] : {std::pair{"primaryTactic", "primary_tactic"},
                              std::pair{"additionalTactics", "additional_tactics"}}) {
    ForEachElement(Field(*mitre, camel, snake), [&](const Json& t) {
      if (std::string tactic = TacticName(Str(&t)); !tactic.empty()) a.tactics.push_back(tactic);
    });
  }
  for (auto [camel, snake] : {std::pair{"primaryTechniques", "primary_techniques"},
                              std::pair{"additionalTechniques", "additional_techniques"}}) {
    ForEachElement(Field(*mitre, camel, snake), [&](const Json& t) {
      if (std::string id = TechniqueId(Str(&t)); !id.empty()) a.techniques.push_back(id);
    });
  }
}

void AddEntities(Alert& a, const Json& finding, const Json* resource) {
  std::string resource_name = Str(finding, "resourceName");
  std::string resource_type;
  if (resource != nullptr) {
    if (resource_name.empty()) resource_name = Str(*resource, "name");
    resource_type = Str(*resource, "type");
  }
  AddEvidence(a, MakeCloudResource(resource_name, Cloud::kGcp, resource_type, kSource),
              EvidenceRole::kImpacted);

  const Json* props = Member(finding, "sourceProperties");
  if (props != nullptr) {
    ForEachElement(Member(*props, "affectedResources"), [&](const Json& r) {
      AddEvidence(a, MakeCloudResource(Str(r, "gcpResourceName"), Cloud::kGcp, "", kSource),
                  EvidenceRole::kImpacted);
    });
    if (const Json* p = Member(*props, "properties")) {
      const std::string project = FirstStr(*p, {"projectId", "project_id"});
      const std::string zone = Str(*p, "zone");
      ForEachElement(Member(*p, "attempts"), [&](const Json& at) {
        AddEvidence(a, MakeIp(Str(at, "sourceIp"), kSource), EvidenceRole::kRelated);
        UserIds user;
        user.account_name = Str(at, "username");
        AddEvidence(a, MakeUser(user, kSource), EvidenceRole::kRelated);
        const std::string vm = Str(at, "vmName");
        if (!project.empty() && !zone.empty() && !IsPlaceholder(vm)) {
          DeviceIds ids;
          ids.gcp_resource_name = "//compute.googleapis.com/projects/" + project + "/zones/" +
                                  zone + "/instances/" + vm;
          ids.hostname = vm;
          AddEvidence(a, MakeDevice(ids, kSource), EvidenceRole::kImpacted);
        }
      });
    }
  }
  if (const Json* access = Member(finding, "access")) {
    AddEvidence(a, MakeIp(Str(*access, "callerIp"), kSource), EvidenceRole::kRelated);
    UserIds user;
    user.gcp_principal = Str(*access, "principalEmail");
    AddEvidence(a, MakeUser(user, kSource), EvidenceRole::kRelated);
  }
  if (const Json* ind = Member(finding, "indicator")) {
    ForEachElement(Field(*ind, "ipAddresses", "ip_addresses"), [&](const Json& ip) {
      AddEvidence(a, MakeIp(Str(&ip), kSource), EvidenceRole::kRelated);
    });
    ForEachElement(Member(*ind, "domains"), [&](const Json& d) {
      AddEvidence(a, MakeDomain(Str(&d), kSource), EvidenceRole::kRelated);
    });
    ForEachElement(Member(*ind, "uris"), [&](const Json& u) {
      AddEvidence(a, MakeUrl(Str(&u), kSource), EvidenceRole::kRelated);
    });
  }
  ForEachElement(Member(finding, "connections"), [&](const Json& c) {
    AddEvidence(a, MakeIp(FirstStr(c, {"destinationIp", "destination_ip"}), kSource),
                EvidenceRole::kRelated);
    AddEvidence(a, MakeIp(FirstStr(c, {"sourceIp", "source_ip"}), kSource), EvidenceRole::kRelated);
  });
  ForEachElement(Member(finding, "files"), [&](const Json& f) {
    AddEvidence(a, MakeFile(Str(f, "sha256"), "", "", Str(f, "path"), kSource),
                EvidenceRole::kRelated);
  });
}

class SccFormat final : public Format {
 public:
  std::string_view name() const override { return "scc"; }

  bool Matches(const Json& j) const override {
    const Json* finding = Member(j, "finding");
    if (finding != nullptr && finding->is_object()) return IsFinding(*finding);
    return IsFinding(j);
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const Json* wrapped = Member(j, "finding");
    const Json& f = wrapped != nullptr && wrapped->is_object() ? *wrapped : j;
    const Json* resource = Member(j, "resource");
    if (resource == nullptr || !resource->is_object()) resource = Member(f, "resource");
    if (resource != nullptr && !resource->is_object()) resource = nullptr;
    const std::string name = Str(f, "name");
    if (Trim(name).empty()) return Status::InvalidArgument("missing required field 'finding.name'");

    Alert a;
    a.source = SourceProduct::kSecurityCommandCenter;
    a.cloud = Cloud::kGcp;
    a.provider_id = CanonicalFindingName(std::string(Trim(name)));
    a.product_name = FirstStr(f, {"sourceDisplayName", "parentDisplayName"});
    if (a.product_name.empty()) a.product_name = std::string(kSource);

    // Tenant: the organization, else the project (number from the resource, or its id).
    std::string org = Segment(name, "organizations");
    if (IsPlaceholder(org)) org.clear();
    std::string project_number;
    std::string project_id;
    if (resource != nullptr) {
      project_number =
          Segment(FirstStr(*resource, {"projectName", "project_name", "project"}), "projects");
      project_id = FirstStr(*resource, {"projectDisplayName", "project_display_name"});
      if (org.empty())
        org = Segment(FirstStr(*resource, {"organization", "organizationName"}), "organizations");
    }
    const std::string resource_name = Str(f, "resourceName");
    if (project_number.empty() &&
        resource_name.find("cloudresourcemanager.googleapis.com/projects/") != std::string::npos) {
      project_number = Segment(resource_name, "projects");
    }
    if (project_number.empty()) project_number = Segment(name, "projects");
    if (project_id.empty()) {
      project_id = Str(f, {"sourceProperties", "ProjectId"});
      if (project_id.empty()) project_id = Str(f, {"sourceProperties", "properties", "projectId"});
    }
    a.tenant = ctx.Tenant("", {org, project_number, project_id});
    if (a.tenant.empty()) {
      const std::string account = !org.empty()              ? org
                                  : !project_number.empty() ? project_number
                                                            : project_id;
      if (!IsPlaceholder(account)) a.tenant = "gcp:" + account;
    }

    a.alert_type = Str(f, "category");
    a.title = a.alert_type;
    a.description = Str(f, "description");
    a.severity = SeverityOf(Str(f, "severity"), f, &a.native_severity);
    const std::string state = ToUpper(Str(f, "state"));
    const std::string mute = ToUpper(Str(f, "mute"));
    a.status = state == "INACTIVE" ? AlertStatus::kResolved : AlertStatus::kNew;
    if (mute == "MUTED") a.status = AlertStatus::kDismissed;
    a.native_status = state + (mute == "MUTED" ? "/MUTED" : "");
    a.first_activity = Time(f, "eventTime");
    a.created = Time(f, "createTime");
    a.updated = a.first_activity;  // eventTime moves forward when the finding is updated
    AddMitre(a, f);
    AddEntities(a, f, resource);
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }

 private:
  static bool IsFinding(const Json& f) {
    const std::string name = Str(f, "name");
    return f.contains("category") && name.find("/findings/") != std::string::npos &&
           (f.contains("resourceName") || f.contains("parent") || f.contains("state"));
  }
};

}  // namespace

const Format& SccFindingFormat() {
  static const SccFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
