// Identity resolution through the engine: strong aliases merge devices across products, a
// conflicting strong alias of the same type never merges, and a host name alone never merges.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "engine/engine.h"
#include "engine/entity_resolver.h"
#include "graph/in_memory_store.h"
#include "persistence/rocks_store.h"
#include "tests/engine/engine_test_util.h"

namespace weft {
namespace {

constexpr const char* kVm =
    "/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourceGroups/myRg1/providers/"
    "Microsoft.Compute/virtualMachines/vm1";

Alert WithDevice(const std::string& id, Timestamp t, const DeviceIds& ids) {
  Alert a = testing::MakeTestAlert("acme", id, t, {});
  a.evidence.push_back(Evidence{*MakeDevice(ids, "test"), EvidenceRole::kImpacted});
  EXPECT_TRUE(FinalizeAlert(a).ok());
  return a;
}

Alert WithUser(const std::string& id, Timestamp t, const UserIds& ids) {
  Alert a = testing::MakeTestAlert("acme", id, t, {});
  a.evidence.push_back(Evidence{*MakeUser(ids, "test"), EvidenceRole::kImpacted});
  EXPECT_TRUE(FinalizeAlert(a).ok());
  return a;
}

// Every case runs on the in-memory store and on RocksDB (parameter true), whose replay decodes an
// alert naming clashing entities from the scanned record instead of reading it back.
class IdentityResolutionTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      // A parameterised test's name holds a '/': it must not become a directory separator.
      std::string name = "weft-identity-" + std::to_string(::getpid()) + "-" +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(name.begin(), name.end(), '/', '_');
      dir_ = (std::filesystem::temp_directory_path() / name).string();
      std::filesystem::remove_all(dir_);
      auto s = OpenRocksStore(dir_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      rocks_ = std::move(*s);
    }
    auto e = Engine::Open(store(), std::nullopt);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
  }
  void Ingest(std::vector<Alert> alerts) {
    ASSERT_TRUE(engine_->Ingest(std::move(alerts), {}, 1).ok());
  }
  // A new engine on the same store: it knows the entities only from their stored records.
  void TearDown() override {
    engine_.reset();
    rocks_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  GraphStore& store() { return rocks_ != nullptr ? *rocks_ : memory_; }
  void Reopen() {
    engine_.reset();
    auto e = Engine::Open(store(), std::nullopt);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
  }
  // The stored entity records of tenant acme of one kind.
  std::vector<EntityRecord> Entities(EntityKind kind) {
    std::vector<EntityRecord> out;
    EXPECT_TRUE(store()
                    .ForEachEntity("acme",
                                   [&](const EntityRecord& r) {
                                     if (r.entity.kind == kind) out.push_back(r);
                                     return true;
                                   })
                    .ok());
    return out;
  }
  std::vector<EntityRecord> Devices() { return Entities(EntityKind::kDevice); }
  std::vector<EntityRecord> Users() { return Entities(EntityKind::kUser); }
  // Re-correlation under the rules in force reproduces the incremental grouping.
  void ExpectRecorrelateChangesNothing() {
    RecorrelateOptions options;
    options.config = engine_->config();
    options.dry_run = true;
    auto diff = Engine::Recorrelate(store(), options);
    ASSERT_TRUE(diff.ok()) << diff.status().ToString();
    EXPECT_TRUE(diff->no_change())
        << "merged " << diff->merged.size() << " split " << diff->split.size();
  }
  std::string dir_;  // the RocksDB store's directory ("" for the in-memory store)
  InMemoryStore memory_;
  std::unique_ptr<GraphStore> rocks_;
  std::unique_ptr<Engine> engine_;
};

INSTANTIATE_TEST_SUITE_P(Stores, IdentityResolutionTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Rocks" : "InMemory";
                         });

TEST_P(IdentityResolutionTest, CloudAndEndpointViewsOfOneVmAreOneDeviceWithAllAliases) {
  DeviceIds cloud;
  cloud.azure_resource_id = kVm;
  cloud.hostname = "vm1";
  DeviceIds endpoint;
  endpoint.mde_device_id = "73E7E2DE709DFF64EF64B1D0C30E67FAB63279DB";
  endpoint.azure_resource_id =
      std::string(kVm).replace(1, 13, "SUBSCRIPTIONS");  // ARM ids are case-insensitive
  endpoint.azure_vm_id = "ca1b0d41-5a3b-4d95-b48b-f220aed11d78";
  Ingest({WithDevice("cloud", 0, cloud)});
  Ingest({WithDevice("endpoint", kMillisPerHour, endpoint)});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].entity.key, "device:mde:73e7e2de709dff64ef64b1d0c30e67fab63279db");
  EXPECT_NE(devices[0].entity.FindAlias("azure"), nullptr);
  EXPECT_NE(devices[0].entity.FindAlias("vmid"), nullptr);
  EXPECT_NE(devices[0].entity.FindAlias("host"), nullptr);
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/cloud"), *engine_->IncidentOf("acme/weft/endpoint"));
  // The incident names the device by its resolved key.
  Incident inc = **store().GetIncident(*engine_->IncidentOf("acme/weft/cloud"));
  EXPECT_EQ(inc.entities,
            (std::vector<std::string>{"device:mde:73e7e2de709dff64ef64b1d0c30e67fab63279db"}));
}

TEST_P(IdentityResolutionTest, ANewEntityKeyedByALesserAliasIsStoredUnderItsCanonicalKey) {
  // A source that keys a device by its Azure resource id although it also knows the MDE id: the
  // new entity takes the canonical key, and a later sighting under either key finds it.
  DeviceIds ids;
  ids.mde_device_id = "73e7e2de709dff64ef64b1d0c30e67fab63279db";
  ids.azure_resource_id = kVm;
  EXPECT_TRUE(EntityResolver::HasCanonicalKey(*MakeDevice(ids, "test")));
  UserIds user;
  user.upn = "alice@contoso.com";
  user.aad_object_id = "4e5f6a7b-0000-4000-8000-000000000001";
  EXPECT_TRUE(EntityResolver::HasCanonicalKey(*MakeUser(user, "test")));
  Alert first = WithDevice("first", 0, ids);
  Entity& device = first.evidence[0].entity;
  DeviceIds azure_only;
  azure_only.azure_resource_id = kVm;
  device.key = MakeDevice(azure_only, "test")->key;
  ASSERT_NE(device.key, EntityResolver::CanonicalKey(device));
  EXPECT_FALSE(EntityResolver::HasCanonicalKey(device));
  Ingest({first});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].entity.key, "device:mde:73e7e2de709dff64ef64b1d0c30e67fab63279db");
  Ingest({WithDevice("by-azure", kMillisPerHour, azure_only)});
  ids.hostname = "vm1";
  Ingest({WithDevice("by-mde", 2 * kMillisPerHour, ids)});
  EXPECT_EQ(Devices().size(), 1u);
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/first"), *engine_->IncidentOf("acme/weft/by-azure"));
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/first"), *engine_->IncidentOf("acme/weft/by-mde"));
  ExpectRecorrelateChangesNothing();
}

TEST_P(IdentityResolutionTest, TwoDifferentStrongIdsOfOneTypeNeverMergeAndTheConflictIsRecorded) {
  DeviceIds first;
  first.mde_device_id = "1111111111111111111111111111111111111111";
  first.azure_resource_id = kVm;
  DeviceIds second;  // the same VM re-onboarded with a new MDE id
  second.mde_device_id = "2222222222222222222222222222222222222222";
  second.azure_resource_id = kVm;
  Ingest({WithDevice("first", 0, first), WithDevice("second", kMillisPerHour, second)});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 2u);
  for (const EntityRecord& r : devices) {
    ASSERT_EQ(r.conflicts.size(), 1u) << r.entity.key;
    EXPECT_NE(r.conflicts[0].find("mde:"), std::string::npos) << r.conflicts[0];
  }
  EXPECT_NE(*engine_->IncidentOf("acme/weft/first"), *engine_->IncidentOf("acme/weft/second"));
}

TEST_P(IdentityResolutionTest, AHostNameAloneNeverMergesButIsAPossibleMatch) {
  DeviceIds a;
  a.aws_instance_id = "i-0abc1234567890def";
  a.hostname = "web01";
  DeviceIds b;
  b.gcp_resource_name = "//compute.googleapis.com/projects/p/zones/us-west1-a/instances/web01";
  b.hostname = "WEB01";
  Ingest({WithDevice("aws", 0, a), WithDevice("gcp", kMillisPerHour, b)});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[0].possible_matches, std::vector<std::string>{devices[1].entity.key});
  EXPECT_EQ(devices[1].possible_matches, std::vector<std::string>{devices[0].entity.key});
  EXPECT_NE(*engine_->IncidentOf("acme/weft/aws"), *engine_->IncidentOf("acme/weft/gcp"));
}

TEST_P(IdentityResolutionTest, ALaterAliasJoinsTwoKnownDevicesAndTheirIncidents) {
  DeviceIds by_vmid;
  by_vmid.azure_vm_id = "ca1b0d41-5a3b-4d95-b48b-f220aed11d78";
  DeviceIds by_arm;
  by_arm.azure_resource_id = kVm;
  DeviceIds both;
  both.azure_vm_id = by_vmid.azure_vm_id;
  both.azure_resource_id = kVm;
  Ingest({WithDevice("v", 0, by_vmid), WithDevice("r", 2 * kMillisPerHour, by_arm)});
  EXPECT_EQ(Devices().size(), 2u);
  EXPECT_NE(*engine_->IncidentOf("acme/weft/v"), *engine_->IncidentOf("acme/weft/r"));
  Ingest({WithDevice("both", kMillisPerHour, both)});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 1u) << "the merged device's old record is deleted";
  EXPECT_EQ(devices[0].entity.key, "device:azure:" + ToLower(kVm));
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/v"), *engine_->IncidentOf("acme/weft/r"));
}

TEST_P(IdentityResolutionTest,
       EntitiesKnownFromEarlierBatchesAndRestartsStillLearnMergeAndConflict) {
  DeviceIds cloud;
  cloud.azure_resource_id = kVm;
  cloud.hostname = "vm1";
  Ingest({WithDevice("cloud", 0, cloud)});
  Reopen();
  // A later batch after a restart: the stored device gains the endpoint's ids and is re-keyed.
  DeviceIds endpoint;
  endpoint.mde_device_id = "1111111111111111111111111111111111111111";
  endpoint.azure_resource_id = kVm;
  Ingest({WithDevice("endpoint", kMillisPerHour, endpoint)});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 1u) << "the record under the old key is replaced";
  EXPECT_EQ(devices[0].entity.key, "device:mde:1111111111111111111111111111111111111111");
  EXPECT_NE(devices[0].entity.FindAlias("host"), nullptr)
      << "aliases of the stored record are kept";
  EXPECT_NE(devices[0].entity.FindAlias("azure"), nullptr);
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/cloud"), *engine_->IncidentOf("acme/weft/endpoint"));
  Reopen();
  // The same VM with another MDE id: a conflict on both stored records, never a merge.
  DeviceIds reonboarded;
  reonboarded.mde_device_id = "2222222222222222222222222222222222222222";
  reonboarded.azure_resource_id = kVm;
  Ingest({WithDevice("reonboarded", 2 * kMillisPerHour, reonboarded)});
  devices = Devices();
  ASSERT_EQ(devices.size(), 2u);
  for (const EntityRecord& r : devices) {
    ASSERT_EQ(r.conflicts.size(), 1u) << r.entity.key;
    EXPECT_NE(r.conflicts[0].find("mde:"), std::string::npos) << r.conflicts[0];
  }
  EXPECT_NE(devices[0].entity.key, devices[1].entity.key);
  EXPECT_NE(*engine_->IncidentOf("acme/weft/cloud"), *engine_->IncidentOf("acme/weft/reonboarded"));
  // A plain sighting after another restart resolves to the stored device.
  const std::size_t before = devices.size();
  Reopen();
  DeviceIds again = endpoint;
  Ingest({WithDevice("again", 3 * kMillisPerHour, again)});
  EXPECT_EQ(Devices().size(), before);
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/again"), *engine_->IncidentOf("acme/weft/endpoint"));
}

TEST_P(IdentityResolutionTest, AVmIdTwoClashingDevicesShareStaysWithTheFirstSoReplayAgrees) {
  // Two MDE devices on one VM resource (re-onboarded): the ARM id stays with the device that had
  // it first, so a cloud alert known only by the ARM id lands on one device whether it is
  // ingested or replayed. The second device's key sorts first, which a replay that let the
  // first stored record win would get wrong.
  DeviceIds old_agent;
  old_agent.mde_device_id = "ffff000000000000000000000000000000000000";
  old_agent.azure_resource_id = kVm;
  DeviceIds new_agent;
  new_agent.mde_device_id = "0000000000000000000000000000000000000001";
  new_agent.azure_resource_id = kVm;
  DeviceIds cloud;
  cloud.azure_resource_id = kVm;
  Ingest({WithDevice("old", 0, old_agent)});
  Ingest({WithDevice("new", 3 * kMillisPerDay, new_agent)});
  Ingest({WithDevice("cloud", kMillisPerHour, cloud),
          WithDevice("new-again", 3 * kMillisPerDay + 1, new_agent)});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 2u);
  int holders = 0;
  for (const EntityRecord& r : devices) holders += r.entity.FindAlias("azure") != nullptr;
  EXPECT_EQ(holders, 1) << "a strong alias names one entity";
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/cloud"), *engine_->IncidentOf("acme/weft/old"));
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/new-again"), *engine_->IncidentOf("acme/weft/new"));
  ExpectRecorrelateChangesNothing();
  Reopen();
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/cloud"), *engine_->IncidentOf("acme/weft/old"));
}

TEST_P(IdentityResolutionTest, OneMdeDeviceReportingTwoVmResourceIdsIsOneDeviceWithTheClashNoted) {
  // Defender for Endpoint's own samples do this: one device id, vmMetadata of two VMs.
  DeviceIds first;
  first.mde_device_id = "73E7E2DE709DFF64EF64B1D0C30E67FAB63279DB";
  first.azure_resource_id = kVm;
  DeviceIds second = first;
  second.azure_resource_id = std::string(kVm).replace(std::string(kVm).size() - 3, 3, "vm9");
  Ingest({WithDevice("first", 0, first)});
  Ingest({WithDevice("second", 2 * kMillisPerDay, second)});
  std::vector<EntityRecord> devices = Devices();
  ASSERT_EQ(devices.size(), 1u) << "the agent's id is the device";
  int azure = 0;
  for (const Alias& a : devices[0].entity.aliases) azure += a.type == "azure";
  EXPECT_EQ(azure, 2);
  ASSERT_EQ(devices[0].conflicts.size(), 1u);
  EXPECT_NE(devices[0].conflicts[0].find("one entity: both have mde:"), std::string::npos)
      << devices[0].conflicts[0];
  ExpectRecorrelateChangesNothing();
  Reopen();
  Ingest({WithDevice("third", 2 * kMillisPerDay + kMillisPerHour, second)});
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/third"), *engine_->IncidentOf("acme/weft/second"));
  ExpectRecorrelateChangesNothing();
}

TEST_P(IdentityResolutionTest, AUpnReusedByANewAccountIsTwoUsersWithTwoKeysAndARenamedUserIsOne) {
  UserIds old_account;
  old_account.upn = "alice@contoso.com";
  old_account.aad_object_id = "11111111-1111-1111-1111-111111111111";
  UserIds new_account = old_account;
  new_account.aad_object_id = "22222222-2222-2222-2222-222222222222";
  UserIds renamed = old_account;
  renamed.upn = "alice.smith@contoso.com";
  Ingest({WithUser("old", 0, old_account)});
  Ingest({WithUser("new", 3 * kMillisPerHour, new_account)});
  std::vector<EntityRecord> users = Users();
  ASSERT_EQ(users.size(), 2u) << "different object ids are different accounts";
  EXPECT_NE(users[0].entity.key, users[1].entity.key) << "each key names one entity";
  EXPECT_NE(*engine_->IncidentOf("acme/weft/old"), *engine_->IncidentOf("acme/weft/new"));
  ExpectRecorrelateChangesNothing();
  Reopen();
  Ingest({WithUser("renamed", kMillisPerHour, renamed),
          WithUser("new-again", 4 * kMillisPerHour, new_account)});
  EXPECT_EQ(Users().size(), 2u) << "a new UPN on a known object id is the same user";
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/renamed"), *engine_->IncidentOf("acme/weft/old"));
  EXPECT_EQ(*engine_->IncidentOf("acme/weft/new-again"), *engine_->IncidentOf("acme/weft/new"));
  ExpectRecorrelateChangesNothing();
}

}  // namespace
}  // namespace weft
