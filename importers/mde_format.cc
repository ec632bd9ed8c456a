// "mde-api": Microsoft Defender for Endpoint alerts API rows (GET /api/alerts, SIEM style): one
// alert with its machine, related user and evidence (an array, or one evidence object per row
// when the alert repeats once per evidence item; repeated rows share the alert key and merge
// downstream). Stateless; thread-safe.

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "importers/internal/mdc_entities.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

class MdeApiFormat final : public Format {
 public:
  std::string_view name() const override { return "mde-api"; }

  bool Matches(const Json& j) const override {
    return j.contains("machineId") &&
           (j.contains("alertCreationTime") || j.contains("computerDnsName"));
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const std::string_view source = SourceProductName(SourceProduct::kDefenderForEndpoint);
    Alert a;
    a.source = SourceProduct::kDefenderForEndpoint;
    a.product_name = "Microsoft Defender for Endpoint";
    a.provider_id = Str(j, "id");
    if (Trim(a.provider_id).empty()) return Status::InvalidArgument("missing required field 'id'");
    a.alert_type = Str(j, "detectorId");
    a.title = Str(j, "title");
    a.description = Str(j, "description");
    a.native_severity = Str(j, "severity");
    if (a.native_severity.empty())
      return Status::InvalidArgument("missing required field 'severity'");
    if (std::optional<Severity> s = ParseSeverity(a.native_severity)) {
      a.severity = *s;
    } else if (ToLower(a.native_severity) == "unspecified") {
      a.severity = Severity::kMedium;
    } else {
      return Status::InvalidArgument("field 'severity' has unknown value '" + a.native_severity +
                                     "'");
    }
    ReadXdrStatusAndMitre(j, a);
    a.first_activity = Time(j, "firstEventTime");
    a.last_activity = Time(j, "lastEventTime");
    a.created = Time(j, "alertCreationTime");
    a.updated = Time(j, "lastUpdateTime");
    if (a.first_activity == kNoTime && a.created == kNoTime) {
      return Status::InvalidArgument("missing required field 'firstEventTime'");
    }

    DeviceIds ids;
    ids.mde_device_id = Str(j, "machineId");
    const std::string dns = Str(j, "computerDnsName");
    ids.hostname = dns;
    if (dns.find('.') != std::string::npos) ids.fqdn = dns;
    std::string device;
    if (std::optional<Entity> d = MakeDevice(ids, source)) {
      device = d->key;
      a.evidence.push_back(Evidence{std::move(*d), EvidenceRole::kImpacted});
    }
    if (const Json* user = Member(j, "relatedUser"); user != nullptr && user->is_object()) {
      UserIds u;
      u.account_name = Str(*user, "userName");
      u.domain = Str(*user, "domainName");
      if (std::optional<Entity> e = MakeMsUser(u, source))
        a.evidence.push_back(Evidence{std::move(*e), EvidenceRole::kRelated});
    }
    if (const Json* evidence = Member(j, "evidence")) {
      if (evidence->is_array()) {
        for (const Json& ev : *evidence) AddEvidence(ev, device, source, a);
      } else {
        AddEvidence(*evidence, device, source, a);
      }
    }
    a.tenant = ResolveTenant(ctx, Str(j, "aadTenantId"));
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }

 private:
  static void AddEvidence(const Json& ev, const std::string& device, std::string_view source,
                          Alert& a) {
    if (!ev.is_object()) return;
    const std::string type = ToLower(Str(ev, "entityType"));
    auto add = [&](std::optional<Entity> e) -> std::string {
      if (!e) return "";
      std::string key = e->key;
      a.evidence.push_back(Evidence{std::move(*e), EvidenceRole::kRelated});
      return key;
    };
    auto relate = [&](const std::string& from, const std::string& to, std::string_view rel) {
      if (!from.empty() && !to.empty())
        a.relations.push_back(Relation{"", from, to, std::string(rel), kNoTime, {}});
    };
    const std::string path = JoinPath(Str(ev, "filePath"), Str(ev, "fileName"));
    if (type == "file" || type == "process") {
      std::optional<Entity> f =
          MakeFile(Str(ev, "sha256"), Str(ev, "sha1"), "", Str(ev, "fileName"), source);
      if (f && !Str(ev, "filePath").empty()) f->properties.emplace("path", path);
      add(std::move(f));
    }
    if (type == "process") {
      const std::string image = path.empty() ? Str(ev, "processCommandLine") : path;
      relate(add(MakeProcess(device, Str(ev, "processId"), image, source)), device, "runs_on");
    }
    if (type == "user" || !Str(ev, "userSid").empty() || !Str(ev, "aadUserId").empty()) {
      UserIds u;
      u.sid = Str(ev, "userSid");
      u.aad_object_id = Str(ev, "aadUserId");
      u.upn = Str(ev, "userPrincipalName");
      u.account_name = Str(ev, "accountName");
      u.domain = Str(ev, "domainName");
      add(MakeMsUser(u, source));
    }
    if (type == "ip" || !Str(ev, "ipAddress").empty()) add(MakeIp(Str(ev, "ipAddress"), source));
    if (type == "url" || !Str(ev, "url").empty()) add(MakeUrl(Str(ev, "url"), source));
    if (type == "registry" || type == "registrykey" || type == "registryvalue") {
      add(MakeRegistry(FirstStr(ev, {"registryKey"}), Str(ev, "registryValueName"), source));
    }
  }
};

}  // namespace

const Format& MdeAlertsApiFormat() {
  static const MdeApiFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
