#pragma once
// CorrelationConfig: the rules that decide when two alerts are linked. Two alerts of one tenant
// are linked when they share a correlating entity (after identity resolution) whose alert count
// does not make it a hub, and their activity times lie within `window` of each other. An
// incident is a connected component of linked alerts. docs/correlation.md gives the reason for
// every default. Value type.

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "model/alert.h"
#include "model/entity.h"
#include "model/time.h"

namespace weft {

// When an entity is a hub: it has more alerts than HubThreshold(tenant alert count).
struct HubRule {
  // Default 12: a scanner IP or shared account that touches more than a dozen alerts is not
  // evidence that they belong together (MISP stops correlating at 20; Sentinel caps at 150).
  std::size_t floor = 12;
  // Default 0.002: in a big tenant the threshold grows by 0.2% of the tenant's alerts, so a
  // busy server is not a hub merely because the tenant is large.
  double share = 0.002;
  // When set, a fixed threshold that ignores floor and share (for comparison runs).
  std::optional<std::size_t> absolute;

  std::size_t Threshold(std::size_t tenant_alerts) const;
};

struct CorrelationConfig {
  // Default 24 h. nullopt = "off": any two alerts sharing an entity link, however far apart.
  std::optional<Timestamp> window = 24 * kMillisPerHour;
  HubRule hub;
  // Entity kinds whose sharing links alerts. Default: every kind but generic, registry, process
  // (process keys include a pid and rarely repeat across products) and cloud applications (on
  // GUIDE every link through one joined different incidents: docs/correlation.md, Tuning).
  std::set<EntityKind> kinds = DefaultKinds();
  // Entity keys that never link (well-known SIDs, loopback, ...). Canonical keys.
  std::set<std::string, std::less<>> stop_list = DefaultStopList();
  // Default false: private (RFC 1918) IPs repeat across networks and do not link alerts.
  bool private_ips_correlate = false;
  // Alert-type grouping, off by default (nullopt). When set to a width W, alerts of one tenant,
  // source product and alert type whose activity falls in the same W-wide bucket (aligned to the
  // epoch) are linked as if they shared an entity: the bucket's link key, which the hub rule
  // caps and the window bounds like any entity. Sentinel's "group alerts triggered by this rule
  // into one incident". On GUIDE it multiplies recall, at a precision no better than entity
  // sharing, and on streams with recurring noise it merges that noise (docs/correlation.md).
  std::optional<Timestamp> type_window;
  // The source products whose alerts type_window groups; empty (the default) = every source.
  // A source whose detectors each describe one campaign can be grouped while the recurring
  // noise of another (port probes, brute force) is not.
  std::set<SourceProduct> type_sources;

  static std::set<EntityKind> DefaultKinds();
  static std::set<std::string, std::less<>> DefaultStopList();

  // True when alerts sharing `entity` (canonical key `key`, kind, private-ip flag) may link,
  // before the hub rule. `reason` (may be null) receives why not.
  bool Correlates(EntityKind kind, std::string_view key, bool private_ip,
                  std::string* reason = nullptr) const;

  // A one-line description, e.g. "window=24h hub=max(12, 0.2% of tenant alerts) kinds=..." .
  std::string Describe() const;
  // A stable fingerprint of the rules (stored with the incidents it produced).
  std::string Fingerprint() const;
};

}  // namespace weft
