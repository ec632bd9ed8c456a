// Security Hub (ASFF) importer: the OCSF project's ASFF samples and a GuardDuty EC2 finding as
// Security Hub forwards it (tests/data/aws-securityhub-asff/weft_guardduty-torrelay-ec2.asff.json,
// written from the Elastic GuardDuty sample finding 2abf27df0ab51a4b14cfd36e55ce2553).

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

const std::string kDir = std::string(WEFT_TEST_DATA_DIR) + "/aws-securityhub-asff/";

TEST(SecurityHubImporterTest, GuardDutyFindingForwardedBySecurityHub) {
  Imported r = ImportPath(kDir + "ocsf-examples_sechub-guardduty.asff.json");
  EXPECT_EQ(r.counts.rejected, 0u);
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  EXPECT_EQ(
      a.key,
      "aws:111111111111/securityhub/arn:aws:securityhub:us-east-2::product/aws/guardduty/"
      "arn:aws:guardduty:us-east-2:111111111111:detector/1ac1bfceda6679698215d5d0EXAMPLE/finding/"
      "a6c556fcbc9bea427a19f8b787099a0b");
  EXPECT_EQ(a.source, SourceProduct::kSecurityHub);
  EXPECT_EQ(a.product_name, "GuardDuty");
  EXPECT_EQ(a.cloud, Cloud::kAws);
  EXPECT_EQ(a.severity, Severity::kLow);
  EXPECT_EQ(a.native_severity, "LOW");
  EXPECT_EQ(a.status, AlertStatus::kNew);
  EXPECT_EQ(a.native_status, "NEW/ACTIVE");
  EXPECT_EQ(a.tactics, std::vector<std::string>{"DefenseEvasion"});
  EXPECT_EQ(FormatTimestamp(a.first_activity), "2023-09-19T14:55:09.000Z");
  EXPECT_EQ(FormatTimestamp(a.updated), "2023-09-19T15:05:22.487Z");
  EXPECT_EQ(EntityKeys(a),
            (std::set<std::string>{"user:aws:AROATMJPC7YEXAMPLE:example", "ip:52.94.133.131"}));
  EXPECT_EQ(FindEvidence(a, "user:aws:AROATMJPC7YEXAMPLE:example")->role, EvidenceRole::kImpacted);
}

TEST(SecurityHubImporterTest, PciControlFindingHasNoEntityForTheAccount) {
  Imported r = ImportPath(kDir + "ocsf-examples_sechub-pci.asff.json");
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  EXPECT_EQ(a.tenant, "aws:111111111111");
  EXPECT_EQ(a.alert_type, "pci-dss/v/3.2.1/PCI.Config.1");
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_TRUE(a.evidence.empty());
  EXPECT_EQ(FormatTimestamp(a.last_activity), "2023-07-21T18:12:05.693Z");
}

TEST(SecurityHubImporterTest, AsffAndNativeGuardDutyNameTheSameDevice) {
  Imported asff = ImportPath(kDir + "weft_guardduty-torrelay-ec2.asff.json");
  Imported native = ImportPath(std::string(WEFT_TEST_DATA_DIR) +
                               "/aws-guardduty/elastic_test-guard_duty_part1.ndjson");
  ASSERT_EQ(asff.alerts.size(), 1u);
  const Alert* gd =
      finding_test::FindByProviderId(native.alerts, "2abf27df0ab51a4b14cfd36e55ce2553");
  ASSERT_NE(gd, nullptr);
  const Evidence* from_asff = FindEvidence(asff.alerts[0], "device:aws:i-99999999");
  const Evidence* from_native = FindEvidence(*gd, "device:aws:i-99999999");
  ASSERT_NE(from_asff, nullptr);
  ASSERT_NE(from_native, nullptr);
  EXPECT_EQ(from_asff->entity.aliases, from_native->entity.aliases);
  EXPECT_EQ(from_asff->entity.properties.at("account"), "973743533182");
  // Same tenant, different families: each product's delivery is its own alert.
  EXPECT_EQ(asff.alerts[0].tenant, gd->tenant);
  EXPECT_NE(asff.alerts[0].key, gd->key);
  EXPECT_EQ(asff.alerts[0].count, 4);
  EXPECT_EQ(asff.alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(asff.alerts[0].tactics,
            (std::vector<std::string>{"CommandAndControl", "InitialAccess"}));
  EXPECT_EQ(EntityKeys(asff.alerts[0]),
            (std::set<std::string>{"device:aws:i-99999999", "ip:10.0.0.1", "ip:10.0.0.23",
                                   "ip:81.2.69.144"}));
}

TEST(SecurityHubImporterTest, FindingsListOfGetFindings) {
  nlohmann::json list = {
      {"Findings",
       {nlohmann::json::parse(ReadFile(kDir + "ocsf-examples_sechub-pci.asff.json")),
        nlohmann::json::parse(ReadFile(kDir + "ocsf-examples_sechub-guardduty.asff.json"))}}};
  Imported r = ImportText(list.dump());
  EXPECT_EQ(r.alerts.size(), 2u);
  EXPECT_EQ(r.counts.per_format.at("securityhub"), 2u);
}

TEST(SecurityHubImporterTest, WorkflowAndRecordStateGiveTheStatus) {
  nlohmann::json f =
      nlohmann::json::parse(ReadFile(kDir + "ocsf-examples_sechub-guardduty.asff.json"));
  f["Workflow"]["Status"] = "SUPPRESSED";
  EXPECT_EQ(ImportText(f.dump()).alerts.at(0).status, AlertStatus::kDismissed);
  f["Workflow"]["Status"] = "NOTIFIED";
  f["RecordState"] = "ARCHIVED";
  Imported r = ImportText(f.dump());
  EXPECT_EQ(r.alerts.at(0).status, AlertStatus::kResolved);
  EXPECT_EQ(r.alerts.at(0).native_status, "NOTIFIED/ARCHIVED");
  f["Severity"] = {{"Normalized", 75}};
  EXPECT_EQ(ImportText(f.dump()).alerts.at(0).severity, Severity::kHigh);
}

}  // namespace
}  // namespace weft
