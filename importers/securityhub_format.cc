// "securityhub": AWS Security Finding Format (ASFF) findings, as Security Hub returns them
// (GetFindings `Findings[]`, EventBridge `detail.findings[]`, or one finding per document).
// A finding is addressed by (ProductArn, Id); a re-sent finding with a newer UpdatedAt updates
// the stored alert.

#include <cstdlib>

#include "importers/internal/finding_util.h"
#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

constexpr std::string_view kSource = "Security Hub";

template <typename Fn>
void ForEachElement(const Json* j, Fn fn) {
  if (j == nullptr || !j->is_array()) return;
  for (const Json& e : *j) fn(e);
}

// Severity.Label, else the deprecated Severity.Normalized (0 info, 1-39 low, 40-69 medium,
// 70+ high).
void SetSeverity(Alert& a, const Json& j) {
  const Json* sev = Member(j, "Severity");
  if (sev == nullptr) sev = Path(j, {"FindingProviderFields", "Severity"});
  if (sev == nullptr) return;
  const std::string label = Str(*sev, "Label");
  if (std::optional<Severity> s = ParseSeverity(label)) {
    a.severity = *s;
    a.native_severity = label;
    return;
  }
  const std::string normalized = Str(*sev, "Normalized");
  if (normalized.empty()) return;
  const double n = std::strtod(normalized.c_str(), nullptr);
  a.severity = n < 1    ? Severity::kInformational
               : n < 40 ? Severity::kLow
               : n < 70 ? Severity::kMedium
                        : Severity::kHigh;
  a.native_severity = normalized;
}

void SetStatus(Alert& a, const Json& j) {
  std::string workflow = Str(j, {"Workflow", "Status"});
  if (workflow.empty()) workflow = Str(j, "WorkflowState");
  const std::string record = Str(j, "RecordState");
  const std::string w = ToUpper(workflow);
  if (w == "NOTIFIED" || w == "IN_PROGRESS" || w == "ASSIGNED")
    a.status = AlertStatus::kInProgress;
  else if (w == "RESOLVED")
    a.status = AlertStatus::kResolved;
  else if (w == "SUPPRESSED")
    a.status = AlertStatus::kDismissed;
  // An archived record is no longer current at its product.
  if (ToUpper(record) == "ARCHIVED" &&
      (a.status == AlertStatus::kNew || a.status == AlertStatus::kInProgress)) {
    a.status = AlertStatus::kResolved;
  }
  a.native_status =
      workflow.empty() ? record : (record.empty() ? workflow : workflow + "/" + record);
}

// Types are "namespace/category/classifier": "TTPs/Defense Evasion/Stealth:IAMUser-...".
void AddTactics(Alert& a, const Json& j) {
  ForEachElement(Member(j, "Types"), [&](const Json& t) {
    const std::string type = Str(&t);
    const size_t s1 = type.find('/');
    if (s1 == std::string::npos) return;
    const std::string ns = type.substr(0, s1);
    const size_t s2 = type.find('/', s1 + 1);
    const std::string category =
        type.substr(s1 + 1, s2 == std::string::npos ? std::string::npos : s2 - s1 - 1);
    if (ns == "TTPs") {
      if (std::string tactic = TacticName(category); !tactic.empty()) a.tactics.push_back(tactic);
    } else if (ns == "Effects") {
      a.tactics.push_back(category == "Data Exfiltration" ? "Exfiltration" : "Impact");
    }
    if (s2 != std::string::npos) {
      if (std::string tactic = TacticOfGuardDutyType(type.substr(s2 + 1)); !tactic.empty())
        a.tactics.push_back(tactic);
    }
  });
}

// The device key of the first EC2 instance, for processes.
std::string AddResources(Alert& a, const Json& j, const std::string& account) {
  std::string device_key;
  ForEachElement(Member(j, "Resources"), [&](const Json& r) {
    const std::string type = Str(r, "Type");
    const std::string id = Str(r, "Id");
    const std::string region = Str(r, "Region");
    const Json* details = Member(r, "Details");
    if (type == "AwsEc2Instance") {
      std::optional<Entity> device;
      if (NormalizeArn(id)) {
        device = MakeCloudResource(id, Cloud::kAws, type, kSource);
      } else {
        DeviceIds ids;
        ids.aws_instance_id = id;
        ids.aws_account_id = account;
        ids.aws_region = region;
        device = MakeDevice(ids, kSource);
      }
      if (device && device_key.empty()) device_key = device->key;
      AddEvidence(a, std::move(device), EvidenceRole::kImpacted);
      if (const Json* ec2 = details ? Member(*details, "AwsEc2Instance") : nullptr) {
        for (const char* field : {"IpV4Addresses", "IpV6Addresses"}) {
          ForEachElement(Member(*ec2, field), [&](const Json& ip) {
            AddEvidence(a, MakeIp(Str(&ip), kSource), EvidenceRole::kRelated);
          });
        }
      }
      return;
    }
    if (type == "AwsIamAccessKey") {
      const Json* key = details ? Member(*details, "AwsIamAccessKey") : nullptr;
      UserIds ids;
      if (key != nullptr) {
        ids.aws_principal = Str(*key, "PrincipalId");
        ids.account_name = FirstStr(*key, {"PrincipalName", "UserName"});
      }
      AddEvidence(a, MakeUser(ids, kSource), EvidenceRole::kImpacted);
      return;
    }
    if (type == "AwsIamUser" || type == "AwsIamRole") {
      UserIds ids;
      ids.aws_principal = id;
      AddEvidence(a, MakeUser(ids, kSource), EvidenceRole::kImpacted);
      return;
    }
    if (type == "AwsAccount") return;  // the account is the tenant, not an entity
    if (NormalizeArn(id))
      AddEvidence(a, MakeCloudResource(id, Cloud::kAws, type, kSource), EvidenceRole::kImpacted);
  });
  return device_key;
}

void AddContext(Alert& a, const Json& j, const std::string& device_key) {
  if (const Json* net = Member(j, "Network")) {
    for (const char* f : {"SourceIpV4", "SourceIpV6", "DestinationIpV4", "DestinationIpV6"}) {
      AddEvidence(a, MakeIp(Str(*net, f), kSource), EvidenceRole::kRelated);
    }
    for (const char* f : {"SourceDomain", "DestinationDomain"}) {
      AddEvidence(a, MakeDomain(Str(*net, f), kSource), EvidenceRole::kRelated);
    }
  }
  if (const Json* proc = Member(j, "Process")) {
    AddEvidence(
        a, MakeProcess(device_key, Str(*proc, "Pid"), FirstStr(*proc, {"Path", "Name"}), kSource),
        EvidenceRole::kRelated);
  }
  ForEachElement(Member(j, "Malware"), [&](const Json& m) {
    AddEvidence(a, MakeFile("", "", "", Str(m, "Path"), kSource), EvidenceRole::kRelated);
  });
  ForEachElement(Member(j, "ThreatIntelIndicators"), [&](const Json& t) {
    const std::string type = ToUpper(Str(t, "Type"));
    const std::string value = Str(t, "Value");
    std::optional<Entity> e;
    if (type == "IPV4_ADDRESS" || type == "IPV6_ADDRESS")
      e = MakeIp(value, kSource);
    else if (type == "DOMAIN")
      e = MakeDomain(value, kSource);
    else if (type == "URL")
      e = MakeUrl(value, kSource);
    else if (type == "EMAIL_ADDRESS")
      e = MakeMailbox(value, kSource);
    else if (type == "HASH_SHA256")
      e = MakeFile(value, "", "", "", kSource);
    else if (type == "HASH_SHA1")
      e = MakeFile("", value, "", "", kSource);
    else if (type == "HASH_MD5")
      e = MakeFile("", "", value, "", kSource);
    AddEvidence(a, std::move(e), EvidenceRole::kRelated);
  });
  // Findings forwarded from GuardDuty flatten its action into ProductFields.
  if (const Json* pf = Member(j, "ProductFields"); pf != nullptr && pf->is_object()) {
    for (auto it = pf->begin(); it != pf->end(); ++it) {
      const std::string_view k = it->key();
      if (k.size() > 11 && (k.ends_with("/ipAddressV4") || k.ends_with("/ipAddressV6"))) {
        AddEvidence(a, MakeIp(Str(it), kSource), EvidenceRole::kRelated);
      } else if (k == "aws/guardduty/service/count") {
        const long long n = std::strtoll(Str(it).c_str(), nullptr, 10);
        if (n >= 1) a.count = n;
      }
    }
  }
}

class SecurityHubFormat final : public Format {
 public:
  std::string_view name() const override { return "securityhub"; }

  bool Matches(const Json& j) const override {
    return j.contains("ProductArn") && j.contains("AwsAccountId") && j.contains("Id");
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const std::string id(Trim(Str(j, "Id")));
    const std::string product_arn(Trim(Str(j, "ProductArn")));
    if (id.empty()) return Status::InvalidArgument("missing required field 'Id'");
    if (product_arn.empty()) return Status::InvalidArgument("missing required field 'ProductArn'");
    Alert a;
    a.source = SourceProduct::kSecurityHub;
    a.cloud = Cloud::kAws;
    a.provider_id = product_arn + "/" + id;
    const std::string account = Str(j, "AwsAccountId");
    a.tenant = ctx.Tenant("", {account});
    if (a.tenant.empty() && !IsPlaceholder(account)) a.tenant = "aws:" + account;
    a.product_name = FirstStr(j, {"ProductName"});
    a.alert_type = Str(j, "GeneratorId");
    if (const Json* types = Member(j, "Types");
        a.alert_type.empty() && types && types->is_array() && !types->empty()) {
      a.alert_type = Str(&(*types)[0]);
    }
    a.title = Str(j, "Title");
    a.description = Str(j, "Description");
    SetSeverity(a, j);
    SetStatus(a, j);
    a.first_activity = Time(j, "FirstObservedAt");
    a.last_activity = Time(j, "LastObservedAt");
    a.created = Time(j, "CreatedAt");
    a.updated = Time(j, "UpdatedAt");
    AddTactics(a, j);
    const std::string device_key = AddResources(a, j, account);
    AddContext(a, j, device_key);
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }
};

}  // namespace

const Format& SecurityHubFindingFormat() {
  static const SecurityHubFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
