// `weft generate`: writes a synthetic, labelled multi-cloud alert stream (bench/generator).

#include <iostream>
#include <memory>

#include "bench/generator/generator.h"
#include "cli/commands.h"

namespace weft::cli {
namespace {

struct GenerateArgs {
  generator::GeneratorOptions options;
  std::string out;
};

std::string FormatList() {
  std::string s;
  for (const std::string& f : generator::GeneratorFormats()) s += (s.empty() ? "" : ", ") + f;
  return s;
}

}  // namespace

void AddGenerateCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Write a synthetic multi-cloud alert stream with its true incidents\n"
      "(planted attack chains, noise, hub entities, late and duplicate alerts).\n"
      "Writes one file per source format under DIR/alerts/, plus labels.jsonl, tenants.json and\n"
      "summary.json in DIR. Ingest with `weft ingest --tenants DIR/tenants.json DIR/alerts`.\n\n"
      "Example:\n"
      "  weft generate --alerts 100000 --tenants 8 --seed 7 --format mixed --out /tmp/stream");
  cmd->add_option("--alerts", args->options.alerts, "Records to write, duplicates included")
      ->default_val(args->options.alerts)
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000}));
  cmd->add_option("--tenants", args->options.tenants, "Tenants (Zipf-distributed sizes)")
      ->default_val(args->options.tenants)
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--seed", args->options.seed, "Random seed; the same seed gives the same bytes")
      ->default_val(args->options.seed);
  cmd->add_option("--format", args->options.format, "Output format: " + FormatList())
      ->default_val(args->options.format)
      ->check(CLI::IsMember(generator::GeneratorFormats()));
  cmd->add_option("--out", args->out, "Output directory (created if missing)")->required();
  cmd->callback([args, &ctx] {
    Result<generator::GeneratorSummary> summary =
        generator::GenerateToDirectory(args->options, args->out);
    if (!summary.ok()) {
      std::cerr << "weft generate: " << summary.status().ToString() << "\n";
      ctx.exit_code = summary.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
      return;
    }
    const generator::GeneratorSummary& s = *summary;
    std::cout << "wrote " << s.records << " records (" << s.distinct_alerts << " distinct alerts, "
              << s.duplicates << " duplicates, " << s.informational << " informational, " << s.late
              << " late) for " << s.tenants.size() << " tenants to " << args->out << "\n";
    std::cout << "planted incidents: " << s.planted_incidents << " (" << s.chain_alerts
              << " alerts); noise incidents: " << s.noise_incidents << "; hubs: " << s.hubs.size()
              << "\n";
    for (const auto& [file, records] : s.files)
      std::cout << "  " << file << ": " << records << "\n";
    ctx.exit_code = 0;
  });
}

}  // namespace weft::cli
