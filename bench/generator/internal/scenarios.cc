#include "bench/generator/internal/scenarios.h"

#include "model/canonical.h"

namespace weft::generator::internal {
namespace {

using S = Slot;
using C = Channel;

}  // namespace

std::string_view ChannelProductName(Channel c) {
  switch (c) {
    case C::kMdcRest:
    case C::kSentinel: return "Azure Security Center";
    case C::kGraphMde: return "Microsoft Defender for Endpoint";
    case C::kGraphMdo: return "Microsoft Defender for Office 365";
    case C::kGraphEntra: return "Microsoft Entra ID Protection";
    case C::kGuardDuty: return "GuardDuty";
    case C::kSecurityHub: return "Security Hub";
    case C::kScc: return "Security Command Center";
    case C::kOcsf: return "Lattice CNAPP";
  }
  return "";
}

SourceProduct ChannelSource(Channel channel) {
  switch (channel) {
    case C::kMdcRest:
    case C::kSentinel: return SourceProduct::kDefenderForCloud;
    case C::kGraphMde: return SourceProduct::kDefenderForEndpoint;
    case C::kGraphMdo: return SourceProduct::kDefenderForOffice365;
    case C::kGraphEntra: return SourceProduct::kEntraIdProtection;
    case C::kGuardDuty: return SourceProduct::kGuardDuty;
    case C::kSecurityHub: return SourceProduct::kSecurityHub;
    case C::kScc: return SourceProduct::kSecurityCommandCenter;
    case C::kOcsf: return SourceProduct::kOcsf;
  }
  return SourceProduct::kOther;
}

std::vector<Channel> ChannelsOf(std::string_view format) {
  static constexpr Channel kAll[] = {C::kMdcRest,   C::kGraphMde,    C::kGraphMdo, C::kGraphEntra,
                                     C::kGuardDuty, C::kSecurityHub, C::kScc,      C::kOcsf};
  std::vector<Channel> out;
  for (Channel c : kAll) {
    if (format == "mixed" || format == "weft" || ChannelFormat(c) == format) out.push_back(c);
  }
  return out;
}

std::optional<Pool> SlotPool(Slot slot) {
  switch (slot) {
    case S::kUser:
    case S::kMailbox: return Pool::kUser;
    case S::kAzureVm: return Pool::kAzureVm;
    case S::kAwsInstance: return Pool::kAwsInstance;
    case S::kGcpInstance: return Pool::kGcpInstance;
    case S::kAwsPrincipal: return Pool::kAwsPrincipal;
    case S::kGcpPrincipal: return Pool::kGcpPrincipal;
    case S::kAttackerIp:
    case S::kC2Ip: return Pool::kIp;
    case S::kMalware: return Pool::kFile;
    case S::kAzureStorage: return Pool::kAzureStorage;
    case S::kS3Bucket: return Pool::kS3Bucket;
    case S::kGcsBucket: return Pool::kGcsBucket;
    default: return std::nullopt;
  }
}

bool IsHubSlot(Slot slot) { return slot >= S::kHubNatIp && slot <= S::kHubCommonFile; }

std::string_view HubKindName(Slot slot) {
  switch (slot) {
    case S::kHubNatIp: return "nat-ip";
    case S::kHubScannerIp: return "scanner-ip";
    case S::kHubServiceAccount: return "service-account";
    case S::kHubCommonFile: return "common-file";
    default: return "";
  }
}

std::optional<Entity> BuildEntity(const Tenant& t, std::uint64_t ref, Channel channel) {
  const Slot slot = RefSlot(ref);
  const std::uint64_t i = RefIndex(ref);
  const std::string_view src = SourceProductName(ChannelSource(channel));
  const bool graph =
      channel == C::kGraphMde || channel == C::kGraphMdo || channel == C::kGraphEntra;
  switch (slot) {
    case S::kUser:
    case S::kHubServiceAccount: {
      const UserIds2 u = slot == S::kUser ? t.User(i) : t.ServiceAccount();
      UserIds ids;
      ids.upn = u.upn;
      ids.aad_object_id = u.object_id;
      if (graph) {
        ids.sid = u.sid;
        ids.account_name = u.name;
        ids.domain = t.name();
      }
      return MakeUser(ids, src);
    }
    case S::kMailbox: return MakeMailbox(t.User(i).upn, src);
    case S::kAzureVm: {
      const AzureVmIds vm = t.AzureVm(i);
      DeviceIds ids;
      ids.azure_resource_id = vm.arm_id;
      if (graph) {
        ids.mde_device_id = vm.mde_id;
        ids.azure_vm_id = vm.vm_id;
        ids.fqdn = vm.fqdn;
      } else {
        ids.hostname = vm.name;
      }
      return MakeDevice(ids, src);
    }
    case S::kAwsInstance: {
      const AwsInstanceIds inst = t.AwsInstance(i);
      if (channel == C::kGuardDuty) {
        DeviceIds ids;
        ids.aws_instance_id = inst.instance_id;
        ids.aws_account_id = t.aws_account();
        ids.aws_region = t.aws_region();
        return MakeDevice(ids, src);
      }
      return MakeCloudResource(inst.arn, Cloud::kAws, "AwsEc2Instance", src);
    }
    case S::kGcpInstance: return MakeCloudResource(t.GcpInstance(i), Cloud::kGcp, "", src);
    case S::kAwsPrincipal: {
      const AwsPrincipalIds p = t.AwsPrincipal(i);
      UserIds ids;
      ids.aws_principal = p.principal_id;
      ids.account_name = p.user_name;
      return MakeUser(ids, src);
    }
    case S::kGcpPrincipal: {
      UserIds ids;
      ids.gcp_principal = t.GcpPrincipal(i);
      return MakeUser(ids, src);
    }
    case S::kAttackerIp:
    case S::kC2Ip: return MakeIp(t.Ip(i), src);
    case S::kHubNatIp: return MakeIp(t.NatIp(), src);
    case S::kHubScannerIp: return MakeIp(Tenant::ScannerIp(static_cast<int>(i)), src);
    case S::kMalware:
    case S::kHubCommonFile: {
      const FileIds f = slot == S::kMalware ? t.File(i) : t.CommonFile();
      return MakeFile(f.sha256, graph ? f.sha1 : "", "", f.name, src);
    }
    case S::kAzureStorage: return MakeCloudResource(t.AzureStorage(i), Cloud::kAzure, "", src);
    case S::kS3Bucket:
      return MakeCloudResource("arn:aws:s3:::" + t.S3Bucket(i), Cloud::kAws, "", src);
    case S::kGcsBucket:
      return MakeCloudResource("//storage.googleapis.com/" + t.GcsBucket(i), Cloud::kGcp, "", src);
    case S::kMail:
      return MakeMailMessage(Guid(0x6d61696c, static_cast<std::uint64_t>(t.index()), i), src);
    case S::kPhishUrl:
      return MakeUrl("https://login-" +
                         HexId(4, 0x75726c, static_cast<std::uint64_t>(t.index()), i) +
                         ".example.net/" + t.name() + "/signin",
                     src);
    case S::kCount: break;
  }
  return std::nullopt;
}

void AppendEvidence(const Tenant& t, std::uint64_t ref, Channel channel,
                    std::vector<Evidence>& out) {
  std::optional<Entity> e = BuildEntity(t, ref, channel);
  if (!e) return;
  out.push_back(Evidence{std::move(*e), RefRole(ref)});
  if (channel == C::kGuardDuty && RefSlot(ref) == S::kAwsInstance) {
    const std::string_view src = SourceProductName(ChannelSource(channel));
    if (std::optional<Entity> ip = MakeIp(t.AwsInstance(RefIndex(ref)).private_ip, src)) {
      out.push_back(Evidence{std::move(*ip), EvidenceRole::kRelated});
    }
  }
}

std::string NativeId(const Tenant& t, Channel channel, std::string_view type,
                     std::uint64_t serial) {
  const auto ti = static_cast<std::uint64_t>(t.index());
  switch (channel) {
    case C::kMdcRest:
    case C::kSentinel:
      return "25" + Digits(Mix(1, ti, serial) % 100000000000000000ull, 17) + "_" +
             Upper(Guid(2, ti, serial));
    case C::kGraphMde:
      return "da63" + Digits(Mix(3, ti, serial) % 10000000000000000ull, 16) + "_" +
             std::to_string(static_cast<std::int64_t>(Mix(4, ti, serial) % 4000000000ull) -
                            2000000000);
    case C::kGraphMdo: return "fa" + Guid(5, ti, serial);
    case C::kGraphEntra: return "ad" + HexId(16, 6, ti, serial);
    case C::kGuardDuty:
      return "arn:aws:guardduty:" + t.aws_region() + ":" + t.aws_account() + ":detector/" +
             HexId(16, 7, ti) + "/finding/" + HexId(16, 8, ti, serial);
    case C::kSecurityHub:
      if (type.rfind("CVE-", 0) == 0) {
        return "arn:aws:inspector2:" + t.aws_region() + ":" + t.aws_account() + ":finding/" +
               HexId(16, 9, ti, serial);
      }
      return "arn:aws:securityhub:" + t.aws_region() + ":" + t.aws_account() +
             ":subscription/aws-foundational-security-best-practices/v/1.0.0/" + std::string(type) +
             "/finding/" + Guid(10, ti, serial);
    case C::kScc:
      return "organizations/" + t.gcp_org() + "/sources/" +
             Digits(Mix(11, ti, type.size()) % 1000000000000ull, 12) + "/findings/" +
             HexId(16, 12, ti, serial);
    case C::kOcsf: return "cnapp-" + Guid(13, ti, serial);
  }
  return "";
}

std::string SecurityHubProductArn(const Tenant& t, std::string_view type) {
  return "arn:aws:securityhub:" + t.aws_region() + "::product/aws/" +
         (type.rfind("CVE-", 0) == 0 ? "inspector" : "securityhub");
}

std::string ImportedProviderId(const Tenant& t, Channel channel, std::string_view type,
                               const std::string& native_id) {
  switch (channel) {
    case C::kGuardDuty: return native_id.substr(native_id.rfind('/') + 1);
    case C::kSecurityHub: return SecurityHubProductArn(t, type) + "/" + native_id;
    default: return native_id;
  }
}

std::string UpstreamIncidentId(const Tenant& t, Channel channel, std::uint64_t serial) {
  if (channel != C::kGraphMde && channel != C::kGraphMdo && channel != C::kGraphEntra) return "";
  return std::to_string(10000 + Mix(14, static_cast<std::uint64_t>(t.index()), serial) % 90000000);
}

std::string NativeSeverity(Channel channel, Severity severity) {
  static constexpr std::string_view kTitle[] = {"Informational", "Low", "Medium", "High"};
  static constexpr std::string_view kUpper[] = {"INFORMATIONAL", "LOW", "MEDIUM", "HIGH"};
  static constexpr std::string_view kGuardDuty[] = {"1.0", "2.0", "5.0", "8.0"};
  const auto s = static_cast<std::size_t>(severity);
  switch (channel) {
    case C::kMdcRest:
    case C::kSentinel:
    case C::kOcsf: return std::string(kTitle[s]);
    case C::kGraphMde:
    case C::kGraphMdo:
    case C::kGraphEntra: return std::string(SeverityName(severity));
    case C::kGuardDuty: return std::string(kGuardDuty[s]);
    case C::kSecurityHub: return std::string(kUpper[s]);
    case C::kScc:
      return severity == Severity::kInformational ? "SEVERITY_UNSPECIFIED" : std::string(kUpper[s]);
  }
  return "";
}

}  // namespace weft::generator::internal
