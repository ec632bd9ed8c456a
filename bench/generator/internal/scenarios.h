#pragma once
// The scenarios the generator plants: attack chains (several alerts from several products,
// each step sharing a non-hub entity with the step before, one true incident) and noise
// templates (one alert, its own incident). Also how each (slot, channel) becomes a normalized
// Entity, exactly as the channel's importer builds it from the record the writers emit.
// Tables are immutable; the builder functions are pure given the Rng. Thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/generator/generator.h"
#include "bench/generator/internal/world.h"
#include "model/alert.h"

namespace weft::generator::internal {

// The part an entity plays in an episode. Pool-backed slots draw from the tenant's pools;
// kMail and kPhishUrl are derived from the episode; the hub slots name the tenant's hubs.
enum class Slot : std::uint8_t {
  kUser,     // Entra user (Pool::kUser)
  kMailbox,  // the user's mailbox (same index as kUser)
  kAzureVm,  // Pool::kAzureVm
  kAwsInstance,
  kGcpInstance,
  kAwsPrincipal,
  kGcpPrincipal,
  kAttackerIp,  // Pool::kIp
  kC2Ip,        // Pool::kIp
  kMalware,     // Pool::kFile
  kAzureStorage,
  kS3Bucket,
  kGcsBucket,
  kMail,      // a phishing message, index = episode
  kPhishUrl,  // its URL, index = episode
  kHubNatIp,
  kHubScannerIp,  // index = which scanner
  kHubServiceAccount,
  kHubCommonFile,
  kCount,
};
inline constexpr int kSlotCount = static_cast<int>(Slot::kCount);

// GeneratedAlert::entity_refs packs (slot, role, index) into one integer.
inline std::uint64_t PackRef(Slot slot, EvidenceRole role, std::uint64_t index) {
  return (static_cast<std::uint64_t>(slot) << 58) |
         (role == EvidenceRole::kImpacted ? 1ull << 57 : 0) | (index & ((1ull << 57) - 1));
}
inline Slot RefSlot(std::uint64_t ref) { return static_cast<Slot>(ref >> 58); }
inline EvidenceRole RefRole(std::uint64_t ref) {
  return (ref >> 57) & 1 ? EvidenceRole::kImpacted : EvidenceRole::kRelated;
}
inline std::uint64_t RefIndex(std::uint64_t ref) { return ref & ((1ull << 57) - 1); }
// The pool a slot draws from, or nullopt for derived and hub slots.
std::optional<Pool> SlotPool(Slot slot);
bool IsHubSlot(Slot slot);
std::string_view HubKindName(Slot slot);  // "nat-ip", "scanner-ip", ...

struct StepSpec {
  Channel channel;
  std::string_view type;  // alertType / detector / finding type / category
  std::string_view title;
  Severity severity;
  std::string_view tactic;     // MITRE tactic name, e.g. "InitialAccess"
  std::string_view technique;  // MITRE id, e.g. "T1566.002"
  std::vector<Slot> slots;     // the first is the impacted entity
};

struct ChainSpec {
  std::string_view name;
  double weight;
  std::vector<StepSpec> steps;
};

struct NoiseSpec {
  std::string_view name;
  double weight;
  StepSpec step;
  bool informational_ok;  // the product can emit it at informational severity
};

const std::vector<ChainSpec>& AllChains();
const std::vector<NoiseSpec>& AllNoise();
// The channels a --format value can carry ("mixed" and "weft": all but kSentinel).
std::vector<Channel> ChannelsOf(std::string_view format);
SourceProduct ChannelSource(Channel channel);
// The product string the record carries (productName, ProductName, metadata.product.name).
std::string_view ChannelProductName(Channel channel);

// The normalized entity `ref` becomes in an alert of `channel`, or nullopt when the channel
// does not carry it.
std::optional<Entity> BuildEntity(const Tenant& tenant, std::uint64_t ref, Channel channel);
// Appends the evidence `ref` gives an alert of `channel`: BuildEntity's entity, plus what the
// record shows next to it (the private IP of an EC2 instance in a GuardDuty finding).
void AppendEvidence(const Tenant& tenant, std::uint64_t ref, Channel channel,
                    std::vector<Evidence>& out);

// The id the record of alert `serial` (a stream-wide counter) of `channel` carries: systemAlertId,
// Graph id, GuardDuty finding arn, ASFF Id, SCC finding name, OCSF finding_info.uid.
std::string NativeId(const Tenant& tenant, Channel channel, std::string_view type,
                     std::uint64_t serial);
// The provider id weft's importer derives from that record (importers/*_format.cc): GuardDuty
// keys on the finding id (the arn's last segment), Security Hub on "<ProductArn>/<Id>", the
// others on the native id itself.
std::string ImportedProviderId(const Tenant& tenant, Channel channel, std::string_view type,
                               const std::string& native_id);
// ProductArn of a Security Hub finding of `type` (Inspector for CVEs, else Security Hub CSPM).
std::string SecurityHubProductArn(const Tenant& tenant, std::string_view type);

// The provider's own incident id a Graph alert carries (incidentId), "" for other channels.
std::string UpstreamIncidentId(const Tenant& tenant, Channel channel, std::uint64_t serial);

// Native severity string of `severity` for `channel` ("High", "high", "8.0", "HIGH", ...).
std::string NativeSeverity(Channel channel, Severity severity);

}  // namespace weft::generator::internal
