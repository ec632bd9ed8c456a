// GUIDE importer on the 10,000-row sample of GUIDE_Test.csv.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "model/alert.h"
#include "model/time.h"
#include "tests/importers/finding_test_util.h"

namespace weft {
namespace {

using finding_test::FindEvidence;
using finding_test::Imported;
using finding_test::ImportPath;
using finding_test::ImportText;
using finding_test::ReadFile;

const std::string kSample =
    std::string(WEFT_TEST_DATA_DIR) + "/guide/guide_test_sample_10k_yasin281.csv";

// The keys (or alias type:value) that a sentinel code would produce if it were not ignored.
const std::set<std::string> kSentinelKeys = {
    "device:guide:98799",      "device:host:153085",       "user:guide-sid:441377",
    "user:guide-upn:673934",   "user:guide-oid:425863",    "user:name:453297",
    "generic:guide-ip:360606", "generic:guide-url:160396", "generic:guide-sha256:138268",
    "file:name:289573",        "mail:guide:529644",        "app:guide:2251",
    "app:name:guide:3421",     "registry:guide:1631",      "cloud:azure:guide:3586",
    "app:guide-oauth:881"};
const std::set<std::string> kSentinelAliases = {"guide:98799",      "host:153085",
                                                "guide-sid:441377", "guide-upn:673934",
                                                "guide-oid:425863", "name:453297"};

const Imported& Sample() {
  static const Imported* r = new Imported(ImportPath(kSample));
  return *r;
}

TEST(GuideImporterTest, SampleGivesOnePartialAlertPerRowAnd9312Alerts) {
  const Imported& r = Sample();
  EXPECT_EQ(r.counts.records, 10000u);
  EXPECT_EQ(r.counts.rejected, 0u);
  ASSERT_EQ(r.alerts.size(), 10000u);
  EXPECT_EQ(r.counts.per_format.at("guide"), 10000u);
  std::set<std::string> keys, orgs;
  for (const Alert& a : r.alerts) {
    keys.insert(a.key);
    orgs.insert(a.tenant);
    EXPECT_EQ(a.source, SourceProduct::kGuide);
    EXPECT_EQ(a.severity, Severity::kMedium);
    EXPECT_EQ(a.native_severity, "");
    ASSERT_EQ(a.truth_labels.size(), 1u);
  }
  EXPECT_EQ(keys.size(), 9312u);
  EXPECT_EQ(orgs.size(), 1061u);
}

TEST(GuideImporterTest, NoEntityFromASentinelCodeOrZero) {
  std::size_t with_entity = 0;
  for (const Alert& a : Sample().alerts) {
    for (const Evidence& e : a.evidence) {
      ++with_entity;
      EXPECT_EQ(kSentinelKeys.count(e.entity.key), 0u) << e.entity.key;
      EXPECT_NE(e.entity.key.substr(e.entity.key.size() - 2), ":0") << e.entity.key;
      for (const Alias& al : e.entity.aliases)
        EXPECT_EQ(kSentinelAliases.count(al.ToString()), 0u) << al.ToString();
    }
  }
  // Rows of types with no identifying column (CloudLogonRequest, ...) or only sentinels have none.
  EXPECT_GT(with_entity, 7000u);
  EXPECT_LT(with_entity, 10000u);
}

TEST(GuideImporterTest, MachineRowByDeviceName) {
  const Alert* a = finding_test::FindByProviderId(Sample().alerts, "464218");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->key, "org-46/guide/464218");
  EXPECT_EQ(a->title, "AlertTitle 194");
  EXPECT_EQ(a->alert_type, "217");
  EXPECT_EQ(a->tactics, std::vector<std::string>{"Execution"});
  EXPECT_EQ(a->truth_labels, std::vector<std::string>{"2165"});
  EXPECT_EQ(FormatTimestamp(a->first_activity), "2024-06-06T17:32:50.000Z");
  ASSERT_EQ(a->evidence.size(), 1u);
  EXPECT_EQ(a->evidence[0].entity.key, "device:host:1218");
  EXPECT_EQ(a->evidence[0].role, EvidenceRole::kImpacted);
}

TEST(GuideImporterTest, MailboxRowIsItsOwnerWithEveryAccountCode) {
  const Alert* a = finding_test::FindByProviderId(Sample().alerts, "23843");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->tenant, "org-358");
  EXPECT_EQ(a->techniques, std::vector<std::string>{"T1566.002"});
  ASSERT_EQ(a->evidence.size(), 1u);
  const Entity& u = a->evidence[0].entity;
  EXPECT_EQ(u.key, "user:guide-sid:14770");
  ASSERT_NE(u.FindAlias("guide-upn"), nullptr);
  EXPECT_EQ(u.FindAlias("guide-upn")->value, "12992");
  EXPECT_TRUE(u.FindAlias("guide-upn")->strong());
  EXPECT_EQ(u.FindAlias("guide-oid")->value, "14567");
  EXPECT_FALSE(u.FindAlias("name")->strong());
}

TEST(GuideImporterTest, RowsOfOneAlertMergeByKeyAndKeepBothIncidentLabels) {
  std::map<std::string, Alert> merged;
  for (const Alert& a : Sample().alerts) {
    auto [it, inserted] = merged.emplace(a.key, a);
    if (!inserted) MergeAlert(it->second, a);
  }
  EXPECT_EQ(merged.size(), 9312u);
  const Alert& a507 =
      merged.at("org-4/guide/507");  // 8 machine rows, re-assigned between two incidents
  EXPECT_EQ(a507.evidence.size(), 8u);
  EXPECT_EQ(a507.truth_labels, (std::vector<std::string>{"186", "2630"}));
  const Alert& a0 = merged.at("org-93/guide/0");  // 28 user rows
  EXPECT_EQ(a0.evidence.size(), 28u);
}

TEST(GuideImporterTest, LowerCaseHeaderAndTimestampSpellings) {
  const std::string text = ReadFile(kSample);
  const std::string header = text.substr(0, text.find('\n'));
  std::string lower;
  for (char c : header)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const std::string row =
      "764504183844,46,2165,464218,TS,217,194,Execution,,TruePositive,,,Machine,Impacted,"
      "98799,138268,360606,160396,441377,673934,425863,453297,1218,529644,,1631,635,860,2251,"
      "3421,881,,289573,117668,3586,,,5,66,,,,242,1445,10630,Public";
  std::string body = lower + "\n";
  for (const char* ts : {"2024-06-06 17:32:50", "2024-06-06T19:32:50+02:00",
                         "2024-06-06T17:32:50.000Z", "2024-06-06 17:32:50.0000000Z"}) {
    std::string r = row;
    r.replace(r.find("TS"), 2, ts);
    body += r + "\n";
  }
  Imported imported = ImportText(body);
  EXPECT_EQ(imported.counts.rejected, 0u);
  ASSERT_EQ(imported.alerts.size(), 4u);
  for (const Alert& a : imported.alerts) {
    EXPECT_EQ(a.key, "org-46/guide/464218");
    EXPECT_EQ(FormatTimestamp(a.first_activity), "2024-06-06T17:32:50.000Z");
    EXPECT_NE(FindEvidence(a, "device:host:1218"), nullptr);
  }
}

}  // namespace
}  // namespace weft
