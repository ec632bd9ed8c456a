#pragma once
// Reading incidents out of the store for the queue (`weft incidents`, `weft demo`) and the
// export: filters, the asset search, and the text and JSON renderings.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "graph/graph_store.h"

namespace weft::cli {

struct IncidentQuery {
  std::string tenant;  // "" = all
  std::string status;  // "" = active and resolved (not redirected); or one status
  std::string asset;   // "" = any; else a case-insensitive fragment of an entity key,
                       // alias or name (resource id, ARN, GCP name, host, user, IP)
  bool include_redirected = false;
  std::size_t limit = 0;  // the most recent `limit` matching incidents; 0 = all of them
};

struct IncidentRow {
  Incident incident;
  std::vector<std::string> sources;  // product names of its alerts
  std::vector<std::string> clouds;
};

struct IncidentPage {
  std::vector<IncidentRow> rows;  // most recent activity first (then by id)
  std::size_t matched = 0;        // incidents that matched the query, shown or not
};

// Calls `visit` with each incident that matches `query` (its limit aside), in id order, until it
// returns false.
Status ForEachMatchingIncident(GraphStore& store, const IncidentQuery& query,
                               const std::function<bool(const Incident&)>& visit);

// The row of `incident`: its product and cloud names from the record, or, for a record written
// before weft kept them, from its alerts.
Result<IncidentRow> MakeIncidentRow(GraphStore& store, Incident incident);

// The matching incidents, most recent activity first. With a limit, only the shown incidents
// are held and only their alerts are read (for sources and clouds): the first page of a
// million-incident queue costs one scan of the incident records.
Result<IncidentPage> QueryIncidents(GraphStore& store, const IncidentQuery& query);

// The table, ending with "N incidents" or, when the page holds fewer than matched, "showing
// the M most recent of N incidents".
void PrintIncidentTable(const IncidentPage& page, std::ostream& out);
// One JSON object (a line) per incident: id, tenant, status, redirected_to, severity, times,
// alert_keys (sorted), entities, alert_count, sources, clouds, title.
std::string IncidentJson(const IncidentRow& row);

}  // namespace weft::cli
