// "guardduty": Amazon GuardDuty findings, camelCase (API, EventBridge `detail`, exports) or
// PascalCase (SDK dumps). One finding is one alert; GuardDuty folds repeated activity into the
// same finding id, so a re-sent finding with a newer updatedAt updates the stored alert.

#include <cstdlib>

#include "importers/internal/finding_util.h"
#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

constexpr std::string_view kSource = "GuardDuty";

// Calls `fn` for each element of an array member (or the member itself when it is an object).
template <typename Fn>
void ForEach(const Json* j, Fn fn) {
  if (j == nullptr) return;
  if (j->is_array()) {
    for (const Json& e : *j) fn(e);
  } else if (j->is_object()) {
    fn(*j);
  }
}

void AddRemoteIp(Alert& a, const Json* details) {
  if (details == nullptr) return;
  AddEvidence(a, MakeIp(CStr(*details, "ipAddressV4"), kSource), EvidenceRole::kRelated);
  AddEvidence(a, MakeIp(CStr(*details, "ipAddressV6"), kSource), EvidenceRole::kRelated);
}

// An AWS resource ARN, or one built from its parts when the finding only names it (or gives
// something that is not an ARN, as sample findings do).
std::optional<Entity> AwsResource(std::string arn, std::string_view service,
                                  std::string_view region, std::string_view account,
                                  std::string_view kind, std::string_view name,
                                  std::string_view type) {
  if (!NormalizeArn(arn)) arn.clear();
  if (arn.empty() && !IsPlaceholder(name)) {
    arn = "arn:aws:" + std::string(service) + ":" + std::string(region) + ":" +
          std::string(account) + ":" + std::string(kind) + "/" + std::string(name);
  }
  return MakeCloudResource(arn, Cloud::kAws, type, kSource);
}

void AddResourceEntities(Alert& a, const Json& resource, const std::string& account,
                         const std::string& region) {
  const EvidenceRole impacted = EvidenceRole::kImpacted;
  if (const Json* inst = CMember(resource, "instanceDetails")) {
    DeviceIds ids;
    ids.aws_instance_id = CStr(*inst, "instanceId");
    ids.aws_account_id = account;
    ids.aws_region = region;
    AddEvidence(a, MakeDevice(ids, kSource), impacted);
    ForEach(CMember(*inst, "networkInterfaces"), [&](const Json& nic) {
      AddEvidence(a, MakeIp(CStr(nic, "privateIpAddress"), kSource), EvidenceRole::kRelated);
      ForEach(CMember(nic, "privateIpAddresses"), [&](const Json& p) {
        AddEvidence(a, MakeIp(CStr(p, "privateIpAddress"), kSource), EvidenceRole::kRelated);
      });
      AddEvidence(a, MakeIp(CStr(nic, "publicIp"), kSource), EvidenceRole::kRelated);
      ForEach(CMember(nic, "ipv6Addresses"), [&](const Json& v6) {
        AddEvidence(a, MakeIp(Str(&v6), kSource), EvidenceRole::kRelated);
      });
    });
  }
  if (const Json* key = CMember(resource, "accessKeyDetails")) {
    UserIds ids;
    ids.aws_principal = CStr(*key, "principalId");
    ids.account_name = CStr(*key, "userName");
    if (IsPlaceholder(ids.aws_principal)) ids.aws_principal.clear();
    AddEvidence(a, MakeUser(ids, kSource), impacted);
  }
  ForEach(CMember(resource, "s3BucketDetails"), [&](const Json& b) {
    std::string arn = CStr(b, "arn");
    if (!NormalizeArn(arn)) arn.clear();
    if (const std::string name = CStr(b, "name"); arn.empty() && !IsPlaceholder(name))
      arn = "arn:aws:s3:::" + name;
    AddEvidence(a, MakeCloudResource(arn, Cloud::kAws, "AWS::S3::Bucket", kSource), impacted);
  });
  if (const Json* eks = CMember(resource, "eksClusterDetails")) {
    AddEvidence(a,
                AwsResource(CStr(*eks, "arn"), "eks", region, account, "cluster",
                            CStr(*eks, "name"), "AWS::EKS::Cluster"),
                impacted);
  }
  if (const Json* ecs = CMember(resource, "ecsClusterDetails")) {
    AddEvidence(a,
                AwsResource(CStr(*ecs, "arn"), "ecs", region, account, "cluster",
                            CStr(*ecs, "name"), "AWS::ECS::Cluster"),
                impacted);
    if (const Json* task = CMember(*ecs, "taskDetails")) {
      AddEvidence(a, MakeCloudResource(CStr(*task, "arn"), Cloud::kAws, "AWS::ECS::Task", kSource),
                  EvidenceRole::kRelated);
    }
  }
  if (const Json* rds = CMember(resource, "rdsDbInstanceDetails")) {
    AddEvidence(a,
                MakeCloudResource(CStr(*rds, "dbInstanceArn"), Cloud::kAws, "AWS::RDS::DBInstance",
                                  kSource),
                impacted);
  }
  if (const Json* fn = CMember(resource, "lambdaDetails")) {
    AddEvidence(
        a,
        MakeCloudResource(CStr(*fn, "functionArn"), Cloud::kAws, "AWS::Lambda::Function", kSource),
        impacted);
  }
}

void AddActionEntities(Alert& a, const Json& action) {
  if (const Json* call = CMember(action, "awsApiCallAction")) {
    AddRemoteIp(a, CMember(*call, "remoteIpDetails"));
    AddEvidence(a, MakeDomain(CStr(*call, {"domainDetails", "domain"}), kSource),
                EvidenceRole::kRelated);
  }
  if (const Json* conn = CMember(action, "networkConnectionAction")) {
    AddRemoteIp(a, CMember(*conn, "remoteIpDetails"));
  }
  if (const Json* probe = CMember(action, "portProbeAction")) {
    ForEach(CMember(*probe, "portProbeDetails"),
            [&](const Json& d) { AddRemoteIp(a, CMember(d, "remoteIpDetails")); });
  }
  if (const Json* k8s = CMember(action, "kubernetesApiCallAction")) {
    AddRemoteIp(a, CMember(*k8s, "remoteIpDetails"));
    ForEach(CMember(*k8s, "sourceIps"), [&](const Json& ip) {
      AddEvidence(a, MakeIp(Str(&ip), kSource), EvidenceRole::kRelated);
    });
  }
  if (const Json* dns = CMember(action, "dnsRequestAction")) {
    AddEvidence(a, MakeDomain(CStr(*dns, "domain"), kSource), EvidenceRole::kRelated);
  }
  if (const Json* rds = CMember(action, "rdsLoginAttemptAction")) {
    AddRemoteIp(a, CMember(*rds, "remoteIpDetails"));
  }
}

// A number from a JSON number or a numeric string; nullopt otherwise.
std::optional<double> Number(const Json* j) {
  if (j == nullptr) return std::nullopt;
  if (j->is_number()) return j->get<double>();
  if (!j->is_string()) return std::nullopt;
  const std::string s = j->get<std::string>();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end == s.c_str() || *end != '\0') return std::nullopt;
  return v;
}

class GuardDutyFormat final : public Format {
 public:
  std::string_view name() const override { return "guardduty"; }

  bool Matches(const Json& j) const override {
    const Json* resource = CMember(j, "resource");
    return CMember(j, "accountId") != nullptr && CMember(j, "type") != nullptr &&
           CMember(j, "id") != nullptr && resource != nullptr && resource->is_object() &&
           (CMember(j, "schemaVersion") != nullptr || CMember(j, "service") != nullptr ||
            CMember(j, "arn") != nullptr);
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    Alert a;
    a.source = SourceProduct::kGuardDuty;
    a.product_name = std::string(kSource);
    a.cloud = Cloud::kAws;
    a.provider_id = std::string(Trim(CStr(j, "id")));
    if (a.provider_id.empty()) return Status::InvalidArgument("missing required field 'id'");
    const std::string account = CStr(j, "accountId");
    const std::string region = CStr(j, "region");
    a.tenant = ctx.Tenant("", {account});
    // No tenants map entry and no --tenant: the account itself is the tenant.
    if (a.tenant.empty() && !IsPlaceholder(account)) a.tenant = "aws:" + account;
    a.alert_type = CStr(j, "type");
    a.title = CStr(j, "title");
    if (a.title.empty()) a.title = a.alert_type;
    a.description = CStr(j, "description");
    const Json* severity = CMember(j, "severity");
    if (std::optional<double> s = Number(severity)) {
      a.severity = GuardDutySeverity(*s);
      a.native_severity = Str(severity);
    } else if (severity != nullptr) {
      std::optional<Severity> s2 = ParseSeverity(Str(severity));
      if (!s2) return Status::InvalidArgument("field 'severity' is not a number");
      a.severity = *s2;
      a.native_severity = Str(severity);
    }
    a.created = Time(CMember(j, "createdAt"));
    a.updated = Time(CMember(j, "updatedAt"));
    if (std::string tactic = TacticOfGuardDutyType(a.alert_type); !tactic.empty())
      a.tactics.push_back(tactic);

    if (const Json* service = CMember(j, "service")) {
      a.first_activity = Time(CMember(*service, "eventFirstSeen"));
      a.last_activity = Time(CMember(*service, "eventLastSeen"));
      if (std::optional<double> n = Number(CMember(*service, "count")); n && *n >= 1)
        a.count = static_cast<std::int64_t>(*n);
      const std::string archived = ToLower(CStr(*service, "archived"));
      a.status = archived == "true" ? AlertStatus::kDismissed : AlertStatus::kNew;
      a.native_status = archived == "true" ? "archived" : "active";
      if (const Json* action = CMember(*service, "action")) AddActionEntities(a, *action);
    }
    if (a.first_activity == kNoTime) a.first_activity = a.created;
    const Json* resource = CMember(j, "resource");
    if (resource == nullptr || !resource->is_object())
      return Status::InvalidArgument("missing required field 'resource'");
    AddResourceEntities(a, *resource, account, region);
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }
};

}  // namespace

const Format& GuardDutyFindingFormat() {
  static const GuardDutyFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
