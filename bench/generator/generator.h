#pragma once
// The synthetic multi-cloud alert stream generator: a deterministic, labelled stream of
// security alerts from Defender for Cloud, Defender XDR (through Graph alerts_v2), Sentinel,
// GuardDuty, Security Hub, Security Command Center and an OCSF product, over T tenants. It
// plants cross-product, cross-cloud attack chains (each one true incident), background noise
// (each alert its own incident), hub entities of huge degree, late and out-of-order alerts,
// duplicate deliveries and informational alerts. docs/benchmarks.md ("Generator") describes the
// model and what a correct correlator should output.
//
// Two forms: AlertStream yields normalized weft::Alert values in memory (no JSON, generated
// lazily, memory bounded by the late-delivery horizon, not by the stream length), and
// GenerateToDirectory writes the same stream as the real source formats plus labels.jsonl,
// tenants.json and summary.json. Same options -> same alerts, same bytes.
// Thread-compatible: one AlertStream per thread; GenerateToDirectory is reentrant.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/alert.h"
#include "model/status.h"
#include "model/time.h"

namespace weft::generator {

struct GeneratorOptions {
  std::uint64_t alerts = 10000;  // records to emit, duplicates and informational included
  int tenants = 4;               // tenants, of Zipf-distributed sizes (1 .. 1000)
  std::uint64_t seed = 1;        // everything random derives from it
  // "mixed" (each source in its own native format, one file per format), "weft" (every source
  // in weft's JSON lines), or one native format: "defender-for-cloud", "graph-alerts",
  // "guardduty", "securityhub", "scc", "ocsf" (only the scenarios that format can carry).
  std::string format = "mixed";
  Timestamp start = 1767571200000;      // first activity: 2026-01-05T00:00:00Z (ms since epoch)
  Timestamp span = 30 * kMillisPerDay;  // activity spread over this many ms (default 30 days)
  double informational_share = 0.05;  // share of distinct alerts that are informational singletons
  double noise_share = 0.50;      // share of distinct alerts that are unrelated noise singletons
  double duplicate_share = 0.05;  // share of distinct alerts delivered a second time
  double late_share = 0.03;       // share of records delivered 2 h to 36 h after their activity
  double hub_share = 0.20;        // share of alerts that also name one hub entity
  double entity_zipf = 1.1;       // Zipf exponent of entity popularity within a tenant
  double tenant_zipf = 1.0;       // Zipf exponent of tenant sizes
  // No two different true incidents share a non-hub entity between alerts whose activity is
  // closer than this (ms, default 24 h): any correlator window up to it can reach the labels.
  Timestamp isolation_window = 24 * kMillisPerHour;
  Timestamp max_step_gap = 90 * 60 * kMillisPerSecond;  // max gap between chain steps (90 min)
};

// The connector that delivered one record; it fixes the native format it is written in.
enum class Channel {
  kMdcRest,      // Defender for Cloud REST alert (Microsoft.Security/alerts)
  kSentinel,     // Sentinel SecurityAlert row of a Defender for Cloud alert (duplicates only)
  kGraphMde,     // Graph alerts_v2, serviceSource microsoftDefenderForEndpoint
  kGraphMdo,     // Graph alerts_v2, serviceSource microsoftDefenderForOffice365
  kGraphEntra,   // Graph alerts_v2, serviceSource azureAdIdentityProtection
  kGuardDuty,    // GuardDuty finding (camelCase, EventBridge detail)
  kSecurityHub,  // Security Hub ASFF finding (Inspector and CSPM products)
  kScc,          // Security Command Center notification envelope
  kOcsf,         // OCSF 1.1 Detection Finding (2004) from a third-party CNAPP
};
// The native format name, as weft's importers call it: "defender-for-cloud", "sentinel",
// "graph-alerts", "guardduty", "securityhub", "scc", "ocsf".
std::string_view ChannelFormat(Channel channel);

// One delivered record, normalized as weft's importers would produce it.
struct GeneratedAlert {
  Alert alert;           // FinalizeAlert'ed: key set; provenance names the native format
  std::string incident;  // true incident id: "chain-00000042" or "noise-00000043"
  std::string scenario;  // chain template or noise template name, e.g. "phish-to-azure-vm"
  Channel channel = Channel::kMdcRest;
  int tenant_index = 0;         // 0-based index into the tenants
  std::string account;          // Azure subscription, AWS account or GCP project of the record
  std::string region;           // cloud region of the record ("" when none)
  bool informational = false;   // severity informational: not ingested by default
  bool duplicate = false;       // a second delivery of an alert already emitted
  bool late = false;            // delivered hours after its activity
  Timestamp emitted = kNoTime;  // when the record arrives; the stream is in this order
  std::string native_id;        // the id as the record carries it (e.g. the GuardDuty finding arn)
  std::uint64_t serial = 0;     // stream-wide number of the distinct alert (a duplicate shares it)
  // Opaque to callers: which generated entities the alert names, in record order. The native
  // writers regenerate the source identifiers from it.
  std::vector<std::uint64_t> entity_refs;
};

// One hub entity and how many records name it.
struct HubInfo {
  std::string tenant;
  std::string entity_key;
  std::string kind;  // "nat-ip", "scanner-ip", "service-account", "common-file"
  std::uint64_t records = 0;
};

struct TenantInfo {
  std::string id;  // the weft tenant: the Entra tenant id (lower-case GUID)
  std::string name;
  double weight = 0;                  // share of episodes
  std::vector<std::string> accounts;  // subscription, AWS account, GCP project id and number, org
};

struct GeneratorSummary {
  std::uint64_t records = 0;          // records emitted (== options.alerts)
  std::uint64_t distinct_alerts = 0;  // distinct alert keys
  std::uint64_t duplicates = 0;
  std::uint64_t informational = 0;
  std::uint64_t late = 0;
  std::uint64_t planted_incidents = 0;  // chains
  std::uint64_t chain_alerts = 0;       // distinct alerts in chains
  std::uint64_t noise_incidents = 0;    // noise singletons (informational ones included)
  std::map<std::string, std::uint64_t> records_per_format;  // native format -> records
  std::map<std::string, std::uint64_t> incidents_per_scenario;
  std::vector<TenantInfo> tenants;
  std::vector<HubInfo> hubs;
  std::map<std::string, std::uint64_t> files;  // file written -> records (GenerateToDirectory)
};

// The lazy in-memory stream. Not thread-safe.
class AlertStream {
 public:
  // InvalidArgument for a bad option (unknown format, shares outside [0, 1] or summing over 1,
  // tenants outside 1..1000, alerts 0, span <= 0).
  static Result<std::unique_ptr<AlertStream>> Create(const GeneratorOptions& options);
  ~AlertStream();
  AlertStream(const AlertStream&) = delete;
  AlertStream& operator=(const AlertStream&) = delete;

  // Replaces `batch` with the next records in arrival order (up to about `max_records`; at
  // least one while any remain). Returns false, with `batch` empty, when the stream is done.
  bool Next(std::vector<GeneratedAlert>& batch, std::size_t max_records = 4096);

  // Counts so far; complete once Next returned false.
  const GeneratorSummary& summary() const;
  const GeneratorOptions& options() const;

 private:
  class Impl;
  explicit AlertStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes the stream for `options` into `out_dir` (created if missing): one file per native
// format (mixed: defender-for-cloud.jsonl, sentinel-securityalert.jsonl, graph-alerts.jsonl,
// guardduty.jsonl, securityhub.jsonl, scc.jsonl, ocsf.jsonl; weft: weft.jsonl; one native
// format: that file only), labels.jsonl, tenants.json and summary.json. Existing files of those
// names are replaced. InvalidArgument for bad options, IOError when a file cannot be written.
Result<GeneratorSummary> GenerateToDirectory(const GeneratorOptions& options,
                                             const std::string& out_dir);

// Names accepted by GeneratorOptions::format.
std::vector<std::string> GeneratorFormats();

}  // namespace weft::generator
