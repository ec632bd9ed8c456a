#pragma once
// Importer: reads alert files of any supported source format (auto-detected per record, or
// forced with ImportOptions::format), normalizes them into model::Alert, and hands them to an
// ImportSink in batches. Bad records are rejected one by one (file, record, reason) and the
// rest of the input still goes in. Inputs are files, directories (recursively), or "-" for
// stdin; JSON documents, JSON arrays, JSON lines, CSV, each optionally gzip-compressed. JSON
// lines and CSV stream: memory is bounded by the batch size, not the file size. A stream
// (stdin, a pipe or FIFO, a socket) is read as it arrives, and no alert waits in a batch longer
// than ImportOptions::max_delay: a pipeline that sends a few alerts and pauses has them ingested
// then, not once a batch has filled.
// An Importer is not thread-safe; use one per thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/alert.h"
#include "model/status.h"

namespace weft {

// Maps cloud accounts (Azure subscription ids, AWS account ids, GCP project ids/numbers or
// organization ids) to weft tenants.
class TenantMap {
 public:
  // Reads a JSON object {"<account>": "<tenant>", ...}. InvalidArgument/IOError name the file.
  static Result<TenantMap> Load(const std::string& path);
  void Add(std::string account, std::string tenant);
  // The tenant of `account` (case-insensitive), or "" when unmapped.
  std::string Lookup(std::string_view account) const;
  bool empty() const { return by_account_.empty(); }

 private:
  std::map<std::string, std::string> by_account_;
};

struct ImportCounts;

// A request to end an import early, for a graceful stop (`weft ingest` on SIGINT or SIGTERM):
// once `requested` is set, reading ends as at the end of the input, at the next record of a file
// or at once on a stream that waits, and what was read so far still goes to the sink. Whoever
// sets it then writes a byte to the pipe whose read end is `wake_fd`, which wakes a read that
// waits on a stream. Setting the flag and writing the byte are async-signal-safe.
struct StopRequest {
  std::atomic<bool> requested{false};
  int wake_fd = -1;
};

struct ImportOptions {
  std::string format = "auto";  // "auto" or one of FormatNames()
  std::string default_tenant;  // used when a record names no tenant and the map has none; "" = none
  TenantMap tenants;
  Severity min_severity = Severity::kLow;  // alerts below are counted, not ingested (default low)
  std::size_t batch_size = 1000;           // alerts per ImportSink::Consume call
  // The longest an alert waits in a batch that is not full: a batch goes to the sink once its
  // first record is this old (checked as records arrive, and by a read of a stream that would
  // wait past it), so a stream that pauses or trickles has its alerts ingested within this time.
  std::chrono::milliseconds max_delay{1000};
  const StopRequest* stop = nullptr;        // none: read every input to its end
  std::size_t max_record_bytes = 64 << 20;  // a longer record (line, document) is rejected; 64 MiB
  std::size_t max_field_bytes = 4 << 20;    // a longer string value is rejected; 4 MiB
  int max_depth = 64;                       // deeper JSON nesting is rejected
  // Called with the counts so far (ImportCounts::bytes included, updated while a file is read)
  // about every `progress_records` records and after every batch handed to the sink, on the
  // importing thread. Default: none. For progress displays; it must not call the Importer.
  std::function<void(const ImportCounts&)> progress;
  std::size_t progress_records = 256;  // records between progress calls (default 256)
};

struct ImportBatch {
  std::vector<Alert> alerts;        // finalized (key set), already severity-filtered
  std::vector<Relation> relations;  // from relation (asset inventory) records
};

// Receives batches. A non-OK Status stops the import and is returned by ImportPath.
class ImportSink {
 public:
  virtual ~ImportSink() = default;
  virtual Status Consume(ImportBatch batch) = 0;
};

struct RejectedRecord {
  std::string file;    // "-" for stdin
  std::string record;  // "line 12", "[3]", "row 7", "document"
  std::string reason;
  std::string raw;  // the original bytes (truncated to 1 MiB)
};

struct ImportCounts {
  std::size_t records = 0;  // records read (alerts, non-alerts and rejects)
  std::size_t alerts = 0;   // alerts handed to the sink (before dedup)
  std::size_t relations = 0;
  std::size_t filtered_severity = 0;   // alerts below min_severity
  std::size_t skipped_non_alerts = 0;  // records of a known stream that are not alerts
  std::size_t rejected = 0;
  std::size_t bytes = 0;  // input bytes read (uncompressed), updated while reading
  std::map<std::string, std::size_t> per_format;  // alerts per importer format name
};

class Importer {
 public:
  // InvalidArgument when options.format is not "auto" or a known format.
  static Result<std::unique_ptr<Importer>> Create(ImportOptions options);
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  // Called for every rejected record (after it is counted). Default: none.
  void set_reject_handler(std::function<void(const RejectedRecord&)> handler);

  // Imports a file, a directory (recursively, sorted by path) or "-" (stdin), sending batches
  // to `sink` when full or max_delay old. IOError when the path cannot be read; a bad record is
  // not an error.
  Status ImportPath(const std::string& path, ImportSink& sink);
  // Imports an in-memory document or JSON lines, named `name` in messages (for tests and tools).
  Status ImportText(std::string_view text, const std::string& name, ImportSink& sink);
  // Sends what remains buffered. Call once after the last ImportPath.
  Status Flush(ImportSink& sink);

  const ImportCounts& counts() const;
  // Whether an import ended early on options.stop.
  bool stopped() const;

 private:
  class Impl;
  explicit Importer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Names accepted by --format, e.g. "defender-for-cloud", "guardduty", "weft", "guide", ...
std::vector<std::string> FormatNames();

}  // namespace weft
