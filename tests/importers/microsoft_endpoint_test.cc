// "mde-api" (tests/data/defender-endpoint) and "xdr-streaming" (tests/data/defender-xdr-streaming)
// importers on their real files.

#include <gtest/gtest.h>

#include "tests/importers/microsoft_test_util.h"

namespace weft::ms_test {
namespace {

constexpr char kMde[] = "defender-endpoint/elastic_mde_alerts_api_test-defenderatp.ndjson";
constexpr char kXdr[] = "defender-xdr-streaming/DERIVED_sekoia_input_messages.ndjson";

TEST(MicrosoftMdeApiTest, EvidenceRowsOfOneAlertShareItsKey) {
  Imported in = Import(kMde);
  EXPECT_EQ(in.counts.records, 4u);  // the trailing {"value":[]} holds no record
  EXPECT_EQ(in.counts.rejected, 0u);
  ASSERT_EQ(in.alerts.size(), 4u);
  EXPECT_EQ(in.counts.per_format.at("mde-api"), 4u);
  const Alert& malware = in.alerts[0];
  EXPECT_EQ(malware.key,
            "123543-d66c-4c7e-9e30-40034eb7c6f3/m365/da637291085411733957_-1043898914");
  EXPECT_EQ(malware.source, SourceProduct::kDefenderForEndpoint);
  EXPECT_EQ(malware.severity, Severity::kLow);
  EXPECT_EQ(malware.status, AlertStatus::kResolved);
  EXPECT_EQ(malware.upstream_incident_id, "12");
  EXPECT_EQ(EntityKeys(malware), (std::set<std::string>{"device:mde:c5a964f417c11f6277d5bf9489f0d",
                                                        "file:name:sb.xsl"}));
  EXPECT_EQ(FindEvidence(malware, "device:mde:c5a964f417c11f6277d5bf9489f0d")->role,
            EvidenceRole::kImpacted);

  // Incident 11: one alert delivered as a Process row and a User row.
  std::vector<const Alert*> injection =
      AllByProviderId(in.alerts, "da637291048912199236_1126926584");
  ASSERT_EQ(injection.size(), 2u);
  EXPECT_EQ(injection[0]->upstream_incident_id, "11");
  EXPECT_EQ(injection[0]->tactics, std::vector<std::string>{"DefenseEvasion"});
  const std::string device = "device:mde:543bc5a964f417c11f6277d5bf9489f0d";
  const std::string process = "process:" + device + ":4104:c:\\windows\\system32\\notepad.exe";
  EXPECT_EQ(EntityKeys(*injection[0]),
            (std::set<std::string>{
                device, process, "user:name:testserver4\\administrator1",
                "file:sha256:a92056d772260b39a876d01552496b2f8b4610a0b1e084952fe1176784e2ce77"}));
  EXPECT_TRUE(HasRelation(*injection[0], process, "runs_on", device));
  EXPECT_NE(FindEvidence(*injection[1], "user:sid:S-1-5-21-46152456-1367606905-4031241297-500"),
            nullptr);
}

TEST(MicrosoftMdeApiTest, InformationalAlertIsFilteredByDefault) {
  Imported in = Import(kMde, ImportOptions());
  EXPECT_EQ(in.alerts.size(), 3u);
  EXPECT_EQ(in.counts.filtered_severity, 1u);
}

TEST(MicrosoftXdrStreamingTest, EveryEventIsAnAlertPieceKeyedByAlertId) {
  Imported in = Import(kXdr);
  EXPECT_EQ(in.counts.records, 12u);
  EXPECT_EQ(in.counts.rejected, 0u);
  ASSERT_EQ(in.alerts.size(), 12u);
  EXPECT_EQ(in.counts.per_format.at("xdr-streaming"), 12u);
  const std::string key =
      "11111111-1111-1111-1111-111111111111/m365/11111111-1111-1111-1111-111111111111_1";
  std::vector<const Alert*> pieces;
  for (const Alert& a : in.alerts) {
    if (a.key == key) pieces.push_back(&a);
  }
  EXPECT_EQ(pieces.size(), 7u);  // seven evidence rows of one alert
  EXPECT_EQ(Keys(in.alerts).size(), 6u);

  // Folding the pieces gives the alert's device, user and processes.
  Alert merged = *pieces[0];
  for (size_t i = 1; i < pieces.size(); ++i) MergeAlert(merged, *pieces[i]);
  const std::string device = "device:mde:11111111111111111111111111111111111111111111";
  const Evidence* d = FindEvidence(merged, device);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->role, EvidenceRole::kImpacted);
  EXPECT_EQ(d->entity.FindAlias("fqdn")->value, "hostname.example.local");
  const Evidence* user = FindEvidence(merged, "user:john.doe@example.com");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->role, EvidenceRole::kImpacted);
  EXPECT_EQ(user->entity.FindAlias("oid")->value, "22222222-2222-2222-2222-222222222222");
  EXPECT_NE(
      FindEvidence(merged,
                   "process:" + device +
                       ":16108:c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe"),
      nullptr);
  EXPECT_NE(FindEvidence(merged, "process:" + device + ":25976:c:\\windows\\system32\\wscript.exe"),
            nullptr);
  EXPECT_TRUE(HasRelation(merged, "process:" + device + ":25976:c:\\windows\\system32\\wscript.exe",
                          "runs_on", device));
  EXPECT_EQ(merged.techniques, (std::vector<std::string>{"T1057", "T1059.001"}));
}

TEST(MicrosoftXdrStreamingTest, RowFieldsMapToSourceSeverityAndEntities) {
  Imported in = Import(kXdr);
  const Alert* email = FindByProviderId(in.alerts, "fa11111111-1111-1111-1111-111111111111");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->tenant, "33333333-3333-3333-3333-333333333333");
  EXPECT_EQ(email->source, SourceProduct::kDefenderForOffice365);
  EXPECT_EQ(email->severity, Severity::kInformational);
  EXPECT_EQ(EntityKeys(*email),
            (std::set<std::string>{"mail:22222222-2222-2222-2222-222222222222"}));

  const Alert* mailbox = FindByProviderId(in.alerts, "44444444-4444-4444-4444-444444444444");
  ASSERT_NE(mailbox, nullptr);
  EXPECT_EQ(mailbox->source,
            SourceProduct::kDefenderForOffice365);  // "MicrosoftDefenderforOffice365"
  ASSERT_NE(FindEvidence(*mailbox, "mailbox:john.doe@example.com"), nullptr);
  EXPECT_EQ(FindEvidence(*mailbox, "mailbox:john.doe@example.com")->role, EvidenceRole::kImpacted);

  const Alert* process = FindByProviderId(in.alerts, "da33333333-3333-3333-3333-333333333333_1");
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(process->source, SourceProduct::kDefenderForEndpoint);
  EXPECT_EQ(process->techniques, (std::vector<std::string>{"T1036", "T1080", "T1204", "T1218",
                                                           "T1534", "T1566.001", "T1566.003"}));
  // The device comes from AdditionalFields (MachineEnrichmentInfo) when the row has no DeviceId.
  const std::string device = "device:mde:7e7a44995a4d4f09be53dce4fe9eb1db";
  EXPECT_EQ(EntityKeys(*process),
            (std::set<std::string>{
                device, "process:" + device + ":19060:c:\\windows\\splwow64.exe",
                "file:sha256:01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b"}));

  // An AlertInfo row has a title and severity but no evidence.
  const Alert* info = FindByProviderId(in.alerts, "da637977531594995313_968283104");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->title, "'Lodi' unwanted software was prevented");
  EXPECT_EQ(info->tactics, std::vector<std::string>{"DefenseEvasion"});
  EXPECT_TRUE(info->evidence.empty());
}

TEST(MicrosoftXdrStreamingTest, OtherHuntingTablesAreNonAlerts) {
  Imported in = ImportText(
      R"({"time":"2024-01-01T00:00:00Z","tenantId":"t","category":"AdvancedHunting-DeviceProcessEvents","properties":{"DeviceId":"abc"}})"
      "\n"
      R"({"time":"2024-01-01T00:00:00Z","tenantId":"t","category":"AdvancedHunting-AlertEvidence","properties":{"Title":"x"}})");
  EXPECT_EQ(in.counts.skipped_non_alerts, 1u);
  ASSERT_EQ(in.rejects.size(), 1u);
  EXPECT_EQ(in.rejects[0].reason, "missing required field 'properties.AlertId'");
}

// Found by the fuzzer: with the format forced, detection (which checks `properties`) is skipped.
TEST(MicrosoftXdrStreamingTest, ForcedFormatRejectsAnAlertRowWithoutProperties) {
  ImportOptions options = AllSeverities();
  options.format = "xdr-streaming";
  Imported in = ImportText(
      R"({"time":"2024-01-01T00:00:00Z","tenantId":"t","category":"AdvancedHunting-AlertEvidence"})"
      "\n"
      R"({"time":"2024-01-01T00:00:00Z","tenantId":"t","category":"AdvancedHunting-AlertInfo","properties":"x"})",
      options);
  EXPECT_TRUE(in.alerts.empty());
  ASSERT_EQ(in.rejects.size(), 2u);
  EXPECT_EQ(in.rejects[0].reason, "missing required object 'properties'");
  EXPECT_EQ(in.rejects[1].reason, "missing required object 'properties'");
}

}  // namespace
}  // namespace weft::ms_test
