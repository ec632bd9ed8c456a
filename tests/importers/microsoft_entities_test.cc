// The shared Microsoft entity-graph helper (importers/internal/mdc_entities.h).

#include <gtest/gtest.h>

#include "importers/internal/fast_json.h"
#include "importers/internal/mdc_entities.h"

namespace weft::importers {
namespace {

TEST(MicrosoftEntitiesTest, RefResolvesToTheLatestDefinitionOfARepeatedId) {
  const JsonDocument entities = ParseJson(R"([
    {"$id":"5","Address":"198.51.100.7","Type":"ip"},
    {"$id":"5","HostName":"web01","DnsDomain":"corp.example","Type":"host"},
    {"$id":"6","ProcessId":"0x10","CommandLine":"x.exe","Host":{"$ref":"5"},"Type":"process"},
    {"$ref":"6"}
  ])");
  EntityGraph g = ConvertMdcEntities(entities.root(), "test");
  ASSERT_EQ(g.evidence.size(), 3u);
  EXPECT_EQ(g.evidence[0].entity.key, "ip:198.51.100.7");
  EXPECT_EQ(g.evidence[1].entity.key, "device:fqdn:web01.corp.example");
  EXPECT_EQ(g.evidence[1].entity.FindAlias("fqdn")->value, "web01.corp.example");
  EXPECT_EQ(g.evidence[2].entity.key, "process:device:fqdn:web01.corp.example:16:x.exe");
  ASSERT_EQ(g.relations.size(), 1u);
  EXPECT_EQ(g.relations[0].relation, "runs_on");
  EXPECT_EQ(g.relations[0].to, "device:fqdn:web01.corp.example");
}

TEST(MicrosoftEntitiesTest, ForwardRefResolvesToTheFirstLaterDefinition) {
  const JsonDocument entities = ParseJson(R"([
    {"name":"evil.exe","type":"malware","files":[{"$ref":"9"}]},
    {"$id":"9","name":"evil.exe","fileHashes":[{"$id":"10","algorithm":"SHA256","value":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1","type":"filehash"}],"type":"file"}
  ])");
  EntityGraph g = ConvertMdcEntities(entities.root(), "test");
  ASSERT_EQ(g.evidence.size(), 3u);
  EXPECT_EQ(g.evidence[0].entity.key, "generic:malware:evil.exe");
  EXPECT_EQ(g.evidence[1].entity.key,
            "file:sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1");
  EXPECT_EQ(g.evidence[2].entity.key, g.evidence[1].entity.key);  // the inline filehash itself
}

TEST(MicrosoftEntitiesTest, BuiltInAccountsAreNotIdentities) {
  UserIds system;
  system.sid = "S-1-5-18";
  system.account_name = "SYSTEM";
  system.domain = "NT AUTHORITY";
  EXPECT_FALSE(MakeMsUser(system, "test").has_value());
  UserIds admin;
  admin.account_name = "Administrator";
  EXPECT_FALSE(MakeMsUser(admin, "test").has_value());
  admin.domain = "WEB01";
  ASSERT_TRUE(MakeMsUser(admin, "test").has_value());
  EXPECT_EQ(MakeMsUser(admin, "test")->key, "user:name:web01\\administrator");
  UserIds placeholder_sid;
  placeholder_sid.sid = "S-0-0-00";
  EXPECT_FALSE(MakeMsUser(placeholder_sid, "test").has_value());
}

TEST(MicrosoftEntitiesTest, ConnectorScopedIdsNameTheirCloud) {
  EXPECT_EQ(
      CloudOfMsResourceId(
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Security/securityConnectors/c/"
          "securityentitydata/aws-ec2-instance-i-0abc-eu-west-2"),
      Cloud::kAws);
  EXPECT_EQ(CloudOfMsResourceId(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v"),
            Cloud::kAzure);
  std::optional<Entity> r = MakeMsResource(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Security/securityConnectors/c/"
      "securityentitydata/"
      "aws-ec2-instance-i-0abc-eu-west-2",
      "", "test");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->cloud, Cloud::kAws);
  EXPECT_EQ(r->key.rfind("cloud:aws:/subscriptions/s/", 0), 0u);
}

TEST(MicrosoftEntitiesTest, TechniquesTacticsAndPaths) {
  EXPECT_EQ(
      ExtractTechniqueIds(R"x(["Masquerading (T1036)","PowerShell (T1059.001)","T1566.003"])x"),
      (std::vector<std::string>{"T1036", "T1059.001", "T1566.003"}));
  EXPECT_TRUE(ExtractTechniqueIds("AT10366 T123 XT1036").empty());
  EXPECT_EQ(NormalizeTactic("Command and Control"), "CommandAndControl");
  EXPECT_EQ(NormalizeTactic("Unknown"), "");
  EXPECT_EQ(NormalizeTactic("Malware"), "");
  EXPECT_EQ(JoinPath("C:\\Windows", "notepad.exe"), "C:\\Windows\\notepad.exe");
  EXPECT_EQ(JoinPath("C:\\Windows\\notepad.exe", "notepad.exe"), "C:\\Windows\\notepad.exe");
  EXPECT_EQ(JoinPath("/usr/bin/", "php"), "/usr/bin/php");
  EXPECT_EQ(SubscriptionOf("/SUBSCRIPTIONS/0F907EA4-bc8b/resourceGroups/x"), "0f907ea4-bc8b");
}

}  // namespace
}  // namespace weft::importers
