#include "bench/generator/generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "importers/importer.h"

namespace weft::generator {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path TempDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("weft_generator_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Json> ReadJsonLines(const fs::path& p) {
  std::vector<Json> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(Json::parse(line));
  }
  return out;
}

std::size_t CountLines(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) n += line.empty() ? 0 : 1;
  return n;
}

std::vector<GeneratedAlert> Collect(const GeneratorOptions& o) {
  Result<std::unique_ptr<AlertStream>> s = AlertStream::Create(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  std::vector<GeneratedAlert> all, batch;
  while ((*s)->Next(batch, 1000)) {
    for (GeneratedAlert& g : batch) all.push_back(std::move(g));
  }
  return all;
}

std::string Signature(const GeneratedAlert& g) {
  std::string s = g.alert.key + "|" + g.incident + "|" + std::to_string(g.emitted) + "|" +
                  std::string(ChannelFormat(g.channel)) + "|" +
                  std::to_string(g.alert.first_activity);
  for (const Evidence& e : g.alert.evidence) s += "|" + e.entity.key;
  return s;
}

class KeySink : public ImportSink {
 public:
  Status Consume(ImportBatch batch) override {
    for (Alert& a : batch.alerts) alerts.push_back(std::move(a));
    return Status::Ok();
  }
  std::vector<Alert> alerts;
};

struct Imported {
  std::vector<Alert> alerts;
  ImportCounts counts;
  std::vector<RejectedRecord> rejects;
};

Imported ImportDir(const fs::path& dir, const fs::path& file) {
  ImportOptions options;
  Result<TenantMap> tenants = TenantMap::Load((dir / "tenants.json").string());
  EXPECT_TRUE(tenants.ok()) << tenants.status().ToString();
  if (tenants.ok()) options.tenants = *tenants;
  Result<std::unique_ptr<Importer>> importer = Importer::Create(options);
  EXPECT_TRUE(importer.ok());
  Imported out;
  (*importer)->set_reject_handler([&](const RejectedRecord& r) { out.rejects.push_back(r); });
  KeySink sink;
  EXPECT_TRUE((*importer)->ImportPath(file.string(), sink).ok());
  EXPECT_TRUE((*importer)->Flush(sink).ok());
  out.alerts = std::move(sink.alerts);
  out.counts = (*importer)->counts();
  return out;
}

// Keys of labels.jsonl: all, and those weft ingests by default (not informational).
std::pair<std::set<std::string>, std::set<std::string>> LabelKeys(const fs::path& dir) {
  std::set<std::string> all, ingestible;
  for (const Json& l : ReadJsonLines(dir / "labels.jsonl")) {
    all.insert(l["alert_key"].get<std::string>());
    if (!l.value("informational", false)) ingestible.insert(l["alert_key"].get<std::string>());
  }
  return {all, ingestible};
}

GeneratorOptions Small(std::uint64_t alerts, std::string format = "mixed") {
  GeneratorOptions o;
  o.alerts = alerts;
  o.tenants = 3;
  o.seed = 42;
  o.format = std::move(format);
  return o;
}

TEST(GeneratorTest, SameSeedGivesTheSameStreamAndAnotherSeedDoesNot) {
  GeneratorOptions o = Small(4000);
  std::vector<GeneratedAlert> a = Collect(o), b = Collect(o);
  ASSERT_EQ(a.size(), 4000u);
  ASSERT_EQ(b.size(), 4000u);
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_EQ(Signature(a[i]), Signature(b[i])) << "record " << i;
  o.seed = 43;
  std::vector<GeneratedAlert> c = Collect(o);
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(a.size(), c.size()); ++i)
    same += Signature(a[i]) == Signature(c[i]) ? 1 : 0;
  EXPECT_LT(same, 40u);
}

TEST(GeneratorTest, SameSeedWritesByteIdenticalFiles) {
  const fs::path d1 = TempDir("bytes1"), d2 = TempDir("bytes2");
  ASSERT_TRUE(GenerateToDirectory(Small(3000), d1.string()).ok());
  ASSERT_TRUE(GenerateToDirectory(Small(3000), d2.string()).ok());
  std::set<std::string> names1, names2;
  for (const auto& e : fs::recursive_directory_iterator(d1)) {
    if (e.is_regular_file()) names1.insert(fs::relative(e.path(), d1).string());
  }
  for (const auto& e : fs::recursive_directory_iterator(d2)) {
    if (e.is_regular_file()) names2.insert(fs::relative(e.path(), d2).string());
  }
  EXPECT_EQ(names1, names2);
  EXPECT_EQ(names1, (std::set<std::string>{
                        "alerts/defender-for-cloud.jsonl", "alerts/graph-alerts.jsonl",
                        "alerts/guardduty.jsonl", "labels.jsonl", "alerts/ocsf.jsonl",
                        "alerts/scc.jsonl", "alerts/securityhub.jsonl",
                        "alerts/sentinel-securityalert.jsonl", "summary.json", "tenants.json"}));
  for (const std::string& n : names1) EXPECT_EQ(ReadFile(d1 / n), ReadFile(d2 / n)) << n;
  fs::remove_all(d1);
  fs::remove_all(d2);
}

TEST(GeneratorTest, RecordCountsMatchTheOptionsForEveryFormat) {
  for (const std::string& format : GeneratorFormats()) {
    SCOPED_TRACE(format);
    const fs::path dir = TempDir("counts_" + format);
    Result<GeneratorSummary> s = GenerateToDirectory(Small(1500, format), dir.string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->records, 1500u);
    EXPECT_EQ(s->distinct_alerts + s->duplicates, 1500u);
    std::uint64_t in_files = 0;
    for (const auto& [name, records] : s->files) {
      EXPECT_EQ(CountLines(dir / name), records) << name;
      in_files += records;
      if (format != "mixed") {
        EXPECT_EQ(name, "alerts/" + format + ".jsonl");
      }
    }
    EXPECT_EQ(in_files, 1500u);
    std::uint64_t per_format = 0;
    for (const auto& [name, records] : s->records_per_format) per_format += records;
    EXPECT_EQ(per_format, 1500u);
    EXPECT_EQ(CountLines(dir / "labels.jsonl"), s->distinct_alerts);
    EXPECT_GT(s->planted_incidents, 0u);
    const Json summary = Json::parse(ReadFile(dir / "summary.json"));
    EXPECT_EQ(summary["records"].get<std::uint64_t>(), 1500u);
    EXPECT_EQ(summary["tenants"].size(), 3u);
    fs::remove_all(dir);
  }
}

TEST(GeneratorTest, LabelsNameEveryDistinctAlertOnceWithItsIncident) {
  const fs::path dir = TempDir("labels");
  ASSERT_TRUE(GenerateToDirectory(Small(5000), dir.string()).ok());
  const std::vector<GeneratedAlert> stream = Collect(Small(5000));
  std::map<std::string, std::string> truth;
  std::set<std::string> informational;
  for (const GeneratedAlert& g : stream) {
    if (g.duplicate) {
      EXPECT_EQ(truth.count(g.alert.key), 1u) << "duplicate before its original: " << g.alert.key;
      continue;
    }
    EXPECT_TRUE(truth.emplace(g.alert.key, g.incident).second) << "key reused: " << g.alert.key;
    EXPECT_EQ(g.informational, g.alert.severity == Severity::kInformational);
    if (g.informational) informational.insert(g.alert.key);
  }
  std::size_t lines = 0;
  for (const Json& l : ReadJsonLines(dir / "labels.jsonl")) {
    ++lines;
    const std::string key = l["alert_key"];
    ASSERT_EQ(truth.count(key), 1u) << key;
    EXPECT_EQ(l["incident"].get<std::string>(), truth[key]);
    EXPECT_EQ(l.value("informational", false), informational.count(key) == 1) << key;
  }
  EXPECT_EQ(lines, truth.size());
  EXPECT_GT(informational.size(), 0u);
  fs::remove_all(dir);
}

TEST(GeneratorTest, WeftOutputImportsWithNoRejectAndExactlyTheLabelledKeysAndEntities) {
  const fs::path dir = TempDir("weft");
  Result<GeneratorSummary> s = GenerateToDirectory(Small(3000, "weft"), dir.string());
  ASSERT_TRUE(s.ok());
  Imported imp = ImportDir(dir, dir / "alerts" / "weft.jsonl");
  EXPECT_EQ(imp.counts.rejected, 0u) << (imp.rejects.empty() ? "" : imp.rejects[0].reason);
  EXPECT_EQ(imp.counts.per_format["weft"], imp.alerts.size());
  std::uint64_t informational_records = 0;
  std::map<std::string, std::set<std::string>> entities;
  for (const GeneratedAlert& g : Collect(Small(3000, "weft"))) {
    informational_records += g.informational ? 1 : 0;
    for (const Evidence& e : g.alert.evidence) entities[g.alert.key].insert(e.entity.key);
  }
  EXPECT_EQ(imp.counts.filtered_severity, informational_records);
  EXPECT_EQ(imp.alerts.size() + informational_records, 3000u);
  std::set<std::string> keys;
  for (const Alert& a : imp.alerts) {
    keys.insert(a.key);
    std::set<std::string> got;
    for (const Evidence& e : a.evidence) got.insert(e.entity.key);
    EXPECT_EQ(got, entities[a.key]) << a.key;
  }
  EXPECT_EQ(keys, LabelKeys(dir).second);
  fs::remove_all(dir);
}

class GeneratorNativeFormatTest : public ::testing::TestWithParam<std::string> {};

// Every native file imports through weft's importers with no reject, and the keys the importers
// derive are exactly the labelled ones.
TEST_P(GeneratorNativeFormatTest, ImportsWithNoRejectAndTheLabelledKeys) {
  const fs::path dir = TempDir("native_" + GetParam());
  Result<GeneratorSummary> s = GenerateToDirectory(Small(2000, GetParam()), dir.string());
  ASSERT_TRUE(s.ok());
  // The stream's alerts are what the importers produce: the same entities, key for key.
  std::map<std::string, std::set<std::string>> entities;
  for (const GeneratedAlert& g : Collect(Small(2000, GetParam()))) {
    for (const Evidence& e : g.alert.evidence) entities[g.alert.key].insert(e.entity.key);
  }
  std::set<std::string> keys;
  std::size_t alerts = 0, entity_mismatches = 0;
  for (const auto& [file, records] : s->files) {
    SCOPED_TRACE(file);
    Imported imp = ImportDir(dir, dir / file);
    EXPECT_EQ(imp.counts.rejected, 0u)
        << (imp.rejects.empty() ? ""
                                : imp.rejects[0].reason + "\n" + imp.rejects[0].raw.substr(0, 600));
    alerts += imp.alerts.size() + imp.counts.filtered_severity;
    for (const Alert& a : imp.alerts) {
      keys.insert(a.key);
      std::set<std::string> got;
      for (const Evidence& e : a.evidence) got.insert(e.entity.key);
      if (got != entities[a.key] && ++entity_mismatches <= 3) {
        ADD_FAILURE() << a.key << ": imported entities differ from the generated ones";
      }
    }
  }
  EXPECT_EQ(entity_mismatches, 0u);
  EXPECT_EQ(alerts, 2000u);
  const std::set<std::string> want = LabelKeys(dir).second;
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), keys.begin(), keys.end(),
                      std::back_inserter(missing));
  std::set_difference(keys.begin(), keys.end(), want.begin(), want.end(),
                      std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << missing.size() << " labelled keys not imported, e.g. "
                               << missing.front();
  const std::set<std::string> labelled = LabelKeys(dir).first;
  const std::size_t informational = std::count_if(
      extra.begin(), extra.end(), [&](const std::string& k) { return labelled.count(k) == 1; });
  EXPECT_TRUE(extra.empty())
      << extra.size() << " imported keys not labelled as ingestible (" << informational
      << " of them are informational alerts the importer did not keep informational), e.g. "
      << extra.front();
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(GeneratorFormats, GeneratorNativeFormatTest,
                         ::testing::Values("mixed", "defender-for-cloud", "graph-alerts",
                                           "guardduty", "securityhub", "scc", "ocsf"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// The identifiers an entity can be matched on: its key and its strong aliases.
std::vector<std::string> MatchKeys(const Entity& e) {
  std::vector<std::string> out = {e.key};
  for (const Alias& a : e.aliases) {
    if (a.strong()) out.push_back(std::string(EntityKindName(e.kind)) + "#" + a.ToString());
  }
  return out;
}

std::set<std::string> HubMatchKeys(const std::vector<GeneratedAlert>& stream,
                                   const GeneratorSummary& s) {
  std::set<std::string> hub_keys, out;
  for (const HubInfo& h : s.hubs) hub_keys.insert(h.tenant + "|" + h.entity_key);
  for (const GeneratedAlert& g : stream) {
    for (const Evidence& e : g.alert.evidence) {
      if (hub_keys.count(g.alert.tenant + "|" + e.entity.key) == 0) continue;
      for (const std::string& k : MatchKeys(e.entity)) out.insert(g.alert.tenant + "|" + k);
    }
  }
  return out;
}

TEST(GeneratorTest, IncidentsShareNoNonHubEntityWithinTheIsolationWindow) {
  GeneratorOptions o = Small(30000);
  Result<std::unique_ptr<AlertStream>> stream = AlertStream::Create(o);
  ASSERT_TRUE(stream.ok());
  std::vector<GeneratedAlert> all, batch;
  while ((*stream)->Next(batch)) all.insert(all.end(), batch.begin(), batch.end());
  const std::set<std::string> hubs = HubMatchKeys(all, (*stream)->summary());
  ASSERT_FALSE(hubs.empty());
  std::map<std::string, std::vector<std::pair<Timestamp, std::string>>> uses;
  for (const GeneratedAlert& g : all) {
    for (const Evidence& e : g.alert.evidence) {
      for (const std::string& k : MatchKeys(e.entity)) {
        const std::string scoped = g.alert.tenant + "|" + k;
        if (hubs.count(scoped) == 0) uses[scoped].emplace_back(g.alert.first_activity, g.incident);
      }
    }
  }
  std::size_t shared = 0;
  for (auto& [key, list] : uses) {
    std::sort(list.begin(), list.end());
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (list[i].second == list[i - 1].second) continue;
      ++shared;
      ASSERT_GE(list[i].first - list[i - 1].first, o.isolation_window)
          << key << " links " << list[i - 1].second << " and " << list[i].second;
    }
  }
  EXPECT_GT(shared, 100u) << "popular entities should recur across incidents outside the window";
}

TEST(GeneratorTest, EveryChainIsConnectedThroughNonHubEntitiesAndSpansProducts) {
  Result<std::unique_ptr<AlertStream>> stream = AlertStream::Create(Small(20000));
  ASSERT_TRUE(stream.ok());
  std::vector<GeneratedAlert> all, batch;
  while ((*stream)->Next(batch)) all.insert(all.end(), batch.begin(), batch.end());
  const std::set<std::string> hubs = HubMatchKeys(all, (*stream)->summary());
  std::map<std::string, std::vector<const GeneratedAlert*>> chains;
  for (const GeneratedAlert& g : all) {
    if (!g.duplicate && g.incident.rfind("chain-", 0) == 0) chains[g.incident].push_back(&g);
  }
  ASSERT_GT(chains.size(), 100u);
  std::size_t cross_cloud = 0, cross_family = 0;
  for (const auto& [incident, alerts] : chains) {
    // Union-find over the chain's alerts through shared non-hub match keys.
    std::vector<std::size_t> parent(alerts.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](std::size_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    std::map<std::string, std::size_t> first_user;
    std::set<Cloud> clouds;
    std::set<std::string_view> families;
    for (std::size_t i = 0; i < alerts.size(); ++i) {
      clouds.insert(alerts[i]->alert.cloud);
      families.insert(ProviderFamily(alerts[i]->alert.source));
      for (const Evidence& e : alerts[i]->alert.evidence) {
        for (const std::string& k : MatchKeys(e.entity)) {
          if (hubs.count(alerts[i]->alert.tenant + "|" + k)) continue;
          auto [it, fresh] = first_user.emplace(k, i);
          if (!fresh) parent[find(i)] = find(it->second);
        }
      }
    }
    for (std::size_t i = 1; i < alerts.size(); ++i) EXPECT_EQ(find(i), find(0)) << incident;
    cross_cloud += clouds.size() > 1 ? 1 : 0;
    cross_family += families.size() > 1 ? 1 : 0;
  }
  EXPECT_GT(cross_cloud, 10u);
  EXPECT_GT(cross_family, chains.size() / 4);
}

TEST(GeneratorTest, StreamHasLateOutOfOrderDuplicateAndHubRecords) {
  GeneratorOptions o = Small(20000);
  Result<std::unique_ptr<AlertStream>> stream = AlertStream::Create(o);
  ASSERT_TRUE(stream.ok());
  std::vector<GeneratedAlert> all, batch;
  while ((*stream)->Next(batch)) all.insert(all.end(), batch.begin(), batch.end());
  const GeneratorSummary& s = (*stream)->summary();
  std::size_t out_of_order = 0, sentinel = 0;
  Timestamp max_activity = kNoTime;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      ASSERT_GE(all[i].emitted, all[i - 1].emitted) << "arrival order";
    }
    if (all[i].alert.first_activity + kMillisPerHour < max_activity) ++out_of_order;
    max_activity = std::max(max_activity, all[i].alert.first_activity);
    sentinel += all[i].channel == Channel::kSentinel ? 1 : 0;
  }
  // Sentinel rows are second deliveries of Defender for Cloud REST alerts (either may arrive
  // first).
  std::map<std::string, std::set<Channel>> channels;
  for (const GeneratedAlert& g : all) channels[g.alert.key].insert(g.channel);
  for (const GeneratedAlert& g : all) {
    if (g.channel == Channel::kSentinel) {
      EXPECT_EQ(channels[g.alert.key], (std::set<Channel>{Channel::kMdcRest, Channel::kSentinel}))
          << g.alert.key;
    }
  }
  EXPECT_GT(out_of_order, 100u);
  EXPECT_NEAR(static_cast<double>(s.late) / 20000.0, o.late_share, 0.01);
  EXPECT_NEAR(static_cast<double>(s.duplicates) / static_cast<double>(s.distinct_alerts),
              o.duplicate_share, 0.01);
  EXPECT_GT(sentinel, 50u);
  std::set<std::string> kinds;
  std::uint64_t top = 0;
  for (const HubInfo& h : s.hubs) {
    kinds.insert(h.kind);
    top = std::max(top, h.records);
  }
  EXPECT_EQ(kinds,
            (std::set<std::string>{"common-file", "nat-ip", "scanner-ip", "service-account"}));
  EXPECT_GT(top, 300u);
  EXPECT_EQ(s.tenants.size(), 3u);
  EXPECT_GT(s.tenants[0].weight, s.tenants[2].weight);
}

TEST(GeneratorTest, RejectsBadOptions) {
  GeneratorOptions o;
  o.format = "cef";
  EXPECT_EQ(AlertStream::Create(o).status().code(), StatusCode::kInvalidArgument);
  o = GeneratorOptions();
  o.tenants = 0;
  EXPECT_EQ(AlertStream::Create(o).status().code(), StatusCode::kInvalidArgument);
  o = GeneratorOptions();
  o.noise_share = 0.9;
  o.informational_share = 0.2;
  EXPECT_EQ(GenerateToDirectory(o, TempDir("bad").string()).status().code(),
            StatusCode::kInvalidArgument);
}

// Top-level (and one nested level of) field names of a record.
std::set<std::string> Fields(const Json& j, std::string_view nested = "") {
  std::set<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.insert(it.key());
  if (!nested.empty() && j.contains(nested)) {
    for (auto it = j[nested].begin(); it != j[nested].end(); ++it)
      out.insert(std::string(nested) + "." + it.key());
  }
  return out;
}

// The generated records carry the fields real records of the same source carry (from public
// samples in tests/data/generator), apart from a few optional ones listed here.
TEST(GeneratorTest, NativeRecordsHaveTheFieldsOfRealSamples) {
  const fs::path data = fs::path(WEFT_TEST_DATA_DIR) / "generator";
  const fs::path dir = TempDir("shapes");
  ASSERT_TRUE(GenerateToDirectory(Small(3000), dir.string()).ok());
  struct Case {
    std::string generated, sample, nested;
    std::set<std::string> optional;
  };
  const std::vector<Case> cases = {
      {"defender-for-cloud.jsonl",
       "DERIVED_azure-rest-api-specs_GetAlertsSubscription_body.json",
       "properties",
       {"properties.subTechniques", "properties.supportingEvidence"}},
      {"graph-alerts.jsonl", "msgraph-docs_security-list-alerts_v2_example1.json", "", {}},
      {"guardduty.jsonl",
       "DERIVED_sekoia_input_messages.ndjson",
       "service",
       {"service.evidence", "service.featureName", "service.userFeedback"}},
      {"securityhub.jsonl",
       "ocsf-examples_sechub-guardduty.asff.json",
       "",
       {"FindingProviderFields", "ProductFields", "Sample", "SourceUrl"}},
      {"scc.jsonl", "sra_ssh_brute_force-remediated.json", "finding", {}},
      {"ocsf.jsonl",
       "ocsf-examples_sechub-guardduty.ocsf.json",
       "finding_info",
       {"finding_info.created_time_dt", "finding_info.first_seen_time_dt",
        "finding_info.last_seen_time_dt", "finding_info.modified_time_dt", "finding_info.src_url",
        "time_dt", "unmapped"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.generated);
    std::vector<Json> ours = ReadJsonLines(dir / "alerts" / c.generated);
    ASSERT_FALSE(ours.empty());
    const std::set<std::string> have = Fields(ours.front(), c.nested);
    const std::string text = ReadFile(data / c.sample);
    Json sample = c.sample.ends_with(".ndjson") ? Json::parse(text.substr(0, text.find('\n')))
                                                : Json::parse(text);
    if (sample.contains("value")) sample = sample["value"][0];
    for (const std::string& f : Fields(sample, c.nested)) {
      if (c.optional.count(f) == 0) {
        EXPECT_EQ(have.count(f), 1u) << "missing field " << f;
      }
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace weft::generator
