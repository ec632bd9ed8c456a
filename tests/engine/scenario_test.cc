// The scenario suite: small hand-checked multi-source cases, each a few real records (copied
// from /work/shared/data and edited, see tests/data/scenarios/README.md) run through the real
// importers into an Engine on an InMemoryStore under the default correlation rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine/engine.h"
#include "graph/in_memory_store.h"
#include "importers/importer.h"

namespace weft {
namespace {

const std::string kDir = std::string(WEFT_TEST_DATA_DIR) + "/scenarios/";
constexpr const char* kTenant = "contoso";

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

class ScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::Open(store_, CorrelationConfig{});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
  }

  // Imports `path` (under tests/data/scenarios/) into the engine; every record must be accepted.
  void Ingest(const std::string& path) {
    ImportOptions options;
    // The accounts and directory tenants of the records all belong to one customer.
    for (const char* account :
         {"b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c", "8700d3a3-3bb7-4fbe-a090-488a1ad04161",
          "ebac1a16-81bf-449b-8d43-5732c3c1d999", "0f907ea4-bc8b-4c11-9d7e-805c2fd144fb",
          "111111111111"}) {
      options.tenants.Add(account, kTenant);
    }
    options.min_severity = Severity::kInformational;
    auto importer = Importer::Create(options);
    ASSERT_TRUE(importer.ok()) << importer.status().ToString();
    std::vector<std::string> rejects;
    (*importer)->set_reject_handler(
        [&](const RejectedRecord& r) { rejects.push_back(r.record + ": " + r.reason); });
    EngineSink sink(*engine_);
    Status s = (*importer)->ImportPath(kDir + path, sink);
    ASSERT_TRUE(s.ok()) << s.ToString();
    s = (*importer)->Flush(sink);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(rejects.empty()) << path << ": " << rejects.front();
  }

  std::vector<Alert> Alerts() {
    std::vector<Alert> out;
    Status s = store_.ForEachAlert("", [&](const Alert& a) {
      out.push_back(a);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // The one stored alert key containing `needle` (a provider id or part of it).
  std::string Key(const std::string& needle) {
    std::vector<std::string> found;
    for (const Alert& a : Alerts()) {
      if (a.key.find(needle) != std::string::npos) found.push_back(a.key);
    }
    EXPECT_EQ(found.size(), 1u) << "alerts with '" << needle << "' in their key";
    return found.empty() ? "" : found.front();
  }

  std::string IncidentOf(const std::string& key) {
    Result<std::string> id = engine_->IncidentOf(key);
    EXPECT_TRUE(id.ok()) << key << ": " << id.status().ToString();
    return id.ok() ? *id : "";
  }

  Incident Stored(const std::string& id) {
    Result<std::optional<Incident>> inc = store_.GetIncident(id);
    EXPECT_TRUE(inc.ok() && inc->has_value()) << id;
    return inc.ok() && inc->has_value() ? **inc : Incident{};
  }

  static std::vector<std::string> WithPrefix(const std::vector<std::string>& keys,
                                             const std::string& prefix) {
    std::vector<std::string> out;
    for (const std::string& k : keys) {
      if (k.rfind(prefix, 0) == 0) out.push_back(k);
    }
    return out;
  }

  InMemoryStore store_;
  std::unique_ptr<Engine> engine_;
};

// (a) A Defender for Cloud alert on an Azure VM and an MDE alert whose deviceEvidence names the
// same VM in vmMetadata.resourceId: one incident, one device.
TEST_F(ScenarioTest, DefenderForCloudAndEndpointOnOneAzureVmAreOneIncidentWithOneDevice) {
  Ingest("a_mdc_and_mde_same_vm");
  ASSERT_EQ(Alerts().size(), 2u);
  const std::string mdc = Key("2518000000000000000_aaaaaaaa");
  const std::string mde = Key("da637551227677560813_-961444813");
  ASSERT_EQ(IncidentOf(mdc), IncidentOf(mde));
  const Incident inc = Stored(IncidentOf(mdc));
  EXPECT_EQ(inc.alert_keys, (std::vector<std::string>{mde, mdc}));  // sorted: m365 < mdc
  EXPECT_EQ(WithPrefix(inc.entities, "device:").size(), 1u)
      << ::testing::PrintToString(inc.entities);
  EXPECT_EQ(inc.id, MakeIncidentId(mde)) << "named after the earlier alert (the MDE one, 07:45)";
}

// (b) A GuardDuty finding and a Security Hub control finding on the same EC2 instance join.
TEST_F(ScenarioTest, GuardDutyAndSecurityHubFindingsOnOneEc2InstanceJoin) {
  Ingest("b_guardduty_and_securityhub_same_ec2");
  ASSERT_EQ(Alerts().size(), 2u);
  const std::string gd = Key("00f996e6c7804e4c8b4b61e60f5fc423");
  const std::string sh = Key("0b8f8e3e-5b7a-4a0e-9e33-1a1f6a1b2c3d");
  ASSERT_EQ(IncidentOf(gd), IncidentOf(sh));
  const Incident inc = Stored(IncidentOf(gd));
  EXPECT_EQ(inc.alert_keys.size(), 2u);
  std::vector<std::string> instance;
  for (const std::string& e : inc.entities) {
    if (e.find("i-99999999") != std::string::npos) instance.push_back(e);
  }
  EXPECT_EQ(instance.size(), 1u) << ::testing::PrintToString(inc.entities);
  auto why = engine_->Why(gd, sh);
  ASSERT_TRUE(why.ok());
  ASSERT_TRUE(why->linked);
  ASSERT_EQ(why->chain.size(), 1u);
  EXPECT_NE(why->chain[0].entity.find("i-99999999"), std::string::npos) << why->chain[0].entity;
}

// (c) 13 alerts on 13 VMs sharing only a scanner IP, and 13 alerts on 13 devices sharing only a
// service account: both are hubs (13 > 12) and every alert stays alone.
TEST_F(ScenarioTest, AlertsSharingOnlyAHubIpOrAServiceAccountStayApart) {
  Ingest("c_hub_ip_and_service_account");
  const std::vector<Alert> alerts = Alerts();
  ASSERT_EQ(alerts.size(), 26u);
  std::set<std::string> incidents;
  for (const Alert& a : alerts) incidents.insert(IncidentOf(a.key));
  EXPECT_EQ(incidents.size(), 26u);

  auto ip = engine_->Why(Key("2518000000000000000_cccccccc"), Key("2518000000000000001_cccccccc"));
  ASSERT_TRUE(ip.ok());
  EXPECT_FALSE(ip->linked);
  EXPECT_EQ(ip->guards, (std::vector<std::string>{"ip:203.0.113.50 is a hub (13 alerts > 12)"}));

  auto account = engine_->Why(Key("da637551227677560000_"), Key("da637551227677560001_"));
  ASSERT_TRUE(account.ok());
  EXPECT_FALSE(account->linked);
  ASSERT_EQ(account->guards.size(), 1u) << ::testing::PrintToString(account->guards);
  EXPECT_EQ(account->guards[0].rfind("user:", 0), 0u) << account->guards[0];
  EXPECT_NE(account->guards[0].find("is a hub (13 alerts > 12)"), std::string::npos)
      << account->guards[0];
}

// (d) Alerts on different VMs whose devices share only a host name stay apart; devices that
// share "web01" are possible matches of each other, "localhost" is no name at all.
TEST_F(ScenarioTest, DifferentVmsSharingOnlyAHostNameStayApartAndArePossibleMatches) {
  Ingest("d_same_hostname_different_vms");
  ASSERT_EQ(Alerts().size(), 4u);
  std::vector<std::string> keys, devices;
  for (int i = 0; i < 4; ++i) {
    keys.push_back(Key("da63755122767756" + std::to_string(9000 + i)));
    const Incident inc = Stored(IncidentOf(keys.back()));
    EXPECT_EQ(inc.alert_keys, std::vector<std::string>{keys.back()});
    const std::vector<std::string> d = WithPrefix(inc.entities, "device:");
    ASSERT_EQ(d.size(), 1u) << ::testing::PrintToString(inc.entities);
    devices.push_back(d[0]);
  }
  EXPECT_EQ(std::set<std::string>(devices.begin(), devices.end()).size(), 4u);
  auto entity = [&](const std::string& key) {
    Result<std::optional<EntityRecord>> r = store_.GetEntity(kTenant, key);
    EXPECT_TRUE(r.ok() && r->has_value()) << key;
    return r.ok() && r->has_value() ? **r : EntityRecord{};
  };
  EXPECT_EQ(entity(devices[0]).possible_matches, std::vector<std::string>{devices[1]});
  EXPECT_EQ(entity(devices[1]).possible_matches, std::vector<std::string>{devices[0]});
  EXPECT_TRUE(entity(devices[2]).possible_matches.empty());
  EXPECT_TRUE(entity(devices[3]).possible_matches.empty());
}

// (e) One Defender for Cloud alert delivered by the REST API and by two Sentinel connectors is
// one alert in one incident, with every delivery as a provenance.
TEST_F(ScenarioTest, SameAlertThroughRestAndSentinelIsOneAlert) {
  Ingest("e_same_alert_two_connectors/defender-for-cloud.json");
  Ingest("e_same_alert_two_connectors/sentinel-securityalert.ndjson");
  const std::vector<Alert> alerts = Alerts();
  std::vector<std::string> keys;
  for (const Alert& a : alerts) keys.push_back(a.key);
  ASSERT_EQ(alerts.size(), 1u) << ::testing::PrintToString(keys);
  EXPECT_EQ(alerts[0].key, "contoso/mdc/2517396773587877093_08b9a631-f1a0-4ea9-9c9a-8da7a725899e");
  EXPECT_EQ(alerts[0].provenances.size(), 3u);
  std::set<std::string> formats;
  for (const Provenance& p : alerts[0].provenances) formats.insert(p.format);
  EXPECT_EQ(formats.count("sentinel"), 1u) << ::testing::PrintToString(formats);
  EXPECT_EQ(Stored(IncidentOf(alerts[0].key)).alert_keys, std::vector<std::string>{alerts[0].key});
}

// (f) Two alerts on one VM three days apart stay apart under the 24 h window.
TEST_F(ScenarioTest, AlertsFarOutsideTheWindowStayApart) {
  Ingest("f_outside_window");
  const std::string a = Key("2518000000000000100_");
  const std::string b = Key("2518000000000000101_");
  EXPECT_NE(IncidentOf(a), IncidentOf(b));
  auto why = engine_->Why(a, b);
  ASSERT_TRUE(why.ok());
  EXPECT_FALSE(why->linked);
  ASSERT_EQ(why->guards.size(), 1u) << ::testing::PrintToString(why->guards);
  EXPECT_EQ(why->guards[0].rfind("window exceeded through device:", 0), 0u) << why->guards[0];
  EXPECT_NE(why->guards[0].find("3d apart, window 1d"), std::string::npos) << why->guards[0];
}

// (g) Alerts at 00:00 and 40:00 on one VM are two incidents; a late alert at 20:00 bridges them,
// and the younger incident is redirected to the older.
TEST_F(ScenarioTest, LateAlertBridgingTwoIncidentsMergesThemAndRedirectsTheYounger) {
  Ingest("g_late_bridge/1-first.json");
  const std::string old_key = Key("2518000000000000200_");
  const std::string young_key = Key("2518000000000000201_");
  const std::string old_id = IncidentOf(old_key);
  const std::string young_id = IncidentOf(young_key);
  ASSERT_NE(old_id, young_id);
  EXPECT_EQ(old_id, MakeIncidentId(old_key));
  EXPECT_EQ(young_id, MakeIncidentId(young_key));

  Ingest("g_late_bridge/2-late.json");
  const std::string late_key = Key("2518000000000000202_");
  EXPECT_EQ(IncidentOf(old_key), old_id);
  EXPECT_EQ(IncidentOf(young_key), old_id);
  EXPECT_EQ(IncidentOf(late_key), old_id);
  std::vector<std::string> all = {old_key, young_key, late_key};
  std::sort(all.begin(), all.end());
  EXPECT_EQ(Stored(old_id).alert_keys, all);
  const Incident young = Stored(young_id);
  EXPECT_EQ(young.status, IncidentStatus::kRedirected);
  EXPECT_EQ(young.redirected_to, old_id);
  EXPECT_TRUE(young.alert_keys.empty());
}

}  // namespace
}  // namespace weft
