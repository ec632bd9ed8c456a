#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "bench/generator/generator.h"
#include "bench/generator/internal/random.h"
#include "bench/generator/internal/scenarios.h"
#include "bench/generator/internal/world.h"

namespace weft::generator {

using internal::ChainSpec;
using internal::NoiseSpec;
using internal::Rng;
using internal::Slot;
using internal::StepSpec;
using internal::Tenant;

namespace {

constexpr Timestamp kMinute = 60 * kMillisPerSecond;
constexpr Timestamp kEpisodeJitter = 30 * kMinute;  // episode start after the time cursor

// A record waiting for its arrival time; the Alert is built only when it is released.
struct Pending {
  Timestamp emitted = 0;
  std::uint64_t seq = 0;  // tie-break: generation order
  int tenant = 0;
  Channel channel = Channel::kMdcRest;
  const StepSpec* step = nullptr;
  std::string_view scenario;
  bool chain = false;
  bool informational = false;
  bool duplicate = false;
  bool late = false;
  std::uint64_t incident = 0;
  std::uint64_t serial = 0;
  Timestamp first = 0, last = 0, created = 0, updated = 0;
  std::uint64_t refs[8] = {};  // packed entity refs (a step names at most 5, plus one hub)
  std::uint8_t ref_count = 0;
};

struct Later {
  bool operator()(const Pending& a, const Pending& b) const {
    return std::tie(a.emitted, a.seq) > std::tie(b.emitted, b.seq);
  }
};

std::string IncidentId(bool chain, std::uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%08llu", chain ? "chain" : "noise",
                static_cast<unsigned long long>(n));
  return buf;
}

std::string_view Connector(Channel c) {
  switch (c) {
    case Channel::kMdcRest: return "Defender for Cloud REST API";
    case Channel::kSentinel: return "Sentinel SecurityAlert (Defender for Cloud connector)";
    case Channel::kGraphMde:
    case Channel::kGraphMdo:
    case Channel::kGraphEntra: return "Microsoft Graph security API alerts_v2";
    case Channel::kGuardDuty: return "GuardDuty EventBridge";
    case Channel::kSecurityHub: return "Security Hub EventBridge";
    case Channel::kScc: return "SCC Pub/Sub notification";
    case Channel::kOcsf: return "OCSF export";
  }
  return "";
}

// Hub slots an alert of `channel` can carry, given the IPs it already names.
std::vector<Slot> HubCandidates(Channel c, bool has_ip) {
  switch (c) {
    case Channel::kMdcRest:
    case Channel::kSentinel:
      return {Slot::kHubNatIp, Slot::kHubScannerIp, Slot::kHubServiceAccount, Slot::kHubCommonFile};
    case Channel::kGraphMde:
      return {Slot::kHubNatIp, Slot::kHubServiceAccount, Slot::kHubCommonFile};
    case Channel::kGraphMdo: return {Slot::kHubServiceAccount};
    case Channel::kGraphEntra: return {Slot::kHubNatIp, Slot::kHubServiceAccount};
    case Channel::kGuardDuty:
    case Channel::kSecurityHub:
      if (has_ip) return {};
      return {Slot::kHubScannerIp};
    case Channel::kScc: return {Slot::kHubScannerIp, Slot::kHubCommonFile};
    case Channel::kOcsf: return {Slot::kHubNatIp, Slot::kHubScannerIp, Slot::kHubCommonFile};
  }
  return {};
}

bool IsIpSlot(Slot s) {
  return s == Slot::kAttackerIp || s == Slot::kC2Ip || s == Slot::kHubNatIp ||
         s == Slot::kHubScannerIp;
}

Status Validate(const GeneratorOptions& o) {
  const auto formats = GeneratorFormats();
  if (std::find(formats.begin(), formats.end(), o.format) == formats.end()) {
    return Status::InvalidArgument("unknown format '" + o.format + "'");
  }
  if (o.alerts == 0) return Status::InvalidArgument("alerts must be at least 1");
  if (o.tenants < 1 || o.tenants > 1000)
    return Status::InvalidArgument("tenants must be in 1..1000");
  if (o.span <= 0) return Status::InvalidArgument("span must be positive");
  for (double share :
       {o.informational_share, o.noise_share, o.duplicate_share, o.late_share, o.hub_share}) {
    if (!(share >= 0.0 && share <= 1.0)) return Status::InvalidArgument("shares must be in [0, 1]");
  }
  if (o.informational_share + o.noise_share > 1.0 + 1e-9) {
    return Status::InvalidArgument("informational_share + noise_share must not exceed 1");
  }
  if (o.isolation_window < 0 || o.max_step_gap <= 0)
    return Status::InvalidArgument("bad window or step gap");
  return Status::Ok();
}

}  // namespace

std::string_view ChannelFormat(Channel channel) {
  switch (channel) {
    case Channel::kMdcRest: return "defender-for-cloud";
    case Channel::kSentinel: return "sentinel";
    case Channel::kGraphMde:
    case Channel::kGraphMdo:
    case Channel::kGraphEntra: return "graph-alerts";
    case Channel::kGuardDuty: return "guardduty";
    case Channel::kSecurityHub: return "securityhub";
    case Channel::kScc: return "scc";
    case Channel::kOcsf: return "ocsf";
  }
  return "";
}

std::vector<std::string> GeneratorFormats() {
  return {"mixed", "weft", "defender-for-cloud", "graph-alerts", "guardduty", "securityhub",
          "scc",   "ocsf"};
}

class AlertStream::Impl {
 public:
  explicit Impl(const GeneratorOptions& o) : opt_(o), rng_(o.seed) {
    double total = 0;
    std::vector<double> w(static_cast<std::size_t>(o.tenants));
    for (int t = 0; t < o.tenants; ++t)
      total += w[static_cast<std::size_t>(t)] = 1.0 / std::pow(t + 1.0, o.tenant_zipf);
    double acc = 0;
    for (int t = 0; t < o.tenants; ++t) {
      const double share = w[static_cast<std::size_t>(t)] / total;
      tenants_.emplace_back(t, share, o.alerts, o.entity_zipf);
      acc += share;
      tenant_cdf_.push_back(acc);
      const Tenant& tn = tenants_.back();
      summary_.tenants.push_back(TenantInfo{tn.id(),
                                            tn.name(),
                                            share,
                                            {tn.subscription(), tn.aws_account(), tn.gcp_project(),
                                             tn.gcp_project_number(), tn.gcp_org()}});
    }
    const std::vector<Channel> channels = internal::ChannelsOf(o.format);
    auto allowed = [&](Channel c) {
      return std::find(channels.begin(), channels.end(), c) != channels.end();
    };
    double steps = 0, chain_weight = 0;
    for (const ChainSpec& c : internal::AllChains()) {
      if (std::all_of(c.steps.begin(), c.steps.end(),
                      [&](const StepSpec& s) { return allowed(s.channel); })) {
        chains_.push_back(&c);
        chain_weight += c.weight;
        chain_cdf_.push_back(chain_weight);
        steps += c.weight * static_cast<double>(c.steps.size());
      }
    }
    for (const NoiseSpec& n : internal::AllNoise()) {
      if (!allowed(n.step.channel)) continue;
      noise_.push_back(&n);
      noise_weight_ += n.weight;
      noise_cdf_.push_back(noise_weight_);
      if (n.informational_ok) {
        info_.push_back(&n);
        info_weight_ += n.weight;
        info_cdf_.push_back(info_weight_);
      }
    }
    w_info_ = info_.empty() ? 0.0 : o.informational_share;
    w_noise_ = o.noise_share;
    const double chain_share = std::max(0.0, 1.0 - o.informational_share - o.noise_share);
    w_chain_ = chains_.empty() ? 0.0 : chain_share / (steps / chain_weight);
    if (w_info_ + w_noise_ + w_chain_ <= 0) w_noise_ = 1.0;
  }

  bool Next(std::vector<GeneratedAlert>& batch, std::size_t max_records) {
    batch.clear();
    if (max_records == 0) max_records = 1;
    while (batch.size() < max_records) {
      const bool done = generated_ >= opt_.alerts;
      if (!heap_.empty() && (done || heap_.front().emitted < Frontier())) {
        std::pop_heap(heap_.begin(), heap_.end(), Later());
        batch.push_back(Materialize(heap_.back()));
        heap_.pop_back();
        continue;
      }
      if (done) break;
      GenerateEpisode();
    }
    if (generated_ >= opt_.alerts && heap_.empty() && !finished_) Finish();
    return !batch.empty();
  }

  GeneratorOptions opt_;
  GeneratorSummary summary_;

 private:
  Timestamp Frontier() const {
    const double f = static_cast<double>(generated_) / static_cast<double>(opt_.alerts);
    return opt_.start + static_cast<Timestamp>(f * static_cast<double>(opt_.span));
  }

  std::size_t PickCdf(const std::vector<double>& cdf) {
    const double u = rng_.Uniform() * cdf.back();
    return static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
  }

  void GenerateEpisode() {
    const Timestamp start = Frontier() + static_cast<Timestamp>(rng_.Below(kEpisodeJitter));
    const std::size_t ti = std::min(PickCdf(tenant_cdf_), tenants_.size() - 1);
    Tenant& tenant = tenants_[ti];
    const double u = rng_.Uniform() * (w_info_ + w_noise_ + w_chain_);
    const std::uint64_t incident = ++episodes_;
    if (u < w_chain_) {
      const ChainSpec& chain = *chains_[std::min(PickCdf(chain_cdf_), chains_.size() - 1)];
      BuildEpisode(tenant, chain.name, chain.steps.data(), chain.steps.size(), true, false,
                   incident, start);
      return;
    }
    const bool info = u < w_chain_ + w_info_;
    const NoiseSpec& n = info ? *info_[std::min(PickCdf(info_cdf_), info_.size() - 1)]
                              : *noise_[std::min(PickCdf(noise_cdf_), noise_.size() - 1)];
    BuildEpisode(tenant, n.name, &n.step, 1, false, info, incident, start);
  }

  void BuildEpisode(Tenant& tenant, std::string_view scenario, const StepSpec* steps,
                    std::size_t count, bool chain, bool info, std::uint64_t incident,
                    Timestamp start) {
    // Cast: one entity per slot for the whole episode.
    std::uint64_t cast[internal::kSlotCount];
    bool cast_set[internal::kSlotCount] = {};
    std::vector<std::pair<internal::Pool, std::uint64_t>> picked;
    auto entity_of = [&](Slot s) -> std::uint64_t {
      const int k = static_cast<int>(s == Slot::kMailbox ? Slot::kUser : s);
      if (cast_set[k]) return cast[k];
      std::uint64_t idx = 0;
      if (auto pool = internal::SlotPool(s)) {
        idx = tenant.Pick(*pool, rng_, start, opt_.isolation_window);
        picked.emplace_back(*pool, idx);
      } else if (s == Slot::kHubScannerIp) {
        idx = rng_.Below(Tenant::kScannerIps);
      } else if (s == Slot::kMail || s == Slot::kPhishUrl) {
        idx = incident;
      }
      cast_set[k] = true;
      cast[k] = idx;
      return idx;
    };
    Timestamp t = start;
    Timestamp episode_end = start;
    std::size_t emitted_steps = 0;
    for (std::size_t i = 0; i < count && generated_ < opt_.alerts; ++i) {
      const StepSpec& step = steps[i];
      if (i > 0)
        t += 5 * kMinute + static_cast<Timestamp>(rng_.Below(static_cast<std::uint64_t>(
                               std::max<Timestamp>(1, opt_.max_step_gap - 10 * kMinute))));
      Pending p;
      p.tenant = static_cast<int>(tenant.index());
      p.channel = step.channel;
      p.step = &step;
      p.scenario = scenario;
      p.chain = chain;
      p.informational = info;
      p.incident = incident;
      p.serial = ++serial_;
      p.first = t;
      p.last = t + static_cast<Timestamp>(rng_.Below(10 * kMinute));
      p.created = p.last + kMinute + static_cast<Timestamp>(rng_.Below(19 * kMinute));
      p.updated = p.created;
      bool has_ip = false;
      assert(step.slots.size() < std::size(p.refs) && "a step names too many entities");
      for (std::size_t k = 0; k < step.slots.size(); ++k) {
        const Slot s = step.slots[k];
        has_ip |= IsIpSlot(s);
        p.refs[p.ref_count++] = internal::PackRef(
            s, k == 0 ? EvidenceRole::kImpacted : EvidenceRole::kRelated, entity_of(s));
      }
      if (rng_.Chance(opt_.hub_share)) {
        const std::vector<Slot> hubs = HubCandidates(step.channel, has_ip);
        if (!hubs.empty()) {
          const Slot h = hubs[rng_.Below(hubs.size())];
          const std::uint64_t idx = h == Slot::kHubScannerIp ? rng_.Below(Tenant::kScannerIps) : 0;
          p.refs[p.ref_count++] = internal::PackRef(h, EvidenceRole::kRelated, idx);
        }
      }
      episode_end = std::max(episode_end, p.last);
      const bool dup = generated_ + 1 < opt_.alerts && rng_.Chance(opt_.duplicate_share);
      Pending copy;
      if (dup) {
        copy = p;
        copy.duplicate = true;
        copy.updated = p.updated + kMinute + static_cast<Timestamp>(rng_.Below(120 * kMinute));
        if (p.channel == Channel::kMdcRest && opt_.format == "mixed")
          copy.channel = Channel::kSentinel;
      }
      AssignArrival(p);
      if (dup) {
        AssignArrival(copy);
        // The copy that arrives first is the original delivery; the other is the duplicate.
        if (copy.emitted < p.emitted) std::swap(p.duplicate, copy.duplicate);
      }
      Push(std::move(p));
      if (dup) Push(std::move(copy));
      ++emitted_steps;
    }
    for (const auto& [pool, idx] : picked) tenant.Touch(pool, idx, episode_end);
    if (emitted_steps == 0) return;
    if (chain) {
      ++summary_.planted_incidents;
      summary_.chain_alerts += emitted_steps;
    } else {
      ++summary_.noise_incidents;
    }
    ++summary_.incidents_per_scenario[std::string(scenario)];
  }

  // Arrival: a few minutes after the provider wrote (or updated) the record, or 2 h to 36 h later.
  void AssignArrival(Pending& p) {
    const Timestamp base = p.duplicate ? p.updated : p.created;
    if (rng_.Chance(opt_.late_share)) {
      p.late = true;
      p.emitted =
          base + 2 * kMillisPerHour + static_cast<Timestamp>(rng_.Below(34 * kMillisPerHour));
    } else {
      p.emitted = base + static_cast<Timestamp>(rng_.Below(5 * kMinute));
    }
  }

  void Push(Pending p) {
    p.seq = ++seq_;
    ++generated_;
    heap_.push_back(std::move(p));
    std::push_heap(heap_.begin(), heap_.end(), Later());
  }

  GeneratedAlert Materialize(const Pending& p) {
    const Tenant& tenant = tenants_[static_cast<std::size_t>(p.tenant)];
    const StepSpec& step = *p.step;
    GeneratedAlert g;
    g.incident = IncidentId(p.chain, p.incident);
    g.scenario = std::string(p.scenario);
    g.channel = p.channel;
    g.tenant_index = p.tenant;
    g.informational = p.informational;
    g.duplicate = p.duplicate;
    g.late = p.late;
    g.emitted = p.emitted;
    g.serial = p.serial;
    g.entity_refs.assign(p.refs, p.refs + p.ref_count);
    switch (internal::ChannelSource(p.channel)) {
      case SourceProduct::kGuardDuty:
      case SourceProduct::kSecurityHub:
        g.account = tenant.aws_account();
        g.region = tenant.aws_region();
        break;
      case SourceProduct::kSecurityCommandCenter:
        g.account = tenant.gcp_project();
        g.region = tenant.gcp_zone();
        break;
      case SourceProduct::kOcsf: {
        const bool gcp = std::any_of(p.refs, p.refs + p.ref_count, [](std::uint64_t r) {
          return internal::RefSlot(r) == Slot::kGcpInstance ||
                 internal::RefSlot(r) == Slot::kGcsBucket;
        });
        g.account = gcp ? tenant.gcp_project() : tenant.aws_account();
        g.region = gcp ? tenant.gcp_zone() : tenant.aws_region();
        break;
      }
      default: g.account = tenant.subscription(); break;
    }
    Alert& a = g.alert;
    a.tenant = tenant.id();
    a.source = internal::ChannelSource(p.channel);
    a.product_name = std::string(internal::ChannelProductName(p.channel));
    g.native_id = internal::NativeId(tenant, p.channel, step.type, p.serial);
    a.provider_id = internal::ImportedProviderId(tenant, p.channel, step.type, g.native_id);
    a.alert_type = std::string(step.type);
    a.title = std::string(step.title);
    a.severity = p.informational ? Severity::kInformational : step.severity;
    a.native_severity = internal::NativeSeverity(p.channel, a.severity);
    a.first_activity = p.first;
    a.last_activity = p.last;
    a.created = p.created;
    a.updated = p.updated;
    a.upstream_incident_id = internal::UpstreamIncidentId(tenant, p.channel, p.serial);
    a.tactics.emplace_back(step.tactic);
    a.techniques.emplace_back(step.technique);
    a.evidence.reserve(p.ref_count + 1u);
    for (std::uint64_t ref : g.entity_refs) {
      internal::AppendEvidence(tenant, ref, p.channel, a.evidence);
      if (internal::IsHubSlot(internal::RefSlot(ref))) ++hub_records_[{p.tenant, ref}];
    }
    const std::string format =
        opt_.format == "weft" ? "weft" : std::string(ChannelFormat(p.channel));
    a.provenances.push_back(Provenance{format, "", "", std::string(Connector(p.channel))});
    FinalizeAlert(a).IgnoreError();  // cannot fail: tenant, provider id and times are always set
    ++summary_.records;
    summary_.duplicates += p.duplicate ? 1 : 0;
    summary_.distinct_alerts += p.duplicate ? 0 : 1;
    summary_.informational += p.informational && !p.duplicate ? 1 : 0;
    summary_.late += p.late ? 1 : 0;
    ++summary_.records_per_format[format];
    return g;
  }

  void Finish() {
    finished_ = true;
    for (const auto& [key, records] : hub_records_) {
      const Tenant& tenant = tenants_[static_cast<std::size_t>(key.first)];
      std::optional<Entity> e = internal::BuildEntity(tenant, key.second, Channel::kMdcRest);
      summary_.hubs.push_back(
          HubInfo{tenant.id(), e ? e->key : "",
                  std::string(internal::HubKindName(internal::RefSlot(key.second))), records});
    }
  }

  Rng rng_;
  std::vector<Tenant> tenants_;
  std::vector<double> tenant_cdf_;
  std::vector<const ChainSpec*> chains_;
  std::vector<double> chain_cdf_;
  std::vector<const NoiseSpec*> noise_, info_;
  std::vector<double> noise_cdf_, info_cdf_;
  double noise_weight_ = 0, info_weight_ = 0;
  double w_info_ = 0, w_noise_ = 0, w_chain_ = 0;
  std::uint64_t generated_ = 0;  // records created (pending or released)
  std::uint64_t episodes_ = 0;
  std::uint64_t serial_ = 0;
  std::uint64_t seq_ = 0;
  std::vector<Pending> heap_;
  std::map<std::pair<int, std::uint64_t>, std::uint64_t> hub_records_;
  bool finished_ = false;
};

Result<std::unique_ptr<AlertStream>> AlertStream::Create(const GeneratorOptions& options) {
  WEFT_RETURN_IF_ERROR(Validate(options));
  return std::unique_ptr<AlertStream>(new AlertStream(std::make_unique<Impl>(options)));
}

AlertStream::AlertStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AlertStream::~AlertStream() = default;

bool AlertStream::Next(std::vector<GeneratedAlert>& batch, std::size_t max_records) {
  return impl_->Next(batch, max_records);
}

const GeneratorSummary& AlertStream::summary() const { return impl_->summary_; }
const GeneratorOptions& AlertStream::options() const { return impl_->opt_; }

}  // namespace weft::generator
