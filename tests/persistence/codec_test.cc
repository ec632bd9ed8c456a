#include "persistence/internal/codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tests/persistence/store_test_util.h"

namespace weft::codec {
namespace {

using ::weft::testing::Dump;
using ::weft::testing::FullAlert;
using ::weft::testing::FullEntityRecord;
using ::weft::testing::FullIncident;

Relation FullRelation() {
  Relation r = FullAlert(7).relations[0];
  r.valid_from = kNoTime;
  return r;
}

TEST(CodecTest, AlertRoundTripsEveryField) {
  const Alert a = FullAlert(42);
  const std::string bytes = EncodeAlert(a);
  ASSERT_EQ(static_cast<std::uint8_t>(bytes[0]), kAlertCodecVersion);
  Result<Alert> back = DecodeAlert(a.key, bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Dump(*back), Dump(a));
  // Spot checks that do not depend on Dump.
  EXPECT_EQ(back->ingested, INT64_MAX);
  EXPECT_EQ(back->updated, -5);
  EXPECT_EQ(back->evidence[0].entity.aliases[1].strength, AliasStrength::kWeak);
  EXPECT_EQ(back->evidence[0].entity.aliases[0].source, "Defender for Endpoint");
  EXPECT_EQ(back->relations[0].properties.at(""), "empty key");
  EXPECT_EQ(back->description, a.description);
}

TEST(CodecTest, DefaultAlertRoundTripsAndUnsetTimesCostOneByte) {
  const Alert a;  // every time kNoTime, every string empty
  const std::string bytes = EncodeAlert(a);
  // version 1 + 7 fields before severity (the source and 6 strings; the key is not written)
  // + 5 enums/strings up to cloud + 5 times (1 byte each when unset) + count 1 + 2 string lists
  // + 3 record lists + labels + upstream id = 26 bytes.
  EXPECT_EQ(bytes.size(), 26u);
  Result<Alert> back = DecodeAlert(a.key, bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->first_activity, kNoTime);
  EXPECT_EQ(back->count, 1);
  EXPECT_EQ(Dump(*back), Dump(a));
}

TEST(CodecTest, EntityRecordsDecodedIntoOneSlotLeaveNothingOfTheLastBehind) {
  // A scan decodes record after record into the same slot, reusing its storage: each result
  // must equal a fresh decode, whether the record before it was larger or smaller.
  EntityRecord big = FullEntityRecord(3);
  big.entity.properties["zone"] = "a";
  big.entity.properties["owner"] = "ops";
  big.entity.tags.push_back("internet-exposed");
  EntityRecord small;
  small.tenant = "fabrikam";
  small.entity.kind = EntityKind::kIp;
  small.entity.key = "ip:10.0.0.1";
  small.entity.properties["scope"] = "private";
  small.entity.aliases.push_back(Alias{"ip", "10.0.0.1", AliasStrength::kStrong, ""});
  EntityRecord bare;  // no aliases, properties, tags, conflicts or matches
  bare.tenant = "contoso";
  bare.entity.kind = EntityKind::kUser;
  bare.entity.key = "user:alice@contoso.com";
  EntityRecord slot;
  for (const EntityRecord* e : {&big, &small, &bare, &big, &bare, &small, &big}) {
    ASSERT_TRUE(
        DecodeEntityRecordInto(e->tenant, e->entity.key, EncodeEntityRecord(*e), slot).ok());
    EXPECT_EQ(Dump(slot), Dump(*e));
    EXPECT_EQ(slot.entity.properties, e->entity.properties);
  }
}

TEST(CodecTest, EntityRecordRelationIncidentRoundTrip) {
  const EntityRecord e = FullEntityRecord(3);
  Result<EntityRecord> e2 = DecodeEntityRecord(e.tenant, e.entity.key, EncodeEntityRecord(e));
  ASSERT_TRUE(e2.ok()) << e2.status().ToString();
  EXPECT_EQ(Dump(*e2), Dump(e));
  EXPECT_EQ(e2->possible_matches.size(), 2u);

  const Relation r = FullRelation();
  Result<Relation> r2 = DecodeRelation(EncodeRelation(r));
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(Dump(*r2), Dump(r));
  EXPECT_EQ(r2->valid_from, kNoTime);

  const Incident i = FullIncident(9);
  Result<Incident> i2 = DecodeIncident(i.id, EncodeIncident(i));
  ASSERT_TRUE(i2.ok()) << i2.status().ToString();
  EXPECT_EQ(Dump(*i2), Dump(i));
  EXPECT_EQ(i2->status, IncidentStatus::kRedirected);
}

// Short strings as the codec writes them: a one-byte length, then the bytes.
std::string ShortStr(const std::string& s) {
  return std::string(1, static_cast<char>(s.size())) + s;
}
std::string ShortStrs(const std::vector<std::string>& v) {
  std::string out(1, static_cast<char>(v.size()));
  for (const std::string& s : v) out += ShortStr(s);
  return out;
}

// Stores written before incidents kept their sources and clouds hold version 1 incident records:
// the id, alert keys written whole, and nothing after the title. They still decode, with both
// lists empty. Version 2 records (the id, then the version 3 fields) decode too.
TEST(CodecTest, OlderIncidentVersionsDecode) {
  Incident i = FullIncident(3);
  i.sources.clear();
  i.clouds.clear();
  Incident head = i;  // the fields before the alert keys, which every version writes alike
  head.alert_keys.clear();
  head.entities.clear();
  head.title.clear();
  const std::string head_v3 = EncodeIncident(head);
  // version 3 ends: flag 1, no keys, no entities, empty title, no sources, no clouds
  ASSERT_EQ(head_v3.substr(head_v3.size() - 6), std::string("\x01\0\0\0\0\0", 6));
  const std::string v1 = "\x01" + ShortStr(i.id) + head_v3.substr(1, head_v3.size() - 7) +
                         ShortStrs(i.alert_keys) + ShortStrs(i.entities) + ShortStr(i.title);
  Result<Incident> decoded = DecodeIncident("ignored: version 1 holds its id", v1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Dump(*decoded), Dump(i));

  // Version 3 writes the keys without the "<tenant>/" they all begin with, and no id.
  const std::string v3 = EncodeIncident(i);
  EXPECT_EQ(v3[0], '\x03');
  EXPECT_EQ(v3.find(i.alert_keys[0]), std::string::npos);
  EXPECT_EQ(v3.find(i.id), std::string::npos);
  EXPECT_LT(v3.size(), v1.size());
  const std::string v2 = "\x02" + ShortStr(i.id) + v3.substr(1);
  decoded = DecodeIncident("ignored", v2);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Dump(*decoded), Dump(i));
}

// A key that does not begin with the tenant (never written by weft) makes the list go whole.
TEST(CodecTest, IncidentAlertKeysOutsideTheTenantRoundTrip) {
  Incident i = FullIncident(4);
  i.alert_keys.push_back("other/m365/x");
  Result<Incident> decoded = DecodeIncident(i.id, EncodeIncident(i));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Dump(*decoded), Dump(i));
  i.alert_keys.clear();
  decoded = DecodeIncident(i.id, EncodeIncident(i));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(Dump(*decoded), Dump(i));
}

// IncidentListsAlert reads up to the alert keys of every version, under the tenant or whole.
TEST(CodecTest, IncidentListsAlertSeesTheKeysOfEveryVersionAndForm) {
  Incident i = FullIncident(3);  // keys "contoso/m365/da6371", "contoso/m365/da6372"
  auto lists = [](const std::string& bytes, const std::string& full_key) {
    return IncidentListsAlert(bytes, [&](std::string_view tenant, bool under, std::string_view k) {
      return (under ? std::string(tenant) + "/" + std::string(k) : std::string(k)) == full_key;
    });
  };
  const std::string v3 = EncodeIncident(i);
  const std::string v2 = "\x02" + ShortStr(i.id) + v3.substr(1);
  for (const std::string& bytes : {v3, v2}) {
    EXPECT_TRUE(lists(bytes, i.alert_keys[1]));
    EXPECT_FALSE(lists(bytes, "contoso/m365/da637"));  // a prefix of a key is not a key
    EXPECT_FALSE(lists(bytes, "fabrikam/m365/da6371"));
  }
  Incident whole = i;
  whole.alert_keys.push_back("other/m365/x");  // the list is written whole
  EXPECT_TRUE(lists(EncodeIncident(whole), "other/m365/x"));
  EXPECT_TRUE(lists(EncodeIncident(whole), i.alert_keys[0]));
  EXPECT_FALSE(lists(EncodeIncident(whole), "contoso/m365/x"));
  // Bytes that do not read are passed on, for DecodeIncident to report.
  EXPECT_TRUE(lists(v3.substr(0, v3.size() / 3), "nothing"));
  EXPECT_TRUE(lists("\x09", "nothing"));
}

// DecodeIncidentMembers reads the id, tenant, status and alert keys of every version as views,
// the keys under the tenant or whole as the record keeps them, and reports what does not read.
TEST(CodecTest, IncidentMembersOfEveryVersionAndForm) {
  Incident i = FullIncident(3);  // keys "contoso/m365/da6371", "contoso/m365/da6372"
  i.status = IncidentStatus::kResolved;
  std::vector<std::string_view> keys;
  auto members_of = [&](std::string_view id, const std::string& bytes) {
    IncidentMembers m;
    const Status st = DecodeIncidentMembers(id, bytes, keys, m);
    EXPECT_TRUE(st.ok()) << st.ToString();
    std::vector<std::string> whole;
    for (std::string_view k : m.alert_keys)
      whole.push_back(m.keys_under_tenant ? std::string(m.tenant) + "/" + std::string(k)
                                          : std::string(k));
    EXPECT_EQ(m.id, i.id);
    EXPECT_EQ(m.tenant, i.tenant);
    EXPECT_EQ(m.status, i.status);
    return std::make_pair(m.keys_under_tenant, whole);
  };
  const std::string v3 = EncodeIncident(i);
  EXPECT_EQ(members_of(i.id, v3), std::make_pair(true, i.alert_keys));
  const std::string v2 = "\x02" + ShortStr(i.id) + v3.substr(1);
  EXPECT_EQ(members_of("ignored: version 2 holds its id", v2), std::make_pair(true, i.alert_keys));
  Incident whole = i;
  whole.alert_keys.push_back("other/m365/x");
  EXPECT_EQ(members_of(i.id, EncodeIncident(whole)), std::make_pair(false, whole.alert_keys));
  // Where the alert keys end: the same record without what follows them (four empty fields).
  Incident up_to_keys = i;
  up_to_keys.entities.clear();
  up_to_keys.title.clear();
  up_to_keys.sources.clear();
  up_to_keys.clouds.clear();
  const std::size_t keys_end = EncodeIncident(up_to_keys).size() - 4;
  ASSERT_EQ(v3.substr(0, keys_end), EncodeIncident(up_to_keys).substr(0, keys_end));
  for (std::size_t n = 0; n <= v3.size(); ++n) {
    IncidentMembers m;
    const Status st = DecodeIncidentMembers(i.id, std::string_view(v3.data(), n), keys, m);
    // The fields after the alert keys are not read: a cut among them still yields the members.
    EXPECT_EQ(st.ok(), n >= keys_end) << n << ": " << st.ToString();
    if (!st.ok()) {
      EXPECT_EQ(st.code(), StatusCode::kCorruption);
    }
  }
}

TEST(CodecTest, AppendReusesBufferAndEncodesSameBytes) {
  std::string buf = "junk";
  buf.clear();
  AppendAlert(FullAlert(1), buf);
  EXPECT_EQ(buf, EncodeAlert(FullAlert(1)));
}

TEST(CodecTest, RealGuideAlertsRoundTrip) {
  const auto& data = ::weft::testing::GuideSample();
  ASSERT_EQ(data.alerts.size(), 398u);
  for (const Alert& a : data.alerts) {
    Result<Alert> back = DecodeAlert(a.key, EncodeAlert(a));
    ASSERT_TRUE(back.ok()) << a.key << ": " << back.status().ToString();
    ASSERT_EQ(Dump(*back), Dump(a));
  }
}

TEST(CodecTest, AlertSummaryReadsTheCorrelationFieldsOfFullAndRealAlerts) {
  std::vector<Alert> alerts = ::weft::testing::GuideSample().alerts;
  alerts.push_back(FullAlert(42));
  for (const Alert& a : alerts) {
    const std::string bytes = EncodeAlert(a);
    AlertSummary s;
    ASSERT_TRUE(DecodeAlertSummary(a.key, bytes, s).ok()) << a.key;
    EXPECT_EQ(s.tenant, a.tenant);
    EXPECT_EQ(s.key, a.key);
    EXPECT_EQ(s.title, a.title);
    EXPECT_EQ(s.activity, a.activity_time());
    EXPECT_EQ(s.last_activity, a.last_activity);
    EXPECT_EQ(s.severity, a.severity);
    EXPECT_EQ(s.status, a.status);
    ASSERT_EQ(s.evidence.size(), a.evidence.size()) << a.key;
    for (std::size_t i = 0; i < s.evidence.size(); ++i) {
      EXPECT_EQ(s.evidence[i].first, a.evidence[i].entity.kind);
      EXPECT_EQ(s.evidence[i].second, a.evidence[i].entity.key);
    }
  }
  // A record cut inside the fields a summary reads is corruption, never a short summary.
  const Alert cut = FullAlert(5);
  const std::string bytes = EncodeAlert(cut);
  AlertSummary s;
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, bytes.size() / 4, bytes.size() / 3}) {
    EXPECT_EQ(DecodeAlertSummary(cut.key, std::string_view(bytes.data(), n), s).code(),
              StatusCode::kCorruption)
        << n;
  }
}

TEST(CodecTest, EveryTruncationIsCorruptionNamingTheRecord) {
  const Alert alert = FullAlert(5);
  const std::string bytes = EncodeAlert(alert);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Result<Alert> r = DecodeAlert(alert.key, std::string_view(bytes.data(), n));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(
        r.status().message().rfind("alert record (" + std::to_string(n) + " bytes): field '", 0),
        0u)
        << r.status().message();
  }
  const Incident incident = FullIncident(1);
  const std::string inc = EncodeIncident(incident);
  for (size_t n = 0; n < inc.size(); ++n) {
    EXPECT_EQ(DecodeIncident(incident.id, std::string_view(inc.data(), n)).status().code(),
              StatusCode::kCorruption);
  }
  const EntityRecord entity = FullEntityRecord(1);
  const std::string ent = EncodeEntityRecord(entity);
  for (size_t n = 0; n < ent.size(); ++n) {
    EXPECT_EQ(DecodeEntityRecord(entity.tenant, entity.entity.key, std::string_view(ent.data(), n))
                  .status()
                  .code(),
              StatusCode::kCorruption);
  }
  const std::string rel = EncodeRelation(FullRelation());
  for (size_t n = 0; n < rel.size(); ++n) {
    EXPECT_EQ(DecodeRelation(std::string_view(rel.data(), n)).status().code(),
              StatusCode::kCorruption);
  }
}

TEST(CodecTest, ExactMessagesForTruncationVersionEnumAndTrailingBytes) {
  EXPECT_EQ(
      DecodeAlert("", "").status().message(),
      "alert record (0 bytes): field 'version' at byte 0 is truncated: the record ends at byte 0");
  EXPECT_EQ(DecodeIncident("inc-1", "\x07").status().message(),
            "incident record (1 bytes): field 'version' at byte 0 is 7, this build reads 1 to 3");
  EXPECT_EQ(DecodeRelation("\x02").status().message(),
            "relation record (1 bytes): field 'version' at byte 0 is 2, this build reads 1");

  // A relation: version, tenant "t", then a string length that runs past the end.
  const std::string rel(
      "\x01\x01t\x09"
      "ab",
      5);
  EXPECT_EQ(
      DecodeRelation(rel).status().message(),
      "relation record (5 bytes): field 'relation.from' at byte 3 is truncated: length 9 exceeds "
      "the 1 bytes left");

  // Alert severity byte set to 9.
  Alert a;
  std::string bytes = EncodeAlert(a);
  // version, tenant(1), source(1), product_name(1), provider_id(1), alert_type(1), title(1),
  // description(1) -> severity at byte 8.
  ASSERT_EQ(bytes[8], static_cast<char>(Severity::kMedium));
  bytes[8] = 9;
  EXPECT_EQ(DecodeAlert(a.key, bytes).status().message(),
            "alert record (26 bytes): field 'severity' at byte 8 is garbled: enum value 9 is out "
            "of range 0..3");

  std::string extra = EncodeRelation(FullRelation()) + "zz";
  EXPECT_EQ(DecodeRelation(extra).status().message(),
            "relation record (" + std::to_string(extra.size()) + " bytes): field 'end' at byte " +
                std::to_string(extra.size() - 2) + " has 2 trailing bytes");
}

TEST(CodecTest, HugeCountsAndOverlongVarintsAreRejectedWithoutAllocating) {
  // Incident: version, id "", tenant "", status 0, redirected "", severity 0, classification "",
  // determination "", two times, then alert_keys count = 2^62.
  std::string inc("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", 10);
  inc += std::string("\x80\x80\x80\x80\x80\x80\x80\x80\x40", 9);
  Result<Incident> r = DecodeIncident("inc-1", inc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.status().message(),
      "incident record (19 bytes): field 'alert_keys' at byte 10 is garbled or truncated: count "
      "4611686018427387904 exceeds the 0 bytes left");

  std::string overlong("\x01", 1);
  overlong += std::string(11, '\xff');
  Result<Relation> r2 = DecodeRelation(overlong);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().message(),
            "relation record (12 bytes): field 'relation.tenant' at byte 1 is garbled: varint "
            "overflows 64 bits");
}

TEST(CodecTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(20240606);
  const Alert alert = FullAlert(11);
  const std::string good = EncodeAlert(alert);
  int decoded_ok = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    if (round % 3 == 0) bytes.resize(rng() % bytes.size());
    Result<Alert> a = DecodeAlert(alert.key, bytes);
    if (a.ok()) {
      ++decoded_ok;  // a flip inside a string's bytes is undetectable; the result must round-trip
      Result<Alert> again = DecodeAlert(a->key, EncodeAlert(*a));
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(Dump(*again), Dump(*a));
    } else {
      EXPECT_EQ(a.status().code(), StatusCode::kCorruption);
    }
    (void)DecodeIncident("inc-1", bytes);
    (void)DecodeEntityRecord("contoso", "device:mde:1", bytes);
    (void)DecodeRelation(bytes);
  }
  EXPECT_LT(decoded_ok, 2000);
}

// ---- older layouts
// The record layouts older builds wrote still decode: each golden below is the hex of a record
// written by the build before keys left the values (alert and entity version 1, incident
// version 2), and must decode to the same record the test helpers build today.

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
