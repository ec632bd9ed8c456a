#pragma once
// The interface each source format implements, and the registry the Importer consults.
// Private to importers/. Formats are stateless singletons, safe to share across threads.

#include <string>
#include <string_view>
#include <vector>

#include "importers/importer.h"
#include "importers/internal/json_dom.h"
#include "model/alert.h"
#include "model/status.h"

namespace weft::importers {

// What a format knows about the record it is parsing.
class RecordContext {
 public:
  RecordContext(const ImportOptions& options, std::string_view file, std::string_view record)
      : options_(options), file_(file), record_(record) {}
  const ImportOptions& options() const { return options_; }
  std::string_view file() const { return file_; }
  std::string_view record() const { return record_; }

  // The tenant for a record: `record_tenant` when non-empty, else the first of `accounts` the
  // tenant map knows, else the --tenant default, else "" (FinalizeAlert then rejects it).
  std::string Tenant(std::string_view record_tenant,
                     std::initializer_list<std::string_view> accounts = {}) const;

 private:
  const ImportOptions& options_;
  std::string_view file_;
  std::string_view record_;
};

// What parsing one record produced. A record may hold several alerts (an incident with its
// alerts), none (a non-alert event of a known stream: count it in skipped_non_alerts), or
// partial alerts (one evidence row; alerts with the same key are merged downstream).
struct ParseOutput {
  std::vector<Alert> alerts;
  std::vector<Relation> relations;
  std::size_t skipped_non_alerts = 0;
};

class Format {
 public:
  virtual ~Format() = default;
  // The --format name, e.g. "guardduty".
  virtual std::string_view name() const = 0;
  // True when `record` (one JSON record, or a CSV row as an object of column -> string) is of
  // this format. Must be cheap: it looks at a few keys.
  virtual bool Matches(const Json& record) const = 0;
  // Parses one record. A non-OK Status rejects the record with that reason (e.g. "missing
  // required field 'id'"); throwing is also caught and reported as a rejection.
  virtual Status Parse(const Json& record, const RecordContext& ctx, ParseOutput& out) const = 0;
};

// Every format, in detection order (more specific first).
const std::vector<const Format*>& AllFormats();
// The format named `name`, or nullptr.
const Format* FindFormat(std::string_view name);

}  // namespace weft::importers
