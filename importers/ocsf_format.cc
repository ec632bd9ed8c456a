// "ocsf": OCSF findings: Detection Finding (class_uid 2004) and Security Finding (2001, also the
// v0.1 layout with `finding{}` instead of `finding_info{}`) become alerts; Vulnerability (2002)
// and Compliance (2003) findings are counted as non-alerts. The source is always kOcsf (its own
// id family) even when metadata.product names an AWS product: the OCSF uid is not proven to be
// the native id.

#include "importers/internal/finding_util.h"
#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

constexpr std::string_view kSource = "OCSF";

template <typename Fn>
void ForEachElement(const Json* j, Fn fn) {
  if (j == nullptr || !j->is_array()) return;
  for (const Json& e : *j) fn(e);
}

long long IntOf(const Json* j) {
  if (j == nullptr) return -1;
  if (j->is_number_integer() || j->is_number_unsigned()) return j->get<long long>();
  if (j->is_number_float()) return static_cast<long long>(j->get<double>());
  if (j->is_string()) {
    const std::string_view s = j->get<std::string_view>();
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() < 10)
      return std::stoll(std::string(s));
  }
  return -1;
}

Cloud CloudOfProvider(std::string_view provider) {
  const std::string p = ToLower(provider);
  if (p.find("aws") != std::string::npos || p.find("amazon") != std::string::npos)
    return Cloud::kAws;
  if (p.find("gcp") != std::string::npos || p.find("google") != std::string::npos)
    return Cloud::kGcp;
  if (p.find("azure") != std::string::npos || p.find("microsoft") != std::string::npos)
    return Cloud::kAzure;
  return Cloud::kUnknown;
}

// A time from `<key>` (epoch ms or s) or `<key>_dt` (ISO 8601).
Timestamp TimeField(const Json* j, std::string_view key) {
  if (j == nullptr) return kNoTime;
  Timestamp t = Time(*j, key);
  if (t == kNoTime) t = Time(*j, std::string(key) + "_dt");
  return t;
}

// The entities of an OCSF object that may carry endpoints, a user, a file, a process or a URL
// (an evidence artifact, or the event itself).
void AddArtifacts(Alert& a, const Json& j, Cloud cloud, const std::string& device_key) {
  for (const char* ep : {"src_endpoint", "dst_endpoint"}) {
    if (const Json* e = Member(j, ep)) {
      AddEvidence(a, MakeIp(Str(*e, "ip"), kSource), EvidenceRole::kRelated);
      AddEvidence(a, MakeDomain(Str(*e, "domain"), kSource), EvidenceRole::kRelated);
    }
  }
  const Json* user = Path(j, {"actor", "user"});
  if (user == nullptr) user = Member(j, "user");
  if (user != nullptr && user->is_object()) {
    UserIds ids;
    const std::string uid = Str(*user, "uid");
    const std::string name = Str(*user, "name");
    ids.upn = FirstStr(*user, {"email_addr"});
    if (ids.upn.empty() && name.find('@') != std::string::npos) ids.upn = name;
    if (cloud == Cloud::kAws && !uid.empty()) ids.aws_principal = uid;
    if (NormalizeGuid(uid)) ids.aad_object_id = uid;
    if (NormalizeSid(uid)) ids.sid = uid;
    ids.account_name = name;
    ids.domain = Str(*user, "domain");
    AddEvidence(a, MakeUser(ids, kSource), EvidenceRole::kRelated);
  }
  if (const Json* file = Member(j, "file")) {
    std::string sha256, sha1, md5;
    ForEachElement(Member(*file, "hashes"), [&](const Json& h) {
      const long long alg = IntOf(Member(h, "algorithm_id"));
      const std::string v = Str(h, "value");
      if (alg == 3)
        sha256 = v;
      else if (alg == 2)
        sha1 = v;
      else if (alg == 1)
        md5 = v;
    });
    AddEvidence(a, MakeFile(sha256, sha1, md5, Str(*file, "name"), kSource),
                EvidenceRole::kRelated);
  }
  if (const Json* proc = Member(j, "process")) {
    AddEvidence(
        a,
        MakeProcess(device_key, Str(*proc, "pid"), FirstStr(*proc, {"cmd_line", "name"}), kSource),
        EvidenceRole::kRelated);
  }
  if (const Json* url = Member(j, "url"))
    AddEvidence(a, MakeUrl(Str(*url, "url_string"), kSource), EvidenceRole::kRelated);
}

// An affected resource: a cloud id becomes a cloud resource (or a device for instances), an
// AWS access key its principal; names alone make no entity.
void AddResource(Alert& a, const Json& r, Cloud cloud, const std::string& account) {
  const std::string uid = Str(r, "uid");
  const std::string type = Str(r, "type");
  if (type == "AwsIamAccessKey") {
    JsonDocument embedded;
    const Json& data = MaybeEmbeddedJson(r, "data", embedded);
    UserIds ids;
    if (const Json* key = data.is_object() ? Member(data, "AwsIamAccessKey") : nullptr) {
      ids.aws_principal = Str(*key, "PrincipalId");
      ids.account_name = FirstStr(*key, {"PrincipalName", "UserName"});
    }
    AddEvidence(a, MakeUser(ids, kSource), EvidenceRole::kImpacted);
    return;
  }
  if (type == "AwsEc2Instance" && uid.rfind("i-", 0) == 0) {
    DeviceIds ids;
    ids.aws_instance_id = uid;
    ids.aws_account_id = account;
    ids.aws_region = Str(r, "region");
    AddEvidence(a, MakeDevice(ids, kSource), EvidenceRole::kImpacted);
    return;
  }
  if (CloudOfResourceId(uid) != Cloud::kUnknown) {
    AddEvidence(a, MakeCloudResource(uid, cloud, type, kSource), EvidenceRole::kImpacted);
    return;
  }
  AddEvidence(a, MakeIp(uid, kSource), EvidenceRole::kImpacted);
}

void AddObservable(Alert& a, const Json& o, Cloud cloud) {
  const std::string v = Str(o, "value");
  switch (IntOf(Member(o, "type_id"))) {
    case 1: {
      DeviceIds ids;
      ids.hostname = v;
      AddEvidence(a, MakeDevice(ids, kSource), EvidenceRole::kRelated);
      break;
    }
    case 2: AddEvidence(a, MakeIp(v, kSource), EvidenceRole::kRelated); break;
    case 4: {
      UserIds ids;
      ids.account_name = v;
      AddEvidence(a, MakeUser(ids, kSource), EvidenceRole::kRelated);
      break;
    }
    case 5: AddEvidence(a, MakeMailbox(v, kSource), EvidenceRole::kRelated); break;
    case 6: AddEvidence(a, MakeUrl(v, kSource), EvidenceRole::kRelated); break;
    case 7: AddEvidence(a, MakeFile("", "", "", v, kSource), EvidenceRole::kRelated); break;
    case 8:
      AddEvidence(a,
                  MakeFile(v.size() == 64 ? v : "", v.size() == 40 ? v : "",
                           v.size() == 32 ? v : "", "", kSource),
                  EvidenceRole::kRelated);
      break;
    case 10:
      if (CloudOfResourceId(v) != Cloud::kUnknown) {
        AddEvidence(a, MakeCloudResource(v, cloud, "", kSource), EvidenceRole::kRelated);
      }
      break;
    default: break;
  }
}

void AddAttacks(Alert& a, const Json* attacks) {
  ForEachElement(attacks, [&](const Json& at) {
    for (const char* t : {"technique", "sub_technique"}) {
      const std::string uid = Str(at, {t, "uid"});
      if (IsTechniqueId(uid)) a.techniques.push_back(ToUpper(uid));
    }
    if (const Json* tactic = Member(at, "tactic")) {
      std::string name = TacticName(Str(*tactic, "name"));
      if (name.empty()) name = TacticName(Str(*tactic, "uid"));
      if (!name.empty()) a.tactics.push_back(name);
    }
    ForEachElement(Member(at, "tactics"), [&](const Json& t) {
      if (std::string name = TacticName(Str(t, "name")); !name.empty()) a.tactics.push_back(name);
    });
  });
}

void SetSeverity(Alert& a, const Json& j) {
  const long long id = IntOf(Member(j, "severity_id"));
  const std::string caption(Trim(Str(j, "severity")));
  a.native_severity = caption.empty() ? (id < 0 ? "" : std::to_string(id)) : caption;
  if (id == 1)
    a.severity = Severity::kInformational;
  else if (id == 2)
    a.severity = Severity::kLow;
  else if (id == 3)
    a.severity = Severity::kMedium;
  else if (id >= 4 && id <= 6)
    a.severity = Severity::kHigh;
  else
    a.severity = ParseSeverity(caption).value_or(Severity::kMedium);  // 0 unknown, 99 other
}

void SetStatus(Alert& a, const Json& j) {
  long long id = IntOf(Member(j, "status_id"));
  std::string caption = Str(j, "status");
  if (id < 1 || id > 6) {  // v1.0 and older: state_id/state
    id = IntOf(Member(j, "state_id"));
    caption = Str(j, "state").empty() ? caption : Str(j, "state");
  }
  switch (id) {
    case 2: a.status = AlertStatus::kInProgress; break;
    case 3: a.status = AlertStatus::kDismissed; break;  // suppressed
    case 4:
    case 5: a.status = AlertStatus::kResolved; break;   // resolved, archived
    case 6: a.status = AlertStatus::kDismissed; break;  // deleted
    default: a.status = AlertStatus::kNew; break;
  }
  a.native_status = caption;
}

class OcsfFormat final : public Format {
 public:
  std::string_view name() const override { return "ocsf"; }

  bool Matches(const Json& j) const override {
    const long long cls = IntOf(Member(j, "class_uid"));
    return cls >= 2001 && cls <= 2004 &&
           (j.contains("finding_info") || j.contains("finding") || j.contains("metadata"));
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const long long cls = IntOf(Member(j, "class_uid"));
    if (cls == 2002 || cls == 2003) {  // vulnerability and compliance findings are not alerts
      out.skipped_non_alerts = 1;
      return Status::Ok();
    }
    if (cls != 2001 && cls != 2004) {
      return Status::InvalidArgument("OCSF class_uid " + Str(Member(j, "class_uid")) +
                                     " is not a finding class");
    }
    const Json* info = Member(j, "finding_info");
    if (info == nullptr) info = Member(j, "finding");
    if (info == nullptr || !info->is_object())
      return Status::InvalidArgument("missing required field 'finding_info'");
    Alert a;
    a.source = SourceProduct::kOcsf;
    a.provider_id = std::string(Trim(Str(*info, "uid")));
    if (a.provider_id.empty())
      return Status::InvalidArgument("missing required field 'finding_info.uid'");
    const Json* metadata = Member(j, "metadata");
    const std::string account = Str(j, {"cloud", "account", "uid"});
    const Cloud cloud = CloudOfProvider(Str(j, {"cloud", "provider"}));
    a.cloud = cloud;
    a.tenant = ctx.Tenant(metadata != nullptr ? Str(*metadata, "tenant_uid") : "", {account});
    if (a.tenant.empty() && !IsPlaceholder(account) &&
        (cloud == Cloud::kAws || cloud == Cloud::kGcp)) {
      a.tenant = std::string(CloudName(cloud)) + ":" + account;
    }
    if (metadata != nullptr) {
      const std::string vendor = Str(*metadata, {"product", "vendor_name"});
      const std::string product = Str(*metadata, {"product", "name"});
      a.product_name =
          vendor.empty() || product.rfind(vendor, 0) == 0 ? product : vendor + " " + product;
    }
    a.alert_type = Str(*info, {"analytic", "uid"});
    if (a.alert_type.empty()) a.alert_type = Str(*info, {"analytic", "name"});
    if (a.alert_type.empty()) a.alert_type = Str(j, {"analytic", "name"});
    if (const Json* types = Member(*info, "types");
        a.alert_type.empty() && types && types->is_array() && !types->empty()) {
      a.alert_type = Str(&(*types)[0]);
    }
    a.title = Str(*info, "title");
    if (a.title.empty()) a.title = Str(j, "message");
    a.title = std::string(Trim(a.title));
    a.description = FirstStr(*info, {"desc"});
    if (a.description.empty()) a.description = Str(j, "message");
    SetSeverity(a, j);
    SetStatus(a, j);
    a.first_activity = TimeField(info, "first_seen_time");
    if (a.first_activity == kNoTime) a.first_activity = TimeField(&j, "start_time");
    a.last_activity = TimeField(info, "last_seen_time");
    if (a.last_activity == kNoTime) a.last_activity = TimeField(&j, "end_time");
    a.created = TimeField(info, "created_time");
    if (a.created == kNoTime) a.created = TimeField(&j, "time");
    a.updated = TimeField(info, "modified_time");
    if (a.updated == kNoTime) a.updated = TimeField(metadata, "modified_time");
    if (const long long n = IntOf(Member(j, "count")); n >= 1) a.count = n;
    AddAttacks(a, Member(*info, "attacks"));
    AddAttacks(a, Member(j, "attacks"));

    std::string device_key;
    if (const Json* dev = Member(j, "device"); dev != nullptr && dev->is_object()) {
      DeviceIds ids;
      ids.hostname = Str(*dev, "hostname");
      if (cloud == Cloud::kAws) {
        ids.aws_instance_id = Str(*dev, "instance_uid");
        ids.aws_account_id = account;
        ids.aws_region = Str(*dev, "region");
      }
      std::optional<Entity> device = MakeDevice(ids, kSource);
      if (device) device_key = device->key;
      AddEvidence(a, std::move(device), EvidenceRole::kImpacted);
      AddEvidence(a, MakeIp(Str(*dev, "ip"), kSource), EvidenceRole::kRelated);
    }
    ForEachElement(Member(j, "resources"),
                   [&](const Json& r) { AddResource(a, r, cloud, account); });
    AddArtifacts(a, j, cloud, device_key);
    ForEachElement(Member(j, "evidences"),
                   [&](const Json& e) { AddArtifacts(a, e, cloud, device_key); });
    ForEachElement(Member(j, "observables"), [&](const Json& o) { AddObservable(a, o, cloud); });
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }
};

}  // namespace

const Format& OcsfFindingFormat() {
  static const OcsfFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
