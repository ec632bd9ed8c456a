#pragma once
// Runs an ingestion: importer -> engine -> store, batch by batch, with rejects reported on
// stderr and appended to a quarantine file. Shared by `weft ingest`, `weft demo` and `weft eval`.

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "importers/importer.h"

namespace weft::cli {

struct IngestSettings {
  std::vector<std::string> paths;
  std::string db = "./weft.db";
  std::string format = "auto";
  std::string tenant;
  std::string tenants_file;
  std::string min_severity = "low";
  std::string rejects_file;
  std::string config_file;
  std::size_t batch_size = 1000;
  std::string max_delay = "1s";  // a duration: the longest an alert waits in a batch
  bool quiet_rejects = false;    // do not print each reject on stderr (counted all the same)
};

struct IngestReport {
  ImportCounts counts;
  IngestResult totals;
  std::size_t batches = 0;
  double seconds = 0;
  int stop_signal = 0;  // the signal that ended the ingest early (everything read is committed)
};

// Opens the store in settings.db and ingests every path. SIGINT and SIGTERM stop it gracefully:
// reading ends, what was read is committed, and stop_signal says which signal came.
Result<IngestReport> RunIngest(const IngestSettings& settings);
// Ingests into an already open store and engine (demo, eval).
Result<IngestReport> IngestInto(Engine& engine, const IngestSettings& settings);

std::string IngestReportJson(const IngestReport& report);
void PrintIngestReport(const IngestReport& report, std::ostream& out);

}  // namespace weft::cli
