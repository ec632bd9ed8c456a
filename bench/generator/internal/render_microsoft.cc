// Defender for Cloud REST alerts, Sentinel SecurityAlert rows and Graph security alerts_v2.

#include "bench/generator/internal/render.h"

namespace weft::generator::internal {
namespace {

constexpr std::string_view kLocation = "westeurope";

// ARM ids come back in inconsistent case (real MDC lists mix "/SUBSCRIPTIONS/.../RESOURCEGROUPS/"
// with the canonical spelling); about a third of the records upper-case those segments.
std::string ArmSpelling(std::string id, std::uint64_t serial) {
  if (serial % 3 != 0) return id;
  for (std::string_view seg : {"/subscriptions/", "/resourceGroups/"}) {
    const std::size_t p = id.find(seg);
    if (p == std::string::npos) continue;
    for (std::size_t i = p; i < p + seg.size(); ++i)
      id[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(id[i])));
  }
  return id;
}

std::string ShortDomain(const Tenant& t) {
  std::string d = t.name();
  for (char& c : d) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return d;
}

// The ARM id of the alert's main (impacted) resource and its display name.
std::pair<std::string, std::string> MainResource(const GeneratedAlert& g, const Tenant& t) {
  for (std::uint64_t ref : g.entity_refs) {
    const std::uint64_t i = RefIndex(ref);
    if (RefSlot(ref) == Slot::kAzureVm) {
      AzureVmIds vm = t.AzureVm(i);
      return {vm.arm_id, vm.name};
    }
    if (RefSlot(ref) == Slot::kAzureStorage) {
      std::string id = t.AzureStorage(i);
      return {id, id.substr(id.rfind('/') + 1)};
    }
  }
  return {"/subscriptions/" + t.subscription(), t.subscription()};
}

std::string_view Component(const GeneratedAlert& g) {
  return HasSlot(g, Slot::kAzureStorage) ? "Storage" : "Servers";
}

// Sentinel entity-model objects; `pascal` selects the SecurityAlert spelling (HostName, ...)
// over the REST spelling (hostName, ...).
Json MdcEntities(const GeneratedAlert& g, const Tenant& t, bool pascal) {
  auto k = [pascal](std::string_view camel) {
    std::string s(camel);
    if (pascal && !s.empty() && s[0] != '$')
      s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
  };
  Json out = Json::array();
  int next_id = 1;
  for (std::uint64_t ref : g.entity_refs) {
    const Slot slot = RefSlot(ref);
    const std::uint64_t i = RefIndex(ref);
    Json e = Json::object();
    e["$id"] = std::to_string(next_id++);
    switch (slot) {
      case Slot::kAzureVm: {
        const AzureVmIds vm = t.AzureVm(i);
        e[k("hostName")] = vm.name;
        e[k("azureID")] = ArmSpelling(vm.arm_id, g.serial);
        e[k("osFamily")] = "Linux";
        e[k("type")] = "host";
        break;
      }
      case Slot::kUser:
      case Slot::kHubServiceAccount: {
        const UserIds2 u = UserOf(ref, t);
        e[k("name")] = u.name;
        e[pascal ? "UPNSuffix" : "upnSuffix"] = t.domain();
        e[k("aadUserId")] = u.object_id;
        e[k("type")] = "account";
        break;
      }
      case Slot::kAttackerIp:
      case Slot::kC2Ip:
      case Slot::kHubNatIp:
      case Slot::kHubScannerIp:
        e[k("address")] = IpOf(ref, t);
        e[k("type")] = "ip";
        break;
      case Slot::kMalware:
      case Slot::kHubCommonFile: {
        const FileIds f = FileOf(ref, t);
        Json hash = Json::object();
        hash["$id"] = std::to_string(next_id++);
        hash[k("algorithm")] = "SHA256";
        hash[k("value")] = f.sha256;
        hash[k("type")] = "filehash";
        e[k("name")] = f.name;
        e[k("directory")] = f.path;
        e[k("fileHashes")] = Json::array({Json{{"$ref", hash["$id"]}}});
        e[k("type")] = "file";
        out.push_back(std::move(hash));
        break;
      }
      case Slot::kAzureStorage:
        e[k("resourceId")] = ArmSpelling(t.AzureStorage(i), g.serial);
        e[k("type")] = "azure-resource";
        break;
      default: continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string GraphServiceSource(Channel c) {
  switch (c) {
    case Channel::kGraphMde: return "microsoftDefenderForEndpoint";
    case Channel::kGraphMdo: return "microsoftDefenderForOffice365";
    case Channel::kGraphEntra: return "azureAdIdentityProtection";
    default: return "unknown";
  }
}

std::string GraphDetectionSource(Channel c) {
  switch (c) {
    case Channel::kGraphMde: return "microsoftDefenderForEndpoint";
    case Channel::kGraphMdo: return "microsoftDefenderForOffice365";
    case Channel::kGraphEntra: return "azureAdIdentityProtection";
    default: return "unknown";
  }
}

Json GraphEvidenceBase(const GeneratedAlert& g, std::string_view type, std::uint64_t ref) {
  Json e = Json::object();
  e["@odata.type"] = "#microsoft.graph.security." + std::string(type);
  e["createdDateTime"] = Iso(g.alert.created);
  e["verdict"] = RefRole(ref) == EvidenceRole::kImpacted ? "suspicious" : "unknown";
  e["remediationStatus"] = "none";
  e["remediationStatusDetails"] = nullptr;
  e["roles"] =
      RefRole(ref) == EvidenceRole::kImpacted ? Json::array({"compromised"}) : Json::array();
  e["detailedRoles"] = Json::array();
  e["tags"] = Json::array();
  return e;
}

}  // namespace

Json RenderMdcRest(const GeneratedAlert& g, const Tenant& t) {
  const Alert& a = g.alert;
  const auto [resource, resource_name] = MainResource(g, t);
  Json p = Json::object();
  p["version"] = "2022-01-01.0";
  p["alertType"] = a.alert_type;
  p["systemAlertId"] = a.provider_id;
  p["productComponentName"] = Component(g);
  p["alertDisplayName"] = a.title;
  p["description"] = a.title + " on " + resource_name + ".";
  p["severity"] = a.native_severity;
  p["intent"] = a.tactics.empty() ? "Unknown" : a.tactics.front();
  p["startTimeUtc"] = Iso(a.first_activity);
  p["endTimeUtc"] = Iso(a.last_activity);
  p["resourceIdentifiers"] = Json::array({Json{{"$id", std::string(kLocation) + "_1"},
                                               {"azureResourceId", ArmSpelling(resource, g.serial)},
                                               {"type", "AzureResource"},
                                               {"azureResourceTenantId", a.tenant}}});
  p["remediationSteps"] =
      Json::array({"Review the activity and isolate " + resource_name + " if it is unexpected."});
  p["vendorName"] = "Microsoft";
  p["status"] = "Active";
  p["extendedLinks"] = Json::array();
  p["alertUri"] = "https://portal.azure.com/#blade/Microsoft_Azure_Security/AlertBlade/alertId/" +
                  a.provider_id + "/subscriptionId/" + t.subscription() +
                  "/referencedFrom/alertDeepLink/location/" + std::string(kLocation);
  p["timeGeneratedUtc"] = Iso(a.created);
  p["productName"] = "Microsoft Defender for Cloud";
  p["processingEndTimeUtc"] = Iso(a.updated);
  p["entities"] = MdcEntities(g, t, false);
  p["isIncident"] = false;
  p["correlationKey"] = HexId(16, 0x636b, g.serial);
  p["extendedProperties"] =
      Json{{"resourceType", Component(g) == "Storage" ? "Storage" : "Virtual Machine"}};
  p["compromisedEntity"] = resource_name;
  p["techniques"] = a.techniques;
  Json j = Json::object();
  j["id"] = "/subscriptions/" + t.subscription() +
            "/resourceGroups/rg-security/providers/Microsoft.Security/locations/" +
            std::string(kLocation) + "/alerts/" + a.provider_id;
  j["name"] = a.provider_id;
  j["type"] = "Microsoft.Security/Locations/alerts";
  j["properties"] = std::move(p);
  return j;
}

Json RenderSentinel(const GeneratedAlert& g, const Tenant& t) {
  const Alert& a = g.alert;
  const auto [resource, resource_name] = MainResource(g, t);
  Json j = Json::object();
  j["TenantId"] = a.tenant;
  j["TimeGenerated"] = Iso(a.updated);
  j["DisplayName"] = a.title;
  j["AlertName"] = a.title;
  j["AlertSeverity"] = a.native_severity;
  j["Description"] = a.title + " on " + resource_name + ".";
  j["ProviderName"] = "Azure Security Center";
  j["VendorName"] = "Microsoft";
  j["VendorOriginalId"] = "";  // "unused" by the legacy subscription-based connector
  j["SystemAlertId"] = a.provider_id;
  j["ResourceId"] = ArmSpelling(resource, g.serial);
  j["SourceComputerId"] = "";
  j["AlertType"] = a.alert_type;
  j["ConfidenceLevel"] = "";
  j["ConfidenceScore"] = nullptr;
  j["IsIncident"] = false;
  j["StartTime"] = Iso(a.first_activity);
  j["EndTime"] = Iso(a.last_activity);
  j["ProcessingEndTime"] = Iso(a.updated);
  j["RemediationSteps"] =
      Json::array({"Review the activity and isolate " + resource_name + "."}).dump();
  j["ExtendedProperties"] =
      Json{{"resourceType", Component(g) == "Storage" ? "Storage" : "Virtual Machine"}}.dump();
  j["Entities"] = MdcEntities(g, t, true).dump();
  j["SourceSystem"] = "Detection";
  j["WorkspaceSubscriptionId"] = t.subscription();
  j["WorkspaceResourceGroup"] = "rg-security";
  j["ExtendedLinks"] = "";
  j["ProductName"] = "Azure Security Center";
  j["ProductComponentName"] = Component(g);
  j["AlertLink"] = "https://portal.azure.com/#blade/Microsoft_Azure_Security/AlertBlade/alertId/" +
                   a.provider_id;
  j["Status"] = "New";
  j["CompromisedEntity"] = resource_name;
  j["Tactics"] = a.tactics.empty() ? "" : a.tactics.front();
  j["Techniques"] = Json(a.techniques).dump();
  j["SubTechniques"] = "";
  j["Type"] = "SecurityAlert";
  return j;
}

Json RenderGraph(const GeneratedAlert& g, const Tenant& t) {
  const Alert& a = g.alert;
  std::string mde_id;
  for (std::uint64_t ref : g.entity_refs) {
    if (RefSlot(ref) == Slot::kAzureVm) mde_id = t.AzureVm(RefIndex(ref)).mde_id;
  }
  Json evidence = Json::array();
  for (std::uint64_t ref : g.entity_refs) {
    const Slot slot = RefSlot(ref);
    const std::uint64_t i = RefIndex(ref);
    Json e;
    switch (slot) {
      case Slot::kAzureVm: {
        const AzureVmIds vm = t.AzureVm(i);
        e = GraphEvidenceBase(g, "deviceEvidence", ref);
        e["firstSeenDateTime"] = Iso(a.first_activity - 90 * kMillisPerDay);
        e["mdeDeviceId"] = vm.mde_id;
        e["azureAdDeviceId"] = nullptr;
        e["deviceDnsName"] = vm.fqdn;
        e["osPlatform"] = "Linux";
        e["healthStatus"] = "active";
        e["riskScore"] = "medium";
        e["rbacGroupName"] = "Servers";
        e["onboardingStatus"] = "onboarded";
        e["defenderAvStatus"] = "updated";
        e["ipInterfaces"] = Json::array();
        e["loggedOnUsers"] = Json::array();
        e["vmMetadata"] = Json{{"vmId", vm.vm_id},
                               {"cloudProvider", "azure"},
                               {"resourceId", vm.arm_id},
                               {"subscriptionId", t.subscription()}};
        break;
      }
      case Slot::kUser:
      case Slot::kHubServiceAccount: {
        const UserIds2 u = UserOf(ref, t);
        e = GraphEvidenceBase(g, "userEvidence", ref);
        e["userAccount"] = Json{{"accountName", u.name},      {"domainName", ShortDomain(t)},
                                {"userSid", u.sid},           {"azureAdUserId", u.object_id},
                                {"userPrincipalName", u.upn}, {"displayName", u.name}};
        break;
      }
      case Slot::kMailbox: {
        const UserIds2 u = t.User(i);
        e = GraphEvidenceBase(g, "mailboxEvidence", ref);
        e["primaryAddress"] = u.upn;
        e["displayName"] = u.name;
        break;
      }
      case Slot::kMail: {
        e = GraphEvidenceBase(g, "analyzedMessageEvidence", ref);
        e["networkMessageId"] = Guid(0x6d61696c, static_cast<std::uint64_t>(t.index()), i);
        std::string message_id = HexId(8, 0x696d, static_cast<std::uint64_t>(t.index()), i);
        message_id.insert(0, 1, '<');
        e["internetMessageId"] = message_id + "@mail.example.net>";
        e["subject"] = "Action required: password expiry";
        e["deliveryAction"] = "delivered";
        e["deliveryLocation"] = "inbox";
        e["receivedDateTime"] = Iso(a.first_activity);
        std::string recipient;
        for (std::uint64_t r : g.entity_refs) {
          if (RefSlot(r) == Slot::kMailbox) recipient = t.User(RefIndex(r)).upn;
        }
        e["recipientEmailAddress"] = recipient;
        std::vector<std::string> urls;
        for (std::uint64_t r : RefsOf(g, {Slot::kPhishUrl})) {
          urls.push_back("https://login-" +
                         HexId(4, 0x75726c, static_cast<std::uint64_t>(t.index()), RefIndex(r)) +
                         ".example.net/" + t.name() + "/signin");
        }
        e["urls"] = urls;
        e["urlCount"] = urls.size();
        break;
      }
      case Slot::kPhishUrl:
        e = GraphEvidenceBase(g, "urlEvidence", ref);
        e["url"] = "https://login-" + HexId(4, 0x75726c, static_cast<std::uint64_t>(t.index()), i) +
                   ".example.net/" + t.name() + "/signin";
        break;
      case Slot::kAttackerIp:
      case Slot::kC2Ip:
      case Slot::kHubNatIp:
      case Slot::kHubScannerIp:
        e = GraphEvidenceBase(g, "ipEvidence", ref);
        e["ipAddress"] = IpOf(ref, t);
        e["countryLetterCode"] = slot == Slot::kHubNatIp ? "US" : "NL";
        break;
      case Slot::kMalware:
      case Slot::kHubCommonFile: {
        const FileIds f = FileOf(ref, t);
        e = GraphEvidenceBase(g, "fileEvidence", ref);
        e["detectionStatus"] = "detected";
        e["mdeDeviceId"] = mde_id.empty() ? Json(nullptr) : Json(mde_id);
        e["fileDetails"] =
            Json{{"sha1", f.sha1},     {"sha256", f.sha256}, {"fileName", f.name},
                 {"filePath", f.path}, {"fileSize", 482304}, {"filePublisher", nullptr},
                 {"signer", nullptr},  {"issuer", nullptr}};
        break;
      }
      case Slot::kAzureStorage: {
        const std::string id = t.AzureStorage(i);
        e = GraphEvidenceBase(g, "azureResourceEvidence", ref);
        e["resourceId"] = id;
        e["resourceName"] = id.substr(id.rfind('/') + 1);
        e["resourceType"] = "Microsoft.Storage/storageAccounts";
        break;
      }
      default: continue;
    }
    evidence.push_back(std::move(e));
  }
  const std::string incident = UpstreamIncidentId(t, g.channel, g.serial);
  Json j = Json::object();
  j["@odata.type"] = "#microsoft.graph.security.alert";
  j["id"] = a.provider_id;
  j["providerAlertId"] = a.provider_id;
  j["incidentId"] = incident;
  j["status"] = "new";
  j["severity"] = a.native_severity;
  j["classification"] = nullptr;
  j["determination"] = nullptr;
  j["serviceSource"] = GraphServiceSource(g.channel);
  j["detectionSource"] = GraphDetectionSource(g.channel);
  j["detectorId"] = a.alert_type;
  j["tenantId"] = a.tenant;
  j["title"] = a.title;
  j["description"] = a.title + ".";
  j["recommendedActions"] = "Investigate the evidence and contain the affected assets.";
  j["category"] = a.tactics.empty() ? "" : a.tactics.front();
  j["assignedTo"] = nullptr;
  j["alertWebUrl"] = "https://security.microsoft.com/alerts/" + a.provider_id + "?tid=" + a.tenant;
  j["incidentWebUrl"] = "https://security.microsoft.com/incidents/" + incident + "?tid=" + a.tenant;
  j["actorDisplayName"] = nullptr;
  j["threatDisplayName"] = nullptr;
  j["threatFamilyName"] = nullptr;
  j["mitreTechniques"] = a.techniques;
  j["createdDateTime"] = Iso(a.created);
  j["lastUpdateDateTime"] = Iso(a.updated);
  j["resolvedDateTime"] = nullptr;
  j["firstActivityDateTime"] = Iso(a.first_activity);
  j["lastActivityDateTime"] = Iso(a.last_activity);
  j["comments"] = Json::array();
  j["evidence"] = std::move(evidence);
  j["systemTags"] = Json::array();
  return j;
}

}  // namespace weft::generator::internal
