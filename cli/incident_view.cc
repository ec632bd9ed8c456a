#include "cli/incident_view.h"

#include <algorithm>
#include <functional>
#include <iomanip>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "model/canonical.h"

namespace weft::cli {
namespace {

// Entity keys whose key, alias or display name contains `text` (lower-cased).
Result<std::set<std::string>> MatchingEntities(GraphStore& store, const std::string& tenant,
                                               const std::string& text) {
  std::set<std::string> keys;
  const std::string needle = ToLower(text);
  auto contains = [&](const std::string& s) {
    return ToLower(s).find(needle) != std::string::npos;
  };
  WEFT_RETURN_IF_ERROR(store.ForEachEntity(tenant, [&](const EntityRecord& r) {
    bool hit = contains(r.entity.key) || contains(r.entity.display_name);
    for (const Alias& a : r.entity.aliases) hit = hit || contains(a.value);
    if (hit) keys.insert(r.entity.key);
    return true;
  }));
  return keys;
}

// Most recent activity first, then by id: the queue's order.
bool ShownBefore(const Incident& a, const Incident& b) {
  if (a.last_activity != b.last_activity) return a.last_activity > b.last_activity;
  return a.id < b.id;
}

}  // namespace

Status ForEachMatchingIncident(GraphStore& store, const IncidentQuery& query,
                               const std::function<bool(const Incident&)>& visit) {
  std::set<std::string> assets;
  if (!query.asset.empty()) {
    WEFT_ASSIGN_OR_RETURN(assets, MatchingEntities(store, query.tenant, query.asset));
  }
  const std::string needle = ToLower(query.asset);
  return store.ForEachIncident(query.tenant, [&](const Incident& i) {
    const bool redirected = i.status == IncidentStatus::kRedirected;
    if (!query.status.empty() && query.status != IncidentStatusName(i.status)) return true;
    if (query.status.empty() && redirected && !query.include_redirected) return true;
    if (!query.asset.empty()) {
      bool hit = false;
      for (const std::string& e : i.entities) {
        hit = hit || assets.count(e) != 0 || ToLower(e).find(needle) != std::string::npos;
      }
      if (!hit) return true;
    }
    return visit(i);
  });
}

Result<IncidentRow> MakeIncidentRow(GraphStore& store, Incident incident) {
  IncidentRow row{std::move(incident), {}, {}};
  const Incident& i = row.incident;
  std::set<std::string> sources, clouds;
  for (SourceProduct p : i.sources) sources.insert(std::string(SourceProductName(p)));
  for (Cloud c : i.clouds) clouds.insert(std::string(CloudName(c)));
  if (i.sources.empty()) {  // a record of a weft that did not keep them: ask the alerts
    for (const std::string& key : i.alert_keys) {
      WEFT_ASSIGN_OR_RETURN(std::optional<Alert> a, store.GetAlert(key));
      if (!a) continue;
      sources.insert(std::string(SourceProductName(a->source)));
      if (a->cloud != Cloud::kUnknown) clouds.insert(std::string(CloudName(a->cloud)));
    }
  }
  row.sources.assign(sources.begin(), sources.end());
  row.clouds.assign(clouds.begin(), clouds.end());
  return row;
}

Result<IncidentPage> QueryIncidents(GraphStore& store, const IncidentQuery& query) {
  IncidentPage page;
  std::vector<Incident> shown;
  WEFT_RETURN_IF_ERROR(ForEachMatchingIncident(store, query, [&](const Incident& i) {
    ++page.matched;
    if (query.limit == 0) {
      shown.push_back(i);
      return true;
    }
    // A heap of the `limit` most recent so far; its top is the one shown last.
    if (shown.size() == query.limit) {
      if (!ShownBefore(i, shown.front())) return true;
      std::pop_heap(shown.begin(), shown.end(), ShownBefore);
      shown.back() = i;
    } else {
      shown.push_back(i);
    }
    std::push_heap(shown.begin(), shown.end(), ShownBefore);
    return true;
  }));
  std::sort(shown.begin(), shown.end(), ShownBefore);
  page.rows.reserve(shown.size());
  for (Incident& i : shown) {
    WEFT_ASSIGN_OR_RETURN(IncidentRow row, MakeIncidentRow(store, std::move(i)));
    page.rows.push_back(std::move(row));
  }
  return page;
}

void PrintIncidentTable(const IncidentPage& page, std::ostream& out) {
  const std::vector<IncidentRow>& rows = page.rows;
  out << std::left << std::setw(21) << "INCIDENT" << std::setw(8) << "SEV" << std::setw(11)
      << "STATUS" << std::setw(7) << "ALERTS" << std::setw(25) << "LAST ACTIVITY"
      << "TITLE\n";
  for (const IncidentRow& r : rows) {
    const Incident& i = r.incident;
    std::string title = i.status == IncidentStatus::kRedirected ? "-> " + i.redirected_to : i.title;
    if (title.size() > 70) title = title.substr(0, 67) + "...";
    out << std::left << std::setw(21) << i.id << std::setw(8) << SeverityName(i.severity)
        << std::setw(11) << IncidentStatusName(i.status) << std::setw(7) << i.alert_keys.size()
        << std::setw(25) << FormatTimestamp(i.last_activity) << title << "\n";
    if (i.status == IncidentStatus::kRedirected) continue;
    std::string sources, clouds, entities;
    for (const std::string& s : r.sources) sources += (sources.empty() ? "" : ", ") + s;
    for (const std::string& c : r.clouds) clouds += (clouds.empty() ? "" : ", ") + c;
    for (std::size_t k = 0; k < i.entities.size() && k < 4; ++k)
      entities += (k ? ", " : "") + i.entities[k];
    if (i.entities.size() > 4) entities += ", +" + std::to_string(i.entities.size() - 4) + " more";
    out << "    tenant " << i.tenant << " | sources: " << sources
        << (clouds.empty() ? "" : " | clouds: " + clouds) << "\n";
    if (!entities.empty()) out << "    entities: " << entities << "\n";
  }
  if (rows.size() < page.matched) {
    out << "showing the " << rows.size() << " most recent of " << page.matched
        << " incidents (--limit N shows N, --limit 0 all)\n";
  } else {
    out << rows.size() << " incident" << (rows.size() == 1 ? "" : "s") << "\n";
  }
}

std::string IncidentJson(const IncidentRow& row) {
  const Incident& i = row.incident;
  nlohmann::json j = {{"id", i.id},
                      {"tenant", i.tenant},
                      {"status", std::string(IncidentStatusName(i.status))},
                      {"redirected_to", i.redirected_to.empty() ? nlohmann::json()
                                                                : nlohmann::json(i.redirected_to)},
                      {"severity", std::string(SeverityName(i.severity))},
                      {"first_activity", FormatTimestamp(i.first_activity)},
                      {"last_activity", FormatTimestamp(i.last_activity)},
                      {"alert_count", i.alert_keys.size()},
                      {"alert_keys", i.alert_keys},
                      {"entities", i.entities},
                      {"sources", row.sources},
                      {"clouds", row.clouds},
                      {"title", i.title}};
  if (!i.classification.empty()) j["classification"] = i.classification;
  if (!i.determination.empty()) j["determination"] = i.determination;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace weft::cli
