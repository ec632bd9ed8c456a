#include "model/canonical.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/entity.h"
#include "tests/model/canonical_test_util.h"

// The tests build DeviceIds/UserIds with designated initializers naming only the ids a case
// needs; the other fields are meant to keep their (empty) defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace weft {
namespace {

using ::weft::testing::AliasStrings;
using ::weft::testing::KeyOf;
using ::weft::testing::kSubscription;

// Identifiers below come from the real samples in /work/shared/data where the samples have them
// (Defender for Cloud subscription, GuardDuty ARNs and instance ids, SCC resource names, SIDs).

// ---- placeholders ------------------------------------------------------------------------------

// Canonical keys fold ASCII case only: UTF-8 bytes (a German or Japanese host or user name) pass
// through unchanged, so a key is the same whatever the process locale.
TEST(CanonicalTest, CaseFoldingIsAsciiOnly) {
  EXPECT_EQ(ToLower("AZURE/SUBSCRIPTIONS/Ab-9_Z"), "azure/subscriptions/ab-9_z");
  EXPECT_EQ(ToUpper("vm1-@[`{"), "VM1-@[`{");
  EXPECT_EQ(ToLower("M\xc3\x9cLLER-PC"), "m\xc3\x9cller-pc");  // "MÜLLER-PC"
  EXPECT_EQ(ToUpper("\xe6\x9d\xb1\xe4\xba\xac-dc"), "\xe6\x9d\xb1\xe4\xba\xac-DC");
}

TEST(CanonicalTest, PlaceholdersAreRecognised) {
  for (const char* p : {"", "  ", "-", "N/A", "n/a", "null", "NULL", "None", "unknown", "0",
                        "0.0.0.0", "00.00.00.00", "::", "00000000-0000-0000-0000-000000000000",
                        "{00000000-0000-0000-0000-000000000000}", "(null)", "\"\"", "[]", "{}"}) {
    EXPECT_TRUE(IsPlaceholder(p)) << "'" << p << "'";
  }
  for (const char* v :
       {"web01", "10.0.0.1", "i-bfcffe88", "00000000-0000-0000-0000-000000000001", "S-1-5-18"}) {
    EXPECT_FALSE(IsPlaceholder(v)) << v;
  }
}

TEST(CanonicalTest, BuildersRejectPlaceholders) {
  for (const char* p :
       {"", "N/A", "0.0.0.0", "00.00.00.00", "00000000-0000-0000-0000-000000000000", "null", "-"}) {
    EXPECT_FALSE(MakeIp(p, "")) << p;
    EXPECT_FALSE(MakeDevice({.mde_device_id = p, .azure_vm_id = p, .hostname = p}, "")) << p;
    EXPECT_FALSE(MakeUser({.aad_object_id = p, .sid = p, .upn = p, .account_name = p}, "")) << p;
    EXPECT_FALSE(MakeFile(p, p, p, p, "")) << p;
    EXPECT_FALSE(MakeUrl(p, "")) << p;
    EXPECT_FALSE(MakeDomain(p, "")) << p;
    EXPECT_FALSE(MakeMailbox(p, "")) << p;
    EXPECT_FALSE(MakeMailMessage(p, "")) << p;
    EXPECT_FALSE(MakeCloudResource(p, Cloud::kUnknown, "", "")) << p;
    EXPECT_FALSE(MakeCloudApp(p, p, "")) << p;
    EXPECT_FALSE(MakeRegistry(p, "", "")) << p;
    EXPECT_FALSE(MakeGeneric("x", p, "")) << p;
    EXPECT_FALSE(MakeProcess("", p, p, "")) << p;
  }
}

TEST(CanonicalTest, AllZeroSubscriptionIsNotACloudResource) {
  EXPECT_FALSE(NormalizeAzureResourceId("/subscriptions/00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(MakeCloudResource("/subscriptions/00000000-0000-0000-0000-000000000000",
                                 Cloud::kUnknown, "", ""));
  EXPECT_FALSE(MakeCloudResource("/subscriptions/", Cloud::kUnknown, "", ""));
}

// ---- IP addresses ------------------------------------------------------------------------------

TEST(CanonicalTest, Ipv4LeadingZerosAreDropped) {
  EXPECT_EQ(NormalizeIp("010.001.002.003"), "10.1.2.3");
  EXPECT_EQ(NormalizeIp(" 192.168.000.001 "), "192.168.0.1");
  EXPECT_EQ(NormalizeIp("8.8.8.8"), "8.8.8.8");
  EXPECT_EQ(NormalizeIp("255.0.09.100"), "255.0.9.100");  // one, two and three digits
  EXPECT_EQ(NormalizeIp("0.0.0.1"), "0.0.0.1");
  for (const char* bad : {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.0001", "1..2.3", "a.b.c.d",
                          "1.2.3.4 x", "0.0.0.0", "000.000.000.000"}) {
    EXPECT_EQ(NormalizeIp(bad), std::nullopt) << bad;
  }
}

TEST(CanonicalTest, Ipv6IsRfc5952) {
  EXPECT_EQ(NormalizeIp("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(NormalizeIp("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");     // first longest run
  EXPECT_EQ(NormalizeIp("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // one 0 stays
  EXPECT_EQ(NormalizeIp("FE80::2F21:C88A:D280:D1DD"), "fe80::2f21:c88a:d280:d1dd");
  EXPECT_EQ(NormalizeIp("[2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(NormalizeIp("fe80::1%eth0"), "fe80::1");
  EXPECT_EQ(NormalizeIp("::"), std::nullopt);
  EXPECT_EQ(NormalizeIp("0:0:0:0:0:0:0:0"), std::nullopt);
  EXPECT_EQ(NormalizeIp("2001:db8:::1"), std::nullopt);
}

TEST(CanonicalTest, Ipv4MappedIpv6BecomesIpv4) {
  EXPECT_EQ(NormalizeIp("::ffff:1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(NormalizeIp("::FFFF:0102:0304"), "1.2.3.4");
  EXPECT_EQ(NormalizeIp("::ffff:255.0.10.199"), "255.0.10.199");
  EXPECT_EQ(KeyOf(MakeIp("::ffff:10.0.0.5", "")), "ip:10.0.0.5");
}

TEST(CanonicalTest, PrivateIpGetsScopeProperty) {
  for (const char* ip :
       {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "169.254.169.254",
        "100.64.0.1", "::1", "fe80::1", "febf::1", "fd00::1", "fc00::1"}) {
    std::optional<Entity> e = MakeIp(ip, "");
    ASSERT_TRUE(e) << ip;
    EXPECT_EQ(e->properties.count("scope"), 1u) << ip;
    EXPECT_EQ(e->properties["scope"], "private") << ip;
  }
  for (const char* ip : {"8.8.8.8", "172.15.0.1", "172.32.0.1", "192.169.0.1", "100.128.0.1",
                         "2001:db8::1", "fec0::1", "fe7f::1", "fc::1", "fe8::1"}) {
    std::optional<Entity> e = MakeIp(ip, "");
    ASSERT_TRUE(e) << ip;
    EXPECT_TRUE(e->properties.empty()) << ip;
  }
}

TEST(CanonicalTest, IsPrivateIpTakesOnlyACanonicalAddress) {
  EXPECT_TRUE(IsPrivateIp("10.0.0.1"));
  EXPECT_TRUE(IsPrivateIp("010.000.000.001"));  // the one parser NormalizeIp uses
  for (const char* text : {"10.0.0.1/24", " 10.0.0.1", "10.0.0", "10.0.0.1.5", "10.0.0.256", ""}) {
    EXPECT_FALSE(IsPrivateIp(text)) << text;
  }
}

TEST(CanonicalTest, EqualsIgnoringCaseFoldsAsciiOnly) {
  EXPECT_TRUE(EqualsIgnoringCase("GuardDuty", "guardDUTY"));
  EXPECT_TRUE(EqualsIgnoringCase("", ""));
  EXPECT_FALSE(EqualsIgnoringCase("guard", "guardduty"));
  EXPECT_FALSE(EqualsIgnoringCase("a-b", "a_b"));
  EXPECT_FALSE(EqualsIgnoringCase("\xc3\x89", "\xc3\xa9"));  // É and é: UTF-8 bytes are kept
}

TEST(CanonicalTest, MakeIpKeyAndDisplayName) {
  std::optional<Entity> e = MakeIp("010.001.002.003", "GuardDuty");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EntityKind::kIp);
  EXPECT_EQ(e->key, "ip:10.1.2.3");
  EXPECT_EQ(e->display_name, "10.1.2.3");
  EXPECT_TRUE(e->aliases.empty());
  EXPECT_EQ(e->cloud, Cloud::kUnknown);
}

// ---- identifier normalizers -------------------------------------------------------------------

TEST(CanonicalTest, GuidsAreLowerCaseWithoutBraces) {
  EXPECT_EQ(NormalizeGuid("{6F9619FF-8B86-D011-B42D-00C04FC964FF}"),
            "6f9619ff-8b86-d011-b42d-00c04fc964ff");
  EXPECT_EQ(NormalizeGuid(" 6f9619ff-8b86-d011-b42d-00c04fc964ff "),
            "6f9619ff-8b86-d011-b42d-00c04fc964ff");
  EXPECT_EQ(NormalizeGuid("00000000-0000-0000-0000-000000000000"), std::nullopt);
  EXPECT_EQ(NormalizeGuid("6f9619ff8b86d011b42d00c04fc964ff"), std::nullopt);
  EXPECT_EQ(NormalizeGuid("6f9619ff-8b86-d011-b42d-00c04fc964fg"), std::nullopt);
}

TEST(CanonicalTest, SidsAreUpperCase) {
  EXPECT_EQ(NormalizeSid("s-1-5-21-111111111-222222222-333333333-44444"),
            "S-1-5-21-111111111-222222222-333333333-44444");
  EXPECT_EQ(NormalizeSid("S-1-5-18"), "S-1-5-18");
  EXPECT_EQ(NormalizeSid("S-1"), std::nullopt);
  EXPECT_EQ(NormalizeSid("S-1-5-X"), std::nullopt);
  EXPECT_EQ(NormalizeSid("alice"), std::nullopt);
}

TEST(CanonicalTest, UpnsAreLowerCase) {
  EXPECT_EQ(NormalizeUpn(" Jane.Doe@Example.ORG "), "jane.doe@example.org");
  EXPECT_EQ(NormalizeUpn("alice"), std::nullopt);
  EXPECT_EQ(NormalizeUpn("@contoso.com"), std::nullopt);
  EXPECT_EQ(NormalizeUpn("alice@"), std::nullopt);
}

TEST(CanonicalTest, HostnamesAreLowerCaseWithoutTrailingDot) {
  EXPECT_EQ(NormalizeHostname("WEB01.Contoso.com."), "web01.contoso.com");
  EXPECT_EQ(NormalizeHostname("localhost"), std::nullopt);
  EXPECT_EQ(NormalizeHostname("LOCALHOST."), std::nullopt);
  EXPECT_EQ(NormalizeHostname("localhost.localdomain"), std::nullopt);
  EXPECT_EQ(NormalizeHostname(std::string(256, 'a')), std::nullopt);
}

TEST(CanonicalTest, UrlsNormalizeSchemeHostPortAndFragment) {
  EXPECT_EQ(NormalizeUrl("HTTP://Example.COM:80/Path/To?Q=1#frag"),
            "http://example.com/Path/To?Q=1");
  EXPECT_EQ(NormalizeUrl("https://Example.com:443/"), "https://example.com");
  EXPECT_EQ(NormalizeUrl("https://example.com:8443/a"), "https://example.com:8443/a");
  EXPECT_EQ(NormalizeUrl("http://example.com:443/a"), "http://example.com:443/a");
  EXPECT_EQ(NormalizeUrl("https://example.com?q=1"), "https://example.com?q=1");
  EXPECT_EQ(NormalizeUrl("Evil.example.com/payload.exe"), "http://evil.example.com/payload.exe");
  EXPECT_EQ(NormalizeUrl("http:///nohost"), std::nullopt);
  EXPECT_EQ(KeyOf(MakeUrl("HTTPS://WWW.Example.com:443/Login#top", "")),
            "url:https://www.example.com/Login");
}

TEST(CanonicalTest, HashesAreLowerCaseHexOfExpectedLength) {
  const std::string sha256 = "275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F";
  EXPECT_EQ(NormalizeHash(sha256, 64),
            "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
  EXPECT_EQ(NormalizeHash(sha256, 40), std::nullopt);
  EXPECT_EQ(NormalizeHash("ABCDEF"), "abcdef");
  EXPECT_EQ(NormalizeHash("xyz"), std::nullopt);
  EXPECT_EQ(NormalizeHash(std::string(32, '0'), 32), std::nullopt);
}

TEST(CanonicalTest, CloudOfResourceIdFromShape) {
  EXPECT_EQ(CloudOfResourceId("/SUBSCRIPTIONS/abc/resourceGroups/rg"), Cloud::kAzure);
  EXPECT_EQ(CloudOfResourceId("subscriptions/abc"), Cloud::kAzure);
  EXPECT_EQ(CloudOfResourceId("arn:aws:s3:::bucketName"), Cloud::kAws);
  EXPECT_EQ(CloudOfResourceId("//storage.googleapis.com/my-bucket"), Cloud::kGcp);
  EXPECT_EQ(CloudOfResourceId("  //Compute.GoogleAPIs.com/projects/p"), Cloud::kGcp);  // any case
  EXPECT_EQ(CloudOfResourceId("ARN:aws:s3:::bucketName"), Cloud::kAws);
  EXPECT_EQ(CloudOfResourceId("//example.com/x"), Cloud::kUnknown);
  EXPECT_EQ(CloudOfResourceId("projects/test-project/zones/z/instances/i"), Cloud::kGcp);
  EXPECT_EQ(CloudOfResourceId("organizations/123"), Cloud::kGcp);
  EXPECT_EQ(CloudOfResourceId("web01"), Cloud::kUnknown);
}

// ---- devices ----------------------------------------------------------------------------------

TEST(CanonicalTest, DeviceKeyPriority) {
  DeviceIds ids;
  ids.mde_device_id = "46CC66108821B5A0F2F6F1B2C3D4E5F60718293A";
  ids.azure_resource_id =
      "/subscriptions/abc/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
  ids.azure_vm_id = "6F9619FF-8B86-D011-B42D-00C04FC964FF";
  ids.aws_instance_id = "i-bfcffe88";
  ids.gcp_resource_name = "//compute.googleapis.com/projects/p/zones/z/instances/i1";
  ids.aad_device_id = "11111111-2222-3333-4444-555555555555";
  ids.oms_agent_id = "AAAAAAAA-2222-3333-4444-555555555555";
  ids.other_id_type = "guide";
  ids.other_id = "98800";
  ids.hostname = "VM1";
  const std::vector<std::string> expected = {
      "device:mde:46cc66108821b5a0f2f6f1b2c3d4e5f60718293a",
      std::string("device:azure:/subscriptions/abc/resourcegroups/rg/providers/") +
          "microsoft.compute/virtualmachines/vm1",
      "device:vmid:6f9619ff-8b86-d011-b42d-00c04fc964ff",
      "device:aws:i-bfcffe88",
      "device:gcp://compute.googleapis.com/projects/p/zones/z/instances/i1",
      "device:aad:11111111-2222-3333-4444-555555555555",
      "device:oms:aaaaaaaa-2222-3333-4444-555555555555",
      "device:guide:98800",
      "device:host:vm1",
  };
  std::string* fields[] = {&ids.mde_device_id,   &ids.azure_resource_id, &ids.azure_vm_id,
                           &ids.aws_instance_id, &ids.gcp_resource_name, &ids.aad_device_id,
                           &ids.oms_agent_id,    &ids.other_id};
  for (size_t i = 0; i < expected.size(); ++i) {
    std::optional<Entity> e = MakeDevice(ids, "src");
    ASSERT_TRUE(e) << i;
    EXPECT_EQ(e->key, expected[i]) << i;
    EXPECT_EQ(e->display_name, "vm1");
    if (i < std::size(fields)) fields[i]->clear();  // drop the strongest for the next round
  }
}

TEST(CanonicalTest, DeviceAliasesStrongFirstThenWeak) {
  std::optional<Entity> e = MakeDevice({.mde_device_id = "ABC123",
                                        .azure_vm_id = "6F9619FF-8B86-D011-B42D-00C04FC964FF",
                                        .hostname = "Web01",
                                        .fqdn = "Web01.Contoso.com."},
                                       "Defender for Endpoint");
  ASSERT_TRUE(e);
  EXPECT_EQ(AliasStrings(*e),
            (std::vector<std::string>{"mde:abc123", "vmid:6f9619ff-8b86-d011-b42d-00c04fc964ff",
                                      "~fqdn:web01.contoso.com", "~host:web01"}));
  EXPECT_EQ(e->cloud, Cloud::kAzure);
  for (const Alias& a : e->aliases) EXPECT_EQ(a.source, "Defender for Endpoint");
}

TEST(CanonicalTest, HostnameOnlyDeviceHasOnlyWeakAliases) {
  std::optional<Entity> e = MakeDevice({.hostname = "WEB01"}, "GUIDE");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key, "device:host:web01");
  EXPECT_EQ(e->display_name, "web01");
  EXPECT_EQ(AliasStrings(*e), std::vector<std::string>{"~host:web01"});
  EXPECT_EQ(e->cloud, Cloud::kUnknown);

  // A dotted host name is an FQDN: the short name is derived, and the FQDN is the key.
  std::optional<Entity> f = MakeDevice({.hostname = "Web01.Contoso.com"}, "");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->key, "device:fqdn:web01.contoso.com");
  EXPECT_EQ(AliasStrings(*f), (std::vector<std::string>{"~fqdn:web01.contoso.com", "~host:web01"}));
  EXPECT_EQ(f->display_name, "web01");

  std::optional<Entity> g = MakeDevice({.fqdn = "db1.corp.local"}, "");
  ASSERT_TRUE(g);
  EXPECT_EQ(AliasStrings(*g), (std::vector<std::string>{"~fqdn:db1.corp.local", "~host:db1"}));
}

TEST(CanonicalTest, LocalhostIsNotADevice) {
  EXPECT_FALSE(MakeDevice({.hostname = "localhost"}, ""));
  EXPECT_FALSE(MakeDevice({.hostname = "LOCALHOST", .fqdn = "localhost.localdomain"}, ""));
  EXPECT_FALSE(MakeDevice({}, ""));
  // A real id still makes a device even when the host name is "localhost".
  std::optional<Entity> e = MakeDevice({.mde_device_id = "abc", .hostname = "localhost"}, "");
  ASSERT_TRUE(e);
  EXPECT_EQ(AliasStrings(*e), std::vector<std::string>{"mde:abc"});
}

TEST(CanonicalTest, AzureDeviceRecordsSubscription) {
  std::optional<Entity> e = MakeDevice(
      {.azure_resource_id =
           std::string("/subscriptions/") + kSubscription +
           "/resourceGroups/Sample-RG/providers/Microsoft.Compute/virtualMachines/Sample-VM"},
      "");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->properties.at("subscription"), kSubscription);
  EXPECT_EQ(e->display_name, "sample-vm");
  EXPECT_EQ(e->cloud, Cloud::kAzure);
}

// ---- users ------------------------------------------------------------------------------------

TEST(CanonicalTest, UserKeyForms) {
  EXPECT_EQ(KeyOf(MakeUser({.aad_object_id = "6F9619FF-8B86-D011-B42D-00C04FC964FF",
                            .sid = "S-1-5-21-111111111-111111111-111111111-1111",
                            .upn = "Alice@Contoso.com"},
                           "")),
            "user:alice@contoso.com");
  EXPECT_EQ(KeyOf(MakeUser({.aad_object_id = "6F9619FF-8B86-D011-B42D-00C04FC964FF",
                            .sid = "s-1-5-21-111111111-111111111-111111111-1111"},
                           "")),
            "user:oid:6f9619ff-8b86-d011-b42d-00c04fc964ff");
  EXPECT_EQ(
      KeyOf(MakeUser(
          {.sid = "s-1-5-21-111111111-111111111-111111111-1111", .account_name = "alice"}, "")),
      "user:sid:S-1-5-21-111111111-111111111-111111111-1111");
  EXPECT_EQ(KeyOf(MakeUser({.aws_principal = "arn:aws:iam::111111111111:root"}, "")),
            "user:aws:arn:aws:iam::111111111111:root");
  EXPECT_EQ(KeyOf(MakeUser({.gcp_principal = "SA@test-project.iam.gserviceaccount.com"}, "")),
            "user:gcp:sa@test-project.iam.gserviceaccount.com");
  EXPECT_EQ(KeyOf(MakeUser({.other_id_type = "guide", .other_id = "441377"}, "")),
            "user:guide:441377");
  EXPECT_EQ(KeyOf(MakeUser({.account_name = "Alice", .domain = "CONTOSO"}, "")),
            "user:name:contoso\\alice");
  EXPECT_EQ(KeyOf(MakeUser({.account_name = "CONTOSO\\Alice", .domain = "other"}, "")),
            "user:name:contoso\\alice");
  EXPECT_EQ(KeyOf(MakeUser({.account_name = "alice"}, "")), "user:name:alice");
}

TEST(CanonicalTest, UserAliasesAndCloud) {
  std::optional<Entity> e = MakeUser({.aad_object_id = "6F9619FF-8B86-D011-B42D-00C04FC964FF",
                                      .sid = "s-1-5-18",
                                      .upn = "Jane.Doe@Example.org",
                                      .account_name = "Jane.Doe",
                                      .domain = "EXAMPLE"},
                                     "Defender for Identity");
  ASSERT_TRUE(e);
  EXPECT_EQ(AliasStrings(*e),
            (std::vector<std::string>{"upn:jane.doe@example.org",
                                      "oid:6f9619ff-8b86-d011-b42d-00c04fc964ff", "sid:S-1-5-18",
                                      "~name:example\\jane.doe"}));
  EXPECT_EQ(e->display_name, "Jane.Doe");
  EXPECT_EQ(e->cloud, Cloud::kUnknown);

  std::optional<Entity> aws = MakeUser({.aws_principal = "AIDACKCEVSQ6C2EXAMPLE"}, "");
  ASSERT_TRUE(aws);
  EXPECT_EQ(aws->cloud, Cloud::kAws);
  EXPECT_EQ(aws->display_name, "AIDACKCEVSQ6C2EXAMPLE");
  std::optional<Entity> gcp = MakeUser({.gcp_principal = "john.doe@example.com"}, "");
  ASSERT_TRUE(gcp);
  EXPECT_EQ(gcp->cloud, Cloud::kGcp);
  // A name-only user has only a weak alias.
  std::optional<Entity> name = MakeUser({.account_name = "admin"}, "");
  ASSERT_TRUE(name);
  EXPECT_EQ(AliasStrings(*name), std::vector<std::string>{"~name:admin"});
}

// ---- files, processes and the rest --------------------------------------------------------------

TEST(CanonicalTest, FileKeyUsesStrongestHash) {
  const std::string sha256(64, 'A'), sha1(40, 'B'), md5(32, 'C');
  EXPECT_EQ(KeyOf(MakeFile(sha256, sha1, md5, "x.exe", "")), "file:sha256:" + std::string(64, 'a'));
  EXPECT_EQ(KeyOf(MakeFile("", sha1, md5, "x.exe", "")), "file:sha1:" + std::string(40, 'b'));
  EXPECT_EQ(KeyOf(MakeFile("", "", md5, "x.exe", "")), "file:md5:" + std::string(32, 'c'));
  EXPECT_EQ(KeyOf(MakeFile("", "", "", "EICAR.com", "")), "file:name:eicar.com");
  // A hash of the wrong length is ignored rather than mis-typed.
  EXPECT_EQ(KeyOf(MakeFile(sha1, "", "", "x.exe", "")), "file:name:x.exe");

  std::optional<Entity> e = MakeFile(sha256, "", md5, "Payload.EXE", "Defender for Endpoint");
  ASSERT_TRUE(e);
  EXPECT_EQ(AliasStrings(*e),
            (std::vector<std::string>{"sha256:" + std::string(64, 'a'),
                                      "md5:" + std::string(32, 'c'), "~name:payload.exe"}));
  EXPECT_EQ(e->display_name, "Payload.EXE");
}

TEST(CanonicalTest, ProcessKey) {
  std::optional<Entity> e = MakeProcess("device:mde:abc", "4321", "C:\\Windows\\System32\\CMD.exe",
                                        "Defender for Endpoint");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EntityKind::kProcess);
  EXPECT_EQ(e->key, "process:device:mde:abc:4321:c:\\windows\\system32\\cmd.exe");
  EXPECT_EQ(e->display_name, "C:\\Windows\\System32\\CMD.exe");
  EXPECT_EQ(e->properties.at("device"), "device:mde:abc");

  std::optional<Entity> image_only = MakeProcess("", "", "powershell.exe -enc AAAA", "");
  ASSERT_TRUE(image_only);
  EXPECT_EQ(image_only->key, "process:-:-:powershell.exe -enc aaaa");
  EXPECT_EQ(image_only->display_name, "powershell.exe -enc AAAA");
  EXPECT_TRUE(image_only->properties.empty());

  std::optional<Entity> pid_only = MakeProcess("device:host:web01", "77", "", "");
  ASSERT_TRUE(pid_only);
  EXPECT_EQ(pid_only->key, "process:device:host:web01:77:-");
  EXPECT_EQ(pid_only->display_name, "77");
}

TEST(CanonicalTest, DomainMailboxMailAppRegistryGeneric) {
  EXPECT_EQ(KeyOf(MakeDomain("Evil.Example.COM.", "")), "domain:evil.example.com");
  EXPECT_EQ(KeyOf(MakeMailbox("Eicar@Microsoft.com", "")), "mailbox:eicar@microsoft.com");
  EXPECT_FALSE(MakeMailbox("not-an-address", ""));
  EXPECT_EQ(KeyOf(MakeMailMessage("6F9619FF-8B86-D011-B42D-00C04FC964FF", "")),
            "mail:6f9619ff-8b86-d011-b42d-00c04fc964ff");

  std::optional<Entity> app =
      MakeCloudApp("00000003-0000-0000-C000-000000000000", "Microsoft Graph", "");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->key, "app:00000003-0000-0000-c000-000000000000");
  EXPECT_EQ(app->display_name, "Microsoft Graph");
  std::optional<Entity> named_app = MakeCloudApp("", "Office 365", "");
  ASSERT_TRUE(named_app);
  EXPECT_EQ(named_app->key, "app:name:office 365");
  EXPECT_EQ(named_app->display_name, "Office 365");
  std::optional<Entity> id_app = MakeCloudApp("20893", "", "");
  ASSERT_TRUE(id_app);
  EXPECT_EQ(id_app->display_name, "20893");

  EXPECT_EQ(
      KeyOf(MakeRegistry("HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
                         "Updater", "")),
      "registry:hkey_local_machine\\software\\microsoft\\windows\\currentversion\\run:updater");
  EXPECT_EQ(KeyOf(MakeRegistry("HKCU\\Software\\X", "", "")), "registry:hkcu\\software\\x");

  EXPECT_EQ(KeyOf(MakeGeneric("Container", "Nginx-1", "")), "generic:container:Nginx-1");
  EXPECT_EQ(KeyOf(MakeGeneric("", "thing", "")), "generic:thing");
}

}  // namespace
}  // namespace weft
