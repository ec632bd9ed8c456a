// Canonical keys of cloud resources (model/canonical.h): Azure resource ids, AWS ARNs and GCP
// resource names, and which of them become devices. Identifiers come from the real samples in
// /work/shared/data where the samples have them (the other canonical rules: canonical_test.cc).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/canonical.h"
#include "model/entity.h"
#include "tests/model/canonical_test_util.h"

// The tests build DeviceIds with designated initializers naming only the ids a case needs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace weft {
namespace {

using ::weft::testing::AliasStrings;
using ::weft::testing::KeyOf;
using ::weft::testing::kSubscription;

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

}  // namespace
}  // namespace weft
