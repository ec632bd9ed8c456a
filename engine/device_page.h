#pragma once
// DevicePage: one device as every product saw it. Finds the resolved device entity from any of
// its identifiers (MDE device id, Azure VM resource id in any case, vmId, AWS instance id or
// ARN, GCP resource name, or an unambiguous host name), then gathers its aliases (with the
// product that taught each), cloud labels, alias conflicts, every alert from every source whose
// evidence resolves to it, the incidents holding those alerts, and devices that share its host
// name but no strong identifier (possible matches that were not merged). Read-only over the
// store; a value.

#include <string>
#include <string_view>
#include <vector>

#include "engine/story.h"
#include "graph/graph_store.h"

namespace weft {

struct DeviceAlertRow {
  std::string key;
  Timestamp time = kNoTime;
  std::string source;  // product name
  Severity severity = Severity::kMedium;
  std::string title;
  std::string role;      // evidence role of the device in the alert
  std::string incident;  // current incident id ("" when none)
};

struct DeviceMatch {
  std::string tenant;
  std::string key;
  std::string display_name;
};

struct DevicePage {
  std::string tenant;
  StoryAsset device;  // key, name, cloud, labels, aliases with sources, conflicts, tags
  std::vector<std::string> sources;    // products that reported it, sorted
  std::vector<DeviceAlertRow> alerts;  // activity order: the device's timeline
  std::vector<std::string> incidents;  // sorted ids
  std::vector<DeviceMatch> possible_matches;
};

struct DeviceLookup {
  // Exactly one device matched: its page. Otherwise `candidates` lists every device the query
  // matched (a host name several devices carry); empty when none matched.
  std::optional<DevicePage> page;
  std::vector<DeviceMatch> candidates;
};

// Looks `query` up among the device entities of `tenant` ("" = every tenant). Strong
// identifiers win over host names. NotFound when nothing matches; store errors as they are.
Result<DeviceLookup> LookupDevice(GraphStore& store, std::string_view query,
                                  std::string_view tenant = "");

}  // namespace weft
