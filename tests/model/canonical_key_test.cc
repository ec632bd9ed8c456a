// "kind:value" entity keys (model/canonical.h): every kind's key normalized, builders' keys read
// back into entities, and malformed keys rejected (the other canonical rules: canonical_test.cc).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/canonical.h"
#include "model/entity.h"
#include "tests/model/canonical_test_util.h"

// The tests build DeviceIds/UserIds with designated initializers naming only the ids a case
// needs; the other fields are meant to keep their (empty) defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace weft {
namespace {

using ::weft::testing::AliasStrings;

// ---- "kind:value" round trips -----------------------------------------------------------------

TEST(CanonicalTest, NormalizeEntityKeyForEveryKind) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"ip:010.001.002.003", "ip:10.1.2.3"},
      {"IP:2001:0DB8::0001", "ip:2001:db8::1"},
      {"ip:::ffff:1.2.3.4", "ip:1.2.3.4"},
      {"device:mde:ABC123", "device:mde:abc123"},
      {"device:azure:/SUBSCRIPTIONS/ABC/resourceGroups/RG/providers/Microsoft.Compute/"
       "virtualMachines/VM1",
       "device:azure:/subscriptions/abc/resourcegroups/rg/providers/microsoft.compute/"
       "virtualmachines/vm1"},
      {"device:vmid:{6F9619FF-8B86-D011-B42D-00C04FC964FF}",
       "device:vmid:6f9619ff-8b86-d011-b42d-00c04fc964ff"},
      {"device:aws:i-bfcffe88", "device:aws:i-bfcffe88"},
      {"device:gcp://compute.googleapis.com/projects/p/zones/z/instances/i",
       "device:gcp://compute.googleapis.com/projects/p/zones/z/instances/i"},
      {"device:aad:11111111-2222-3333-4444-55555555555A",
       "device:aad:11111111-2222-3333-4444-55555555555a"},
      {"device:oms:11111111-2222-3333-4444-55555555555A",
       "device:oms:11111111-2222-3333-4444-55555555555a"},
      {"device:guide:98800", "device:guide:98800"},
      {"device:host:WEB01", "device:host:web01"},
      {"device:fqdn:WEB01.contoso.com", "device:fqdn:web01.contoso.com"},
      {"device:WEB01", "device:host:web01"},
      {"host:WEB01", "device:host:web01"},
      {"device:HOST:web01", "device:host:web01"},
      {"user:Alice@Contoso.com", "user:alice@contoso.com"},
      {"user:upn:Alice@Contoso.com", "user:alice@contoso.com"},
      {"user:sid:s-1-5-21-1-2-3-1001", "user:sid:S-1-5-21-1-2-3-1001"},
      {"user:SID:s-1-5-21-1-2-3-1001", "user:sid:S-1-5-21-1-2-3-1001"},
      {"user:oid:6F9619FF-8B86-D011-B42D-00C04FC964FF",
       "user:oid:6f9619ff-8b86-d011-b42d-00c04fc964ff"},
      {"user:aws:arn:aws:iam::111111111111:root", "user:aws:arn:aws:iam::111111111111:root"},
      {"user:gcp:SA@p.iam.gserviceaccount.com", "user:gcp:sa@p.iam.gserviceaccount.com"},
      {"user:name:CONTOSO\\Alice", "user:name:contoso\\alice"},
      {"user:alice", "user:name:alice"},
      {"account:guide:441377", "user:guide:441377"},
      {"file:sha256:" + std::string(64, 'A'), "file:sha256:" + std::string(64, 'a')},
      {"file:sha1:" + std::string(40, 'B'), "file:sha1:" + std::string(40, 'b')},
      {"file:md5:" + std::string(32, 'C'), "file:md5:" + std::string(32, 'c')},
      {"file:SHA256:" + std::string(64, 'A'), "file:sha256:" + std::string(64, 'a')},
      {"file:" + std::string(64, 'A'), "file:sha256:" + std::string(64, 'a')},
      {"file:name:EICAR.com", "file:name:eicar.com"},
      {"file:EICAR.com", "file:name:eicar.com"},
      {"process:device:mde:abc:4321:cmd.exe", "process:device:mde:abc:4321:cmd.exe"},
      {"url:HTTPS://Example.com:443/A#x", "url:https://example.com/A"},
      {"domain:Example.COM.", "domain:example.com"},
      {"mailbox:Bob@Contoso.com", "mailbox:bob@contoso.com"},
      {"mail:ABC-123", "mail:abc-123"},
      {"cloud:azure:/SUBSCRIPTIONS/X/resourceGroups/RG",
       "cloud:azure:/subscriptions/x/resourcegroups/rg"},
      {"cloud:/subscriptions/X/resourceGroups/RG",
       "cloud:azure:/subscriptions/x/resourcegroups/rg"},
      {"cloud:aws:arn:aws:s3:::bucketName", "cloud:aws:arn:aws:s3:::bucketName"},
      {"cloud:arn:aws:s3:::bucketName", "cloud:aws:arn:aws:s3:::bucketName"},
      {"cloud:gcp://storage.googleapis.com/projects/_/buckets/b",
       "cloud:gcp://storage.googleapis.com/projects/_/buckets/b"},
      {"cloud:other:custom/Thing", "cloud:other:custom/Thing"},
      // A compute instance typed as a cloud resource is a device.
      {"cloud:aws:arn:aws:ec2:us-west-2:123456789000:instance/i-99999999", "device:aws:i-99999999"},
      {"app:00000003-0000-0000-C000-000000000000", "app:00000003-0000-0000-c000-000000000000"},
      {"app:name:Office 365", "app:name:office 365"},
      {"registry:HKCU\\Software\\X:Val", "registry:hkcu\\software\\x:val"},
      {"generic:Container:Nginx", "generic:container:Nginx"},
      {"generic:thing", "generic:thing"},
  };
  for (const Case& c : cases) {
    Result<std::string> key = NormalizeEntityKey(c.in);
    ASSERT_TRUE(key.ok()) << c.in << ": " << key.status().ToString();
    EXPECT_EQ(*key, c.out) << c.in;
    // Canonical keys are fixed points.
    Result<std::string> again = NormalizeEntityKey(*key);
    ASSERT_TRUE(again.ok()) << *key;
    EXPECT_EQ(*again, *key);
  }
}

TEST(CanonicalTest, BuilderKeysRoundTripThroughMakeFromKey) {
  std::vector<Entity> built;
  for (auto e : {MakeIp("fe80::1", ""),
                 MakeDevice({.mde_device_id = "abc"}, ""),
                 MakeDevice({.hostname = "web01"}, ""),
                 MakeDevice({.fqdn = "web01.contoso.com"}, ""),
                 MakeCloudResource("arn:aws:ec2:us-west-2:123456789000:instance/i-99999999",
                                   Cloud::kUnknown, "", ""),
                 MakeUser({.upn = "a@b.c"}, ""),
                 MakeUser({.sid = "S-1-5-18"}, ""),
                 MakeUser({.account_name = "alice", .domain = "contoso"}, ""),
                 MakeFile("", std::string(40, 'e'), "", "", ""),
                 MakeFile("", "", "", "a.exe", ""),
                 MakeProcess("device:mde:abc", "1", "cmd.exe", ""),
                 MakeUrl("https://a.b/c?d", ""),
                 MakeDomain("a.b", ""),
                 MakeMailbox("a@b.c", ""),
                 MakeMailMessage("m-1", ""),
                 MakeCloudResource("arn:aws:s3:::bucketName", Cloud::kUnknown, "", ""),
                 MakeCloudResource("/subscriptions/x/resourceGroups/rg", Cloud::kUnknown, "", ""),
                 MakeCloudResource("//storage.googleapis.com/b", Cloud::kUnknown, "", ""),
                 MakeCloudResource("thing", Cloud::kOnPremises, "", ""),
                 MakeCloudApp("id1", "", ""),
                 MakeCloudApp("", "App", ""),
                 MakeRegistry("HKLM\\X", "v", ""),
                 MakeGeneric("t", "v", "")}) {
    ASSERT_TRUE(e);
    built.push_back(*e);
  }
  for (const Entity& e : built) {
    Result<std::pair<EntityKind, std::string>> parts = SplitEntityKey(e.key);
    ASSERT_TRUE(parts.ok()) << e.key;
    EXPECT_EQ(parts->first, e.kind) << e.key;
    std::optional<Entity> back = MakeFromKey(parts->first, parts->second, "");
    ASSERT_TRUE(back) << e.key;
    EXPECT_EQ(back->key, e.key);
    EXPECT_EQ(back->kind, e.kind);
  }
}

TEST(CanonicalTest, MakeFromKeyRecordsSourceAndWeakness) {
  std::optional<Entity> e = MakeFromKey(EntityKind::kDevice, "host:web01", "weft");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->aliases.size(), 1u);
  EXPECT_FALSE(e->aliases[0].strong());
  EXPECT_EQ(e->aliases[0].source, "weft");
  std::optional<Entity> h = MakeFromKey(EntityKind::kFile, std::string(64, 'f'), "");
  ASSERT_TRUE(h);
  EXPECT_EQ(AliasStrings(*h), std::vector<std::string>{"sha256:" + std::string(64, 'f')});
}

TEST(CanonicalTest, SplitEntityKeyErrors) {
  Result<std::pair<EntityKind, std::string>> ok = SplitEntityKey("Machine:web01");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, EntityKind::kDevice);
  EXPECT_EQ(ok->second, "web01");

  Result<std::pair<EntityKind, std::string>> no_colon = SplitEntityKey("web01");
  ASSERT_FALSE(no_colon.ok());
  EXPECT_EQ(no_colon.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_colon.status().message(),
            "entity key 'web01' is not of the form kind:value (e.g. ip:10.1.2.3)");

  Result<std::pair<EntityKind, std::string>> empty_value = SplitEntityKey("ip:");
  ASSERT_FALSE(empty_value.ok());
  EXPECT_EQ(empty_value.status().code(), StatusCode::kInvalidArgument);

  Result<std::pair<EntityKind, std::string>> unknown = SplitEntityKey("planet:earth");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "entity key 'planet:earth' has unknown kind 'planet'");

  Result<std::string> unusable = NormalizeEntityKey("ip:0.0.0.0");
  ASSERT_FALSE(unusable.ok());
  EXPECT_EQ(unusable.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unusable.status().message(), "entity key 'ip:0.0.0.0' has no usable value");
  EXPECT_FALSE(NormalizeEntityKey("user:N/A").ok());
  EXPECT_FALSE(NormalizeEntityKey(":x").ok());
}

}  // namespace
}  // namespace weft
