// GuardDuty importer on the Elastic and Sekoia sample findings.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "importers/importer.h"
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

const std::string kDir = std::string(WEFT_TEST_DATA_DIR) + "/aws-guardduty/";
const std::string kElastic = kDir + "elastic_test-guard_duty_part1.ndjson";

std::string FindingLine(const std::string& id) {
  std::ifstream in(kElastic);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"id\":\"" + id + "\"") != std::string::npos) return line;
  }
  return "";
}

// camelCase -> PascalCase keys, recursively (what the AWS SDKs print).
nlohmann::json Pascal(const nlohmann::json& j) {
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : j) out.push_back(Pascal(e));
    return out;
  }
  if (!j.is_object()) return j;
  nlohmann::json out = nlohmann::json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string k = it.key();
    if (!k.empty()) k[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(k[0])));
    out[k] = Pascal(it.value());
  }
  return out;
}

TEST(GuardDutyImporterTest, ElasticSampleGivesFiftyTwoFindingsInTheAccountTenant) {
  Imported r = ImportPath(kElastic);
  EXPECT_EQ(r.counts.records, 52u);
  EXPECT_EQ(r.counts.rejected, 0u);
  ASSERT_EQ(r.alerts.size(), 52u);
  EXPECT_EQ(r.counts.per_format.at("guardduty"), 52u);
  std::map<Severity, int> severities;
  int on_instance = 0;
  std::set<std::string> keys;
  for (const Alert& a : r.alerts) {
    EXPECT_EQ(a.tenant, "aws:973743533182");
    EXPECT_EQ(a.source, SourceProduct::kGuardDuty);
    EXPECT_EQ(a.cloud, Cloud::kAws);
    ++severities[a.severity];
    keys.insert(a.key);
    if (FindEvidence(a, "device:aws:i-99999999") != nullptr) ++on_instance;
    EXPECT_NE(FindEvidence(a, "ip:81.2.69.144"), nullptr) << a.provider_id;
  }
  EXPECT_EQ(keys.size(), 52u);
  EXPECT_EQ(on_instance, 40);
  EXPECT_EQ(severities[Severity::kHigh], 26);
  EXPECT_EQ(severities[Severity::kMedium], 18);
  EXPECT_EQ(severities[Severity::kLow], 8);
}

TEST(GuardDutyImporterTest, TorRelayFindingFields) {
  Imported r = ImportPath(kElastic);
  const Alert* a = FindByProviderId(r.alerts, "2abf27df0ab51a4b14cfd36e55ce2553");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->key, "aws:973743533182/guardduty/2abf27df0ab51a4b14cfd36e55ce2553");
  EXPECT_EQ(a->alert_type, "UnauthorizedAccess:EC2/TorRelay");
  EXPECT_EQ(a->title, "EC2 instance i-99999999 is communicating with Tor Exit node.");
  EXPECT_EQ(a->severity, Severity::kHigh);
  EXPECT_EQ(a->native_severity, "8");
  EXPECT_EQ(a->count, 4);
  EXPECT_EQ(a->status, AlertStatus::kNew);
  EXPECT_EQ(a->tactics, std::vector<std::string>{"InitialAccess"});
  EXPECT_EQ(FormatTimestamp(a->first_activity), "2022-01-12T19:22:44.000Z");
  EXPECT_EQ(FormatTimestamp(a->created), "2022-01-12T19:22:44.458Z");
  EXPECT_EQ(FormatTimestamp(a->updated), "2022-01-28T21:12:25.483Z");
  EXPECT_EQ(EntityKeys(*a),
            (std::set<std::string>{"device:aws:i-99999999", "ip:10.0.0.1", "ip:81.2.69.144"}));
  const Evidence* dev = FindEvidence(*a, "device:aws:i-99999999");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->role, EvidenceRole::kImpacted);
  EXPECT_EQ(dev->entity.cloud, Cloud::kAws);
  EXPECT_EQ(dev->entity.properties.at("account"), "973743533182");
  EXPECT_EQ(dev->entity.properties.at("region"), "us-east-2");
}

TEST(GuardDutyImporterTest, S3AndAccessKeyAndEksEntities) {
  Imported r = ImportPath(kElastic);
  const Alert* s3 = FindByProviderId(r.alerts, "02bf27df0ab318783b0a8f63569dfd68");
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->tactics, std::vector<std::string>{"Impact"});
  EXPECT_NE(FindEvidence(*s3, "cloud:aws:arn:aws:s3:::bucketName"), nullptr);
  EXPECT_NE(FindEvidence(*s3, "user:aws:GeneratedFindingPrincipalId"), nullptr);
  int eks = 0;
  for (const Alert& a : r.alerts) {
    for (const Evidence& e : a.evidence) {
      if (e.entity.key.rfind("cloud:aws:arn:aws:eks:", 0) == 0) ++eks;
    }
  }
  EXPECT_EQ(eks, 12);
}

TEST(GuardDutyImporterTest, TenantMapAndDefaultTenantWinOverTheAccountFallback) {
  ImportOptions mapped;
  mapped.tenants.Add("973743533182", "contoso");
  mapped.default_tenant = "fallback";
  Imported r = ImportPath(kElastic, mapped);
  ASSERT_EQ(r.alerts.size(), 52u);
  EXPECT_EQ(r.alerts[0].tenant, "contoso");
  ImportOptions by_default;
  by_default.default_tenant = "acme";
  Imported d = ImportPath(kElastic, by_default);
  ASSERT_EQ(d.alerts.size(), 52u);
  EXPECT_EQ(d.alerts[0].tenant, "acme");
}

TEST(GuardDutyImporterTest, SekoiaFindingsIncludingTheRepeatedEksFindingId) {
  Imported r = ImportPath(kDir + "DERIVED_sekoia_input_messages.ndjson");
  EXPECT_EQ(r.counts.rejected, 0u);
  ASSERT_EQ(r.alerts.size(), 8u);
  std::set<std::string> keys;
  for (const Alert& a : r.alerts) {
    EXPECT_EQ(a.tenant, "aws:111111111111");
    keys.insert(a.key);
  }
  EXPECT_EQ(keys.size(), 7u);  // two deliveries of one EKS finding
  const Alert* api = FindByProviderId(r.alerts, "16dd674a4cb5437c9a66d14f11839b02");
  ASSERT_NE(api, nullptr);
  EXPECT_NE(FindEvidence(*api, "user:aws:GeneratedFindingPrincipalId"), nullptr);
  EXPECT_NE(FindEvidence(*api, "ip:198.51.100.0"), nullptr);
  EXPECT_NE(FindEvidence(*api, "device:aws:i-99999999"), nullptr);
}

TEST(GuardDutyImporterTest, PascalCaseSdkOutputGivesTheSameAlert) {
  const std::string line = FindingLine("2abf27df0ab51a4b14cfd36e55ce2553");
  ASSERT_FALSE(line.empty());
  nlohmann::json sdk = {{"Findings", nlohmann::json::array({Pascal(nlohmann::json::parse(line))})}};
  Imported camel = ImportText(line);
  Imported pascal = ImportText(sdk.dump());
  ASSERT_EQ(camel.alerts.size(), 1u);
  ASSERT_EQ(pascal.alerts.size(), 1u);
  EXPECT_EQ(pascal.alerts[0].key, camel.alerts[0].key);
  EXPECT_EQ(pascal.alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(pascal.alerts[0].count, 4);
  EXPECT_EQ(pascal.alerts[0].first_activity, camel.alerts[0].first_activity);
  EXPECT_EQ(EntityKeys(pascal.alerts[0]), EntityKeys(camel.alerts[0]));
}

TEST(GuardDutyImporterTest, ResentFindingWithNewerUpdatedAtUpdatesTheStoredAlert) {
  const std::string line = FindingLine("2abf27df0ab51a4b14cfd36e55ce2553");
  nlohmann::json later = nlohmann::json::parse(line);
  later["updatedAt"] = "2022-02-03T10:00:00.000Z";
  later["service"]["eventLastSeen"] = "2022-02-03T09:59:00.000Z";
  later["service"]["count"] = 9;
  later["severity"] = 5;
  later["service"]["archived"] = true;
  Imported r = ImportText(line + "\n" + later.dump() + "\n");
  ASSERT_EQ(r.alerts.size(), 2u);
  EXPECT_EQ(r.alerts[0].key, r.alerts[1].key);
  Alert stored = r.alerts[0];
  EXPECT_EQ(MergeAlert(stored, r.alerts[1]), MergeOutcome::kUpdated);
  EXPECT_EQ(stored.count, 9);
  EXPECT_EQ(FormatTimestamp(stored.last_activity), "2022-02-03T09:59:00.000Z");
  EXPECT_EQ(FormatTimestamp(stored.first_activity), "2022-01-12T19:22:44.000Z");
  EXPECT_EQ(stored.severity, Severity::kMedium);
  EXPECT_EQ(stored.native_severity, "5");
  EXPECT_EQ(stored.status, AlertStatus::kDismissed);
}

TEST(GuardDutyImporterTest, NoAccountAndNoTenantIsRejected) {
  nlohmann::json f = nlohmann::json::parse(FindingLine("2abf27df0ab51a4b14cfd36e55ce2553"));
  f["accountId"] = "";
  Imported r = ImportText(f.dump());
  EXPECT_EQ(r.alerts.size(), 0u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_NE(r.rejects[0].reason.find("no tenant"), std::string::npos);
}

}  // namespace
}  // namespace weft
