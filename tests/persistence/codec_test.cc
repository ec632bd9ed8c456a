#include "persistence/internal/codec.h"

#include <gtest/gtest.h>

#include <random>

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

}  // namespace
}  // namespace weft::codec
