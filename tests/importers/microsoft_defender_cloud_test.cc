// Defender for Cloud importers ("defender-for-cloud" REST, "defender-for-cloud-export") on the
// real files of tests/data/defender-for-cloud, and the REST/Sentinel dedup.

#include <gtest/gtest.h>

#include <map>

#include "tests/importers/microsoft_test_util.h"

namespace weft::ms_test {
namespace {

constexpr char kDemisto[] =
    "defender-for-cloud/demisto_AzureDefenderForCloud-All_Alerts_Response.json";
constexpr char kSwagger[] =
    "defender-for-cloud/DERIVED_azure-rest-api-specs_GetAlertsSubscription_body.json";
constexpr char kExport[] = "defender-for-cloud/elastic_mdc_continuous_export_test-alert.ndjson";
constexpr char kDemistoSubscription[] = "0f907ea4-bc8b-4c11-9d7e-805c2fd144fb";
constexpr char kDemistoTenant[] = "ebac1a16-81bf-449b-8d43-5732c3c1d999";
constexpr char kSampleVm[] =
    "device:azure:/subscriptions/0f907ea4-bc8b-4c11-9d7e-805c2fd144fb/resourcegroups/sample-rg/"
    "providers/"
    "microsoft.compute/virtualmachines/sample-vm";

ImportOptions DemistoOptions() {
  ImportOptions o = AllSeverities();
  o.tenants.Add(kDemistoSubscription, kDemistoTenant);
  return o;
}

TEST(MicrosoftDefenderCloudTest, DemistoListImportsAll81AlertsWithDistinctKeys) {
  Imported in = Import(kDemisto, DemistoOptions());
  EXPECT_EQ(in.counts.records, 81u);
  EXPECT_EQ(in.counts.rejected, 0u);
  ASSERT_EQ(in.alerts.size(), 81u);
  EXPECT_EQ(in.counts.per_format.at("defender-for-cloud"), 81u);
  EXPECT_EQ(Keys(in.alerts).size(), 81u);
  std::map<Severity, int> severities;
  for (const Alert& a : in.alerts) {
    ++severities[a.severity];
    EXPECT_EQ(a.tenant, kDemistoTenant);
    EXPECT_EQ(a.source, SourceProduct::kDefenderForCloud);
    EXPECT_EQ(a.cloud, Cloud::kAzure) << a.provider_id;
    EXPECT_EQ(a.status, AlertStatus::kNew);
    EXPECT_EQ(a.native_status, "Active");
    for (const Evidence& e : a.evidence) {
      // Placeholder addresses (00.00.00.00) and all-zero GUIDs never become entities.
      EXPECT_NE(e.entity.key.rfind("ip:0", 0), 0u) << e.entity.key;
      EXPECT_EQ(e.entity.key.find("00000000-0000-0000-0000-000000000000"), std::string::npos)
          << e.entity.key;
    }
  }
  EXPECT_EQ(severities[Severity::kHigh], 30);
  EXPECT_EQ(severities[Severity::kMedium], 42);
  EXPECT_EQ(severities[Severity::kLow], 9);
  EXPECT_EQ(severities[Severity::kInformational], 0);
}

TEST(MicrosoftDefenderCloudTest, DefaultSeverityFilterKeepsAll81BecauseNoneIsInformational) {
  ImportOptions o;
  o.tenants.Add(kDemistoSubscription, kDemistoTenant);
  Imported in = Import(kDemisto, o);
  EXPECT_EQ(in.alerts.size(), 81u);
  EXPECT_EQ(in.counts.filtered_severity, 0u);
}

TEST(MicrosoftDefenderCloudTest, AllZeroTenantFallsBackToTheSubscriptionMapping) {
  // 41 alerts carry azureResourceTenantId 00000000-…: without a mapping they have no tenant.
  Imported unmapped = Import(kDemisto);
  EXPECT_EQ(unmapped.alerts.size(), 40u);
  EXPECT_EQ(unmapped.counts.rejected, 41u);
  ASSERT_FALSE(unmapped.rejects.empty());
  EXPECT_NE(unmapped.rejects.front().reason.find("no tenant"), std::string::npos);
}

TEST(MicrosoftDefenderCloudTest, VmAlertsNameTheVmDeviceWithItsAzureAlias) {
  Imported in = Import(kDemisto, DemistoOptions());
  int vm_alerts = 0;
  for (const Alert& a : in.alerts) {
    const Evidence* vm = FindEvidence(a, kSampleVm);
    if (vm == nullptr) continue;
    ++vm_alerts;
    EXPECT_EQ(vm->role, EvidenceRole::kImpacted);
    EXPECT_EQ(vm->entity.kind, EntityKind::kDevice);
    EXPECT_EQ(vm->entity.cloud, Cloud::kAzure);
    const Alias* azure = vm->entity.FindAlias("azure");
    ASSERT_NE(azure, nullptr);
    EXPECT_TRUE(azure->strong());
    EXPECT_EQ("device:azure:" + azure->value, kSampleVm);
  }
  EXPECT_EQ(vm_alerts, 15);

  const Alert* mining =
      FindByProviderId(in.alerts, "2517396773587877093_08b9a631-f1a0-4ea9-9c9a-8da7a725899e");
  ASSERT_NE(mining, nullptr);
  EXPECT_EQ(mining->key, std::string(kDemistoTenant) +
                             "/mdc/2517396773587877093_08b9a631-f1a0-4ea9-9c9a-8da7a725899e");
  EXPECT_EQ(mining->alert_type, "SIMULATED_VM_DigitalCurrencyMining");
  EXPECT_EQ(mining->severity, Severity::kHigh);
  EXPECT_EQ(mining->native_severity, "High");
  EXPECT_EQ(mining->tactics, std::vector<std::string>{"Execution"});
  // LogAnalytics agentId joins the VM device as an oms alias.
  const Evidence* vm = FindEvidence(*mining, kSampleVm);
  ASSERT_NE(vm, nullptr);
  ASSERT_NE(vm->entity.FindAlias("oms"), nullptr);
  EXPECT_EQ(vm->entity.FindAlias("oms")->value, "00000000-0000-0000-0000-000000000001");
  // The host entity (same AzureID, other case) merged into the same device.
  ASSERT_NE(vm->entity.FindAlias("host"), nullptr);
  EXPECT_EQ(vm->entity.FindAlias("host")->value, "sample-vm");
  const std::string process =
      std::string("process:") + kSampleVm + ":5696:c:\\temp\\sample.exe";      // pid 0x1640
  const std::string parent = std::string("process:") + kSampleVm + ":4128:-";  // pid 0x1020
  const std::string user = "user:sid:S-1-5-21-3061399664-1673012318-3185014992-20022";
  EXPECT_EQ(EntityKeys(*mining),
            (std::set<std::string>{kSampleVm, process, parent, user, "file:name:sample.exe"}));
  EXPECT_TRUE(HasRelation(*mining, process, "runs_on", kSampleVm));
  EXPECT_TRUE(HasRelation(*mining, process, "child_of", parent));
  EXPECT_TRUE(HasRelation(*mining, process, "runs_as", user));
  EXPECT_TRUE(HasRelation(*mining, user, "logged_on", kSampleVm));
}

TEST(MicrosoftDefenderCloudTest, HostEntityOfAnAppServiceIsTheCloudResource) {
  Imported in = Import(kDemisto, DemistoOptions());
  const Alert* a =
      FindByProviderId(in.alerts, "2517396773188188817_5c67ef0a-f746-44f5-8922-dfd4e92ac6cb");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(
      EntityKeys(*a),
      (std::set<std::string>{"cloud:azure:/subscriptions/0f907ea4-bc8b-4c11-9d7e-805c2fd144fb/"
                             "resourcegroups/sample-rg/providers/microsoft.web/sites/sample-app"}));
  EXPECT_EQ(a->evidence.front().role, EvidenceRole::kImpacted);
}

TEST(MicrosoftDefenderCloudTest, CommaSeparatedIntentGivesSeveralTactics) {
  Imported in = Import(kDemisto, DemistoOptions());
  const Alert* a =
      FindByProviderId(in.alerts, "2517396774608188817_1e405b12-2570-4c32-9faf-3e2c20e81fe3");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->tactics, (std::vector<std::string>{"Execution", "LateralMovement"}));
}

TEST(MicrosoftDefenderCloudTest, RealC2AlertKeepsPublicIpsAndTheLoadBalancer) {
  Imported in = Import(kDemisto, DemistoOptions());
  const Alert* a =
      FindByProviderId(in.alerts, "2517429779999999999_e20c661d-6394-4da9-b1af-d6ce3df36676");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->severity, Severity::kMedium);
  EXPECT_EQ(a->tactics, std::vector<std::string>{"CommandAndControl"});
  EXPECT_EQ(EntityKeys(*a),
            (std::set<std::string>{
                "cloud:azure:/subscriptions/0f907ea4-bc8b-4c11-9d7e-805c2fd144fb/resourcegroups/"
                "mc_aks-integration_aks-integration_westus/providers/microsoft.network/"
                "loadbalancers/kubernetes",
                "ip:99.83.154.118", "ip:138.91.251.226"}));
}

TEST(MicrosoftDefenderCloudTest, SwaggerExampleNeedsATenantFromTheSubscription) {
  Imported none = Import(kSwagger);
  EXPECT_EQ(none.alerts.size(), 0u);
  EXPECT_EQ(none.counts.rejected, 2u);

  ImportOptions o = AllSeverities();
  o.tenants.Add("20FF7FC3-E762-44DD-BD96-B71116DCDC23", "contoso");
  Imported in = Import(kSwagger, o);
  ASSERT_EQ(in.alerts.size(), 2u);
  // The documentation example reuses one systemAlertId for both alerts: same key.
  EXPECT_EQ(in.alerts[0].key,
            "contoso/mdc/2518298467986649999_4d25bfef-2d77-4a08-adc0-3e35715cc92a");
  EXPECT_EQ(in.alerts[1].key, in.alerts[0].key);
  const Alert& eicar = in.alerts[0];
  EXPECT_EQ(eicar.alert_type, "VM_EICAR");
  EXPECT_EQ(eicar.severity, Severity::kHigh);
  EXPECT_EQ(eicar.cloud, Cloud::kAzure);
  EXPECT_EQ(eicar.techniques, (std::vector<std::string>{"T1053", "T1053.002", "T1059", "T1059.001",
                                                        "T1059.006", "T1072"}));
  const std::string vm1 =
      "device:azure:/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourcegroups/myrg1/"
      "providers/"
      "microsoft.compute/virtualmachines/vm1";
  EXPECT_EQ(EntityKeys(eicar), (std::set<std::string>{vm1, "ip:192.0.2.1"}));
  ASSERT_NE(FindEvidence(eicar, vm1), nullptr);
  EXPECT_EQ(FindEvidence(eicar, vm1)->entity.FindAlias("oms")->value,
            "75724a01-f021-4aa8-9ec2-329792373e6e");

  const Alert& screensaver = in.alerts[1];
  EXPECT_EQ(screensaver.severity, Severity::kMedium);
  const std::string vm2 =
      "device:azure:/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourcegroups/myrg2/"
      "providers/"
      "microsoft.compute/virtualmachines/vm2";
  const Evidence* host = FindEvidence(screensaver, vm2);
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->role, EvidenceRole::kImpacted);  // compromisedEntity "vm2"
  EXPECT_EQ(host->entity.FindAlias("oms")->value, "45b44640-3b94-4892-a28c-4a5cae27065a");
  EXPECT_NE(FindEvidence(screensaver, "user:sid:S-1-5-21-2144575486-8928446540-5163864319-500"),
            nullptr);
  // Hex process ids (0x4aec) are written in decimal, as the other Microsoft products do.
  EXPECT_NE(FindEvidence(screensaver, "process:-:19180:c:\\users\\contosouser\\scrsave.scr"),
            nullptr);
}

TEST(MicrosoftDefenderCloudTest, ContinuousExportGivesOneAlertAndFourSkippedNonAlerts) {
  Imported in = Import(kExport);
  EXPECT_EQ(in.counts.records, 5u);
  EXPECT_EQ(in.counts.skipped_non_alerts, 4u);
  EXPECT_EQ(in.counts.rejected, 0u);
  ASSERT_EQ(in.alerts.size(), 1u);
  const Alert& a = in.alerts[0];
  EXPECT_EQ(a.key,
            "aa40685b-417d-4664-b4ec-8f7640719adb/mdc/"
            "2517184898549829577_cdcf9f94-ec53-47a6-ab87-76130f87218d");
  EXPECT_EQ(a.provenances.front().format, "defender-for-cloud-export");
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_EQ(a.alert_type, "ARM_AnomalousServiceOperation.CredentialAccess");
  EXPECT_EQ(a.cloud, Cloud::kAzure);
  EXPECT_TRUE(a.tactics.empty());  // Intent "PreAttack" is not an ATT&CK tactic
  const Evidence* vm = FindEvidence(
      a,
      "device:azure:/subscriptions/12cabcb4-86e8-404f-a3d2-1dc9982f45ca/resourcegroups/"
      "sample-rg/providers/microsoft.compute/virtualmachines/sample-vm");
  ASSERT_NE(vm, nullptr);
  EXPECT_EQ(vm->role, EvidenceRole::kImpacted);
  // A GCP cluster seen through the multicloud connector is a GCP resource.
  const Evidence* gcp =
      FindEvidence(a,
                   "cloud:gcp:/subscriptions/12cabcb4-86e8-404f-a3d2-1dc9982f45ca/resourcegroups/"
                   "sample-rg/providers/microsoft.security/securityconnectors/gcp-connector/"
                   "securityentitydata/gcp-clusters-sample-cluster-us-central1-c");
  ASSERT_NE(gcp, nullptr);
  EXPECT_EQ(gcp->entity.cloud, Cloud::kGcp);
  EXPECT_EQ(gcp->role, EvidenceRole::kImpacted);  // "Asset": true
  EXPECT_NE(FindEvidence(a, "ip:81.2.69.142"), nullptr);
  EXPECT_NE(FindEvidence(a, "user:sample@contoso.com"), nullptr);
  EXPECT_NE(FindEvidence(a, "domain:sample.domain"), nullptr);
  // Duplicated "$id"s resolve to the latest definition, so no relation joins wrong kinds.
  for (const Relation& r : a.relations) {
    if (r.relation == "logged_on" || r.relation == "runs_on") {
      EXPECT_EQ(r.to.rfind("device:", 0), 0u) << r.to;
    }
  }
}

TEST(MicrosoftDefenderCloudTest, MissingRequiredFieldsAreRejectedWithTheFieldName) {
  Imported in = ImportText(
      R"({"id":"/subscriptions/s/providers/Microsoft.Security/locations/x/alerts/a1","name":"a1","type":"Microsoft.Security/Locations/alerts","properties":{"alertType":"X","startTimeUtc":"2024-01-01T00:00:00Z"}})"
      "\n"
      R"({"id":"/subscriptions/s/a2","name":"a2","type":"Microsoft.Security/Locations/alerts","properties":{"alertType":"X","severity":"Severe","startTimeUtc":"2024-01-01T00:00:00Z"}})"
      "\n"
      R"({"name":"a3","type":"Microsoft.Security/Locations/alerts","properties":{"alertType":"X","severity":"Low","startTimeUtc":"yesterday"}})"
      "\n");
  EXPECT_TRUE(in.alerts.empty());
  ASSERT_EQ(in.rejects.size(), 3u);
  EXPECT_EQ(in.rejects[0].reason, "missing required field 'severity'");
  EXPECT_EQ(in.rejects[1].reason, "field 'severity' has unknown value 'Severe'");
  EXPECT_EQ(in.rejects[2].reason, "field 'startTimeUtc' is not a timestamp");
}

TEST(MicrosoftDefenderCloudTest, RestAndSentinelCopiesOfOneAlertShareTheAlertKey) {
  ImportOptions o = DemistoOptions();
  auto importer = Importer::Create(o);
  ASSERT_TRUE(importer.ok());
  CollectSink sink;
  ASSERT_TRUE((*importer)->ImportPath(DataPath(kDemisto), sink).ok());
  ASSERT_TRUE(
      (*importer)->ImportPath(DataPath("sentinel/weft_securityalert_rows.ndjson"), sink).ok());
  ASSERT_TRUE((*importer)->Flush(sink).ok());
  const std::string key =
      std::string(kDemistoTenant) + "/mdc/2517396773587877093_08b9a631-f1a0-4ea9-9c9a-8da7a725899e";
  std::vector<const Alert*> copies;
  for (const Alert& a : sink.alerts) {
    if (a.key == key) copies.push_back(&a);
  }
  // REST, the legacy connector row (SystemAlertId) and the XDR connector row (VendorOriginalId).
  ASSERT_EQ(copies.size(), 3u);
  EXPECT_EQ(copies[0]->provenances.front().format, "defender-for-cloud");
  EXPECT_EQ(copies[1]->provenances.front().format, "sentinel");
  EXPECT_EQ(copies[2]->provenances.front().format, "sentinel");
  for (const Alert* a : copies) {
    EXPECT_EQ(a->source, SourceProduct::kDefenderForCloud);
    EXPECT_NE(FindEvidence(*a, kSampleVm), nullptr);
    EXPECT_NE(FindEvidence(*a, std::string("process:") + kSampleVm + ":5696:c:\\temp\\sample.exe"),
              nullptr);
  }
  // Folding the copies leaves one alert with every delivery recorded.
  Alert merged = *copies[0];
  EXPECT_EQ(MergeAlert(merged, *copies[1]), MergeOutcome::kUpdated);
  EXPECT_EQ(MergeAlert(merged, *copies[2]), MergeOutcome::kUpdated);
  EXPECT_EQ(merged.provenances.size(), 3u);
}

}  // namespace
}  // namespace weft::ms_test
