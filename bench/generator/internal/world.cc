#include "bench/generator/internal/world.h"

#include <algorithm>

namespace weft::generator::internal {
namespace {

constexpr std::string_view kTenantNames[] = {"contoso",  "fabrikam",  "northwind", "adatum",
                                             "tailspin", "woodgrove", "litware",   "proseware",
                                             "wingtip",  "lucerne"};
constexpr std::string_view kAwsRegions[] = {"us-east-1", "us-east-2", "eu-west-1", "eu-central-1"};
constexpr std::string_view kGcpZones[] = {"us-central1-a", "europe-west1-b", "us-east4-c"};
constexpr std::string_view kVmRoles[] = {"web", "app", "sql", "build", "jump", "dev", "api", "etl"};
constexpr std::string_view kFirstNames[] = {"alex", "sam", "kim", "lee", "jo",  "max",
                                            "ari",  "noa", "ren", "kai", "eli", "mia",
                                            "ola",  "ivy", "ben", "zoe"};
constexpr std::string_view kMalwareNames[] = {"svchost32.exe", "update.ps1", "invoice.js",
                                              "rdpclip64.exe", "kworkerd",   "xmrig",
                                              "payload.dll",   "loader.sh"};

// Seeds for the identifier hash streams, one per identifier type.
enum Stream : std::uint64_t {
  kTenantId = 1,
  kSubscription,
  kAwsAccount,
  kGcpNumber,
  kGcpOrg,
  kMde,
  kVmId,
  kInstance,
  kOid,
  kSid,
  kPrincipal,
  kAccessKey,
  kSha256,
  kSha1,
  kStorage,
  kBucket,
  kFileName,
};

// Sizes of the pools relative to the expected episodes of a tenant.
constexpr double kPoolDivisor[kPoolCount] = {25, 40, 40, 15, 60, 60, 6, 20, 60, 60, 60};

}  // namespace

Tenant::Tenant(int index, double weight, std::uint64_t alerts_hint, double entity_zipf)
    : index_(index), weight_(weight) {
  const auto t = static_cast<std::uint64_t>(index);
  const std::size_t names = std::size(kTenantNames);
  name_ = std::string(kTenantNames[t % names]);
  if (t >= names) name_ += std::to_string(t / names + 1);
  domain_ = name_ + ".example.com";
  id_ = Guid(kTenantId, t);
  subscription_ = Guid(kSubscription, t);
  aws_account_ = Digits(100000000000ull + Mix(kAwsAccount, t) % 899999999999ull, 12);
  aws_region_ = std::string(kAwsRegions[t % std::size(kAwsRegions)]);
  gcp_project_ = name_ + "-prod";
  gcp_project_number_ = Digits(100000000000ull + Mix(kGcpNumber, t) % 899999999999ull, 12);
  gcp_org_ = Digits(100000000000ull + Mix(kGcpOrg, t) % 899999999999ull, 12);
  gcp_zone_ = std::string(kGcpZones[t % std::size(kGcpZones)]);
  const double expected = static_cast<double>(alerts_hint) * weight;
  for (int p = 0; p < kPoolCount; ++p) {
    PoolState& s = pools_[static_cast<std::size_t>(p)];
    s.size = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(expected / kPoolDivisor[p]), 8,
                                       1u << 20);
    s.next_fresh = s.size;
    s.last_use.assign(s.size, kNoTime);
    s.zipf = Zipf(s.size, entity_zipf);
  }
}

std::uint64_t Tenant::Pick(Pool pool, Rng& rng, Timestamp start, Timestamp window) {
  PoolState& s = pools_[static_cast<std::size_t>(pool)];
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::uint64_t i = s.zipf.Sample(rng);
    if (s.last_use[i] == kNoTime || start >= s.last_use[i] + window) return i;
  }
  return s.next_fresh++;
}

std::uint64_t Tenant::Fresh(Pool pool) {
  return pools_[static_cast<std::size_t>(pool)].next_fresh++;
}

void Tenant::Touch(Pool pool, std::uint64_t index, Timestamp until) {
  PoolState& s = pools_[static_cast<std::size_t>(pool)];
  if (index < s.size && (s.last_use[index] == kNoTime || until > s.last_use[index]))
    s.last_use[index] = until;
}

AzureVmIds Tenant::AzureVm(std::uint64_t i) const {
  const auto t = static_cast<std::uint64_t>(index_);
  AzureVmIds ids;
  const std::string_view role = kVmRoles[Mix(kInstance, t, i) % std::size(kVmRoles)];
  ids.name = std::string(role) + "-" + Digits(i, 5);
  ids.arm_id = "/subscriptions/" + subscription_ + "/resourceGroups/rg-" + std::string(role) +
               "/providers/Microsoft.Compute/virtualMachines/" + ids.name;
  ids.mde_id = HexId(20, kMde, t, i);
  ids.vm_id = Guid(kVmId, t, i);
  ids.fqdn = ids.name + "." + domain_;
  return ids;
}

AwsInstanceIds Tenant::AwsInstance(std::uint64_t i) const {
  const auto t = static_cast<std::uint64_t>(index_);
  AwsInstanceIds ids;
  ids.instance_id = "i-" + HexId(9, kInstance, t, i).substr(0, 17);
  ids.arn = "arn:aws:ec2:" + aws_region_ + ":" + aws_account_ + ":instance/" + ids.instance_id;
  // Unique per instance so that even an importer keeping private IPs cannot glue incidents.
  const std::uint64_t host = i + 1;
  ids.private_ip = "10." + std::to_string((host >> 16) & 0xff) + "." +
                   std::to_string((host >> 8) & 0xff) + "." + std::to_string(host & 0xff);
  ids.name =
      std::string(kVmRoles[Mix(kInstance, t, i, 1) % std::size(kVmRoles)]) + "-ec2-" + Digits(i, 5);
  return ids;
}

std::string Tenant::GcpInstance(std::uint64_t i) const {
  const std::string_view role =
      kVmRoles[Mix(kInstance, static_cast<std::uint64_t>(index_), i, 2) % std::size(kVmRoles)];
  return "//compute.googleapis.com/projects/" + gcp_project_ + "/zones/" + gcp_zone_ +
         "/instances/" + std::string(role) + "-gce-" + Digits(i, 5);
}

UserIds2 Tenant::User(std::uint64_t i) const {
  const auto t = static_cast<std::uint64_t>(index_);
  UserIds2 ids;
  ids.name = std::string(kFirstNames[i % std::size(kFirstNames)]) + "." + Digits(i, 5);
  ids.upn = ids.name + "@" + domain_;
  ids.object_id = Guid(kOid, t, i);
  ids.sid = "S-1-5-21-" + std::to_string(1000000000 + Mix(kSid, t) % 999999999) + "-" +
            std::to_string(1000000000 + Mix(kSid, t, 1) % 999999999) + "-" +
            std::to_string(1000000000 + Mix(kSid, t, 2) % 999999999) + "-" +
            std::to_string(1100 + i);
  return ids;
}

AwsPrincipalIds Tenant::AwsPrincipal(std::uint64_t i) const {
  const auto t = static_cast<std::uint64_t>(index_);
  AwsPrincipalIds ids;
  ids.user_name =
      "iam-" + std::string(kFirstNames[i % std::size(kFirstNames)]) + "-" + Digits(i, 5);
  ids.principal_id = "AIDA" + Upper(HexId(8, kPrincipal, t, i));
  ids.access_key_id = "AKIA" + Upper(HexId(8, kAccessKey, t, i));
  ids.arn = "arn:aws:iam::" + aws_account_ + ":user/" + ids.user_name;
  return ids;
}

std::string Tenant::GcpPrincipal(std::uint64_t i) const {
  return "sa-" + Digits(i, 5) + "@" + gcp_project_ + ".iam.gserviceaccount.com";
}

std::string Tenant::Ip(std::uint64_t i) const {
  // First octets 11..99 are public; a bijective scramble of i fills the lower 24 bits.
  const std::uint64_t octet = 11 + (static_cast<std::uint64_t>(index_) * 7 + i / (1u << 24)) % 89;
  const std::uint64_t low =
      (i * 2654435761ull + static_cast<std::uint64_t>(index_) * 40503ull) & 0xffffff;
  return std::to_string(octet) + "." + std::to_string(low >> 16) + "." +
         std::to_string((low >> 8) & 0xff) + "." + std::to_string(low & 0xff);
}

FileIds Tenant::File(std::uint64_t i) const {
  const auto t = static_cast<std::uint64_t>(index_);
  FileIds ids;
  ids.sha256 = HexId(32, kSha256, t, i);
  ids.sha1 = HexId(20, kSha1, t, i);
  const std::string_view base = kMalwareNames[Mix(kFileName, t, i) % std::size(kMalwareNames)];
  const std::size_t dot = base.find('.');
  ids.name = dot == std::string_view::npos ? std::string(base) + "-" + std::to_string(i)
                                           : std::string(base.substr(0, dot)) + "-" +
                                                 std::to_string(i) + std::string(base.substr(dot));
  ids.path = "C:\\Users\\Public\\Downloads";
  return ids;
}

std::string Tenant::AzureStorage(std::uint64_t i) const {
  return "/subscriptions/" + subscription_ +
         "/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/st" +
         name_.substr(0, 8) + HexId(4, kStorage, static_cast<std::uint64_t>(index_), i);
}

std::string Tenant::S3Bucket(std::uint64_t i) const {
  return name_ + "-data-" + HexId(4, kBucket, static_cast<std::uint64_t>(index_), i);
}

std::string Tenant::GcsBucket(std::uint64_t i) const {
  return name_ + "-gcs-" + HexId(4, kBucket, static_cast<std::uint64_t>(index_), i + (1ull << 40));
}

std::string Tenant::NatIp() const {
  return "203.0." + std::to_string(113 + index_ / 250 % 2) + "." + std::to_string(1 + index_ % 250);
}

std::string Tenant::ScannerIp(int i) { return "198.51.100." + std::to_string(10 + i); }

UserIds2 Tenant::ServiceAccount() const {
  UserIds2 ids;
  ids.name = "svc-automation";
  ids.upn = "svc-automation@" + domain_;
  ids.object_id = Guid(kOid, static_cast<std::uint64_t>(index_), ~0ull);
  ids.sid = "S-1-5-21-" +
            std::to_string(1000000000 + Mix(kSid, static_cast<std::uint64_t>(index_)) % 999999999) +
            "-500500";
  return ids;
}

FileIds Tenant::CommonFile() const {
  FileIds ids;
  // The same installer everywhere: one hash for all tenants.
  ids.sha256 = HexId(32, kSha256, ~0ull, 0);
  ids.sha1 = HexId(20, kSha1, ~0ull, 0);
  ids.name = "AnyDeskSetup.exe";
  ids.path = "C:\\Users\\Public\\Downloads";
  return ids;
}

}  // namespace weft::generator::internal
