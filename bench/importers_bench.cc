// Importer throughput: one benchmark per source format (BM_Parse<Format>). Each feeds a realistic
// in-memory input of a few MB through weft::Importer::ImportText into a counting sink: the real
// sample records of tests/data/<format>/ written as JSON lines and repeated to ~4 MiB, the GUIDE
// sample CSV as it is, and `weft generate --format weft` output for weft's own format. Reports
// records/s (items_per_second) and MB/s (bytes_per_second) of parsing plus normalization
// (detection, entity keys, FinalizeAlert); no store. BM_ParseDefenderForCloudRestDocument feeds
// the REST list response as one JSON document (the non-streaming path) instead of lines.
// Run from the checkout: build/<dir>/bench/weft_importers_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/generator/generator.h"
#include "importers/importer.h"

namespace weft {
namespace {

constexpr std::size_t kTargetBytes = 4u << 20;
// tests/data/: $WEFT_TEST_DATA_DIR, else ./tests/data (run from the checkout), else beside this
// file.
const std::string kData = [] {
  if (const char* env = std::getenv("WEFT_TEST_DATA_DIR")) return std::string(env) + "/";
  if (std::filesystem::is_directory("tests/data")) return std::string("tests/data/");
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "tests" / "data").string() +
         "/";
}();

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The records of a sample file: a JSON document (one record, an array, or a {"value": [...]}
// list response) or JSON lines. Each record is returned compact, on one line.
std::vector<std::string> Records(const std::string& path) {
  const std::string text = ReadFile(path);
  std::vector<std::string> out;
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  auto add = [&out](const nlohmann::json& j) {
    if (j.is_object() && j.contains("value") && j["value"].is_array()) {
      for (const auto& r : j["value"]) out.push_back(r.dump());
    } else if (j.is_array()) {
      for (const auto& r : j) out.push_back(r.dump());
    } else {
      out.push_back(j.dump());
    }
  };
  if (!doc.is_discarded()) {
    add(doc);
    return out;
  }
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) add(j);
  }
  return out;
}

// The records of `files` (relative to tests/data/) as JSON lines, repeated to ~kTargetBytes.
std::string RepeatedLines(const std::vector<std::string>& files) {
  std::vector<std::string> records;
  for (const std::string& f : files) {
    for (std::string& r : Records(kData + f)) records.push_back(std::move(r));
  }
  std::string one;
  for (const std::string& r : records) {
    one += r;
    one += '\n';
  }
  if (one.empty()) {
    std::fprintf(stderr,
                 "no sample records under %s (run from the checkout or set WEFT_TEST_DATA_DIR)\n",
                 kData.c_str());
    std::abort();
  }
  std::string out;
  out.reserve(kTargetBytes + one.size());
  while (out.size() < kTargetBytes) out += one;
  return out;
}

class CountingSink final : public ImportSink {
 public:
  Status Consume(ImportBatch batch) override {
    alerts_ += batch.alerts.size();
    benchmark::DoNotOptimize(batch.alerts.data());
    return Status::Ok();
  }
  std::size_t alerts() const { return alerts_; }

 private:
  std::size_t alerts_ = 0;
};

void RunImport(benchmark::State& state, const std::string& input) {
  ImportOptions options;
  options.default_tenant =
      "bench";  // records without a tenant (e.g. no subscription map) still count
  options.min_severity = Severity::kInformational;
  std::size_t records = 0, alerts = 0, rejected = 0;
  for (auto _ : state) {
    auto importer = Importer::Create(options);
    if (!importer.ok()) {
      state.SkipWithError(importer.status().message().c_str());
      return;
    }
    CountingSink sink;
    Status s = (*importer)->ImportText(input, "bench", sink);
    if (s.ok()) s = (*importer)->Flush(sink);
    if (!s.ok()) {
      state.SkipWithError(s.message().c_str());
      return;
    }
    records += (*importer)->counts().records;
    rejected += (*importer)->counts().rejected;
    alerts += sink.alerts();
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.SetBytesProcessed(static_cast<int64_t>(input.size() * state.iterations()));
  state.counters["input_MB"] = static_cast<double>(input.size()) / 1e6;
  state.counters["alerts_per_iter"] = static_cast<double>(alerts) / state.iterations();
  state.counters["rejected_per_iter"] = static_cast<double>(rejected) / state.iterations();
}

#define WEFT_IMPORT_BENCH(name, ...)                               \
  void BM_Parse##name(benchmark::State& state) {                   \
    static const std::string input = RepeatedLines({__VA_ARGS__}); \
    RunImport(state, input);                                       \
  }                                                                \
  BENCHMARK(BM_Parse##name)->Unit(benchmark::kMillisecond)

WEFT_IMPORT_BENCH(
    DefenderForCloudRest,
    "defender-for-cloud/demisto_AzureDefenderForCloud-All_Alerts_Response.json",
    "defender-for-cloud/DERIVED_azure-rest-api-specs_GetAlertsSubscription_body.json");
WEFT_IMPORT_BENCH(DefenderForCloudExport,
                  "defender-for-cloud/elastic_mdc_continuous_export_test-alert.ndjson");
WEFT_IMPORT_BENCH(Sentinel, "sentinel/weft_securityalert_rows.ndjson");
WEFT_IMPORT_BENCH(GraphAlerts, "graph-security/msgraph-docs_security-list-alerts_v2_example1.json",
                  "graph-security/elastic_graph_alert_v2_test-alert.json",
                  "graph-security/msgraph-docs_security-alert-get_example1.json");
WEFT_IMPORT_BENCH(MdeApi, "defender-endpoint/elastic_mde_alerts_api_test-defenderatp.ndjson");
WEFT_IMPORT_BENCH(XdrStreaming, "defender-xdr-streaming/DERIVED_sekoia_input_messages.ndjson");
WEFT_IMPORT_BENCH(GuardDuty, "aws-guardduty/elastic_test-guard_duty_part1.ndjson",
                  "aws-guardduty/DERIVED_sekoia_input_messages.ndjson");
WEFT_IMPORT_BENCH(SecurityHub, "aws-securityhub-asff/ocsf-examples_sechub-guardduty.asff.json",
                  "aws-securityhub-asff/ocsf-examples_sechub-pci.asff.json",
                  "aws-securityhub-asff/weft_guardduty-torrelay-ec2.asff.json");
WEFT_IMPORT_BENCH(Ocsf, "ocsf/DERIVED_sekoia_input_messages.ndjson",
                  "ocsf/ocsf-examples_okta_detection_finding.ocsf.json",
                  "ocsf/ocsf-examples_sechub-guardduty.ocsf.json");

void BM_ParseScc(benchmark::State& state) {
  static const std::string input = [] {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(kData + "gcp-scc")) {
      if (e.path().extension() == ".json")
        files.push_back("gcp-scc/" + e.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    return RepeatedLines(files);
  }();
  RunImport(state, input);
}
BENCHMARK(BM_ParseScc)->Unit(benchmark::kMillisecond);

// weft's own JSON lines, as `weft generate --format weft` writes them.
void BM_ParseWeft(benchmark::State& state) {
  static const std::string input = [] {
    generator::GeneratorOptions options;
    options.format = "weft";
    options.alerts = 8000;
    const std::string dir =
        (std::filesystem::temp_directory_path() / "weft_importers_bench").string();
    auto summary = generator::GenerateToDirectory(options, dir);
    std::string text = summary.ok() ? ReadFile(dir + "/alerts/weft.jsonl") : std::string();
    std::filesystem::remove_all(dir);
    return text;
  }();
  if (input.empty()) {
    state.SkipWithError("generator failed");
    return;
  }
  RunImport(state, input);
}
BENCHMARK(BM_ParseWeft)->Unit(benchmark::kMillisecond);

// The GUIDE evidence CSV sample (10k rows, 2.6 MB) as it is.
void BM_ParseGuideCsv(benchmark::State& state) {
  static const std::string input = ReadFile(kData + "guide/guide_test_sample_10k_yasin281.csv");
  RunImport(state, input);
}
BENCHMARK(BM_ParseGuideCsv)->Unit(benchmark::kMillisecond);

// The REST list response {"value": [...]} as one ~4 MiB document: the whole-document path.
void BM_ParseDefenderForCloudRestDocument(benchmark::State& state) {
  static const std::string input = [] {
    nlohmann::json value = nlohmann::json::array();
    const auto records = Records(
        kData + "defender-for-cloud/demisto_AzureDefenderForCloud-All_Alerts_Response.json");
    std::size_t bytes = 0;
    while (bytes < kTargetBytes) {
      for (const std::string& r : records) {
        value.push_back(nlohmann::json::parse(r));
        bytes += r.size();
      }
    }
    return nlohmann::json{{"value", value}}.dump(2);
  }();
  RunImport(state, input);
}
BENCHMARK(BM_ParseDefenderForCloudRestDocument)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
