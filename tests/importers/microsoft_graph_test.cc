// "graph-alerts" importer on the Microsoft Graph security API files of tests/data/graph-security.

#include <gtest/gtest.h>

#include "tests/importers/microsoft_test_util.h"

namespace weft::ms_test {
namespace {

constexpr char kDevice29[] = "device:mde:335b3ef544f5d3690b6c75c776dc3e52bb3485c4";
constexpr char kAdminLocal[] = "user:sid:S-1-5-21-2144799004-2815524614-4183675894-1001";
constexpr char kTenant29[] = "cfcdbe43-297b-4c6b-ac7e-8d7f6befb514";

std::string PowerShell(const std::string& pid) {
  return std::string("process:") + kDevice29 + ":" + pid +
         ":c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe";
}

TEST(MicrosoftGraphTest, IncidentWithExpandedAlertsYieldsItsSixAlerts) {
  Imported in = Import("graph-security/msgraph-docs_security-list-incidents_example2.json");
  EXPECT_EQ(in.counts.records, 1u);
  EXPECT_EQ(in.counts.rejected, 0u);
  ASSERT_EQ(in.alerts.size(), 6u);
  EXPECT_EQ(Keys(in.alerts),
            (std::set<std::string>{
                std::string(kTenant29) + "/m365/da09e47ccc-b74a-45bb-985f-8d6c077b70b6_1",
                std::string(kTenant29) + "/m365/da19a839c5-3128-49c8-b8a8-e31850e9afd7_1",
                std::string(kTenant29) + "/m365/da351c9257-7cf8-40a5-9605-4ae38e9c0f7f_1",
                std::string(kTenant29) + "/m365/da7d0bdeff-b6bd-4c00-821f-a5b8a88dea18_1",
                std::string(kTenant29) + "/m365/dac63d1d29-0734-436f-8d7d-189002396257_1",
                std::string(kTenant29) + "/m365/ed639047114220050398_-1516486255"}));
  for (const Alert& a : in.alerts) {
    EXPECT_EQ(a.upstream_incident_id, "29");
    EXPECT_EQ(a.source, SourceProduct::kDefenderForEndpoint);
    EXPECT_EQ(a.tenant, kTenant29);
    // The device is on all six alerts.
    ASSERT_NE(FindEvidence(a, kDevice29), nullptr) << a.provider_id;
    EXPECT_EQ(FindEvidence(a, kDevice29)->entity.FindAlias("host")->value, "w11pro-test");
  }
}

TEST(MicrosoftGraphTest, IncidentAlertsCarryTheirEvidence) {
  Imported in = Import("graph-security/msgraph-docs_security-list-incidents_example2.json");
  const Alert* wmi = FindByProviderId(in.alerts, "da09e47ccc-b74a-45bb-985f-8d6c077b70b6_1");
  ASSERT_NE(wmi, nullptr);
  EXPECT_EQ(wmi->title, "A WMI event filter was bound to a suspicious event consumer");
  EXPECT_EQ(wmi->severity, Severity::kMedium);
  EXPECT_EQ(wmi->tactics, std::vector<std::string>{"Persistence"});
  EXPECT_EQ(wmi->techniques, std::vector<std::string>{"T1546.003"});
  EXPECT_EQ(wmi->alert_type, "da88ec89-31c5-4864-8609-dce36e65bbc4");
  EXPECT_EQ(wmi->first_activity, *ParseTimestamp("2026-01-22T12:08:16.140Z"));
  EXPECT_EQ(FindEvidence(*wmi, kDevice29)->role, EvidenceRole::kImpacted);  // "PrimaryDevice"
  EXPECT_EQ(EntityKeys(*wmi),
            (std::set<std::string>{
                kDevice29, kAdminLocal, "ip:fe80::8505:87aa:de7a:4c9f", PowerShell("9112"),
                PowerShell("9420"),
                std::string("process:") + kDevice29 + ":5308:c:\\windows\\explorer.exe",
                "file:sha256:0ff6f2c94bc7e2833a5f7e16de1622e5dba70396f31c7d5f56381870317e8c46"}));
  EXPECT_TRUE(HasRelation(*wmi, PowerShell("9112"), "runs_on", kDevice29));
  EXPECT_TRUE(HasRelation(*wmi, PowerShell("9112"), "runs_as", kAdminLocal));

  // PsExec processes are children of the same powershell.exe (pid 9112) the WMI alert names.
  const Alert* psexec = FindByProviderId(in.alerts, "dac63d1d29-0734-436f-8d7d-189002396257_1");
  ASSERT_NE(psexec, nullptr);
  const std::string child = std::string("process:") + kDevice29 +
                            ":8436:c:\\users\\adminlocal\\desktop\\pstools\\psexec.exe";
  EXPECT_NE(FindEvidence(*psexec, child), nullptr);
  EXPECT_TRUE(HasRelation(*psexec, child, "child_of", PowerShell("9112")));
  EXPECT_NE(FindEvidence(*psexec, PowerShell("9112")), nullptr);

  // The second WMI alert and the custom detection only have the device and its logged-on user.
  const Alert* custom = FindByProviderId(in.alerts, "ed639047114220050398_-1516486255");
  ASSERT_NE(custom, nullptr);
  EXPECT_EQ(custom->severity, Severity::kHigh);
  EXPECT_EQ(custom->tactics, std::vector<std::string>{"CommandAndControl"});
  EXPECT_TRUE(custom->techniques.empty());
  EXPECT_EQ(EntityKeys(*custom),
            (std::set<std::string>{kDevice29, "user:name:w11pro-test\\adminlocal"}));
  EXPECT_TRUE(HasRelation(*custom, "user:name:w11pro-test\\adminlocal", "logged_on", kDevice29));
}

TEST(MicrosoftGraphTest, IncidentWithoutAlertsIsANonAlertRecord) {
  Imported in = Import("graph-security/msgraph-docs_security-list-incidents_example1.json");
  EXPECT_EQ(in.counts.records, 1u);
  EXPECT_EQ(in.counts.skipped_non_alerts, 1u);
  EXPECT_EQ(in.counts.rejected, 0u);
  EXPECT_TRUE(in.alerts.empty());
}

TEST(MicrosoftGraphTest, AlertWithVmMetadataNamesTheDeviceByMdeIdWithAzureAliases) {
  Imported in = Import("graph-security/elastic_graph_alert_v2_test-alert.json");
  ASSERT_EQ(in.alerts.size(), 1u);
  const Alert& a = in.alerts[0];
  EXPECT_EQ(a.key, "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c/m365/da637551227677560813_-961444813");
  EXPECT_EQ(a.severity, Severity::kLow);
  EXPECT_EQ(a.cloud, Cloud::kAzure);
  EXPECT_EQ(a.upstream_incident_id, "28282");
  EXPECT_EQ(a.tactics, std::vector<std::string>{"DefenseEvasion"});
  const std::string device = "device:mde:73e7e2de709dff64ef64b1d0c30e67fab63279db";
  const Evidence* d = FindEvidence(a, device);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->role, EvidenceRole::kImpacted);  // roles: compromised
  ASSERT_NE(d->entity.FindAlias("azure"), nullptr);
  EXPECT_EQ(d->entity.FindAlias("azure")->value,
            "/subscriptions/8700d3a3-3bb7-4fbe-a090-488a1ad04161/resourcegroups/wdatpapi-eus-stg/"
            "providers/"
            "microsoft.compute/virtualmachines/nirlavitests");
  EXPECT_EQ(d->entity.FindAlias("vmid")->value, "ca1b0d41-5a3b-4d95-b48b-f220aed11d78");
  const std::string process = "process:" + device + ":4780:c:\\program files\\temp\\mssense.exe";
  EXPECT_EQ(EntityKeys(a),
            (std::set<std::string>{
                device, process, "process:" + device + ":668:c:\\windows\\system32\\services.exe",
                "file:sha256:8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec",
                "registry:hkey_local_"
                "machine\\system\\controlset001\\control\\wmi\\autologger\\senseauditlogger"}));
  // The process runs as SYSTEM (S-1-5-18): a built-in account is not an identity.
  for (const Evidence& e : a.evidence) EXPECT_NE(e.entity.kind, EntityKind::kUser);
  EXPECT_TRUE(HasRelation(a, process, "runs_on", device));
}

TEST(MicrosoftGraphTest, ListAndGetExamplesAreTwoAlertsWithTheSameEvidence) {
  Imported list = Import("graph-security/msgraph-docs_security-list-alerts_v2_example1.json");
  Imported get = Import("graph-security/msgraph-docs_security-alert-get_example1.json");
  ASSERT_EQ(list.alerts.size(), 1u);
  ASSERT_EQ(get.alerts.size(), 1u);
  EXPECT_EQ(list.alerts[0].provider_id, "da637551227677560813_-961444813");
  EXPECT_EQ(get.alerts[0].provider_id, "da637578995287051192_756343937");
  EXPECT_NE(list.alerts[0].key, get.alerts[0].key);
  EXPECT_EQ(EntityKeys(list.alerts[0]), EntityKeys(get.alerts[0]));
}

TEST(MicrosoftGraphTest, DefenderForCloudAlertUsesProviderAlertIdAndCloudResources) {
  Imported in = ImportText(
      R"({"id":"dc123_abc","providerAlertId":"2517396773587877093_08b9a631-f1a0-4ea9-9c9a-8da7a725899e",
    "serviceSource":"microsoftDefenderForCloud","detectionSource":"microsoftDefenderForServers","tenantId":"ebac1a16-81bf-449b-8d43-5732c3c1d999",
    "severity":"high","status":"resolved","classification":"falsePositive","title":"mining","category":"Execution",
    "createdDateTime":"2022-09-08T07:51:25Z","firstActivityDateTime":"2022-09-08T07:50:41Z","incidentId":"77",
    "evidence":[{"@odata.type":"#microsoft.graph.security.azureResourceEvidence","resourceId":"/subscriptions/0f907ea4-bc8b-4c11-9d7e-805c2fd144fb/resourceGroups/Sample-RG/providers/Microsoft.Compute/virtualMachines/Sample-VM","roles":["compromised"]},
                {"@odata.type":"#microsoft.graph.security.amazonResourceEvidence","amazonResourceId":"arn:aws:s3:::sample-bucket","resourceType":"S3 bucket"},
                {"@odata.type":"#microsoft.graph.security.googleCloudResourceEvidence","fullResourceName":"//compute.googleapis.com/projects/p1/zones/us-central1-a/instances/vm-1"}]})");
  ASSERT_EQ(in.alerts.size(), 1u);
  const Alert& a = in.alerts[0];
  EXPECT_EQ(a.key,
            "ebac1a16-81bf-449b-8d43-5732c3c1d999/mdc/"
            "2517396773587877093_08b9a631-f1a0-4ea9-9c9a-8da7a725899e");
  EXPECT_EQ(a.status, AlertStatus::kDismissed);  // resolved as a false positive
  EXPECT_EQ(a.cloud, Cloud::kAzure);
  const Evidence* vm = FindEvidence(
      a,
      "device:azure:/subscriptions/0f907ea4-bc8b-4c11-9d7e-805c2fd144fb/resourcegroups/"
      "sample-rg/providers/microsoft.compute/virtualmachines/sample-vm");
  ASSERT_NE(vm, nullptr);
  EXPECT_EQ(vm->role, EvidenceRole::kImpacted);
  ASSERT_NE(FindEvidence(a, "cloud:aws:arn:aws:s3:::sample-bucket"), nullptr);
  EXPECT_EQ(FindEvidence(a, "cloud:aws:arn:aws:s3:::sample-bucket")->entity.cloud, Cloud::kAws);
  const Evidence* gce = FindEvidence(
      a, "device:gcp://compute.googleapis.com/projects/p1/zones/us-central1-a/instances/vm-1");
  ASSERT_NE(gce, nullptr);
  EXPECT_EQ(gce->entity.cloud, Cloud::kGcp);
}

TEST(MicrosoftGraphTest, AlertWithoutSeverityIsRejected) {
  Imported in = ImportText(
      R"({"id":"da1","providerAlertId":"1","serviceSource":"microsoftDefenderForEndpoint","tenantId":"t","createdDateTime":"2024-01-01T00:00:00Z"})");
  EXPECT_TRUE(in.alerts.empty());
  ASSERT_EQ(in.rejects.size(), 1u);
  EXPECT_EQ(in.rejects[0].reason, "missing required field 'severity'");
}

}  // namespace
}  // namespace weft::ms_test
