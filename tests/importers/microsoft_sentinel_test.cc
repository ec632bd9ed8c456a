// "sentinel" importer: SecurityAlert rows (tests/data/sentinel, written from real alerts).

#include <gtest/gtest.h>

#include "tests/importers/microsoft_test_util.h"

namespace weft::ms_test {
namespace {

constexpr char kRows[] = "sentinel/weft_securityalert_rows.ndjson";

TEST(MicrosoftSentinelTest, RowsKeepTheProducingProductsAlertKey) {
  Imported in = Import(kRows);
  EXPECT_EQ(in.counts.rejected, 0u);
  ASSERT_EQ(in.alerts.size(), 4u);
  EXPECT_EQ(in.counts.per_format.at("sentinel"), 4u);
  EXPECT_EQ(in.alerts[0].key,
            "ebac1a16-81bf-449b-8d43-5732c3c1d999/mdc/"
            "2517396773587877093_08b9a631-f1a0-4ea9-9c9a-8da7a725899e");
  EXPECT_EQ(in.alerts[1].key, in.alerts[0].key);
  EXPECT_EQ(in.alerts[1].product_name, "Microsoft Defender for Cloud");
  // An MDE alert through Sentinel is keyed by its MDE id, as through Graph or the MDE API.
  EXPECT_EQ(in.alerts[2].key,
            "cfcdbe43-297b-4c6b-ac7e-8d7f6befb514/m365/da09e47ccc-b74a-45bb-985f-8d6c077b70b6_1");
  EXPECT_EQ(in.alerts[2].source, SourceProduct::kDefenderForEndpoint);
  // Sentinel's own analytics alerts use SystemAlertId in the sentinel family.
  EXPECT_EQ(in.alerts[3].key,
            "cfcdbe43-297b-4c6b-ac7e-8d7f6befb514/sentinel/a1b2c3d4-0000-4000-8000-00000000abcd");
  EXPECT_EQ(in.alerts[3].source, SourceProduct::kSentinel);
}

TEST(MicrosoftSentinelTest, EntitiesTacticsAndTechniquesFromJsonStrings) {
  Imported in = Import(kRows);
  ASSERT_EQ(in.alerts.size(), 4u);
  const Alert& mdc = in.alerts[0];
  EXPECT_EQ(mdc.severity, Severity::kHigh);
  EXPECT_EQ(mdc.cloud, Cloud::kAzure);
  EXPECT_EQ(mdc.first_activity, *ParseTimestamp("2022-09-08T07:50:41.212Z"));
  const std::string vm =
      "device:azure:/subscriptions/0f907ea4-bc8b-4c11-9d7e-805c2fd144fb/resourcegroups/sample-rg/"
      "providers/"
      "microsoft.compute/virtualmachines/sample-vm";
  ASSERT_NE(FindEvidence(mdc, vm), nullptr);
  EXPECT_EQ(FindEvidence(mdc, vm)->role, EvidenceRole::kImpacted);
  EXPECT_EQ(mdc.evidence.size(), 5u);

  const Alert& mde = in.alerts[2];
  EXPECT_EQ(mde.tactics, std::vector<std::string>{"Persistence"});
  EXPECT_EQ(mde.techniques, (std::vector<std::string>{"T1546", "T1546.003"}));
  const std::string device = "device:mde:335b3ef544f5d3690b6c75c776dc3e52bb3485c4";
  const std::string process =
      "process:" + device + ":9112:c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe";
  EXPECT_EQ(EntityKeys(mde),
            (std::set<std::string>{
                device, process, "user:sid:S-1-5-21-2144799004-2815524614-4183675894-1001",
                "file:sha256:0ff6f2c94bc7e2833a5f7e16de1622e5dba70396f31c7d5f56381870317e8c46"}));
  EXPECT_TRUE(HasRelation(mde, process, "runs_on", device));

  const Alert& rule = in.alerts[3];
  EXPECT_EQ(rule.severity, Severity::kLow);
  EXPECT_EQ(rule.tactics, (std::vector<std::string>{"CredentialAccess", "InitialAccess"}));
  EXPECT_EQ(rule.techniques, std::vector<std::string>{"T1078"});
  EXPECT_EQ(EntityKeys(rule), (std::set<std::string>{"user:alice@contoso.com", "ip:203.0.113.77"}));
  EXPECT_EQ(rule.cloud, Cloud::kUnknown);
}

TEST(MicrosoftSentinelTest, TenantMapCanRemapAWorkspaceTenantId) {
  ImportOptions o = AllSeverities();
  o.tenants.Add("cfcdbe43-297b-4c6b-ac7e-8d7f6befb514", "contoso");
  Imported in = Import(kRows, o);
  ASSERT_EQ(in.alerts.size(), 4u);
  EXPECT_EQ(in.alerts[3].tenant, "contoso");
  EXPECT_EQ(in.alerts[0].tenant, "ebac1a16-81bf-449b-8d43-5732c3c1d999");
}

TEST(MicrosoftSentinelTest, RowWithoutSeverityIsRejected) {
  Imported in = ImportText(
      R"({"TenantId":"t1","SystemAlertId":"s1","AlertName":"x","ProductName":"Azure Sentinel","StartTime":"2024-01-01T00:00:00Z"})");
  EXPECT_TRUE(in.alerts.empty());
  ASSERT_EQ(in.rejects.size(), 1u);
  EXPECT_EQ(in.rejects[0].reason, "missing required field 'AlertSeverity'");
}

}  // namespace
}  // namespace weft::ms_test
