// The record layouts older builds wrote still decode: each golden below is the hex of a record
// written by the build before keys left the values (alert and entity version 1, incident
// version 2), and must decode to the same record the test helpers build today.

#include <gtest/gtest.h>

#include <string>

#include "persistence/internal/codec.h"
#include "tests/persistence/store_test_util.h"

namespace weft::codec {
namespace {

using ::weft::testing::Dump;
using ::weft::testing::FullAlert;
using ::weft::testing::FullEntityRecord;
using ::weft::testing::FullIncident;

std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// EncodeAlert(FullAlert(1)) at alert version 1.
constexpr std::string_view kAlertV1 =
    "0107636f6e746f736f011f4d6963726f736f667420446566656e64657220666f7220456e64706f696e7406646136"
    "33373113636f6e746f736f2f6d3336352f6461363337311357696e646f7773446566656e64657241765f31255375"
    "73706963696f757320506f7765725368656c6c20636f6d6d616e64206c696e6520233142412070726f6365737320"
    "72616e20616e20656e636f64656420636f6d6d616e642e0a5365636f6e64206c696e652c2074616209686572652c"
    "207574662d383a20c3a9030448696768010a496e50726f677265737301a397e2e9fd63c3b3e3e9fd63e1cfe4e9fd"
    "630affffffffffffffffff01080209457865637574696f6e0b50657273697374656e6365020954313035392e3030"
    "310554313534370200106465766963653a6d64653a3466316331067765622d30310102036d646505346631633101"
    "15446566656e64657220666f7220456e64706f696e7404686f7374067765622d3031000002026f730957696e646f"
    "7773313106726567696f6e0a776573746575726f7065020b63726f776e2d6a6577656c10696e7465726e65742d65"
    "78706f73656400020b69703a31302e312e322e310000010269700831302e312e322e3101000000010107636f6e74"
    "6f736f0b69703a31302e312e322e31106465766963653a6d64653a34663163310b61737369676e65645f746fa197"
    "e2e9fd63020009656d707479206b6579036e696304657468300215646566656e6465722d656e64706f696e742d61"
    "70690d616c657274732e6e646a736f6e066c696e652031074d4445204150490873656e74696e656c00035b325d00"
    "0205696e632d6105696e632d6205696e632d31";
// EncodeEntityRecord(FullEntityRecord(1)) at entity version 1.
constexpr std::string_view kEntityV1 =
    "0107636f6e746f736f00106465766963653a6d64653a3466316331067765622d30310102036d6465053466316331"
    "0115446566656e64657220666f7220456e64706f696e7404686f7374067765622d3031000002026f730957696e64"
    "6f7773313106726567696f6e0a776573746575726f7065020b63726f776e2d6a6577656c10696e7465726e65742d"
    "6578706f73656401286d64653a6f7468657220636f6e666c696374732077697468206465766963653a6d64653a39"
    "39393902276465766963653a617a7572653a2f737562736372697074696f6e732f782f766d2f7765622d30310f64"
    "65766963653a6d64653a35353535";
// EncodeIncident(FullIncident(1)) at incident version 2.
constexpr std::string_view kIncidentV2 =
    "0214696e632d6136623636303830613736303133653107636f6e746f736f0214696e632d30303030303030303030"
    "303030306666030c74727565506f736974697665076d616c77617265a197e2e9fd63e3a3c6eafd6301020b6d3336"
    "352f6461363337310b6d3336352f64613633373202106465766963653a6d64653a34663163310b69703a31302e31"
    "2e322e31174d756c74692d737461676520696e636964656e74202331020108020102";

TEST(CodecVersionsTest, VersionOneAlertsAndEntitiesAndVersionTwoIncidentsDecode) {
  const Alert alert = FullAlert(1);
  const std::string alert_v1 = FromHex(kAlertV1);
  ASSERT_EQ(alert_v1[0], '\x01');
  Result<Alert> a = DecodeAlert(alert.key, alert_v1);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(Dump(*a), Dump(alert));
  AlertSummary s;
  ASSERT_TRUE(DecodeAlertSummary(alert.key, alert_v1, s).ok());
  EXPECT_EQ(s.key, alert.key);
  EXPECT_EQ(s.tenant, alert.tenant);
  ASSERT_EQ(s.evidence.size(), alert.evidence.size());
  EXPECT_EQ(s.evidence.back().second, alert.evidence.back().entity.key);

  const EntityRecord entity = FullEntityRecord(1);
  Result<EntityRecord> e = DecodeEntityRecord(entity.tenant, entity.entity.key, FromHex(kEntityV1));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(Dump(e->entity), Dump(entity.entity));
  EXPECT_EQ(e->tenant, entity.tenant);
  EXPECT_EQ(e->conflicts, entity.conflicts);
  EXPECT_EQ(e->possible_matches, entity.possible_matches);

  const Incident incident = FullIncident(1);
  Result<Incident> i = DecodeIncident(incident.id, FromHex(kIncidentV2));
  ASSERT_TRUE(i.ok()) << i.status().ToString();
  EXPECT_EQ(Dump(*i), Dump(incident));
}

// The current layouts leave out what the store key says, and are smaller by at least that much.
TEST(CodecVersionsTest, ValuesNoLongerRepeatTheirKeys) {
  const Alert alert = FullAlert(1);
  const std::string alert_v2 = EncodeAlert(alert);
  EXPECT_EQ(alert_v2.find(alert.key), std::string::npos);
  EXPECT_LE(alert_v2.size() + alert.key.size() + alert.tenant.size(), FromHex(kAlertV1).size());

  const EntityRecord entity = FullEntityRecord(1);
  const std::string entity_v2 = EncodeEntityRecord(entity);
  EXPECT_EQ(entity_v2.find(entity.entity.key), std::string::npos);
  EXPECT_LE(entity_v2.size() + entity.entity.key.size() + entity.tenant.size(),
            FromHex(kEntityV1).size());

  const Incident incident = FullIncident(1);
  EXPECT_EQ(EncodeIncident(incident).find(incident.id), std::string::npos);
}

// An IP's name and a VM id alias are the end of their entity key: written as a reference to it.
TEST(CodecVersionsTest, NamesAndAliasValuesWithinTheEntityKeyAreReferences) {
  Alert a;
  a.tenant = "t";
  a.source = SourceProduct::kGuardDuty;
  a.provider_id = "finding-1";
  a.key = MakeAlertKey(a.tenant, a.source, a.provider_id);
  Evidence& ip = a.evidence.emplace_back();
  ip.entity.kind = EntityKind::kIp;
  ip.entity.key = "ip:203.0.113.77";
  ip.entity.display_name = "203.0.113.77";
  Evidence& vm = a.evidence.emplace_back();
  vm.entity.kind = EntityKind::kDevice;
  vm.entity.key = "device:aws:i-0abc";
  vm.entity.display_name = "web-01";  // not part of the key: written whole
  vm.entity.AddAlias(Alias{"aws", "i-0abc", AliasStrength::kStrong, "GuardDuty"});
  const std::string bytes = EncodeAlert(a);
  // Each value is in the bytes once: inside its entity key.
  auto after = [&](std::string_view key) { return bytes.find(key) + key.size(); };
  EXPECT_EQ(bytes.find("203.0.113.77", after("ip:203.0.113.77")), std::string::npos);
  EXPECT_EQ(bytes.find("i-0abc", after("device:aws:i-0abc")), std::string::npos);
  EXPECT_NE(bytes.find("web-01"), std::string::npos);
  EXPECT_EQ(bytes.find("finding-1"), std::string::npos);
  Result<Alert> back = DecodeAlert(a.key, bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Dump(*back), Dump(a));

  // A reference longer than the key it names is garbage, said so.
  Result<Alert> wrong_key = DecodeAlert("t/x", bytes);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.status().message(),
            "alert record (" + std::to_string(bytes.size()) +
                " bytes): field 'provider_id' at byte 4 is garbled: names 9 bytes of a 3-byte key");
}

}  // namespace
}  // namespace weft::codec
