// "xdr-streaming": Microsoft Defender XDR streaming API events (Event Hub / storage export):
// {time, tenantId, category:"AdvancedHunting-<Table>", properties:{...}}. AlertInfo rows and
// AlertEvidence rows each yield a partial alert keyed by AlertId, so an alert's title row and
// its evidence rows merge into one alert downstream; events of the other hunting tables are
// non-alert records. Stateless; thread-safe.

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "importers/internal/mdc_entities.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

// ServiceSource spellings vary ("Microsoft Defender for Office 365",
// "MicrosoftDefenderforOffice365").
SourceProduct ServiceProduct(std::string_view service) {
  std::string s;
  for (char c : ToLower(service)) {
    if (c != ' ') s += c;
  }
  if (s == "microsoftdefenderforendpoint") return SourceProduct::kDefenderForEndpoint;
  if (s == "microsoftdefenderforidentity") return SourceProduct::kDefenderForIdentity;
  if (s == "microsoftdefenderforoffice365") return SourceProduct::kDefenderForOffice365;
  if (s == "microsoftdefenderforcloudapps") return SourceProduct::kDefenderForCloudApps;
  if (s == "aadidentityprotection" || s == "microsoftentraidprotection")
    return SourceProduct::kEntraIdProtection;
  // Defender for Cloud alerts appear here under XDR's own AlertId (no systemAlertId), so they
  // stay in the XDR id space.
  return SourceProduct::kDefenderXdr;
}

class XdrStreaming final : public Format {
 public:
  std::string_view name() const override { return "xdr-streaming"; }

  bool Matches(const Json& j) const override {
    const Json* props = Member(j, "properties");
    return props != nullptr && props->is_object() &&
           Str(j, "category").rfind("AdvancedHunting-", 0) == 0;
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const std::string category = Str(j, "category");
    if (category != "AdvancedHunting-AlertInfo" && category != "AdvancedHunting-AlertEvidence") {
      ++out.skipped_non_alerts;  // DeviceEvents, EmailEvents, ... of the same stream
      return Status::Ok();
    }
    // Detection checks this too, but --format xdr-streaming skips detection.
    const Json* properties = Member(j, "properties");
    if (properties == nullptr || !properties->is_object())
      return Status::InvalidArgument("missing required object 'properties'");
    const Json& p = *properties;
    Alert a;
    a.provider_id = Str(p, "AlertId");
    if (Trim(a.provider_id).empty())
      return Status::InvalidArgument("missing required field 'properties.AlertId'");
    a.product_name = Str(p, "ServiceSource");
    a.source = ServiceProduct(a.product_name);
    a.title = Str(p, "Title");
    a.native_severity = Str(p, "Severity");
    if (!a.native_severity.empty()) {
      std::optional<Severity> s = ParseSeverity(a.native_severity);
      if (!s)
        return Status::InvalidArgument("field 'properties.Severity' has unknown value '" +
                                       a.native_severity + "'");
      a.severity = *s;
    }
    a.first_activity = Time(p, "Timestamp");
    if (a.first_activity == kNoTime) a.first_activity = Time(j, "time");
    if (a.first_activity == kNoTime)
      return Status::InvalidArgument("missing required field 'properties.Timestamp'");
    AddTactics(StringListCi(p, "Category"), a.tactics);
    AddTactics(StringListCi(p, "Categories"), a.tactics);
    a.techniques = ExtractTechniqueIds(Str(p, "AttackTechniques"));
    if (category == "AdvancedHunting-AlertEvidence") AddEvidence(p, a);
    a.tenant =
        ResolveTenant(ctx, FirstStr(j, {"tenantId", "TenantId"}), {Str(p, "SubscriptionId")});
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }

 private:
  static std::string Add(std::optional<Entity> e, EvidenceRole role, Alert& a) {
    if (!e) return "";
    std::string key = e->key;
    a.evidence.push_back(Evidence{std::move(*e), role});
    return key;
  }

  // The first inline "host" object of an AdditionalFields entity graph (the entity itself for
  // Machine rows, ImageFile.Host for processes, Host for users), skipping "$ref" stubs.
  static const Json* FindHost(const Json& j, int depth) {
    if (depth > 6) return nullptr;
    if (j.is_object()) {
      if (ToLower(Str(j, "Type")) == "host" && j.find("$ref") == j.end()) return &j;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it->is_structured()) continue;
        if (const Json* h = FindHost(*it, depth + 1)) return h;
      }
    } else if (j.is_array()) {
      for (const Json& v : j) {
        if (const Json* h = FindHost(v, depth + 1)) return h;
      }
    }
    return nullptr;
  }

  // The row's own entity (EntityType, with EvidenceRole) plus the context its columns name.
  static void AddEvidence(const Json& p, Alert& a) {
    const std::string_view source = SourceProductName(a.source);
    const std::string type = ToLower(Str(p, "EntityType"));
    const EvidenceRole role =
        ParseEvidenceRole(Str(p, "EvidenceRole")).value_or(EvidenceRole::kRelated);
    JsonDocument embedded_extra;
    const Json& extra = MaybeEmbeddedJson(p, "AdditionalFields", embedded_extra);
    auto role_for = [&](std::initializer_list<std::string_view> types) {
      for (std::string_view t : types) {
        if (type == t) return role;
      }
      return EvidenceRole::kRelated;
    };

    // The device: the row's DeviceId/DeviceName, else the host in AdditionalFields.
    DeviceIds ids;
    ids.mde_device_id = Str(p, "DeviceId");
    std::string name = Str(p, "DeviceName");
    const Json* host = FindHost(extra, 0);
    if (host != nullptr) {
      if (ids.mde_device_id.empty()) ids.mde_device_id = Str(*host, "MachineId");
      if (ids.mde_device_id.empty()) {
        const Json* metadata = Path(*host, {"Metadata"});
        JsonDocument embedded_info;
        const Json& info = MaybeEmbeddedJson(metadata != nullptr ? *metadata : Json(),
                                             "MachineEnrichmentInfo", embedded_info);
        if (info.is_object()) ids.mde_device_id = Str(info, "MachineId");
      }
      if (name.empty()) {
        name = Str(*host, "HostName");
        const std::string dns = Str(*host, "DnsDomain");
        if (!name.empty() && !dns.empty() && name.find('.') == std::string::npos) name += "." + dns;
      }
    }
    ids.hostname = name;
    const std::string device = Add(MakeDevice(ids, source), role_for({"machine"}), a);

    UserIds user;
    user.aad_object_id = Str(p, "AccountObjectId");
    user.sid = Str(p, "AccountSid");
    user.upn = Str(p, "AccountUpn");
    user.account_name = Str(p, "AccountName");
    user.domain = Str(p, "AccountDomain");
    const std::string user_key = Add(MakeMsUser(user, source), role_for({"user"}), a);
    if (type == "user" && !user_key.empty() && !device.empty()) {
      a.relations.push_back(Relation{"", user_key, device, "logged_on", kNoTime, {}});
    }

    const std::string path = JoinPath(Str(p, "FolderPath"), Str(p, "FileName"));
    std::optional<Entity> file =
        MakeFile(Str(p, "SHA256"), Str(p, "SHA1"), "", Str(p, "FileName"), source);
    if (file && !Str(p, "FolderPath").empty()) file->properties.emplace("path", path);
    Add(std::move(file), role_for({"file"}), a);
    if (type == "process") {
      const std::string pid = extra.is_object() ? Str(extra, "ProcessId") : "";
      const std::string image = path.empty() ? Str(p, "ProcessCommandLine") : path;
      const std::string process = Add(MakeProcess(device, pid, image, source), role, a);
      if (!process.empty() && !device.empty()) {
        a.relations.push_back(Relation{"", process, device, "runs_on", kNoTime, {}});
      }
    }
    Add(MakeIp(Str(p, "RemoteIP"), source), role_for({"ip"}), a);
    Add(MakeUrl(Str(p, "RemoteUrl"), source), role_for({"url"}), a);
    Add(MakeMailMessage(Str(p, "NetworkMessageId"), source), role_for({"mailmessage"}), a);
    if (type == "mailbox") {
      std::string address = extra.is_object() ? Str(extra, "MailboxPrimaryAddress") : "";
      if (address.empty()) address = Str(p, "AccountUpn");
      Add(MakeMailbox(address, source), role, a);
    }
    if (type == "cloudapplication" || type == "oauthapplication") {
      Add(MakeCloudApp(FirstStr(p, {"OAuthApplicationId", "ApplicationId"}), Str(p, "Application"),
                       source),
          role, a);
    }
    Add(MakeRegistry(Str(p, "RegistryKey"), Str(p, "RegistryValueName"), source),
        role_for({"registrykey", "registryvalue"}), a);
    if (type == "malware") Add(MakeGeneric("malware", Str(p, "ThreatFamily"), source), role, a);
    Add(MakeMsResource(FirstStr(p, {"ResourceID", "ResourceId"}), Str(p, "ResourceType"), source),
        role_for({"azureresource", "amazonresource", "googlecloudresource", "cloudresource"}), a);
  }
};

}  // namespace

const Format& XdrStreamingFormat() {
  static const XdrStreaming kFormat;
  return kFormat;
}

}  // namespace weft::importers
