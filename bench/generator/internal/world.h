#pragma once
// The generator's world: tenants (with their Entra tenant, Azure subscription, AWS account and
// GCP project), their entity pools, and the hub entities. An entity is never stored: its
// identifiers are pure functions of (tenant, pool, index), so a pool of a million VMs costs one
// timestamp per VM (the last time an incident used it, to keep incidents apart). Not
// thread-safe; owned by one AlertStream.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/generator/generator.h"
#include "bench/generator/internal/random.h"
#include "model/time.h"

namespace weft::generator::internal {

enum class Pool {
  kAzureVm,       // Azure VM, onboarded to Defender for Endpoint
  kAwsInstance,   // EC2 instance
  kGcpInstance,   // Compute Engine instance
  kUser,          // Entra user (UPN, object id, SID)
  kAwsPrincipal,  // IAM user with an access key
  kGcpPrincipal,  // GCP service account
  kIp,            // public IP (attacker, C2, sign-in source)
  kFile,          // a file by SHA-256
  kAzureStorage,  // storage account
  kS3Bucket,
  kGcsBucket,
  kCount,
};
inline constexpr int kPoolCount = static_cast<int>(Pool::kCount);

struct AzureVmIds {
  std::string name, arm_id, mde_id, vm_id, fqdn;
};
struct AwsInstanceIds {
  std::string instance_id, arn, private_ip, name;
};
struct UserIds2 {
  std::string upn, object_id, sid, name;
};
struct AwsPrincipalIds {
  std::string user_name, principal_id, access_key_id, arn;
};
struct FileIds {
  std::string sha256, sha1, name, path;
};

class Tenant {
 public:
  Tenant(int index, double weight, std::uint64_t alerts_hint, double entity_zipf);

  int index() const { return index_; }
  const std::string& id() const { return id_; }  // Entra tenant id: the weft tenant
  const std::string& name() const { return name_; }
  const std::string& domain() const { return domain_; }
  const std::string& subscription() const { return subscription_; }
  const std::string& aws_account() const { return aws_account_; }
  const std::string& aws_region() const { return aws_region_; }
  const std::string& gcp_project() const { return gcp_project_; }
  const std::string& gcp_project_number() const { return gcp_project_number_; }
  const std::string& gcp_org() const { return gcp_org_; }
  const std::string& gcp_zone() const { return gcp_zone_; }
  double weight() const { return weight_; }

  // Picks an entity of `pool` for an episode starting at `start`: a Zipf-popular one unless
  // another episode used it less than `window` ms before; then (after three tries) a fresh one
  // that no other episode ever uses. Returns the index; call Touch with the episode's last
  // activity afterwards.
  std::uint64_t Pick(Pool pool, Rng& rng, Timestamp start, Timestamp window);
  // A never-used index of `pool` (noise alerts' own entities).
  std::uint64_t Fresh(Pool pool);
  // Records that the entity was used until `until`.
  void Touch(Pool pool, std::uint64_t index, Timestamp until);

  // Identifiers of entity `i` of a pool.
  AzureVmIds AzureVm(std::uint64_t i) const;
  AwsInstanceIds AwsInstance(std::uint64_t i) const;
  std::string GcpInstance(std::uint64_t i) const;  // full resource name
  UserIds2 User(std::uint64_t i) const;
  AwsPrincipalIds AwsPrincipal(std::uint64_t i) const;
  std::string GcpPrincipal(std::uint64_t i) const;  // service account e-mail
  std::string Ip(std::uint64_t i) const;            // public IPv4, unique per (tenant, i)
  FileIds File(std::uint64_t i) const;
  std::string AzureStorage(std::uint64_t i) const;  // ARM id
  std::string S3Bucket(std::uint64_t i) const;      // bucket name
  std::string GcsBucket(std::uint64_t i) const;     // bucket name

  // Hubs: the tenant's NAT egress IP, internet scanner IPs (the same addresses in every
  // tenant), a service account, and a popular installer.
  std::string NatIp() const;
  static std::string ScannerIp(int i);  // i in [0, kScannerIps)
  static constexpr int kScannerIps = 4;
  UserIds2 ServiceAccount() const;
  FileIds CommonFile() const;

 private:
  struct PoolState {
    std::uint64_t size = 0;
    std::uint64_t next_fresh = 0;  // fresh indices start at size
    std::vector<Timestamp> last_use;
    Zipf zipf{1, 1.0};
  };
  int index_;
  double weight_;
  std::string id_, name_, domain_, subscription_, aws_account_, aws_region_, gcp_project_,
      gcp_project_number_, gcp_org_, gcp_zone_;
  std::array<PoolState, kPoolCount> pools_;
};

}  // namespace weft::generator::internal
