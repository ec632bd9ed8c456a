#include "model/entity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace weft {
namespace {

Alias Strong(std::string type, std::string value, std::string source = "") {
  return Alias{std::move(type), std::move(value), AliasStrength::kStrong, std::move(source)};
}
Alias Weak(std::string type, std::string value, std::string source = "") {
  return Alias{std::move(type), std::move(value), AliasStrength::kWeak, std::move(source)};
}

// "type:value", with a "~" prefix for weak aliases, in stored order.
std::vector<std::string> AliasStrings(const Entity& e) {
  std::vector<std::string> out;
  for (const Alias& a : e.aliases) out.push_back((a.strong() ? "" : "~") + a.ToString());
  return out;
}

TEST(EntityTest, AliasStringFormAndEquality) {
  const Alias a = Strong("mde", "abc", "Defender for Endpoint");
  EXPECT_EQ(a.ToString(), "mde:abc");
  EXPECT_TRUE(a.strong());
  EXPECT_FALSE(Weak("host", "web01").strong());
  EXPECT_EQ(a, Strong("mde", "abc", "another source"));  // the source is not part of identity
  EXPECT_FALSE(a == Weak("mde", "abc"));
  EXPECT_FALSE(a == Strong("mde", "abd"));
  EXPECT_FALSE(a == Strong("aad", "abc"));
  EXPECT_EQ(Alias{}.strength, AliasStrength::kStrong);  // default strength
}

TEST(EntityTest, StrongAliasKeysAreTheKeysImportersBuildFromThem) {
  Entity e;
  e.kind = EntityKind::kDevice;
  e.AddAlias(Strong("mde", "abc"));
  e.AddAlias(Weak("host", "web01"));
  e.AddAlias(Strong("vmid", "1f2e"));
  EXPECT_EQ(e.StrongAliasKeys(), (std::vector<std::string>{"device:mde:abc", "device:vmid:1f2e"}));
  EXPECT_TRUE(Entity{}.StrongAliasKeys().empty());
}

TEST(EntityTest, AddAliasIgnoresDuplicates) {
  Entity e;
  e.AddAlias(Strong("mde", "abc"));
  e.AddAlias(Strong("mde", "abc"));
  e.AddAlias(Weak("host", "web01"));
  e.AddAlias(Weak("host", "web01"));
  EXPECT_EQ(AliasStrings(e), (std::vector<std::string>{"mde:abc", "~host:web01"}));
}

TEST(EntityTest, AddAliasKeepsStrongBeforeWeakInInsertionOrder) {
  Entity e;
  e.AddAlias(Weak("host", "web01"));
  e.AddAlias(Weak("fqdn", "web01.contoso.com"));
  e.AddAlias(Strong("vmid", "1"));
  e.AddAlias(Strong("aad", "2"));
  e.AddAlias(Weak("name", "x"));
  e.AddAlias(Strong("mde", "3"));
  EXPECT_EQ(AliasStrings(e), (std::vector<std::string>{"vmid:1", "aad:2", "mde:3", "~host:web01",
                                                       "~fqdn:web01.contoso.com", "~name:x"}));
}

// AddAlias against what it did before it stopped sorting: append or upgrade, then a stable sort
// putting strong aliases first. Random sequences over a few identifiers (so duplicates and
// upgrades happen), each from aliases filled in directly, partitioned or not.
TEST(EntityTest, AddAliasOrdersAsAStableSortAfterEachAdd) {
  auto reference = [](std::vector<Alias>& aliases, Alias alias) {
    bool found = false;
    for (Alias& a : aliases) {
      if (a.type == alias.type && a.value == alias.value) {
        if (alias.strong()) a.strength = AliasStrength::kStrong;
        if (a.source.empty()) a.source = alias.source;
        found = true;
        break;
      }
    }
    if (!found) aliases.push_back(alias);
    std::stable_sort(aliases.begin(), aliases.end(),
                     [](const Alias& x, const Alias& y) { return x.strong() && !y.strong(); });
  };
  std::mt19937 rng(7);
  for (int run = 0; run < 500; ++run) {
    Entity e;
    std::vector<Alias> expected;
    for (int i = 0; i < static_cast<int>(rng() % 3); ++i) {  // filled in directly, any order
      Alias a{"t" + std::to_string(rng() % 4), std::to_string(rng() % 3),
              rng() % 2 ? AliasStrength::kStrong : AliasStrength::kWeak, ""};
      e.aliases.push_back(a);
      expected.push_back(a);
    }
    for (int i = 0; i < 12; ++i) {
      Alias a{"t" + std::to_string(rng() % 4), std::to_string(rng() % 3),
              rng() % 2 ? AliasStrength::kStrong : AliasStrength::kWeak, "s" + std::to_string(i)};
      reference(expected, a);
      e.AddAlias(a);
      ASSERT_EQ(e.aliases.size(), expected.size()) << "run " << run << " add " << i;
      for (std::size_t k = 0; k < expected.size(); ++k) {
        EXPECT_EQ(e.aliases[k], expected[k]) << "run " << run << " add " << i << " at " << k;
        EXPECT_EQ(e.aliases[k].strength, expected[k].strength) << "run " << run << " at " << k;
        EXPECT_EQ(e.aliases[k].source, expected[k].source) << "run " << run << " at " << k;
      }
    }
  }
}

TEST(EntityTest, StrongWinsOverWeakForTheSameIdentifier) {
  Entity e;
  e.AddAlias(Weak("host", "web01"));
  e.AddAlias(Strong("host", "web01"));
  EXPECT_EQ(AliasStrings(e), std::vector<std::string>{"host:web01"});
  // A later weak sighting does not weaken it.
  e.AddAlias(Weak("host", "web01"));
  EXPECT_EQ(AliasStrings(e), std::vector<std::string>{"host:web01"});
}

TEST(EntityTest, UpgradedAliasMovesAheadOfWeakOnes) {
  Entity e;
  e.AddAlias(Weak("fqdn", "web01.contoso.com"));
  e.AddAlias(Weak("host", "web01"));
  e.AddAlias(Strong("host", "web01"));
  EXPECT_EQ(AliasStrings(e), (std::vector<std::string>{"host:web01", "~fqdn:web01.contoso.com"}));
}

TEST(EntityTest, AddAliasFillsMissingSourceOnly) {
  Entity e;
  e.AddAlias(Strong("mde", "abc"));
  e.AddAlias(Strong("mde", "abc", "Defender for Endpoint"));
  ASSERT_EQ(e.aliases.size(), 1u);
  EXPECT_EQ(e.aliases[0].source, "Defender for Endpoint");
  e.AddAlias(Strong("mde", "abc", "Defender XDR"));
  EXPECT_EQ(e.aliases[0].source, "Defender for Endpoint");  // the first teacher stays
}

TEST(EntityTest, FindAliasReturnsFirstOfType) {
  Entity e;
  e.AddAlias(Weak("host", "web01"));
  e.AddAlias(Strong("mde", "abc"));
  e.AddAlias(Strong("mde", "def"));
  const Alias* mde = e.FindAlias("mde");
  ASSERT_NE(mde, nullptr);
  EXPECT_EQ(mde->value, "abc");
  const Alias* host = e.FindAlias("host");
  ASSERT_NE(host, nullptr);
  EXPECT_FALSE(host->strong());
  EXPECT_EQ(e.FindAlias("aad"), nullptr);
}

TEST(EntityTest, MergeFromCombinesWithExistingValuesWinning) {
  Entity a;
  a.kind = EntityKind::kDevice;
  a.key = "device:mde:abc";
  a.AddAlias(Strong("mde", "abc"));
  a.AddAlias(Weak("host", "web01"));
  a.properties["region"] = "eastus";
  a.tags = {"crown-jewel"};

  Entity b;
  b.kind = EntityKind::kDevice;
  b.key =
      "device:azure:/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/"
      "web01";
  b.display_name = "web01";
  b.cloud = Cloud::kAzure;
  b.AddAlias(Strong(
      "azure",
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/web01"));
  b.AddAlias(Strong("host", "web01"));
  b.properties["region"] = "westus";
  b.properties["subscription"] = "s";
  b.tags = {"internet-exposed", "crown-jewel"};

  a.MergeFrom(b);
  EXPECT_EQ(a.key, "device:mde:abc");  // the key is not touched
  EXPECT_EQ(a.display_name, "web01");
  EXPECT_EQ(a.cloud, Cloud::kAzure);
  EXPECT_EQ(AliasStrings(a),
            (std::vector<std::string>{"mde:abc",
                                      "azure:/subscriptions/s/resourcegroups/rg/providers/"
                                      "microsoft.compute/virtualmachines/web01",
                                      "host:web01"}));
  EXPECT_EQ(a.properties.at("region"), "eastus");
  EXPECT_EQ(a.properties.at("subscription"), "s");
  EXPECT_EQ(a.tags, (std::vector<std::string>{"crown-jewel", "internet-exposed"}));

  // Display name and cloud already set are kept.
  Entity c;
  c.display_name = "other";
  c.cloud = Cloud::kAws;
  a.MergeFrom(c);
  EXPECT_EQ(a.display_name, "web01");
  EXPECT_EQ(a.cloud, Cloud::kAzure);
}

TEST(EntityTest, MergeFromIsIdempotent) {
  Entity a;
  a.AddAlias(Strong("sid", "S-1-5-18"));
  a.tags = {"t"};
  Entity b = a;
  a.MergeFrom(b);
  a.MergeFrom(b);
  EXPECT_EQ(AliasStrings(a), std::vector<std::string>{"sid:S-1-5-18"});
  EXPECT_EQ(a.tags, std::vector<std::string>{"t"});
}

TEST(EntityTest, EntityKindNamesRoundTrip) {
  const std::vector<std::string> expected = {"device", "user",     "ip",      "file", "process",
                                             "url",    "domain",   "mailbox", "mail", "cloud",
                                             "app",    "registry", "generic"};
  std::vector<std::string> names;
  for (EntityKind k : kAllEntityKinds) {
    names.emplace_back(EntityKindName(k));
    EXPECT_EQ(ParseEntityKind(EntityKindName(k)), k);
    EXPECT_EQ(ParseEntityKind(" " + std::string(EntityKindName(k)) + " "), k);
  }
  EXPECT_EQ(names, expected);
}

TEST(EntityTest, ParseEntityKindAcceptsSynonymsInAnyCase) {
  EXPECT_EQ(ParseEntityKind("Host"), EntityKind::kDevice);
  EXPECT_EQ(ParseEntityKind("MACHINE"), EntityKind::kDevice);
  EXPECT_EQ(ParseEntityKind("vm"), EntityKind::kDevice);
  EXPECT_EQ(ParseEntityKind("Account"), EntityKind::kUser);
  EXPECT_EQ(ParseEntityKind("address"), EntityKind::kIp);
  EXPECT_EQ(ParseEntityKind("FileHash"), EntityKind::kFile);
  EXPECT_EQ(ParseEntityKind("dns"), EntityKind::kDomain);
  EXPECT_EQ(ParseEntityKind("MailMessage"), EntityKind::kMailMessage);
  EXPECT_EQ(ParseEntityKind("mail_message"), EntityKind::kMailMessage);
  EXPECT_EQ(ParseEntityKind("azure-resource"), EntityKind::kCloudResource);
  EXPECT_EQ(ParseEntityKind("cloud_resource"), EntityKind::kCloudResource);
  EXPECT_EQ(ParseEntityKind("resource"), EntityKind::kCloudResource);
  EXPECT_EQ(ParseEntityKind("CloudApplication"), EntityKind::kCloudApp);
  EXPECT_EQ(ParseEntityKind("cloud_app"), EntityKind::kCloudApp);
  EXPECT_EQ(ParseEntityKind("registry-key"), EntityKind::kRegistry);
  EXPECT_EQ(ParseEntityKind("registry-value"), EntityKind::kRegistry);
  EXPECT_EQ(ParseEntityKind("planet"), std::nullopt);
  EXPECT_EQ(ParseEntityKind(""), std::nullopt);
}

TEST(EntityTest, CloudNamesRoundTrip) {
  for (Cloud c : {Cloud::kUnknown, Cloud::kAzure, Cloud::kAws, Cloud::kGcp, Cloud::kOnPremises}) {
    EXPECT_EQ(ParseCloud(CloudName(c)), c) << CloudName(c);
  }
  EXPECT_EQ(CloudName(Cloud::kOnPremises), "on-premises");
  EXPECT_EQ(ParseCloud("Microsoft"), Cloud::kAzure);
  EXPECT_EQ(ParseCloud("Amazon"), Cloud::kAws);
  EXPECT_EQ(ParseCloud("GOOGLE"), Cloud::kGcp);
  EXPECT_EQ(ParseCloud("on-prem"), Cloud::kOnPremises);
  EXPECT_EQ(ParseCloud(""), Cloud::kUnknown);
  EXPECT_EQ(ParseCloud("oracle"), std::nullopt);
}

}  // namespace
}  // namespace weft
