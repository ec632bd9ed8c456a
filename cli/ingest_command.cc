#include <csignal>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/ingest_runner.h"

namespace weft::cli {

void AddIngestCommand(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<IngestSettings>();
  auto json_out = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("ingest", "Ingest alert files into the store and update incidents");
  cmd->footer(
      "Formats are detected per record; --format forces one. Informational alerts are counted,\n"
      "not ingested (see --min-severity). Bad records are reported on stderr with file, record\n"
      "and reason, and appended to --rejects; the rest still goes in.\n"
      "Exit code: 0 all accepted, 1 some records rejected, 2 usage error.\n\n"
      "Example:\n  weft ingest --db ./weft.db --rejects rejects.jsonl alerts/ guardduty.ndjson.gz\n"
      "A live stream on stdin, each alert ingested within 250 ms of its arrival:\n"
      "  my-collector | weft ingest --db ./weft.db --max-delay 250ms -");
  cmd->add_option("paths", opts->paths, "Files, directories (recursive) or - for stdin")
      ->required();
  cmd->add_option("--db", opts->db, "Store directory")->capture_default_str();
  cmd->add_option("--format", opts->format, "Input format (auto, or one of: weft, guide, ...)")
      ->capture_default_str();
  cmd->add_option("--tenant", opts->tenant, "Tenant for records that name none");
  cmd->add_option("--tenants", opts->tenants_file, "JSON file mapping cloud accounts to tenants")
      ->check(CLI::ExistingFile);
  cmd->add_option("--min-severity", opts->min_severity,
                  "Lowest severity ingested: informational, low, medium, high")
      ->capture_default_str();
  cmd->add_option("--rejects", opts->rejects_file,
                  "Append rejected records (JSON lines) to this file");
  cmd->add_option("--config", opts->config_file,
                  "Correlation rules (JSON); must match the store's rules")
      ->check(CLI::ExistingFile);
  cmd->add_option("--batch-size", opts->batch_size, "Alerts per atomic batch")
      ->capture_default_str();
  cmd->add_option("--max-delay", opts->max_delay,
                  "Longest an alert waits for its batch to fill (e.g. 1s, 250ms, 0ms); a stream "
                  "on stdin that pauses is ingested this long after its last alert")
      ->capture_default_str();
  cmd->add_flag("--json", *json_out, "Print the summary as one JSON object");
  cmd->callback([opts, json_out, &ctx] {
    Result<IngestReport> report = RunIngest(*opts);
    if (!report.ok()) {
      PrintError(report.status());
      ctx.exit_code = report.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
      return;
    }
    if (*json_out) {
      std::cout << IngestReportJson(*report) << "\n";
    } else {
      PrintIngestReport(*report, std::cout);
    }
    ctx.exit_code = report->counts.rejected > 0 ? 1 : 0;
    if (report->stop_signal != 0) {
      std::cerr << "weft: stopped by " << (report->stop_signal == SIGINT ? "SIGINT" : "SIGTERM")
                << "; every alert read before it is committed\n";
      ctx.exit_code = 128 + report->stop_signal;
    }
  });
}

}  // namespace weft::cli
