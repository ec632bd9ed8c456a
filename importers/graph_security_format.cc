// "graph-alerts": Microsoft Graph security API alerts (/security/alerts_v2, a single alert or a
// list) and incidents (/security/incidents, with $expand=alerts: every embedded alert is
// imported; an incident without alerts is a non-alert record). Typed evidence
// (#microsoft.graph.security.*Evidence) becomes entities; processes are tied to their device.
// Stateless; thread-safe.

#include <algorithm>
#include <map>

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "importers/internal/mdc_entities.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

SourceProduct ServiceSourceProduct(std::string_view service_source) {
  const std::string s = ToLower(Trim(service_source));
  if (s == "microsoftdefenderforendpoint") return SourceProduct::kDefenderForEndpoint;
  if (s == "microsoftdefenderforidentity") return SourceProduct::kDefenderForIdentity;
  if (s == "microsoftdefenderforoffice365") return SourceProduct::kDefenderForOffice365;
  if (s == "microsoftdefenderforcloudapps") return SourceProduct::kDefenderForCloudApps;
  if (s == "azureadidentityprotection") return SourceProduct::kEntraIdProtection;
  if (s == "microsoftdefenderforcloud") return SourceProduct::kDefenderForCloud;
  if (s == "microsoftsentinel") return SourceProduct::kSentinel;
  return SourceProduct::kDefenderXdr;  // microsoft365Defender, appGovernance, DLP, insider risk,
                                       // ...
}

std::string EvidenceType(const Json& ev) {
  std::string t = Str(ev, "@odata.type");
  const size_t dot = t.rfind('.');
  if (dot != std::string::npos) t = t.substr(dot + 1);
  return ToLower(t);  // "deviceevidence", "processevidence", ...
}

EvidenceRole RoleOf(const Json& ev) {
  for (const std::string& r : StringListCi(ev, "roles")) {
    const std::string l = ToLower(r);
    if (l == "compromised" || l == "attacked") return EvidenceRole::kImpacted;
  }
  for (const std::string& r : StringListCi(ev, "detailedRoles")) {
    const std::string l = ToLower(r);
    if (l == "primarydevice" || l == "main device" || l == "compromised")
      return EvidenceRole::kImpacted;
  }
  return EvidenceRole::kRelated;
}

std::optional<Entity> UserFromAccount(const Json* account, std::string_view source) {
  if (account == nullptr || !account->is_object()) return std::nullopt;
  UserIds ids;
  ids.aad_object_id = Str(*account, "azureAdUserId");
  ids.sid = Str(*account, "userSid");
  ids.upn = Str(*account, "userPrincipalName");
  ids.account_name = Str(*account, "accountName");
  ids.domain = Str(*account, "domainName");
  if (std::optional<std::string> guid = NormalizeGuid(Str(*account, "activeDirectoryObjectGuid"))) {
    ids.other_id_type = "adguid";
    ids.other_id = *guid;
  }
  return MakeMsUser(ids, source);
}

std::string FileImage(const Json* file) {
  if (file == nullptr || !file->is_object()) return "";
  return JoinPath(Str(*file, "filePath"), Str(*file, "fileName"));
}

std::optional<Entity> FileFromDetails(const Json* file, std::string_view source) {
  if (file == nullptr || !file->is_object()) return std::nullopt;
  std::optional<Entity> f = MakeFile(Str(*file, "sha256"), Str(*file, "sha1"), Str(*file, "md5"),
                                     Str(*file, "fileName"), source);
  if (f && !Str(*file, "filePath").empty()) f->properties.emplace("path", FileImage(file));
  return f;
}

// Builds the evidence of one alert.
class EvidenceBuilder {
 public:
  EvidenceBuilder(Alert& alert, std::string_view source) : alert_(alert), source_(source) {}

  void Build(const Json& evidence) {
    if (!evidence.is_array()) return;
    for (const Json& ev : evidence) {
      if (EvidenceType(ev) == "deviceevidence") AddDevice(ev);
    }
    for (const Json& ev : evidence) {
      if (EvidenceType(ev) != "deviceevidence") AddOther(ev);
    }
  }

 private:
  std::string Add(std::optional<Entity> e, EvidenceRole role) {
    if (!e) return "";
    std::string key = e->key;
    alert_.evidence.push_back(Evidence{std::move(*e), role});
    return key;
  }

  void Relate(const std::string& from, const std::string& to, std::string_view relation) {
    if (from.empty() || to.empty() || from == to) return;
    Relation r{"", from, to, std::string(relation), kNoTime, {}};
    if (std::find(alert_.relations.begin(), alert_.relations.end(), r) == alert_.relations.end()) {
      alert_.relations.push_back(std::move(r));
    }
  }

  void AddDevice(const Json& ev) {
    DeviceIds ids;
    ids.mde_device_id = Str(ev, "mdeDeviceId");
    ids.aad_device_id = Str(ev, "azureAdDeviceId");
    if (const Json* vm = Member(ev, "vmMetadata"); vm != nullptr && vm->is_object()) {
      const std::string rid = Str(*vm, "resourceId");
      switch (CloudOfResourceId(rid)) {
        case Cloud::kAws: ids.aws_instance_arn = rid; break;
        case Cloud::kGcp: ids.gcp_resource_name = rid; break;
        default: ids.azure_resource_id = rid; break;
      }
      const std::string provider = ToLower(Str(*vm, "cloudProvider"));
      if (provider.empty() || provider == "azure" || provider == "unknown")
        ids.azure_vm_id = Str(*vm, "vmId");
    }
    const std::string dns_name = Str(ev, "deviceDnsName");
    const std::string host = FirstStr(ev, {"hostName", "deviceDnsName"});
    ids.hostname = host;
    if (dns_name.find('.') != std::string::npos) {
      ids.fqdn = dns_name;
    } else if (const std::string domain = Str(ev, "dnsDomain"); !domain.empty() && !host.empty()) {
      ids.fqdn = host + "." + domain;
    }
    const std::string key = Add(MakeDevice(ids, source_), RoleOf(ev));
    if (key.empty()) return;
    if (!ids.mde_device_id.empty()) devices_[ToLower(Trim(ids.mde_device_id))] = key;
    device_keys_.push_back(key);
    if (const Json* users = Member(ev, "loggedOnUsers"); users != nullptr && users->is_array()) {
      for (const Json& u : *users)
        Relate(Add(UserFromAccount(&u, source_), EvidenceRole::kRelated), key, "logged_on");
    }
  }

  // The device a process or file ran on: by its mdeDeviceId, else the alert's only device.
  std::string DeviceFor(const Json& ev) const {
    auto it = devices_.find(ToLower(Trim(Str(ev, "mdeDeviceId"))));
    if (it != devices_.end()) return it->second;
    std::vector<std::string> unique = device_keys_;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    return unique.size() == 1 ? unique.front() : "";
  }

  // "<cluster>/namespace/<ns>/pod/<name>" for the Kubernetes evidence types.
  std::string K8sPath(const Json* ev, std::string_view kind, int depth = 0) {
    if (ev == nullptr || !ev->is_object() || depth > 4) return "";
    const std::string name = Str(*ev, "name");
    if (kind == "cluster") {
      if (const Json* res = Member(*ev, "cloudResource")) {
        if (std::optional<Entity> r = ResourceEvidence(*res)) return r->key;
      }
      return name;
    }
    if (kind == "namespace") {
      const std::string up = K8sPath(Member(*ev, "cluster"), "cluster", depth + 1);
      return up.empty() || name.empty() ? "" : up + "/namespace/" + name;
    }
    const std::string up = K8sPath(Member(*ev, "namespace"), "namespace", depth + 1);
    return up.empty() || name.empty() ? "" : up + "/" + std::string(kind) + "/" + name;
  }

  std::optional<Entity> ResourceEvidence(const Json& ev) {
    const std::string type = EvidenceType(ev);
    if (type == "azureresourceevidence")
      return MakeMsResource(Str(ev, "resourceId"), Str(ev, "resourceType"), source_);
    if (type == "amazonresourceevidence") {
      return MakeCloudResource(Str(ev, "amazonResourceId"), Cloud::kAws, Str(ev, "resourceType"),
                               source_);
    }
    if (type == "googlecloudresourceevidence") {
      const std::string full = FirstStr(ev, {"fullResourceName", "resourceName"});
      if (CloudOfResourceId(full) == Cloud::kGcp) {
        return MakeCloudResource(full, Cloud::kGcp, Str(ev, "resourceType"), source_);
      }
      const std::string project = FirstStr(ev, {"projectId", "projectNumber"});
      if (project.empty() || full.empty()) return std::nullopt;
      std::optional<Entity> g = MakeGeneric("gcp-resource", project + "/" + full, source_);
      if (g) g->cloud = Cloud::kGcp;
      return g;
    }
    return std::nullopt;
  }

  void AddOther(const Json& ev) {
    const std::string type = EvidenceType(ev);
    const EvidenceRole role = RoleOf(ev);
    if (type == "userevidence") {
      Add(UserFromAccount(Member(ev, "userAccount"), source_), role);
    } else if (type == "ipevidence") {
      Add(MakeIp(Str(ev, "ipAddress"), source_), role);
    } else if (type == "urlevidence") {
      Add(MakeUrl(Str(ev, "url"), source_), role);
    } else if (type == "fileevidence") {
      Add(FileFromDetails(Member(ev, "fileDetails"), source_), role);
    } else if (type == "processevidence") {
      const std::string device = DeviceFor(ev);
      const Json* image = Member(ev, "imageFile");
      std::string path = FileImage(image);
      if (path.empty()) path = Str(ev, "processCommandLine");
      const std::string process =
          Add(MakeProcess(device, Str(ev, "processId"), path, source_), role);
      Add(FileFromDetails(image, source_), EvidenceRole::kRelated);
      Relate(process, device, "runs_on");
      const std::string parent_image = FileImage(Member(ev, "parentProcessImageFile"));
      if (!parent_image.empty()) {
        const std::string parent =
            Add(MakeProcess(device, Str(ev, "parentProcessId"), parent_image, source_),
                EvidenceRole::kRelated);
        Relate(process, parent, "child_of");
        Relate(parent, device, "runs_on");
      }
      Relate(process,
             Add(UserFromAccount(Member(ev, "userAccount"), source_), EvidenceRole::kRelated),
             "runs_as");
    } else if (type == "mailboxevidence") {
      const Json* account = Member(ev, "userAccount");
      std::string address = Str(ev, "primaryAddress");
      if (address.empty() && account != nullptr) address = Str(*account, "userPrincipalName");
      Add(MakeMailbox(address, source_), role);
      Add(UserFromAccount(account, source_), EvidenceRole::kRelated);
    } else if (type == "analyzedmessageevidence") {
      Add(MakeMailMessage(Str(ev, "networkMessageId"), source_), role);
      Add(MakeIp(Str(ev, "senderIp"), source_), EvidenceRole::kRelated);
      Add(MakeMailbox(Str(ev, "recipientEmailAddress"), source_), EvidenceRole::kImpacted);
      Add(MakeMailbox(Str(ev, {"p1Sender", "emailAddress"}), source_), EvidenceRole::kRelated);
    } else if (type == "registrykeyevidence" || type == "registryvalueevidence") {
      const std::string hive = Str(ev, "registryHive");
      const std::string key = Str(ev, "registryKey");
      if (key.empty()) return;
      Add(MakeRegistry(hive.empty() ? key : hive + "\\" + key,
                       type == "registryvalueevidence" ? Str(ev, "registryValueName") : "",
                       source_),
          role);
    } else if (type == "azureresourceevidence" || type == "amazonresourceevidence" ||
               type == "googlecloudresourceevidence") {
      Add(ResourceEvidence(ev), role);
    } else if (type == "cloudapplicationevidence" || type == "oauthapplicationevidence") {
      Add(MakeCloudApp(Str(ev, "appId"), Str(ev, "displayName"), source_), role);
    } else if (type == "kubernetesclusterevidence") {
      if (const Json* res = Member(ev, "cloudResource")) {
        Add(ResourceEvidence(*res), role);
      } else {
        Add(MakeGeneric("k8s-cluster", Str(ev, "name"), source_), role);
      }
    } else if (type == "kubernetesnamespaceevidence") {
      Add(MakeGeneric("k8s", K8sPath(&ev, "namespace"), source_), role);
    } else if (type.rfind("kubernetes", 0) == 0) {
      std::string kind = type.substr(10, type.size() - 10 - 8);  // "kubernetes<kind>evidence"
      Add(MakeGeneric("k8s", K8sPath(&ev, kind), source_), role);
    } else if (type == "containerevidence") {
      Add(MakeGeneric("container", Str(ev, "containerId"), source_), role);
    } else if (type == "containerimageevidence") {
      Add(MakeGeneric("container-image", Str(ev, "imageId"), source_), role);
    } else if (type == "blobevidence" || type == "blobcontainerevidence") {
      Add(MakeUrl(Str(ev, "url"), source_), role);
    } else if (type == "securitygroupevidence") {
      Add(MakeGeneric("security-group", Str(ev, "securityGroupId"), source_), role);
    } else if (type == "dnsevidence") {
      Add(MakeDomain(Str(ev, "domainName"), source_), role);
    } else if (type == "filehashevidence") {
      const std::string alg = ToLower(Str(ev, "algorithm"));
      const std::string value = Str(ev, "value");
      Add(MakeFile(alg == "sha256" ? value : "", alg == "sha1" ? value : "",
                   alg == "md5" ? value : "", "", source_),
          role);
    }
  }

  Alert& alert_;
  std::string_view source_;
  std::map<std::string, std::string> devices_;  // lower-case mdeDeviceId -> device key
  std::vector<std::string> device_keys_;
};

Status ParseGraphAlert(const Json& j, std::string_view incident_tenant,
                       std::string_view incident_id, const RecordContext& ctx, ParseOutput& out) {
  Alert a;
  const std::string service = Str(j, "serviceSource");
  a.source = ServiceSourceProduct(service);
  a.product_name = FirstStr(j, {"productName", "serviceSource"});
  const std::string id = Str(j, "id");
  const std::string provider_alert_id = Str(j, "providerAlertId");
  // A Defender for Cloud alert keeps its own id so it dedups with the REST alert; Defender XDR
  // products share the Graph id space (the Graph id equals the MDE API alert id).
  const bool own_id =
      a.source == SourceProduct::kDefenderForCloud || a.source == SourceProduct::kSentinel;
  a.provider_id = own_id && !Trim(provider_alert_id).empty() ? provider_alert_id : id;
  if (Trim(a.provider_id).empty()) return Status::InvalidArgument("missing required field 'id'");
  a.alert_type = FirstStr(j, {"detectorId", "alertPolicyId"});
  a.title = Str(j, "title");
  a.description = Str(j, "description");
  a.native_severity = Str(j, "severity");
  if (a.native_severity.empty())
    return Status::InvalidArgument("missing required field 'severity'");
  const std::string sev = ToLower(a.native_severity);
  if (sev == "unknown" || sev == "unknownfuturevalue") {
    a.severity = Severity::kMedium;
  } else if (std::optional<Severity> s = ParseSeverity(sev)) {
    a.severity = *s;
  } else {
    return Status::InvalidArgument("field 'severity' has unknown value '" + a.native_severity +
                                   "'");
  }
  ReadXdrStatusAndMitre(j, a);
  a.first_activity = Time(j, "firstActivityDateTime");
  a.last_activity = Time(j, "lastActivityDateTime");
  a.created = Time(j, "createdDateTime");
  a.updated = Time(j, "lastUpdateDateTime");
  if (a.first_activity == kNoTime && a.created == kNoTime) {
    return Status::InvalidArgument("missing required field 'firstActivityDateTime'");
  }
  if (a.upstream_incident_id.empty()) a.upstream_incident_id = std::string(incident_id);

  EvidenceBuilder(a, SourceProductName(a.source))
      .Build(Member(j, "evidence") ? *Member(j, "evidence") : Json());
  std::string tenant = Str(j, "tenantId");
  if (tenant.empty()) tenant = std::string(incident_tenant);
  std::string subscription;
  for (const Evidence& e : a.evidence) {
    if (auto it = e.entity.properties.find("subscription"); it != e.entity.properties.end()) {
      subscription = it->second;
      break;
    }
  }
  a.tenant = ResolveTenant(ctx, tenant, {subscription});
  out.alerts.push_back(std::move(a));
  return Status::Ok();
}

bool IsIncident(const Json& j) {
  const std::string type = ToLower(Str(j, "@odata.type"));
  if (type.size() >= 17 && type.compare(type.size() - 17, 17, "security.incident") == 0)
    return true;
  return !j.contains("providerAlertId") && j.contains("incidentWebUrl") &&
         (j.contains("redirectIncidentId") || j.contains("alerts"));
}

class GraphAlertsFormat final : public Format {
 public:
  std::string_view name() const override { return "graph-alerts"; }

  bool Matches(const Json& j) const override {
    const std::string type = ToLower(Str(j, "@odata.type"));
    if (type.size() >= 14 && type.compare(type.size() - 14, 14, "security.alert") == 0) return true;
    if (j.contains("providerAlertId") ||
        (j.contains("serviceSource") && j.contains("detectionSource")))
      return true;
    return IsIncident(j);
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    if (!IsIncident(j)) return ParseGraphAlert(j, "", "", ctx, out);
    const Json* alerts = Member(j, "alerts");
    if (alerts == nullptr || !alerts->is_array() || alerts->empty()) {
      ++out.skipped_non_alerts;
      return Status::Ok();
    }
    const std::string tenant = Str(j, "tenantId");
    const std::string incident = Str(j, "id");
    for (size_t i = 0; i < alerts->size(); ++i) {
      Status s = ParseGraphAlert((*alerts)[i], tenant, incident, ctx, out);
      if (!s.ok()) return s.WithContext("alerts[" + std::to_string(i) + "]");
    }
    return Status::Ok();
  }
};

}  // namespace

const Format& GraphSecurityAlertFormat() {
  static const GraphAlertsFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
