// GuardDuty findings, Security Hub ASFF findings, SCC notifications and OCSF Detection Findings.

#include <cstring>

#include "bench/generator/internal/render.h"

namespace weft::generator::internal {
namespace {

double GuardDutySeverity(Severity s) {
  switch (s) {
    case Severity::kHigh: return 8.0;
    case Severity::kMedium: return 5.0;
    default: return 2.0;
  }
}

Json RemoteIpDetails(const std::string& ip) {
  return Json{{"ipAddressV4", ip},
              {"organization", Json{{"asn", "64512"},
                                    {"asnOrg", "EXAMPLE-TRANSIT"},
                                    {"isp", "Example ISP"},
                                    {"org", "Example ISP"}}},
              {"country", Json{{"countryName", "Netherlands"}}},
              {"city", Json{{"cityName", "Amsterdam"}}},
              {"geoLocation", Json{{"lat", 52.37}, {"lon", 4.89}}}};
}

std::string SccEnum(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out.push_back('_');
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string SccTechnique(std::string_view technique) {
  struct Entry {
    std::string_view id, name;
  };
  static constexpr Entry kTable[] = {
      {"T1110", "BRUTE_FORCE"},
      {"T1204", "USER_EXECUTION"},
      {"T1496", "RESOURCE_HIJACKING"},
      {"T1537", "TRANSFER_DATA_TO_CLOUD_ACCOUNT"},
      {"T1078.004", "CLOUD_ACCOUNTS"},
      {"T1133", "EXTERNAL_REMOTE_SERVICES"},
      {"T1530", "DATA_FROM_CLOUD_STORAGE_OBJECT"},
      {"T1071", "APPLICATION_LAYER_PROTOCOL"},
  };
  for (const Entry& e : kTable) {
    if (e.id == technique) return std::string(e.name);
  }
  return "TECHNIQUE_UNSPECIFIED";
}

int OcsfSeverityId(Severity s) {
  switch (s) {
    case Severity::kInformational: return 1;
    case Severity::kLow: return 2;
    case Severity::kMedium: return 3;
    case Severity::kHigh: return 4;
  }
  return 0;
}

}  // namespace

Json RenderGuardDuty(const GeneratedAlert& g, const Tenant& t) {
  const Alert& a = g.alert;
  const std::string finding_id = g.native_id.substr(g.native_id.rfind('/') + 1);
  Json resource = Json::object();
  std::string resource_type = "AccessKey";
  for (std::uint64_t ref : RefsOf(g, {Slot::kAwsPrincipal})) {
    const AwsPrincipalIds p = t.AwsPrincipal(RefIndex(ref));
    resource["accessKeyDetails"] = Json{{"accessKeyId", p.access_key_id},
                                        {"principalId", p.principal_id},
                                        {"userName", p.user_name},
                                        {"userType", "IAMUser"}};
  }
  for (std::uint64_t ref : RefsOf(g, {Slot::kS3Bucket})) {
    const std::string bucket = t.S3Bucket(RefIndex(ref));
    resource_type = "S3Bucket";
    resource["s3BucketDetails"] =
        Json::array({Json{{"arn", "arn:aws:s3:::" + bucket},
                          {"name", bucket},
                          {"type", "Destination"},
                          {"createdAt", Iso(a.first_activity - 400 * kMillisPerDay)},
                          {"owner", Json{{"id", HexId(32, 0x6f776e, t.index())}}}}});
  }
  for (std::uint64_t ref : RefsOf(g, {Slot::kAwsInstance})) {
    const AwsInstanceIds inst = t.AwsInstance(RefIndex(ref));
    resource_type = "Instance";
    resource["instanceDetails"] = Json{
        {"instanceId", inst.instance_id},
        {"instanceType", "t3.medium"},
        {"availabilityZone", t.aws_region() + "a"},
        {"imageId", "ami-0" + HexId(8, 0x616d69, t.index()).substr(0, 16)},
        {"launchTime", Iso(a.first_activity - 30 * kMillisPerDay)},
        {"instanceState", "running"},
        {"networkInterfaces",
         Json::array({Json{
             {"networkInterfaceId",
              "eni-" + HexId(9, 0x656e69, t.index(), RefIndex(ref)).substr(0, 17)},
             {"privateIpAddress", inst.private_ip},
             {"privateIpAddresses", Json::array({Json{{"privateIpAddress", inst.private_ip}}})},
             {"subnetId", "subnet-" + HexId(4, 0x736e, t.index())},
             {"vpcId", "vpc-" + HexId(4, 0x767063, t.index())},
             {"securityGroups", Json::array({Json{{"groupId", "sg-" + HexId(4, 0x7367, t.index())},
                                                  {"groupName", "default"}}})},
             {"ipv6Addresses", Json::array()}}})},
        {"tags", Json::array({Json{{"key", "Name"}, {"value", inst.name}}})}};
  }
  resource["resourceType"] = resource_type;
  const std::string ip = FirstIp(g, t);
  Json action = Json::object();
  if (a.alert_type.rfind("Recon:EC2/PortProbe", 0) == 0) {
    action["actionType"] = "PORT_PROBE";
    action["portProbeAction"] =
        Json{{"blocked", false},
             {"portProbeDetails",
              Json::array({Json{{"localPortDetails", Json{{"port", 22}, {"portName", "SSH"}}},
                                {"remoteIpDetails", RemoteIpDetails(ip)}}})}};
  } else if (resource_type == "Instance") {
    const bool inbound = a.alert_type.find("BruteForce") != std::string::npos;
    Json conn =
        Json{{"connectionDirection", inbound ? "INBOUND" : "OUTBOUND"},
             {"protocol", "TCP"},
             {"blocked", false},
             {"localPortDetails",
              Json{{"port", inbound ? 22 : 49152}, {"portName", inbound ? "SSH" : "Unknown"}}},
             {"remotePortDetails",
              Json{{"port", inbound ? 50312 : 443}, {"portName", inbound ? "Unknown" : "HTTPS"}}}};
    if (!ip.empty()) conn["remoteIpDetails"] = RemoteIpDetails(ip);
    action["actionType"] = "NETWORK_CONNECTION";
    action["networkConnectionAction"] = std::move(conn);
  } else {
    Json call = Json{
        {"api", resource_type == "S3Bucket" ? "PutBucketPublicAccessBlock" : "ListBuckets"},
        {"serviceName", resource_type == "S3Bucket" ? "s3.amazonaws.com" : "iam.amazonaws.com"},
        {"callerType", ip.empty() ? "Domain" : "Remote IP"}};
    if (!ip.empty()) call["remoteIpDetails"] = RemoteIpDetails(ip);
    action["actionType"] = "AWS_API_CALL";
    action["awsApiCallAction"] = std::move(call);
  }
  Json j = Json::object();
  j["schemaVersion"] = "2.0";
  j["accountId"] = t.aws_account();
  j["region"] = t.aws_region();
  j["partition"] = "aws";
  j["id"] = finding_id;
  j["arn"] = g.native_id;
  j["type"] = a.alert_type;
  j["resource"] = std::move(resource);
  j["service"] = Json{{"serviceName", "guardduty"},
                      {"detectorId", HexId(16, 7, t.index())},
                      {"action", std::move(action)},
                      {"resourceRole", "TARGET"},
                      {"additionalInfo", Json{{"value", "{}"}, {"type", "default"}}},
                      {"eventFirstSeen", Iso(a.first_activity)},
                      {"eventLastSeen", Iso(a.last_activity)},
                      {"archived", false},
                      {"count", g.duplicate ? 2 : 1}};
  j["severity"] = GuardDutySeverity(a.severity);
  j["createdAt"] = Iso(a.created);
  j["updatedAt"] = Iso(a.updated);
  j["title"] = a.title;
  j["description"] = a.title + ".";
  return j;
}

Json RenderSecurityHub(const GeneratedAlert& g, const Tenant& t) {
  const Alert& a = g.alert;
  const bool inspector = a.alert_type.rfind("CVE-", 0) == 0;
  Json resources = Json::array();
  for (std::uint64_t ref : g.entity_refs) {
    if (RefSlot(ref) == Slot::kAwsInstance) {
      const AwsInstanceIds inst = t.AwsInstance(RefIndex(ref));
      resources.push_back(Json{
          {"Type", "AwsEc2Instance"},
          {"Id", inst.arn},
          {"Partition", "aws"},
          {"Region", t.aws_region()},
          {"Tags", Json{{"Name", inst.name}}},
          {"Details",
           Json{{"AwsEc2Instance", Json{{"Type", "t3.medium"},
                                        {"VpcId", "vpc-" + HexId(4, 0x767063, t.index())}}}}}});
    } else if (RefSlot(ref) == Slot::kS3Bucket) {
      resources.push_back(Json{{"Type", "AwsS3Bucket"},
                               {"Id", "arn:aws:s3:::" + t.S3Bucket(RefIndex(ref))},
                               {"Partition", "aws"},
                               {"Region", t.aws_region()}});
    }
  }
  const std::string severity = a.native_severity;
  const int normalized = a.severity == Severity::kHigh     ? 70
                         : a.severity == Severity::kMedium ? 40
                         : a.severity == Severity::kLow    ? 1
                                                           : 0;
  Json j = Json::object();
  j["SchemaVersion"] = "2018-10-08";
  j["Id"] = g.native_id;
  j["ProductArn"] = SecurityHubProductArn(t, a.alert_type);
  j["ProductName"] = inspector ? "Inspector" : "Security Hub";
  j["CompanyName"] = "Amazon";
  j["Region"] = t.aws_region();
  j["GeneratorId"] = inspector ? "AWSInspector"
                               : "aws-foundational-security-best-practices/v/1.0.0/" + a.alert_type;
  j["AwsAccountId"] = t.aws_account();
  j["Types"] = Json::array(
      {inspector ? "Software and Configuration Checks/Vulnerabilities/CVE"
                 : "Software and Configuration Checks/Industry and Regulatory Standards/"
                   "AWS-Foundational-Security-Best-Practices"});
  j["FirstObservedAt"] = Iso(a.first_activity);
  j["LastObservedAt"] = Iso(a.last_activity);
  j["CreatedAt"] = Iso(a.created);
  j["UpdatedAt"] = Iso(a.updated);
  j["Severity"] = Json{{"Label", severity}, {"Normalized", normalized}};
  j["Title"] = a.title;
  j["Description"] = a.title + ".";
  if (const std::string ip = FirstIp(g, t); !ip.empty()) {
    j["Network"] =
        Json{{"Direction", "IN"}, {"Protocol", "TCP"}, {"SourceIpV4", ip}, {"DestinationPort", 22}};
  }
  j["Resources"] = std::move(resources);
  if (inspector) {
    j["Vulnerabilities"] =
        Json::array({Json{{"Id", a.alert_type}, {"VulnerablePackages", Json::array()}}});
  } else {
    j["Compliance"] = Json{{"Status", "FAILED"}, {"SecurityControlId", a.alert_type}};
  }
  j["Workflow"] = Json{{"Status", "NEW"}};
  j["WorkflowState"] = "NEW";
  j["RecordState"] = "ACTIVE";
  return j;
}

Json RenderScc(const GeneratedAlert& g, const Tenant& t) {
  const Alert& a = g.alert;
  std::string resource_name;
  std::string resource_type;
  for (std::uint64_t ref : g.entity_refs) {
    if (!resource_name.empty()) break;
    if (RefSlot(ref) == Slot::kGcpInstance) {
      resource_name = t.GcpInstance(RefIndex(ref));
      resource_type = "google.compute.Instance";
    } else if (RefSlot(ref) == Slot::kGcsBucket) {
      resource_name = "//storage.googleapis.com/" + t.GcsBucket(RefIndex(ref));
      resource_type = "google.cloud.storage.Bucket";
    }
  }
  const bool threat = a.alert_type.find(':') != std::string::npos;
  const std::string parent = g.native_id.substr(0, g.native_id.find("/findings/"));
  Json f = Json::object();
  f["name"] = g.native_id;
  f["parent"] = parent;
  f["resourceName"] = resource_name;
  f["state"] = "ACTIVE";
  f["category"] = a.alert_type;
  f["externalUri"] =
      "https://console.cloud.google.com/security/command-center/findings?organizationId=" +
      t.gcp_org();
  std::vector<std::string> ips;
  for (std::uint64_t ref : RefsOf(g, {Slot::kAttackerIp, Slot::kC2Ip, Slot::kHubScannerIp})) {
    ips.push_back(IpOf(ref, t));
  }
  Json props = Json::object();
  if (threat) {
    props["detectionCategory"] = Json{{"ruleName", a.alert_type}, {"indicator", "flow_log"}};
    props["detectionPriority"] = a.native_severity;
  }
  if (a.alert_type == "Brute Force: SSH" && !ips.empty()) {
    props["properties"] =
        Json{{"projectId", t.gcp_project()},
             {"zone", t.gcp_zone()},
             {"attempts",
              Json::array({Json{{"sourceIp", ips.front()},
                                {"vmName", resource_name.substr(resource_name.rfind('/') + 1)},
                                {"authResult", "SUCCESS"}}})}};
  }
  f["sourceProperties"] = std::move(props);
  f["securityMarks"] = Json::object();
  f["eventTime"] = Iso(a.first_activity);
  f["createTime"] = Iso(a.created);
  f["severity"] = a.native_severity;
  f["findingClass"] = threat ? "THREAT" : "MISCONFIGURATION";
  f["mitreAttack"] =
      Json{{"primaryTactic", SccEnum(a.tactics.empty() ? "" : a.tactics.front())},
           {"primaryTechniques",
            Json::array({SccTechnique(a.techniques.empty() ? "" : a.techniques.front())})}};
  if (!ips.empty()) f["indicator"] = Json{{"ipAddresses", ips}};
  for (std::uint64_t ref : RefsOf(g, {Slot::kGcpPrincipal})) {
    Json access = Json{{"principalEmail", t.GcpPrincipal(RefIndex(ref))},
                       {"serviceName", "storage.googleapis.com"},
                       {"methodName", "storage.objects.get"}};
    if (!ips.empty()) access["callerIp"] = ips.front();
    f["access"] = std::move(access);
  }
  Json files = Json::array();
  for (std::uint64_t ref : RefsOf(g, {Slot::kMalware, Slot::kHubCommonFile})) {
    const FileIds file = FileOf(ref, t);
    files.push_back(
        Json{{"path", "/tmp/" + file.name}, {"sha256", file.sha256}, {"size", "482304"}});
  }
  if (!files.empty()) f["files"] = std::move(files);
  Json j = Json::object();
  j["notificationConfigName"] = "organizations/" + t.gcp_org() + "/notificationConfigs/weft-export";
  j["finding"] = std::move(f);
  j["resource"] =
      Json{{"name", resource_name},
           {"project", "//cloudresourcemanager.googleapis.com/projects/" + t.gcp_project_number()},
           {"projectDisplayName", t.gcp_project()},
           {"parent", "//cloudresourcemanager.googleapis.com/projects/" + t.gcp_project_number()},
           {"type", resource_type}};
  return j;
}

Json RenderOcsf(const GeneratedAlert& g, const Tenant& t) {
  const Alert& a = g.alert;
  const bool gcp = g.account == t.gcp_project();
  Json resources = Json::array();
  Json evidences = Json::array();
  Json observables = Json::array();
  for (std::uint64_t ref : g.entity_refs) {
    const std::uint64_t i = RefIndex(ref);
    switch (RefSlot(ref)) {
      case Slot::kAwsInstance: {
        const AwsInstanceIds inst = t.AwsInstance(i);
        resources.push_back(Json{{"uid", inst.arn},
                                 {"name", inst.name},
                                 {"type", "AWS::EC2::Instance"},
                                 {"region", t.aws_region()},
                                 {"cloud_partition", "aws"}});
        observables.push_back(Json{{"name", "resources[].uid"},
                                   {"type", "Resource UID"},
                                   {"type_id", 10},
                                   {"value", inst.arn}});
        break;
      }
      case Slot::kS3Bucket: {
        const std::string arn = "arn:aws:s3:::" + t.S3Bucket(i);
        resources.push_back(Json{{"uid", arn},
                                 {"name", t.S3Bucket(i)},
                                 {"type", "AWS::S3::Bucket"},
                                 {"region", t.aws_region()},
                                 {"cloud_partition", "aws"}});
        observables.push_back(Json{{"name", "resources[].uid"},
                                   {"type", "Resource UID"},
                                   {"type_id", 10},
                                   {"value", arn}});
        break;
      }
      case Slot::kAttackerIp:
      case Slot::kHubNatIp:
      case Slot::kHubScannerIp: {
        const std::string ip = IpOf(ref, t);
        evidences.push_back(Json{{"src_endpoint", Json{{"ip", ip}}}});
        observables.push_back(Json{{"name", "evidences[].src_endpoint.ip"},
                                   {"type", "IP Address"},
                                   {"type_id", 2},
                                   {"value", ip}});
        break;
      }
      case Slot::kC2Ip: {
        const std::string ip = IpOf(ref, t);
        evidences.push_back(Json{{"dst_endpoint", Json{{"ip", ip}}}});
        observables.push_back(Json{{"name", "evidences[].dst_endpoint.ip"},
                                   {"type", "IP Address"},
                                   {"type_id", 2},
                                   {"value", ip}});
        break;
      }
      case Slot::kMalware:
      case Slot::kHubCommonFile: {
        const FileIds f = FileOf(ref, t);
        evidences.push_back(
            Json{{"file", Json{{"name", f.name},
                               {"path", "/tmp/" + f.name},
                               {"type_id", 1},
                               {"hashes", Json::array({Json{{"algorithm_id", 3},
                                                            {"algorithm", "SHA-256"},
                                                            {"value", f.sha256}}})}}}});
        observables.push_back(Json{{"name", "evidences[].file.hashes[].value"},
                                   {"type", "Hash"},
                                   {"type_id", 8},
                                   {"value", f.sha256}});
        break;
      }
      default: break;
    }
  }
  Json j = Json::object();
  j["activity_id"] = 1;
  j["activity_name"] = "Create";
  j["category_name"] = "Findings";
  j["category_uid"] = 2;
  j["class_name"] = "Detection Finding";
  j["class_uid"] = 2004;
  j["type_uid"] = 200401;
  j["type_name"] = "Detection Finding: Create";
  j["time"] = a.created;
  j["severity_id"] = OcsfSeverityId(a.severity);
  j["severity"] = a.native_severity;
  j["status_id"] = 1;
  j["status"] = "New";
  j["message"] = a.title;
  j["start_time"] = a.first_activity;
  j["end_time"] = a.last_activity;
  Json attacks = Json::array();
  if (!a.techniques.empty()) {
    attacks.push_back(Json{{"tactic", Json{{"name", a.tactics.empty() ? "" : a.tactics.front()}}},
                           {"technique", Json{{"uid", a.techniques.front()}}}});
  }
  j["finding_info"] =
      Json{{"uid", g.native_id},
           {"title", a.title},
           {"desc", a.title + "."},
           {"types", Json::array({a.alert_type})},
           {"created_time", a.created},
           {"first_seen_time", a.first_activity},
           {"last_seen_time", a.last_activity},
           {"analytic",
            Json{{"uid", a.alert_type}, {"name", a.title}, {"type_id", 1}, {"type", "Rule"}}},
           {"attacks", std::move(attacks)}};
  j["cloud"] = Json{{"provider", gcp ? "GCP" : "AWS"},
                    {"account", Json{{"uid", g.account}}},
                    {"region", g.region}};
  j["metadata"] = Json{{"version", "1.1.0"},
                       {"product", Json{{"name", "Lattice CNAPP"},
                                        {"vendor_name", "Lattice Security"},
                                        {"uid", "lattice-cnapp"}}},
                       {"profiles", Json::array({"cloud"})}};
  j["resources"] = std::move(resources);
  j["evidences"] = std::move(evidences);
  j["observables"] = std::move(observables);
  return j;
}

}  // namespace weft::generator::internal
