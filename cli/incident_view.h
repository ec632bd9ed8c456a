#pragma once
// Reading incidents out of the store for the queue (`weft incidents`, `weft demo`) and the
// export: filters, the asset search, and the text and JSON renderings.

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
};

struct IncidentRow {
  Incident incident;
  std::vector<std::string> sources;  // product names of its alerts
  std::vector<std::string> clouds;
};

// The matching incidents, most recent activity first.
Result<std::vector<IncidentRow>> QueryIncidents(GraphStore& store, const IncidentQuery& query);

void PrintIncidentTable(const std::vector<IncidentRow>& rows, std::ostream& out);
// One JSON object (a line) per incident: id, tenant, status, redirected_to, severity, times,
// alert_keys (sorted), entities, alert_count, sources, clouds, title.
std::string IncidentJson(const IncidentRow& row);

}  // namespace weft::cli
