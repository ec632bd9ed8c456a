#include "engine/device_page.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "engine/path_query.h"
#include "model/canonical.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace weft {

namespace {

enum class MatchStrength { kNone, kWeak, kStrong };

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// How `record` (a device) matches the lower-cased query `q`.
MatchStrength Match(const EntityRecord& record, const std::string& q) {
  const Entity& e = record.entity;
  if (ToLower(e.key) == q) return MatchStrength::kStrong;
  for (const Alias& a : e.aliases) {
    if (!a.strong()) continue;
    const std::string value = ToLower(a.value);
    const std::string full = ToLower(a.ToString());
    if (value == q || full == q || "device:" + full == q) return MatchStrength::kStrong;
    // An AWS instance id or a GCP instance name inside an ARN / full resource name.
    if (q.rfind("i-", 0) == 0 && EndsWith(value, "/" + q)) return MatchStrength::kStrong;
    if (q.rfind("projects/", 0) == 0 && EndsWith(value, "/" + q)) return MatchStrength::kStrong;
  }
  for (const Alias& a : e.aliases) {
    if (a.strong()) continue;
    if (ToLower(a.value) == q || ToLower(a.ToString()) == q) return MatchStrength::kWeak;
  }
  if (!e.display_name.empty() && ToLower(e.display_name) == q) return MatchStrength::kWeak;
  return MatchStrength::kNone;
}

std::vector<std::string> WeakNames(const Entity& e) {
  std::vector<std::string> names;
  for (const Alias& a : e.aliases) {
    if (!a.strong() && (a.type == "host" || a.type == "fqdn")) names.push_back(ToLower(a.value));
  }
  if (!e.display_name.empty()) names.push_back(ToLower(e.display_name));
  return names;
}

// The name to show for a device: its display name, else its host name or FQDN alias.
std::string ShownName(const Entity& e) {
  if (!e.display_name.empty()) return e.display_name;
  for (const char* type : {"host", "fqdn"}) {
    for (const Alias& a : e.aliases) {
      if (a.type == type) return a.value;
    }
  }
  return "";
}

bool SharesStrongAlias(const Entity& a, const Entity& b) {
  for (const Alias& x : a.aliases) {
    if (!x.strong()) continue;
    for (const Alias& y : b.aliases) {
      if (y.strong() && x.type == y.type && x.value == y.value) return true;
    }
  }
  return false;
}

}  // namespace

Result<DeviceLookup> LookupDevice(GraphStore& store, std::string_view query,
                                  std::string_view tenant) {
  std::string q = ToLower(Trim(query));
  if (std::optional<std::string> azure = NormalizeAzureResourceId(q);
      azure && q.find("/subscriptions/") != std::string::npos) {
    q = *azure;
  }
  std::vector<EntityRecord> strong, weak;
  WEFT_RETURN_IF_ERROR(
      store.ForEachEntityOfKind(tenant, EntityKind::kDevice, [&](const EntityRecord& r) {
        switch (Match(r, q)) {
          case MatchStrength::kStrong: strong.push_back(r); break;
          case MatchStrength::kWeak: weak.push_back(r); break;
          case MatchStrength::kNone: break;
        }
        return true;
      }));
  const std::vector<EntityRecord>& found = strong.empty() ? weak : strong;
  DeviceLookup lookup;
  if (found.empty()) return Status::NotFound("no device known as '" + std::string(query) + "'");
  if (found.size() > 1) {
    for (const EntityRecord& r : found)
      lookup.candidates.push_back(DeviceMatch{r.tenant, r.entity.key, ShownName(r.entity)});
    return lookup;
  }
  const EntityRecord& record = found.front();
  DevicePage page;
  page.tenant = record.tenant;
  page.device = AssetFromRecord(record);

  // One pass over the tenant's devices, keeping only what the page needs:
  // - the records that hold one of the device's identifiers (the device, and any device an
  //   identity clash left holding one), to resolve the alerts' evidence keys;
  // - the possible matches: the resolver's list plus devices sharing a host name but no strong
  //   identifier, with the names to show.
  std::vector<std::string> identifiers = record.entity.StrongAliasKeys();
  identifiers.push_back(record.entity.key);
  const absl::flat_hash_set<std::string> wanted(identifiers.begin(), identifiers.end());
  auto is_wanted = [&](const std::string& k) { return wanted.contains(k); };
  std::set<std::string> possible(record.possible_matches.begin(), record.possible_matches.end());
  std::map<std::string, std::string> shown_names;
  const std::vector<std::string> names = WeakNames(record.entity);
  ResolvedEntityIndex index;
  std::vector<std::string> indexed_keys;  // every key the index resolves: what alerts may name
  auto each_device = [&](const EntityRecord& other) {
    std::vector<std::string> aliases = other.entity.StrongAliasKeys();
    if (is_wanted(other.entity.key) || std::any_of(aliases.begin(), aliases.end(), is_wanted)) {
      index.Add(other);
      indexed_keys.push_back(other.entity.key);
      std::move(aliases.begin(), aliases.end(), std::back_inserter(indexed_keys));
    }
    if (other.entity.key == record.entity.key) return true;
    const std::vector<std::string> other_names = WeakNames(other.entity);
    const bool same_name = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      return std::find(other_names.begin(), other_names.end(), n) != other_names.end();
    });
    if (same_name && !SharesStrongAlias(record.entity, other.entity))
      possible.insert(other.entity.key);
    if (possible.count(other.entity.key) != 0)
      shown_names[other.entity.key] = ShownName(other.entity);
    return true;
  };
  WEFT_RETURN_IF_ERROR(store.ForEachEntityOfKind(record.tenant, EntityKind::kDevice, each_device));
  for (const std::string& key : possible)
    page.possible_matches.push_back(DeviceMatch{record.tenant, key, shown_names[key]});

  // Every alert with a device in its evidence that resolves to this device: found in the
  // summaries, then read in full for its source and the device's role.
  std::vector<std::string> keys;
  auto names_device = [&](const AlertSummary& a) {
    for (const auto& [kind, key] : a.evidence) {
      if (kind == EntityKind::kDevice && index.Resolve(key) == record.entity.key) {
        keys.emplace_back(a.key);
        break;
      }
    }
    return true;
  };
  WEFT_RETURN_IF_ERROR(store.ForEachAlertSummaryNaming(record.tenant, indexed_keys, names_device));
  std::set<std::string> sources;
  for (const std::string& key : keys) {
    WEFT_ASSIGN_OR_RETURN(std::optional<Alert> a, store.GetAlert(key));
    if (!a) continue;
    for (const Evidence& ev : a->evidence) {
      if (ev.entity.kind != EntityKind::kDevice ||
          index.ResolveEntity(ev.entity) != record.entity.key)
        continue;
      page.alerts.push_back(DeviceAlertRow{a->key, a->activity_time(),
                                           std::string(SourceProductName(a->source)), a->severity,
                                           a->title, std::string(EvidenceRoleName(ev.role)), ""});
      sources.insert(std::string(SourceProductName(a->source)));
      break;
    }
  }
  std::sort(page.alerts.begin(), page.alerts.end(),
            [](const DeviceAlertRow& x, const DeviceAlertRow& y) {
              return std::tie(x.time, x.key) < std::tie(y.time, y.key);
            });
  page.sources.assign(sources.begin(), sources.end());

  absl::flat_hash_map<std::string_view, DeviceAlertRow*, StringViewHash> row_of;
  for (DeviceAlertRow& row : page.alerts) row_of.emplace(row.key, &row);
  std::set<std::string> incidents;
  WEFT_RETURN_IF_ERROR(store.ForEachIncidentHolding(record.tenant, keys, [&](const Incident& inc) {
    if (inc.status == IncidentStatus::kRedirected) return true;
    for (const std::string& key : inc.alert_keys) {
      auto it = row_of.find(key);
      if (it == row_of.end()) continue;
      it->second->incident = inc.id;
      incidents.insert(inc.id);
    }
    return true;
  }));
  page.incidents.assign(incidents.begin(), incidents.end());
  lookup.page = std::move(page);
  return lookup;
}

}  // namespace weft
