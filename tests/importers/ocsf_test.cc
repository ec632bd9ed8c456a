// OCSF importer on the OCSF project's examples and the Sekoia OCSF test events.

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
using finding_test::FindByProviderId;
using finding_test::FindEvidence;
using finding_test::Imported;
using finding_test::ImportPath;
using finding_test::ImportText;
using finding_test::ReadFile;

const std::string kDir = std::string(WEFT_TEST_DATA_DIR) + "/ocsf/";

TEST(OcsfImporterTest, DetectionFindingFromSecurityHubStaysInTheOcsfFamily) {
  Imported r = ImportPath(kDir + "ocsf-examples_sechub-guardduty.ocsf.json");
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  EXPECT_EQ(a.source, SourceProduct::kOcsf);
  EXPECT_EQ(a.key,
            "aws:111111111111/ocsf/arn:aws:guardduty:us-east-2:111111111111:detector/"
            "1ac1bfceda6679698215d5d0EXAMPLE/"
            "finding/a6c556fcbc9bea427a19f8b787099a0b");
  EXPECT_EQ(a.product_name, "Amazon GuardDuty");
  EXPECT_EQ(a.cloud, Cloud::kAws);
  EXPECT_EQ(a.severity, Severity::kLow);
  EXPECT_EQ(a.native_severity, "Low");
  EXPECT_EQ(a.status, AlertStatus::kNew);
  EXPECT_EQ(FormatTimestamp(a.first_activity), "2023-09-19T14:55:09.000Z");
  EXPECT_EQ(FormatTimestamp(a.created), "2023-09-19T15:05:22.487Z");
  // The same entities as the ASFF form of this finding.
  EXPECT_EQ(EntityKeys(a),
            (std::set<std::string>{"user:aws:AROATMJPC7YEXAMPLE:example", "ip:52.94.133.131"}));
}

TEST(OcsfImporterTest, ComplianceFindingIsASkippedNonAlert) {
  Imported r = ImportPath(kDir + "ocsf-examples_sechub-pci.ocsf.json");
  EXPECT_EQ(r.alerts.size(), 0u);
  EXPECT_EQ(r.counts.skipped_non_alerts, 1u);
  EXPECT_EQ(r.counts.rejected, 0u);
}

TEST(OcsfImporterTest, OktaFindingNeedsATenant) {
  Imported none = ImportPath(kDir + "ocsf-examples_okta_detection_finding.ocsf.json");
  EXPECT_EQ(none.alerts.size(), 0u);
  ASSERT_EQ(none.rejects.size(), 1u);
  EXPECT_NE(none.rejects[0].reason.find("no tenant"), std::string::npos);
  ImportOptions options;
  options.default_tenant = "okta-org";
  Imported r = ImportPath(kDir + "ocsf-examples_okta_detection_finding.ocsf.json", options);
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  EXPECT_EQ(a.key, "okta-org/ocsf/dc9fd3c0-598c-11ef-8478-2b7584bf8d5a");
  EXPECT_EQ(a.title, "Login Failures");
  EXPECT_EQ(a.severity, Severity::kMedium);  // severity_id 0 (unknown)
  EXPECT_EQ(FormatTimestamp(a.first_activity), "2024-08-13T15:58:20.000Z");
  EXPECT_EQ(EntityKeys(a), std::set<std::string>{"ip:10.0.0.1"});
}

TEST(OcsfImporterTest, SekoiaEventsOldAndNewLayouts) {
  ImportOptions options;
  options.default_tenant = "t1";
  options.min_severity = Severity::kInformational;
  Imported r = ImportPath(kDir + "DERIVED_sekoia_input_messages.ndjson", options);
  EXPECT_EQ(r.counts.rejected, 0u);
  EXPECT_EQ(r.alerts.size(), 5u);
  EXPECT_EQ(r.counts.per_format.at("ocsf"), 5u);
  const Alert* falco =
      FindByProviderId(r.alerts, "ec834826-90c1-458a-8eec-a014e7266754");  // v0.1 `finding{}`
  ASSERT_NE(falco, nullptr);
  EXPECT_EQ(falco->title, "Linux Kernel Module Injection Detected");
  EXPECT_EQ(falco->severity, Severity::kMedium);
  EXPECT_EQ(falco->product_name, "Falcosecurity Falco");
  EXPECT_EQ(FormatTimestamp(falco->created), "2023-01-03T15:11:39.558Z");
  const Alert* qradar = FindByProviderId(r.alerts, "591");
  ASSERT_NE(qradar, nullptr);
  EXPECT_EQ(qradar->count, 2);
  EXPECT_EQ(qradar->status, AlertStatus::kInProgress);
  EXPECT_EQ(FormatTimestamp(qradar->last_activity), "2023-04-29T15:10:10.000Z");
  // Informational findings are filtered at the default minimum severity.
  ImportOptions low;
  low.default_tenant = "t1";
  Imported filtered = ImportPath(kDir + "DERIVED_sekoia_input_messages.ndjson", low);
  EXPECT_EQ(filtered.alerts.size() + filtered.counts.filtered_severity, 5u);
  EXPECT_GE(filtered.counts.filtered_severity, 1u);
}

TEST(OcsfImporterTest, AttacksDeviceAndActorUser) {
  nlohmann::json f =
      nlohmann::json::parse(ReadFile(kDir + "ocsf-examples_sechub-guardduty.ocsf.json"));
  f["finding_info"]["attacks"] = {{{"tactic", {{"name", "Defense Evasion"}, {"uid", "TA0005"}}},
                                   {"technique", {{"uid", "T1562"}}},
                                   {"sub_technique", {{"uid", "T1562.008"}}}}};
  f["device"] = {
      {"hostname", "Web-01.corp.example.com"}, {"instance_uid", "i-0abc123"}, {"ip", "172.16.4.5"}};
  f["actor"] = {{"user", {{"uid", "AIDAEXAMPLE"}, {"name", "Admin"}}}};
  f["severity_id"] = 5;
  f["status_id"] = 4;
  Imported r = ImportText(f.dump());
  ASSERT_EQ(r.alerts.size(), 1u);
  const Alert& a = r.alerts[0];
  EXPECT_EQ(a.tactics, std::vector<std::string>{"DefenseEvasion"});
  EXPECT_EQ(a.techniques, (std::vector<std::string>{"T1562", "T1562.008"}));
  EXPECT_EQ(a.severity, Severity::kHigh);
  EXPECT_EQ(a.status, AlertStatus::kResolved);
  EXPECT_NE(FindEvidence(a, "device:aws:i-0abc123"), nullptr);
  EXPECT_NE(FindEvidence(a, "ip:172.16.4.5"), nullptr);
  EXPECT_NE(FindEvidence(a, "user:aws:AIDAEXAMPLE"), nullptr);
}

}  // namespace
}  // namespace weft
