#include "importers/importer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "importers/internal/csv.h"
#include "importers/internal/fast_json.h"
#include "importers/internal/format.h"
#include "importers/internal/input_reader.h"
#include "model/canonical.h"

namespace weft {

using importers::Format;
using importers::Json;
using importers::JsonDocument;
using importers::ParseOutput;
using importers::RecordContext;

namespace {

// Keys of list/envelope objects whose array members are the records.
constexpr std::string_view kContainerKeys[] = {
    "value",   "Findings", "findings", "listFindingsResults",
    "records", "Records",  "results",  "items"};
constexpr std::size_t kMaxRawBytes = 1 << 20;

// Inside a directory only data files are read: *.json, *.jsonl, *.ndjson, *.csv, *.log, *.txt,
// each optionally *.gz, and not hidden. A file named explicitly is always read.
bool IsAlertFileName(std::string name) {
  if (name.empty() || name.front() == '.') return false;
  name = ToLower(name);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  for (std::string_view ext : {".json", ".jsonl", ".ndjson", ".csv", ".log", ".txt"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      return true;
  }
  return false;
}

bool LooksLikeJson(std::string_view line) {
  line = Trim(line);
  return !line.empty() && (line.front() == '{' || line.front() == '[');
}

}  // namespace

class Importer::Impl {
 public:
  Impl(ImportOptions options, const Format* forced)
      : options_(std::move(options)), forced_(forced) {}

  Status ImportPath(const std::string& path, ImportSink& sink) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path != "-" && fs::is_directory(path, ec)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && IsAlertFileName(it->path().filename().string())) {
          files.push_back(it->path().string());
        }
      }
      if (ec) return Status::IOError("cannot list directory '" + path + "': " + ec.message());
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) {
        if (StopRequested()) break;
        WEFT_RETURN_IF_ERROR(ImportFile(f, sink));
      }
      return Status::Ok();
    }
    if (path != "-" && !fs::exists(path, ec))
      return Status::IOError("no such file or directory: '" + path + "'");
    return ImportFile(path, sink);
  }

  Status ImportText(std::string_view text, const std::string& name, ImportSink& sink) {
    std::size_t start = 0;
    std::size_t line_no = 0;
    std::string first;
    // Same decision as for files: JSON lines when the first line parses alone.
    const std::size_t nl = text.find('\n');
    first = std::string(text.substr(0, nl));
    if (nl != std::string_view::npos && LooksLikeJson(first) && !nlohmann::json::accept(first)) {
      return ProcessDocument(text, name, sink);
    }
    if (!LooksLikeJson(first)) return ProcessCsvText(text, name, sink);
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++line_no;
      std::string_view line = text.substr(start, end - start);
      if (!Trim(line).empty()) WEFT_RETURN_IF_ERROR(ProcessLine(line, name, line_no, sink));
      start = end + 1;
    }
    return Status::Ok();
  }

  // Whether options_.stop asks to end early; remembered, so that stopped() can say so.
  bool StopRequested() {
    if (options_.stop == nullptr || !options_.stop->requested.load(std::memory_order_relaxed))
      return false;
    stopped_ = true;
    return true;
  }
  bool stopped_ = false;

  Status Flush(ImportSink& sink) {
    batch_deadline_ = Clock::time_point::max();
    if (batch_.alerts.empty() && batch_.relations.empty()) return Status::Ok();
    ImportBatch out = std::move(batch_);
    batch_ = ImportBatch();
    WEFT_RETURN_IF_ERROR(sink.Consume(std::move(out)));
    ReportProgress();
    return Status::Ok();
  }

  // Brings counts_.bytes up to date with the file being read and calls options_.progress.
  void ReportProgress() {
    if (reader_ != nullptr) counts_.bytes = bytes_done_ + reader_->bytes_read();
    if (options_.progress) options_.progress(counts_);
  }

  // The JSON limits of the options.
  importers::JsonLimits JsonLimits() const {
    return {.max_string_bytes = options_.max_field_bytes, .max_depth = options_.max_depth};
  }

  ImportOptions options_;
  const Format* forced_;
  ImportCounts counts_;
  std::function<void(const RejectedRecord&)> reject_handler_;
  ImportBatch batch_;
  using Clock = std::chrono::steady_clock;
  // When batch_ goes to the sink even if not full: max_delay after its first record.
  Clock::time_point batch_deadline_ = Clock::time_point::max();

 private:
  // Resets reader_ when a file is done, whatever the exit path.
  struct ReaderScope {
    Impl* impl;
    ~ReaderScope() {
      impl->bytes_done_ += impl->reader_->bytes_read();
      impl->counts_.bytes = impl->bytes_done_;
      impl->reader_ = nullptr;
    }
  };

  const importers::InputReader* reader_ = nullptr;  // the file being read, for progress
  std::size_t bytes_done_ = 0;                      // bytes of the files already read
  std::size_t records_since_progress_ = 0;

  Status ImportFile(const std::string& path, ImportSink& sink) {
    WEFT_ASSIGN_OR_RETURN(std::unique_ptr<importers::InputReader> reader,
                          importers::InputReader::Open(path));
    reader_ = reader.get();
    ReaderScope scope{this};
    // A stream's read that would wait past the batch's deadline hands the batch over first, and
    // one that waits ends on a stop.
    reader->set_wait_policy({.deadline = [this] { return batch_deadline_; },
                             .expired = [this, &sink] { return Flush(sink); },
                             .wake_fd = options_.stop != nullptr ? options_.stop->wake_fd : -1,
                             .stopped = [this] { return StopRequested(); }});
    std::string line;
    bool too_long = false;
    std::size_t line_no = 0;
    // The first non-blank line decides: JSON lines, a JSON document, or CSV.
    while (true) {
      WEFT_ASSIGN_OR_RETURN(bool more,
                            reader->NextLine(&line, options_.max_record_bytes, &too_long));
      if (!more) return Status::Ok();  // empty input: nothing to do
      ++line_no;
      if (!Trim(line).empty()) break;
    }
    Status s;
    if (LooksLikeJson(line) && !too_long && nlohmann::json::accept(line)) {
      s = ProcessLinesFrom(*reader, path, line, line_no, sink);
    } else if (LooksLikeJson(line)) {
      bool rest_too_long = false;
      WEFT_ASSIGN_OR_RETURN(std::string rest,
                            reader->ReadRest(options_.max_record_bytes, &rest_too_long));
      if (reader->stopped()) return Status::Ok();  // a document cut short by a stop is dropped
      std::string text = line + "\n" + rest;
      if (too_long || rest_too_long || text.size() > options_.max_record_bytes) {
        Reject(path, "document",
               "document larger than the record limit of " +
                   std::to_string(options_.max_record_bytes) + " bytes",
               text);
        s = Status::Ok();
      } else {
        s = ProcessDocumentOrLines(text, path, sink);
      }
    } else {
      s = ProcessCsv(*reader, path, line, sink);
    }
    return s;
  }

  Status ProcessLinesFrom(importers::InputReader& reader, const std::string& path,
                          const std::string& first, std::size_t first_no, ImportSink& sink) {
    WEFT_RETURN_IF_ERROR(ProcessLine(first, path, first_no, sink));
    std::string line;
    bool too_long = false;
    std::size_t line_no = first_no;
    while (!StopRequested()) {
      WEFT_ASSIGN_OR_RETURN(bool more,
                            reader.NextLine(&line, options_.max_record_bytes, &too_long));
      if (!more) return Status::Ok();
      ++line_no;
      if (too_long) {
        ++counts_.records;
        Reject(path, "line " + std::to_string(line_no),
               "line longer than the record limit of " + std::to_string(options_.max_record_bytes) +
                   " bytes",
               line);
        continue;
      }
      if (Trim(line).empty()) continue;
      WEFT_RETURN_IF_ERROR(ProcessLine(line, path, line_no, sink));
    }
    return Status::Ok();  // stopped
  }

  Status ProcessLine(std::string_view line, const std::string& path, std::size_t line_no,
                     ImportSink& sink) {
    const std::string where = "line " + std::to_string(line_no);
    Result<JsonDocument> parsed = importers::ParseJson(line, JsonLimits());
    if (!parsed.ok()) {
      ++counts_.records;
      Reject(path, where, parsed.status().message(), line);
      return Status::Ok();
    }
    const Json& j = parsed->root();
    if (j.is_discarded()) {
      ++counts_.records;
      Reject(path, where, DescribeParseError(line), line);
      return Status::Ok();
    }
    return ProcessValue(j, path, where, line, sink, 0);
  }

  // A document that did not parse as JSON lines: a whole JSON value, or (when that fails and
  // later lines parse alone) JSON lines whose first line is bad.
  Status ProcessDocumentOrLines(std::string_view text, const std::string& path, ImportSink& sink) {
    return ProcessDocument(text, path, sink);
  }

  Status ProcessDocument(std::string_view text, const std::string& path, ImportSink& sink) {
    Result<JsonDocument> parsed = importers::ParseJson(text, JsonLimits());
    if (!parsed.ok()) {
      ++counts_.records;
      Reject(path, "document", parsed.status().message(), text);
      return Status::Ok();
    }
    if (!parsed->root().is_discarded()) {
      return ProcessValue(parsed->root(), path, "document", text, sink, 0);
    }
    // Not one JSON value: JSON lines whose first record is broken? Then go line by line.
    std::size_t start = 0, line_no = 0, good = 0, lines = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view l = Trim(text.substr(start, end - start));
      if (!l.empty()) {
        ++lines;
        good +=
            LooksLikeJson(l) && nlohmann::json::accept(l) ? 1 : 0;  // a lone string is not a record
      }
      start = end + 1;
    }
    if (lines > 1 && good > 0) {
      start = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        ++line_no;
        std::string_view l = text.substr(start, end - start);
        if (!Trim(l).empty()) WEFT_RETURN_IF_ERROR(ProcessLine(l, path, line_no, sink));
        start = end + 1;
      }
      return Status::Ok();
    }
    ++counts_.records;
    Reject(path, "document", DescribeParseError(text), text);
    return Status::Ok();
  }

  Status ProcessCsv(importers::InputReader& reader, const std::string& path,
                    const std::string& header_line, ImportSink& sink) {
    std::vector<std::string> header = importers::SplitCsvLine(header_line);
    std::string line;
    bool too_long = false;
    std::size_t row = 1;
    while (!StopRequested()) {
      WEFT_ASSIGN_OR_RETURN(bool more,
                            reader.NextLine(&line, options_.max_record_bytes, &too_long));
      if (!more) return Status::Ok();
      ++row;
      // A quoted field may span lines: keep reading until the quotes balance.
      while (!too_long && importers::HasOpenQuote(line)) {
        std::string next;
        WEFT_ASSIGN_OR_RETURN(bool cont,
                              reader.NextLine(&next, options_.max_record_bytes, &too_long));
        if (!cont) break;
        line += "\n" + next;
      }
      if (Trim(line).empty()) continue;
      WEFT_RETURN_IF_ERROR(ProcessCsvRow(header, line, too_long, path, row, sink));
    }
    return Status::Ok();  // stopped
  }

  Status ProcessCsvText(std::string_view text, const std::string& name, ImportSink& sink) {
    std::size_t start = 0, row = 0;
    std::vector<std::string> header;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string line(text.substr(start, end - start));
      if (!line.empty() && line.back() == '\r') line.pop_back();
      start = end + 1;
      ++row;
      if (header.empty()) {
        header = importers::SplitCsvLine(line);
        continue;
      }
      if (Trim(line).empty()) continue;
      WEFT_RETURN_IF_ERROR(ProcessCsvRow(header, line, false, name, row, sink));
    }
    return Status::Ok();
  }

  Status ProcessCsvRow(const std::vector<std::string>& header, const std::string& line,
                       bool too_long, const std::string& path, std::size_t row, ImportSink& sink) {
    const std::string where = "row " + std::to_string(row);
    if (too_long) {
      ++counts_.records;
      Reject(path, where, "row longer than the record limit", line);
      return Status::Ok();
    }
    std::vector<std::string> cells = importers::SplitCsvLine(line);
    if (cells.size() != header.size()) {
      ++counts_.records;
      Reject(path, where,
             "row has " + std::to_string(cells.size()) + " fields, header has " +
                 std::to_string(header.size()),
             line);
      return Status::Ok();
    }
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (cells[i].size() > options_.max_field_bytes) {
        ++counts_.records;
        Reject(path, where, "field '" + header[i] + "' exceeds the field limit", line);
        return Status::Ok();
      }
    }
    const JsonDocument record = JsonDocument::StringObject(header, cells);
    return ProcessValue(record.root(), path, where, line, sink, 0);
  }

  // One JSON value: a record of some format, an array of records, or a container of records.
  Status ProcessValue(const Json& j, const std::string& path, const std::string& where,
                      std::string_view raw, ImportSink& sink, int depth) {
    if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string sub = (where == "document" ? "" : where) + "[" + std::to_string(i) + "]";
        WEFT_RETURN_IF_ERROR(ProcessValue(j[i], path, sub, {}, sink, depth + 1));
      }
      return Status::Ok();
    }
    const Format* format = forced_ != nullptr ? forced_ : Detect(j);
    if (format == nullptr && j.is_object() && depth < 4) {
      for (std::string_view key : kContainerKeys) {
        auto it = j.find(key);
        if (it != j.end() && it->is_array()) {
          const std::string prefix =
              where == "document" ? std::string(key) : where + "." + std::string(key);
          return ProcessValue(*it, path, prefix, {}, sink, depth + 1);
        }
      }
    }
    ++counts_.records;
    if (format == nullptr) {
      Reject(path, where,
             j.is_object() ? "record matches no known alert format (use --format to force one)"
                           : "record is not a JSON object",
             raw.empty() ? j.dump() : std::string(raw));
      return Status::Ok();
    }
    ParseOutput out;
    RecordContext ctx(options_, path, where);
    Status parsed;
    try {
      parsed = format->Parse(j, ctx, out);
    } catch (const std::exception& e) {
      parsed = Status::InvalidArgument(std::string("malformed ") + std::string(format->name()) +
                                       " record: " + e.what());
    }
    if (!parsed.ok()) {
      Reject(path, where, parsed.message(), raw.empty() ? j.dump() : std::string(raw));
      return Status::Ok();
    }
    counts_.skipped_non_alerts += out.skipped_non_alerts;
    const std::size_t batched = batch_.alerts.size() + batch_.relations.size();
    for (Alert& alert : out.alerts) {
      if (Status s = FinalizeAlert(alert); !s.ok()) {
        Reject(path, where, s.message(), raw.empty() ? j.dump() : std::string(raw));
        continue;
      }
      if (alert.severity < options_.min_severity) {
        ++counts_.filtered_severity;
        continue;
      }
      alert.provenances.push_back(Provenance{std::string(format->name()), path, where, ""});
      ++counts_.alerts;
      ++counts_.per_format[std::string(format->name())];
      batch_.alerts.push_back(std::move(alert));
    }
    for (Relation& r : out.relations) {
      ++counts_.relations;
      batch_.relations.push_back(std::move(r));
    }
    const std::size_t now_batched = batch_.alerts.size() + batch_.relations.size();
    if (now_batched >= options_.batch_size) return Flush(sink);
    if (now_batched > batched) {  // the batch has records: it goes at its deadline at the latest
      const Clock::time_point now = Clock::now();
      if (batched == 0) batch_deadline_ = now + options_.max_delay;
      if (now >= batch_deadline_) return Flush(sink);
    }
    Tick();
    return Status::Ok();
  }

  const Format* Detect(const Json& j) const {
    if (!j.is_object()) return nullptr;
    for (const Format* f : importers::AllFormats()) {
      if (f->Matches(j)) return f;
    }
    return nullptr;
  }

  static std::string DescribeParseError(std::string_view text) {
    try {
      const nlohmann::json unused = nlohmann::json::parse(text);  // throws the error we describe
      (void)unused;
    } catch (const nlohmann::json::parse_error& e) {
      return std::string("invalid JSON: ") + e.what();
    } catch (const std::exception& e) {
      return std::string("invalid JSON: ") + e.what();
    }
    return "invalid JSON";
  }

  // Counts a record towards the next progress call.
  void Tick() {
    if (options_.progress && ++records_since_progress_ >= options_.progress_records) {
      records_since_progress_ = 0;
      ReportProgress();
    }
  }

  void Reject(const std::string& file, const std::string& record, const std::string& reason,
              std::string_view raw) {
    ++counts_.rejected;
    Tick();
    if (!reject_handler_) return;
    reject_handler_(RejectedRecord{file, record, reason, std::string(raw.substr(0, kMaxRawBytes))});
  }
};

Result<std::unique_ptr<Importer>> Importer::Create(ImportOptions options) {
  const Format* forced = nullptr;
  if (options.format != "auto" && !options.format.empty()) {
    forced = importers::FindFormat(options.format);
    if (forced == nullptr) {
      std::string names;
      for (const std::string& n : FormatNames()) names += (names.empty() ? "" : ", ") + n;
      return Status::InvalidArgument("unknown format '" + options.format + "' (known: auto, " +
                                     names + ")");
    }
  }
  if (options.batch_size == 0) options.batch_size = 1;
  return std::unique_ptr<Importer>(
      new Importer(std::make_unique<Impl>(std::move(options), forced)));
}

Importer::Importer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Importer::~Importer() = default;

void Importer::set_reject_handler(std::function<void(const RejectedRecord&)> handler) {
  impl_->reject_handler_ = std::move(handler);
}

Status Importer::ImportPath(const std::string& path, ImportSink& sink) {
  return impl_->ImportPath(path, sink);
}

Status Importer::ImportText(std::string_view text, const std::string& name, ImportSink& sink) {
  return impl_->ImportText(text, name, sink);
}

Status Importer::Flush(ImportSink& sink) { return impl_->Flush(sink); }
bool Importer::stopped() const { return impl_->stopped_; }

const ImportCounts& Importer::counts() const { return impl_->counts_; }

std::vector<std::string> FormatNames() {
  std::vector<std::string> names;
  for (const Format* f : importers::AllFormats()) names.emplace_back(f->name());
  return names;
}

Result<TenantMap> TenantMap::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError("cannot open tenants file '" + path + "'");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("tenants file '" + path +
                                   "' is not a JSON object {\"account\": \"tenant\"}");
  }
  TenantMap map;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_string()) {
      return Status::InvalidArgument("tenants file '" + path + "': value of '" + it.key() +
                                     "' is not a string");
    }
    map.Add(it.key(), it.value().get<std::string>());
  }
  return map;
}

void TenantMap::Add(std::string account, std::string tenant) {
  by_account_[ToLower(account)] = std::move(tenant);
}

std::string TenantMap::Lookup(std::string_view account) const {
  if (account.empty()) return "";
  auto it = by_account_.find(ToLower(account));
  return it == by_account_.end() ? "" : it->second;
}

namespace importers {

std::string RecordContext::Tenant(std::string_view record_tenant,
                                  std::initializer_list<std::string_view> accounts) const {
  if (!Trim(record_tenant).empty()) {
    // A record's own tenant id may be renamed by the tenant map too (Entra tenant -> name).
    std::string mapped = options_.tenants.Lookup(Trim(record_tenant));
    return mapped.empty() ? std::string(Trim(record_tenant)) : mapped;
  }
  for (std::string_view a : accounts) {
    std::string t = options_.tenants.Lookup(a);
    if (!t.empty()) return t;
  }
  return options_.default_tenant;
}

}  // namespace importers
}  // namespace weft
