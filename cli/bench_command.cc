// `weft bench`: the end-to-end benchmark (cli/bench_runner.h) on a generated stream. One JSON
// object on stdout with --json, a progress line per stage and a table of figures on stderr.

#include <iostream>
#include <memory>
#include <sstream>

#include "cli/bench_runner.h"
#include "cli/commands.h"

namespace weft::cli {
namespace {

struct BenchArgs {
  BenchOptions options;
  std::string skip;
  bool json = false;
};

}  // namespace

void AddBenchCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Measure weft end to end on a generated multi-cloud stream: parse, in-memory correlation,\n"
      "durable ingest into RocksDB (and the naive one-Put-per-record layout), re-correlation,\n"
      "reopen, path queries, memory, disk and correlation quality against the planted labels.\n"
      "docs/benchmarks.md lists every figure and its target.\n\n"
      "Example:\n"
      "  weft bench --alerts 1000000 --json > bench.json");
  BenchOptions& o = args->options;
  cmd->add_option("--alerts", o.alerts, "Records to generate (duplicates, informational included)")
      ->default_val(o.alerts)
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000}));
  cmd->add_option("--tenants", o.tenants, "Tenants of the stream")
      ->default_val(o.tenants)
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--seed", o.seed, "Generator seed")->default_val(o.seed);
  cmd->add_option(
      "--db", o.db,
      "Directory of the durable store (new or empty; default: a temporary one, removed)");
  cmd->add_option(
      "--skip", args->skip,
      "Comma-separated stages to leave out: parse, e2e, correlate, scipy, engine, durable,\n"
      "naive, recorrelate, reopen, paths, quality, live (e2e ingests the files the parse stage\n"
      "wrote; scipy runs SciPy's batch job in the correlate stage)");
  cmd->add_option("--parse-cap", o.parse_cap, "Records parsed at most")->default_val(o.parse_cap);
  cmd->add_option("--naive-cap", o.naive_cap, "Records through the naive layout at most")
      ->default_val(o.naive_cap);
  cmd->add_option("--engine-cap", o.engine_cap, "Records through the in-memory engine at most")
      ->default_val(o.engine_cap);
  cmd->add_option("--path-queries", o.path_queries, "Shortest-path queries (k=5: a fifth)")
      ->default_val(o.path_queries)
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--scale-base", o.scale_base,
                  "Also run the correlate, durable and re-correlation stages on this many records\n"
                  "in the same run and report how many times longer the full size took\n"
                  "(scale_*_x; e.g. --alerts 10000000 --scale-base 1000000)")
      ->default_val(o.scale_base);
  cmd->add_option("--live-alerts", o.live_alerts,
                  "Records of the live stage: sent through a pipe at --live-rate, each timed "
                  "until durable")
      ->default_val(o.live_alerts);
  cmd->add_option("--live-rate", o.live_rate, "Records a second the live stage sends")
      ->default_val(o.live_rate)
      ->check(CLI::Range(1.0, 1e7));
  cmd->add_option("--live-max-delay", o.live_max_delay,
                  "The live stage's `weft ingest --max-delay`")
      ->default_val(o.live_max_delay);
  cmd->add_flag("--json", args->json, "Print the figures as one JSON object on stdout");
  cmd->callback([args, &ctx] {
    std::stringstream list(args->skip);
    for (std::string stage; std::getline(list, stage, ',');) {
      if (!stage.empty()) args->options.skip.insert(stage);
    }
    std::cerr << "weft bench: " << args->options.alerts << " records, " << args->options.tenants
              << " tenants, seed " << args->options.seed << "\n";
    Result<BenchReport> report = RunBench(args->options, std::cerr);
    if (!report.ok()) {
      std::cerr << "weft bench: " << report.status().ToString() << "\n";
      ctx.exit_code = report.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
      return;
    }
    PrintBenchTable(*report, std::cerr);
    if (args->json) {
      std::cout << BenchReportJson(*report) << "\n";
    }
    ctx.exit_code = 0;
  });
}

}  // namespace weft::cli
