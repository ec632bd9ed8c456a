// Security Command Center importer on the security-response-automation notification samples.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "model/alert.h"
#include "model/time.h"
#include "tests/importers/finding_test_util.h"

namespace weft {
namespace {

using finding_test::EntityKeys;
using finding_test::FindEvidence;
using finding_test::Imported;
using finding_test::ImportPath;
using finding_test::ImportText;
using finding_test::ReadFile;

const std::string kDir = std::string(WEFT_TEST_DATA_DIR) + "/gcp-scc/";

TEST(SccImporterTest, AllSeventeenNotificationsImport) {
  Imported r = ImportPath(kDir);
  EXPECT_EQ(r.counts.rejected, 0u);
  ASSERT_EQ(r.alerts.size(), 17u);
  EXPECT_EQ(r.counts.per_format.at("scc"), 17u);
  std::set<std::string> keys;
  for (const Alert& a : r.alerts) {
    EXPECT_EQ(a.source, SourceProduct::kSecurityCommandCenter);
    EXPECT_EQ(a.cloud, Cloud::kGcp);
    EXPECT_EQ(a.tenant.rfind("gcp:", 0), 0u) << a.tenant;
    keys.insert(a.key);
  }
  // Each -remediated variant re-sends the finding of its plain variant where both exist.
  EXPECT_EQ(keys.size(), 13u);
}

TEST(SccImporterTest, SshBruteForceThreat) {
  Imported r = ImportPath(kDir + "sra_ssh_brute_force-remediated.json");
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  // The organization id is all zeros, so the project number is the tenant.
  EXPECT_EQ(a.key, "gcp:12345678/scc/organizations/0000000000/sources/0000000/findings/12345");
  EXPECT_EQ(a.alert_type, "Brute Force: SSH");
  EXPECT_EQ(a.severity, Severity::kHigh);
  EXPECT_EQ(a.native_severity, "HIGH");
  EXPECT_EQ(a.status, AlertStatus::kNew);
  EXPECT_EQ(a.tactics, std::vector<std::string>{"InitialAccess"});
  EXPECT_EQ(a.techniques, (std::vector<std::string>{"T1078", "T1078.003"}));
  EXPECT_EQ(
      EntityKeys(a),
      (std::set<std::string>{"cloud:gcp://cloudresourcemanager.googleapis.com/projects/12345678",
                             "device:gcp://compute.googleapis.com/projects/test-project/zones/"
                             "us-west1-a/instances/instance-1",
                             "ip:192.0.2.100", "user:name:etd_tester", "user:name:etd_tester-2"}));
}

TEST(SccImporterTest, ComputeInstanceResourceBecomesADevice) {
  Imported r = ImportPath(kDir + "sra_public_ip_address-remediated.json");
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  EXPECT_EQ(a.tenant, "gcp:12345678");
  EXPECT_EQ(a.alert_type, "PUBLIC_IP_ADDRESS");
  EXPECT_EQ(a.product_name, "Security Health Analytics");
  EXPECT_EQ(FormatTimestamp(a.first_activity), "2022-01-08T01:21:41.578Z");
  EXPECT_EQ(FormatTimestamp(a.created), "2022-01-08T01:21:42.076Z");
  const Evidence* dev = FindEvidence(a,
                                     "device:gcp://compute.googleapis.com/projects/test-project/"
                                     "zones/us-central1-a/instances/6796113316167375355");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->role, EvidenceRole::kImpacted);
  EXPECT_EQ(dev->entity.properties.at("project"), "test-project");
}

TEST(SccImporterTest, OrganizationIsTheTenantAndTheMapRenamesIt) {
  Imported r = ImportPath(kDir + "sra_audit_logging_disabled.json");
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].tenant, "gcp:154584661726");
  EXPECT_EQ(r.alerts[0].severity, Severity::kLow);  // no severity: sourceProperties.SeverityLevel
  ImportOptions options;
  options.tenants.Add("154584661726", "acme");
  EXPECT_EQ(ImportPath(kDir + "sra_audit_logging_disabled.json", options).alerts.at(0).tenant,
            "acme");
}

TEST(SccImporterTest, V2NameListResultsAndStates) {
  nlohmann::json n = nlohmann::json::parse(ReadFile(kDir + "sra_audit_logging_disabled.json"));
  const std::string v1_key = ImportText(n.dump()).alerts.at(0).key;
  nlohmann::json f = n["finding"];
  f["name"] =
      "organizations/154584661726/sources/1986930501971458034/locations/global/findings/"
      "1c35bd4b4f6d7145e441f2965c32f074";
  f["state"] = "INACTIVE";
  nlohmann::json list = {
      {"listFindingsResults", {{{"finding", f}, {"resource", {{"name", f["resourceName"]}}}}}}};
  Imported r = ImportText(list.dump());
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].key, v1_key);
  EXPECT_EQ(r.alerts[0].status, AlertStatus::kResolved);
  f["mute"] = "MUTED";
  f["mitreAttack"] = {{"primaryTactic", "RECONNAISSANCE"},
                      {"primaryTechniques", {"SCANNING_IP_BLOCKS", "ACTIVE_SCANNING"}},
                      {"additionalTechniques", {"BRUTE_FORCE"}}};
  f["access"] = {{"callerIp", "203.0.113.9"}, {"principalEmail", "Mallory@Example.com"}};
  f["indicator"] = {{"ipAddresses", {"198.51.100.4"}}, {"domains", {"evil.example.net"}}};
  Imported bare = ImportText(f.dump());
  ASSERT_EQ(bare.alerts.size(), 1u);
  const Alert& a = bare.alerts[0];
  EXPECT_EQ(a.status, AlertStatus::kDismissed);
  EXPECT_EQ(a.tactics, std::vector<std::string>{"Reconnaissance"});
  EXPECT_EQ(a.techniques, (std::vector<std::string>{"T1110", "T1595", "T1595.001"}));
  EXPECT_NE(FindEvidence(a, "user:gcp:mallory@example.com"), nullptr);
  EXPECT_NE(FindEvidence(a, "ip:203.0.113.9"), nullptr);
  EXPECT_NE(FindEvidence(a, "ip:198.51.100.4"), nullptr);
  EXPECT_NE(FindEvidence(a, "domain:evil.example.net"), nullptr);
}

}  // namespace
}  // namespace weft
