#include "model/canonical.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/entity.h"

// The tests build DeviceIds/UserIds with designated initializers naming only the ids a case
// needs; the other fields are meant to keep their (empty) defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace weft {
namespace {

// "type:value" of every alias, with a "~" prefix for weak ones, in stored order.
std::vector<std::string> AliasStrings(const Entity& e) {
  std::vector<std::string> out;
  for (const Alias& a : e.aliases) out.push_back(a.strong() ? a.ToString() : "~" + a.ToString());
  return out;
}

std::string KeyOf(const std::optional<Entity>& e) { return e ? e->key : "<none>"; }

// Identifiers below come from the real samples in /work/shared/data where the samples have them
// (Defender for Cloud subscription, GuardDuty ARNs and instance ids, SCC resource names, SIDs).
constexpr char kSubscription[] = "0f907ea4-bc8b-4c11-9d7e-805c2fd144fb";

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

// ---- Azure ------------------------------------------------------------------------------------

TEST(CanonicalTest, AzureResourceIdsAreCaseInsensitive) {
  const char* upper =
      "/SUBSCRIPTIONS/ABC/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM1";
  const char* lower =
      "/subscriptions/abc/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1";
  EXPECT_EQ(NormalizeAzureResourceId(upper), lower);
  EXPECT_EQ(NormalizeAzureResourceId("subscriptions/abc/resourceGroups/RG/"),
            "/subscriptions/abc/resourcegroups/rg");
  EXPECT_EQ(NormalizeAzureResourceId("//subscriptions/abc"), "/subscriptions/abc");
  EXPECT_EQ(NormalizeAzureResourceId("/providers/Microsoft.Management/managementGroups/MG1"),
            "/providers/microsoft.management/managementgroups/mg1");
  EXPECT_EQ(NormalizeAzureResourceId("/resourceGroups/rg"), std::nullopt);

  std::optional<Entity> a = MakeCloudResource(upper, Cloud::kUnknown, "", "Defender for Cloud");
  std::optional<Entity> b = MakeCloudResource(lower, Cloud::kUnknown, "", "Sentinel");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->key, b->key);
}

TEST(CanonicalTest, AzureVmIdBecomesDevice) {
  std::optional<Entity> e = MakeCloudResource(
      "/SUBSCRIPTIONS/ABC/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM1",
      Cloud::kUnknown, "Microsoft.Compute/virtualMachines", "Defender for Cloud");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EntityKind::kDevice);
  EXPECT_EQ(e->key,
            "device:azure:/subscriptions/abc/resourcegroups/rg/providers/microsoft.compute/"
            "virtualmachines/vm1");
  EXPECT_EQ(e->cloud, Cloud::kAzure);
  EXPECT_EQ(e->display_name, "vm1");
  EXPECT_EQ(e->properties.at("subscription"), "abc");
  EXPECT_EQ(e->properties.at("resource_type"), "Microsoft.Compute/virtualMachines");
  ASSERT_EQ(e->aliases.size(), 1u);
  EXPECT_EQ(e->aliases[0].source, "Defender for Cloud");
  EXPECT_TRUE(e->aliases[0].strong());

  // Arc machines are devices too.
  std::optional<Entity> arc = MakeCloudResource(
      "/subscriptions/abc/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/Srv1",
      Cloud::kUnknown, "", "");
  ASSERT_TRUE(arc);
  EXPECT_EQ(arc->kind, EntityKind::kDevice);
  EXPECT_EQ(arc->key,
            "device:azure:/subscriptions/abc/resourcegroups/rg/providers/microsoft.hybridcompute/"
            "machines/srv1");
}

TEST(CanonicalTest, AzureNonComputeResourceIsCloudResource) {
  const std::string id =
      std::string("/subscriptions/") + kSubscription +
      "/resourceGroups/Sample-RG/providers/Microsoft.Storage/storageAccounts/SampleSA";
  std::optional<Entity> e = MakeCloudResource(id, Cloud::kUnknown, "", "");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EntityKind::kCloudResource);
  EXPECT_EQ(e->key,
            std::string("cloud:azure:/subscriptions/") + kSubscription +
                "/resourcegroups/sample-rg/providers/microsoft.storage/storageaccounts/samplesa");
  EXPECT_EQ(e->cloud, Cloud::kAzure);
  EXPECT_EQ(e->display_name, "samplesa");
  EXPECT_EQ(e->properties.at("subscription"), kSubscription);
  EXPECT_EQ(e->properties.at("resource_type"), "microsoft.storage/storageaccounts");
  EXPECT_TRUE(e->aliases.empty());

  std::optional<Entity> sub =
      MakeCloudResource(std::string("/subscriptions/") + kSubscription, Cloud::kUnknown, "", "");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->key, std::string("cloud:azure:/subscriptions/") + kSubscription);
  EXPECT_EQ(sub->properties.at("subscription"), kSubscription);
}

// ---- AWS --------------------------------------------------------------------------------------

TEST(CanonicalTest, Ec2InstanceArnBecomesDevice) {
  std::optional<Entity> e = MakeCloudResource(
      "arn:aws:ec2:us-west-2:123456789000:instance/i-99999999", Cloud::kUnknown, "", "GuardDuty");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EntityKind::kDevice);
  EXPECT_EQ(e->key, "device:aws:i-99999999");
  EXPECT_EQ(e->cloud, Cloud::kAws);
  EXPECT_EQ(e->properties.at("account"), "123456789000");
  EXPECT_EQ(e->properties.at("region"), "us-west-2");
  EXPECT_EQ(AliasStrings(*e), std::vector<std::string>{"aws:i-99999999"});

  // The same instance from its parts (as GuardDuty's resource.instanceDetails gives it).
  std::optional<Entity> parts = MakeDevice({.aws_instance_id = "i-99999999",
                                            .aws_account_id = "123456789000",
                                            .aws_region = "us-west-2"},
                                           "GuardDuty");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->key, e->key);
  EXPECT_EQ(parts->properties, e->properties);
}

TEST(CanonicalTest, OtherArnsAreCloudResourcesWithCaseKept) {
  struct Case {
    const char* arn;
    const char* service;
    const char* region;   // "" = no property
    const char* account;  // "" = no property
  };
  for (const Case& c :
       {Case{"arn:aws:s3:::bucketName", "s3", "", ""},
        Case{"arn:aws:iam::111111111111:role/Admin-Role", "iam", "", "111111111111"},
        Case{"arn:aws:lambda:us-east-1:123456789012:function:MyFunction", "lambda", "us-east-1",
             "123456789012"},
        Case{"arn:aws:ec2:us-west-2:123456789000:volume/vol-09d5050dea915943d", "ec2", "us-west-2",
             "123456789000"},
        Case{"arn:aws:cloudtrail:us-east-2:111111111111:trail/delete-me", "cloudtrail", "us-east-2",
             "111111111111"}}) {
    std::optional<Entity> e =
        MakeCloudResource(std::string("  ") + c.arn + " ", Cloud::kUnknown, "", "");
    ASSERT_TRUE(e) << c.arn;
    EXPECT_EQ(e->kind, EntityKind::kCloudResource) << c.arn;
    EXPECT_EQ(e->key, std::string("cloud:aws:") + c.arn);
    EXPECT_EQ(e->cloud, Cloud::kAws);
    EXPECT_EQ(e->properties.at("service"), c.service) << c.arn;
    if (*c.region) {
      EXPECT_EQ(e->properties.at("region"), c.region) << c.arn;
    } else {
      EXPECT_EQ(e->properties.count("region"), 0u) << c.arn;
    }
    if (*c.account) {
      EXPECT_EQ(e->properties.at("account"), c.account) << c.arn;
    } else {
      EXPECT_EQ(e->properties.count("account"), 0u) << c.arn;
    }
  }
  // Case is significant in ARNs: two buckets differing in case are two resources.
  EXPECT_NE(KeyOf(MakeCloudResource("arn:aws:s3:::Bucket", Cloud::kUnknown, "", "")),
            KeyOf(MakeCloudResource("arn:aws:s3:::bucket", Cloud::kUnknown, "", "")));
  EXPECT_EQ(NormalizeArn("arn:aws:s3"), std::nullopt);
  EXPECT_EQ(NormalizeArn("ARN-like"), std::nullopt);
}

// ---- GCP --------------------------------------------------------------------------------------

TEST(CanonicalTest, GcpInstancesBecomeDevices) {
  // Real SCC resource name: project id and numeric instance id.
  const char* by_id =
      "//compute.googleapis.com/projects/test-project/zones/us-central1-a/instances/"
      "6796113316167375355";
  std::optional<Entity> e =
      MakeCloudResource(by_id, Cloud::kUnknown, "", "Security Command Center");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EntityKind::kDevice);
  EXPECT_EQ(e->key, std::string("device:gcp:") + by_id);
  EXPECT_EQ(e->cloud, Cloud::kGcp);
  EXPECT_EQ(e->properties.at("project"), "test-project");
  EXPECT_EQ(e->display_name, "6796113316167375355");

  // Project number instead of project id.
  std::optional<Entity> n = MakeCloudResource(
      "//compute.googleapis.com/projects/108906606255/zones/us-central1-a/instances/web-1",
      Cloud::kUnknown, "", "");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, EntityKind::kDevice);
  EXPECT_EQ(n->properties.at("project"), "108906606255");
  EXPECT_EQ(n->display_name, "web-1");

  // A relative name and a compute self-link reach the same device key through MakeDevice.
  const std::string expected =
      "device:gcp://compute.googleapis.com/projects/test-project/zones/us-central1-a/instances/"
      "web-1";
  EXPECT_EQ(
      KeyOf(MakeDevice(
          {.gcp_resource_name = "projects/test-project/zones/us-central1-a/instances/web-1"}, "")),
      expected);
  EXPECT_EQ(
      KeyOf(MakeDevice({.gcp_resource_name = "https://www.googleapis.com/compute/v1/projects/"
                                             "test-project/zones/us-central1-a/instances/web-1"},
                       "")),
      expected);
  // A self-link given as a GCP cloud resource is the same device.
  EXPECT_EQ(KeyOf(MakeCloudResource("https://www.googleapis.com/compute/v1/projects/test-project/"
                                    "zones/us-central1-a/instances/web-1",
                                    Cloud::kGcp, "", "")),
            expected);
}

TEST(CanonicalTest, GcpNonInstancesAreCloudResources) {
  std::optional<Entity> bucket = MakeCloudResource(
      "//storage.googleapis.com/projects/_/buckets/My-Bucket", Cloud::kUnknown, "", "");
  ASSERT_TRUE(bucket);
  EXPECT_EQ(bucket->kind, EntityKind::kCloudResource);
  EXPECT_EQ(bucket->key, "cloud:gcp://storage.googleapis.com/projects/_/buckets/My-Bucket");
  EXPECT_EQ(bucket->properties.at("service"), "storage.googleapis.com");
  EXPECT_EQ(bucket->properties.at("project"), "_");
  EXPECT_EQ(bucket->display_name, "My-Bucket");

  std::optional<Entity> sql = MakeCloudResource(
      "//cloudsql.googleapis.com/projects/test-project/instances/test", Cloud::kUnknown, "", "");
  ASSERT_TRUE(sql);
  EXPECT_EQ(sql->kind, EntityKind::kCloudResource);  // "instances", but not compute
  EXPECT_EQ(sql->properties.at("project"), "test-project");
  EXPECT_EQ(sql->properties.at("service"), "cloudsql.googleapis.com");

  std::optional<Entity> project = MakeCloudResource(
      "//cloudresourcemanager.googleapis.com/projects/108906606255", Cloud::kUnknown, "", "");
  ASSERT_TRUE(project);
  EXPECT_EQ(project->key, "cloud:gcp://cloudresourcemanager.googleapis.com/projects/108906606255");
  EXPECT_EQ(project->properties.at("project"), "108906606255");

  std::optional<Entity> firewall =
      MakeCloudResource("//compute.googleapis.com/projects/test-project/global/firewalls/43256709",
                        Cloud::kUnknown, "", "");
  ASSERT_TRUE(firewall);
  EXPECT_EQ(firewall->kind, EntityKind::kCloudResource);

  // A relative name keeps its form; it has a project but no service.
  std::optional<Entity> topic =
      MakeCloudResource("projects/test-project/topics/alerts", Cloud::kUnknown, "", "");
  ASSERT_TRUE(topic);
  EXPECT_EQ(topic->key, "cloud:gcp:projects/test-project/topics/alerts");
  EXPECT_EQ(topic->properties.at("project"), "test-project");
  EXPECT_EQ(topic->properties.count("service"), 0u);

  EXPECT_EQ(NormalizeGcpResourceName("projects/p/buckets/b", "storage.googleapis.com"),
            "//storage.googleapis.com/projects/p/buckets/b");
  EXPECT_EQ(NormalizeGcpResourceName("projects/p/buckets/b"), std::nullopt);
}

TEST(CanonicalTest, UnknownCloudResourceKeepsIdUnderOther) {
  std::optional<Entity> e = MakeCloudResource("some-resource/Name", Cloud::kUnknown, "custom", "");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key, "cloud:other:some-resource/Name");
  EXPECT_EQ(e->properties.at("resource_type"), "custom");
  EXPECT_EQ(e->display_name, "Name");
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
