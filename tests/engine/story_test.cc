// IncidentStory and DevicePage on real sample records (tests/data/stories/) run through the real
// importers into an Engine on an InMemoryStore, plus `weft show --format dot` through Graphviz.
#include "engine/story.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "engine/device_page.h"
#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "importers/importer.h"
#include "model/canonical.h"
#include "tests/graph/forwarding_store.h"

namespace weft {
namespace {

const std::string kDir = std::string(WEFT_TEST_DATA_DIR) + "/stories/";
const std::string kMdc = "DERIVED_azure-rest-api-specs_GetAlertsSubscription_body.json";
const std::string kGraphIncidents = "msgraph-docs_security-list-incidents_example2.json";
const std::string kGraphAlertVm1 = "EDITED_graph-alerts_v2_vm1.json";
const std::string kVm1 =
    "device:azure:/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourcegroups/myrg1/"
    "providers/"
    "microsoft.compute/virtualmachines/vm1";
const std::string kGraphTenant = "cfcdbe43-297b-4c6b-ac7e-8d7f6befb514";

class EngineSink final : public ImportSink {
 public:
  explicit EngineSink(Engine& engine) : engine_(engine) {}
  Status Consume(ImportBatch batch) override {
    return engine_.Ingest(std::move(batch.alerts), std::move(batch.relations), 1700000000000)
        .status();
  }

 private:
  Engine& engine_;
};

class StoryTest : public ::testing::Test {
 protected:
  // Imports files of tests/data/stories/; the MDC subscription belongs to `mdc_tenant`.
  void Ingest(const std::vector<std::string>& files, const std::string& mdc_tenant) {
    auto e = Engine::Open(store_, CorrelationConfig{});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ImportOptions options;
    options.tenants.Add("20ff7fc3-e762-44dd-bd96-b71116dcdc23", mdc_tenant);
    options.min_severity = Severity::kInformational;
    auto importer = Importer::Create(options);
    ASSERT_TRUE(importer.ok());
    EngineSink sink(**e);
    for (const std::string& f : files) {
      Status s = (*importer)->ImportPath(kDir + f, sink);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    Status s = (*importer)->Flush(sink);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ((*importer)->counts().rejected, 0u);
  }

  std::string IncidentOfAlert(const std::string& alert_key) {
    std::string id;
    Status s = store_.ForEachIncident("", [&](const Incident& inc) {
      if (inc.status != IncidentStatus::kRedirected &&
          std::find(inc.alert_keys.begin(), inc.alert_keys.end(), alert_key) !=
              inc.alert_keys.end()) {
        id = inc.id;
      }
      return true;
    });
    EXPECT_TRUE(s.ok());
    return id;
  }

  InMemoryStore store_;
};

TEST(TacticRankTest, FollowsKillChainAndIgnoresSpelling) {
  EXPECT_EQ(TacticRank("Reconnaissance"), 0);
  EXPECT_EQ(TacticRank("initial access"), 2);
  EXPECT_EQ(TacticRank("Command-and-Control"), 11);
  EXPECT_EQ(TacticRank("Impact"), 13);
  EXPECT_EQ(TacticRank("PreAttack"), kUnknownTacticRank);
}

TEST_F(StoryTest, DefenderForCloudStoryLabelsTheAzureVmsAndTheirAliases) {
  Ingest({kMdc, kGraphIncidents}, "contoso");
  const std::string id =
      IncidentOfAlert("contoso/mdc/2518298467986649999_4d25bfef-2d77-4a08-adc0-3e35715cc92a");
  ASSERT_FALSE(id.empty());
  auto story = BuildStory(store_, id);
  ASSERT_TRUE(story.ok()) << story.status().ToString();
  EXPECT_EQ(story->incident.tenant, "contoso");
  EXPECT_EQ(story->sources, (std::vector<std::string>{"Defender for Cloud"}));
  EXPECT_EQ(story->clouds, (std::vector<std::string>{"azure"}));
  ASSERT_EQ(story->timeline.size(), 1u);
  EXPECT_EQ(story->timeline[0].tactic, "Execution");
  EXPECT_EQ(story->timeline[0].severity, Severity::kHigh);
  EXPECT_EQ(story->entry_alert, story->timeline[0].key);
  ASSERT_EQ(story->assets.count("device"), 1u);
  ASSERT_EQ(story->assets.at("device").size(), 2u);
  const StoryAsset* vm1 = story->FindAsset(kVm1);
  ASSERT_NE(vm1, nullptr);
  EXPECT_EQ(vm1->cloud, "azure");
  EXPECT_EQ(vm1->labels.at("subscription"), "20ff7fc3-e762-44dd-bd96-b71116dcdc23");
  EXPECT_EQ(vm1->CloudLabel(), "azure subscription 20ff7fc3-e762-44dd-bd96-b71116dcdc23");
  EXPECT_TRUE(vm1->impacted);
  ASSERT_EQ(vm1->aliases.size(), 2u);
  EXPECT_EQ(vm1->aliases[0].alias, kVm1.substr(7));
  EXPECT_EQ(vm1->aliases[0].source, "Defender for Cloud");
  EXPECT_EQ(vm1->aliases[1].alias, "oms:75724a01-f021-4aa8-9ec2-329792373e6e");
  ASSERT_EQ(story->assets.count("ip"), 1u);
  EXPECT_EQ(story->assets.at("ip")[0].key, "ip:192.0.2.1");
}

TEST_F(StoryTest, GraphIncidentTimelineKillChainEntryAndImpact) {
  Ingest({kMdc, kGraphIncidents}, "contoso");
  const std::string test_alert = kGraphTenant + "/m365/ed639047114220050398_-1516486255";
  const std::string id = IncidentOfAlert(test_alert);
  ASSERT_FALSE(id.empty());
  auto story = BuildStory(store_, id);
  ASSERT_TRUE(story.ok()) << story.status().ToString();
  ASSERT_EQ(story->timeline.size(), 6u);
  for (std::size_t i = 1; i < story->timeline.size(); ++i) {
    EXPECT_LE(story->timeline[i - 1].time, story->timeline[i].time);
  }
  EXPECT_EQ(story->timeline.front().key, test_alert);
  EXPECT_EQ(story->timeline.front().title, "Test");
  EXPECT_EQ(FormatTimestamp(story->timeline.back().time), "2026-01-22T13:52:38.166Z");
  // Kill chain: Execution (2 PsExec alerts), Persistence (2), Discovery, CommandAndControl.
  ASSERT_EQ(story->kill_chain_alerts.size(), 6u);
  EXPECT_EQ(story->FindAlert(story->kill_chain_alerts[0])->tactic, "Execution");
  EXPECT_EQ(story->FindAlert(story->kill_chain_alerts[2])->tactic, "Persistence");
  EXPECT_EQ(story->FindAlert(story->kill_chain_alerts[4])->tactic, "Discovery");
  EXPECT_EQ(story->FindAlert(story->kill_chain_alerts[5])->tactic, "CommandAndControl");
  EXPECT_EQ(story->entry_alert, kGraphTenant + "/m365/da7d0bdeff-b6bd-4c00-821f-a5b8a88dea18_1");
  EXPECT_EQ(story->impact_alert, test_alert);
  // One device, known to MDE, with its host name as a weak alias.
  ASSERT_EQ(story->assets.at("device").size(), 1u);
  const StoryAsset& device = story->assets.at("device")[0];
  EXPECT_EQ(device.key, "device:mde:335b3ef544f5d3690b6c75c776dc3e52bb3485c4");
  ASSERT_EQ(device.aliases.size(), 2u);
  EXPECT_EQ(device.aliases[1].alias, "host:w11pro-test");
  EXPECT_FALSE(device.aliases[1].strong);
  EXPECT_EQ(device.aliases[1].source, "Defender for Endpoint");
  EXPECT_EQ(device.alerts.size(), 6u);
  // Every alert after the first is linked to an earlier one through a shared entity.
  ASSERT_EQ(story->links.size(), 5u);
  for (const StoryLink& l : story->links) EXPECT_EQ(l.entity, device.key);
  // The process -> device relations the importer emitted appear between the incident's entities.
  const bool has_runs_on =
      std::any_of(story->edges.begin(), story->edges.end(),
                  [&](const StoryEdge& e) { return e.kind == "runs_on" && e.to == device.key; });
  EXPECT_TRUE(has_runs_on);
  EXPECT_EQ(BuildStory(store_, "inc-0000000000000000").status().code(), StatusCode::kNotFound);
}

TEST_F(StoryTest, DevicePageListsCloudAndEndpointAlertsForTheSameAzureVm) {
  Ingest({kMdc, kGraphAlertVm1}, "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c");
  for (const std::string& query :
       {std::string(
            "/SUBSCRIPTIONS/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourceGroups/myRg1/providers/"
            "Microsoft.Compute/virtualMachines/VM1"),
        std::string("73e7e2de709dff64ef64b1d0c30e67fab63279db"),
        std::string("ca1b0d41-5a3b-4d95-b48b-f220aed11d78"), std::string("vm1")}) {
    auto lookup = LookupDevice(store_, query);
    ASSERT_TRUE(lookup.ok()) << query << ": " << lookup.status().ToString();
    ASSERT_TRUE(lookup->page.has_value()) << query;
    const DevicePage& page = *lookup->page;
    EXPECT_EQ(page.device.key, "device:mde:73e7e2de709dff64ef64b1d0c30e67fab63279db");
    EXPECT_EQ(page.sources,
              (std::vector<std::string>{"Defender for Cloud", "Defender for Endpoint"}));
    ASSERT_EQ(page.alerts.size(), 2u);
    EXPECT_EQ(page.alerts[0].source, "Defender for Cloud");
    EXPECT_EQ(page.alerts[0].title, "Azure Security Center test alert (not a threat)");
    EXPECT_EQ(page.alerts[1].source, "Defender for Endpoint");
    EXPECT_EQ(page.alerts[1].title, "Suspicious execution of hidden file");
    EXPECT_EQ(page.incidents.size(), 2u);
    std::vector<std::string> aliases;
    for (const StoryAlias& a : page.device.aliases) aliases.push_back(a.alias + " <- " + a.source);
    EXPECT_EQ(aliases, (std::vector<std::string>{
                           kVm1.substr(7) + " <- Defender for Cloud",
                           "oms:75724a01-f021-4aa8-9ec2-329792373e6e <- Defender for Cloud",
                           "mde:73e7e2de709dff64ef64b1d0c30e67fab63279db <- Defender for Endpoint",
                           "vmid:ca1b0d41-5a3b-4d95-b48b-f220aed11d78 <- Defender for Endpoint",
                           "host:tempdns <- Defender for Endpoint"}));
  }
  EXPECT_EQ(LookupDevice(store_, "no-such-host").status().code(), StatusCode::kNotFound);
}

TEST_F(StoryTest, AmbiguousHostNameListsEveryDevice) {
  Ingest({kMdc}, "contoso");
  // vm1 and vm2 are distinct VMs; give both the same host name through a second MDE alert each.
  Alert a;
  a.tenant = "contoso";
  a.source = SourceProduct::kDefenderForEndpoint;
  a.provider_id = "x1";
  a.first_activity = 1700000000000;
  for (const char* id :
       {"1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"}) {
    DeviceIds ids;
    ids.mde_device_id = id;
    ids.hostname = "shared-host";
    a.evidence.push_back(
        Evidence{*MakeDevice(ids, "Defender for Endpoint"), EvidenceRole::kImpacted});
  }
  ASSERT_TRUE(FinalizeAlert(a).ok());
  auto e = Engine::Open(store_, std::nullopt);
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE((*e)->Ingest({a}, {}, 1700000000001).ok());
  auto lookup = LookupDevice(store_, "SHARED-HOST");
  ASSERT_TRUE(lookup.ok());
  EXPECT_FALSE(lookup->page.has_value());
  ASSERT_EQ(lookup->candidates.size(), 2u);
  auto one = LookupDevice(store_, "1111111111111111111111111111111111111111");
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(one->page.has_value());
  ASSERT_EQ(one->page->possible_matches.size(), 1u);
  EXPECT_EQ(one->page->possible_matches[0].key,
            "device:mde:2222222222222222222222222222222222222222");
}

// Counts the scans of whole entity and relation tables.
class ScanCounter final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  int scans = 0;

  Status ForEachEntity(std::string_view tenant,
                       const std::function<bool(const EntityRecord&)>& visit) override {
    ++scans;
    return ForwardingStore::ForEachEntity(tenant, visit);
  }
  Status ForEachRelation(std::string_view tenant,
                         const std::function<bool(const Relation&)>& visit) override {
    ++scans;
    return ForwardingStore::ForEachRelation(tenant, visit);
  }
};

// What a story shows of its entities: each asset with its aliases and alerts, and the edges.
std::string AssetsAndEdges(const IncidentStory& story) {
  std::string out;
  for (const auto& [kind, assets] : story.assets) {
    for (const StoryAsset& a : assets) {
      out += kind + " " + a.key + " [";
      for (const StoryAlias& alias : a.aliases) out += alias.alias + " ";
      out += "] alerts " + std::to_string(a.alerts.size()) + "\n";
    }
  }
  for (const StoryEdge& e : story.edges) out += e.from + " -" + e.kind + "-> " + e.to + "\n";
  return out;
}

// The incident record names its resolved entities: a story reads those records by key, and the
// relations stored from their keys and aliases. When a record no longer holds an evidence key
// (merged away since the incident was written), it scans the tenant's entities instead, and
// shows the same story.
TEST_F(StoryTest, AStoryReadsItsEntitiesByKeyAndScansOnlyWhenTheIncidentsListIsStale) {
  const std::string tenant = "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c";
  const std::string device = "device:mde:73e7e2de709dff64ef64b1d0c30e67fab63279db";
  Ingest({kMdc, kGraphAlertVm1}, tenant);
  const std::string id =
      IncidentOfAlert(tenant + "/mdc/2518298467986649999_4d25bfef-2d77-4a08-adc0-3e35715cc92a");
  ASSERT_FALSE(id.empty());
  // A stored relation from the VM's resource id, an alias of the device the story shows.
  WriteBatch relation;
  relation.relations.push_back(Relation{tenant, kVm1, "ip:192.0.2.1", "connects_to", kNoTime, {}});
  ASSERT_TRUE(store_.Apply(relation).ok());

  ScanCounter counting(store_);
  auto story = BuildStory(counting, id);
  ASSERT_TRUE(story.ok()) << story.status().ToString();
  EXPECT_EQ(counting.scans, 0);
  // The VM Defender for Cloud names by resource id is the device Defender for Endpoint names.
  ASSERT_NE(story->FindAsset(device), nullptr);
  const bool connects = std::any_of(story->edges.begin(), story->edges.end(), [&](const auto& e) {
    return e.from == device && e.kind == "connects_to" && e.to == "ip:192.0.2.1";
  });
  EXPECT_TRUE(connects);
  const std::string shown = AssetsAndEdges(*story);

  auto incident = store_.GetIncident(id);
  ASSERT_TRUE(incident.ok() && incident->has_value());
  Incident stale = **incident;
  stale.entities = {"device:azure:merged-away"};
  WriteBatch wb;
  wb.incidents.push_back(stale);
  ASSERT_TRUE(store_.Apply(wb).ok());
  auto rebuilt = BuildStory(counting, id);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(counting.scans, 1);
  EXPECT_EQ(AssetsAndEdges(*rebuilt), shown);
}

// `weft ingest` + `weft show --format dot` through Graphviz; skipped without `dot` or the binary.
TEST(StoryRenderTest, ShowDotOutputParsesWithGraphviz) {
  // The weft binary: $WEFT_BINARY, else the build tree's cli/weft beside this test binary.
  std::string weft = std::getenv("WEFT_BINARY") != nullptr ? std::getenv("WEFT_BINARY") : "";
  if (weft.empty())
    weft = (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "cli" /
            "weft")
               .string();
  if (!std::filesystem::exists(weft)) GTEST_SKIP() << "weft binary not built";
  if (std::system("command -v dot >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "graphviz dot not installed";
  const std::filesystem::path db =
      std::filesystem::temp_directory_path() / ("weft_story_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(db);
  const std::string ingest = weft + " ingest --db " + db.string() + " --tenant contoso " + kDir +
                             kMdc + " " + kDir + kGraphIncidents + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(ingest.c_str()), 0);
  FILE* p = ::popen((weft + " incidents --json --db " + db.string()).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::vector<std::string> ids;
  char buf[65536];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    std::string line(buf);
    const std::size_t at = line.find("\"id\":\"");
    if (at != std::string::npos)
      ids.push_back(line.substr(at + 6, line.find('"', at + 6) - at - 6));
  }
  ::pclose(p);
  ASSERT_EQ(ids.size(), 2u);
  for (const std::string& id : ids) {
    const std::string svg = (db / (id + ".svg")).string();
    const std::string cmd =
        weft + " show " + id + " --db " + db.string() + " --format dot | dot -Tsvg -o " + svg;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    EXPECT_GT(std::filesystem::file_size(svg), 1000u);
  }
  std::filesystem::remove_all(db);
}

}  // namespace
}  // namespace weft
