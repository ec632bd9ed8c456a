#include "model/alert.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/canonical.h"
#include "model/incident.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // designated initializers below

namespace weft {
namespace {

// Alert id, tenant and time of the Defender for Cloud REST sample in /work/shared/data.
constexpr char kMdcAlertId[] = "2517396773687877093_a3fc5c97-dc20-4a36-bbdb-0070b73c74ed";
constexpr char kTenant[] = "contoso";

Timestamp T(const char* text) { return *ParseTimestamp(text); }

Evidence Ev(const std::optional<Entity>& entity, EvidenceRole role) {
  EXPECT_TRUE(entity.has_value());
  return Evidence{entity.value_or(Entity{}), role};
}

Alert MdcAlert() {
  Alert a;
  a.tenant = kTenant;
  a.source = SourceProduct::kDefenderForCloud;
  a.provider_id = kMdcAlertId;
  a.title = "Suspicious process executed";
  a.severity = Severity::kHigh;
  a.first_activity = T("2019-05-07T13:51:45.0045913Z");
  a.provenances = {{"defender-for-cloud-rest", "alerts.json", "[0]", ""}};
  return a;
}

// ---- enums ------------------------------------------------------------------------------------

TEST(AlertTest, SeverityParsingAndNames) {
  EXPECT_EQ(ParseSeverity("High"), Severity::kHigh);
  EXPECT_EQ(ParseSeverity("CRITICAL"), Severity::kHigh);
  EXPECT_EQ(ParseSeverity(" medium "), Severity::kMedium);
  EXPECT_EQ(ParseSeverity("Moderate"), Severity::kMedium);
  EXPECT_EQ(ParseSeverity("low"), Severity::kLow);
  EXPECT_EQ(ParseSeverity("Informational"), Severity::kInformational);
  EXPECT_EQ(ParseSeverity("info"), Severity::kInformational);
  EXPECT_EQ(ParseSeverity("information"), Severity::kInformational);
  EXPECT_EQ(ParseSeverity("0"), Severity::kInformational);
  EXPECT_EQ(ParseSeverity("1"), Severity::kLow);
  EXPECT_EQ(ParseSeverity("2"), Severity::kMedium);
  EXPECT_EQ(ParseSeverity("3"), Severity::kHigh);
  EXPECT_EQ(ParseSeverity("4"), std::nullopt);
  EXPECT_EQ(ParseSeverity("8.0"), std::nullopt);  // GuardDuty numbers are mapped by the importer
  EXPECT_EQ(ParseSeverity(""), std::nullopt);
  for (Severity s :
       {Severity::kInformational, Severity::kLow, Severity::kMedium, Severity::kHigh}) {
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
  }
  EXPECT_EQ(SeverityName(Severity::kInformational), "informational");
  EXPECT_EQ(MaxSeverity(Severity::kLow, Severity::kHigh), Severity::kHigh);
  EXPECT_EQ(MaxSeverity(Severity::kMedium, Severity::kInformational), Severity::kMedium);
}

TEST(AlertTest, StatusParsingAndNames) {
  EXPECT_EQ(ParseAlertStatus("New"), AlertStatus::kNew);
  EXPECT_EQ(ParseAlertStatus("Active"), AlertStatus::kNew);
  EXPECT_EQ(ParseAlertStatus("open"), AlertStatus::kNew);
  EXPECT_EQ(ParseAlertStatus("NOTIFIED"), AlertStatus::kNew);
  EXPECT_EQ(ParseAlertStatus("unknown"), AlertStatus::kNew);
  EXPECT_EQ(ParseAlertStatus("InProgress"), AlertStatus::kInProgress);
  EXPECT_EQ(ParseAlertStatus("in_progress"), AlertStatus::kInProgress);
  EXPECT_EQ(ParseAlertStatus("In Progress"), AlertStatus::kInProgress);
  EXPECT_EQ(ParseAlertStatus("in-progress"), AlertStatus::kInProgress);
  EXPECT_EQ(ParseAlertStatus("Resolved"), AlertStatus::kResolved);
  EXPECT_EQ(ParseAlertStatus("closed"), AlertStatus::kResolved);
  EXPECT_EQ(ParseAlertStatus("Inactive"), AlertStatus::kResolved);
  EXPECT_EQ(ParseAlertStatus("ARCHIVED"), AlertStatus::kResolved);
  EXPECT_EQ(ParseAlertStatus("Dismissed"), AlertStatus::kDismissed);
  EXPECT_EQ(ParseAlertStatus("suppressed"), AlertStatus::kDismissed);
  EXPECT_EQ(ParseAlertStatus("muted"), AlertStatus::kDismissed);
  EXPECT_EQ(ParseAlertStatus("pending"), std::nullopt);
  for (AlertStatus s : {AlertStatus::kNew, AlertStatus::kInProgress, AlertStatus::kResolved,
                        AlertStatus::kDismissed}) {
    EXPECT_EQ(ParseAlertStatus(AlertStatusName(s)), s);
  }
  EXPECT_EQ(AlertStatusName(AlertStatus::kInProgress), "in_progress");
}

TEST(AlertTest, EvidenceRoleParsingAndNames) {
  EXPECT_EQ(ParseEvidenceRole("Impacted"), EvidenceRole::kImpacted);
  EXPECT_EQ(ParseEvidenceRole("compromised"), EvidenceRole::kImpacted);
  EXPECT_EQ(ParseEvidenceRole("target"), EvidenceRole::kImpacted);
  EXPECT_EQ(ParseEvidenceRole("victim"), EvidenceRole::kImpacted);
  EXPECT_EQ(ParseEvidenceRole("Related"), EvidenceRole::kRelated);
  EXPECT_EQ(ParseEvidenceRole(""), EvidenceRole::kRelated);
  EXPECT_EQ(ParseEvidenceRole("attacker"), EvidenceRole::kRelated);
  EXPECT_EQ(ParseEvidenceRole("source"), EvidenceRole::kRelated);
  EXPECT_EQ(ParseEvidenceRole("contextual"), EvidenceRole::kRelated);
  EXPECT_EQ(ParseEvidenceRole("bystander"), std::nullopt);
  EXPECT_EQ(EvidenceRoleName(EvidenceRole::kImpacted), "impacted");
  EXPECT_EQ(EvidenceRoleName(EvidenceRole::kRelated), "related");
}

TEST(AlertTest, SourceProductNamesAndCodes) {
  const SourceProduct all[] = {SourceProduct::kDefenderForCloud,
                               SourceProduct::kDefenderForEndpoint,
                               SourceProduct::kDefenderForIdentity,
                               SourceProduct::kDefenderForOffice365,
                               SourceProduct::kDefenderForCloudApps,
                               SourceProduct::kDefenderXdr,
                               SourceProduct::kEntraIdProtection,
                               SourceProduct::kSentinel,
                               SourceProduct::kGuardDuty,
                               SourceProduct::kSecurityHub,
                               SourceProduct::kSecurityCommandCenter,
                               SourceProduct::kOcsf,
                               SourceProduct::kGuide,
                               SourceProduct::kWeft,
                               SourceProduct::kOther};
  for (SourceProduct p : all) {
    EXPECT_EQ(ParseSourceProduct(SourceProductName(p)), p) << SourceProductName(p);
    EXPECT_EQ(ParseSourceProduct(ToUpper(SourceProductName(p))), p) << SourceProductName(p);
  }
  struct Case {
    const char* text;
    SourceProduct product;
  };
  for (const Case& c :
       {Case{"Microsoft Defender for Cloud", SourceProduct::kDefenderForCloud},
        Case{"Azure Security Center", SourceProduct::kDefenderForCloud},
        Case{"mdc", SourceProduct::kDefenderForCloud},
        Case{"Microsoft Defender for Endpoint", SourceProduct::kDefenderForEndpoint},
        Case{"Microsoft Defender ATP", SourceProduct::kDefenderForEndpoint},
        Case{"MDE", SourceProduct::kDefenderForEndpoint},
        Case{"mdi", SourceProduct::kDefenderForIdentity},
        Case{"mdo", SourceProduct::kDefenderForOffice365},
        Case{"Microsoft Defender for Cloud Apps", SourceProduct::kDefenderForCloudApps},
        Case{"mdca", SourceProduct::kDefenderForCloudApps},
        Case{"Microsoft 365 Defender", SourceProduct::kDefenderXdr},
        Case{"Microsoft Defender XDR", SourceProduct::kDefenderXdr},
        Case{"xdr", SourceProduct::kDefenderXdr},
        Case{"Microsoft Entra ID Protection", SourceProduct::kEntraIdProtection},
        Case{"AAD Identity Protection", SourceProduct::kEntraIdProtection},
        Case{"Microsoft Sentinel", SourceProduct::kSentinel},
        Case{"Azure Sentinel", SourceProduct::kSentinel},
        Case{"Amazon GuardDuty", SourceProduct::kGuardDuty},
        Case{"AWS Security Hub", SourceProduct::kSecurityHub},
        Case{"securityhub", SourceProduct::kSecurityHub},
        Case{"Google Cloud Security Command Center", SourceProduct::kSecurityCommandCenter},
        Case{"scc", SourceProduct::kSecurityCommandCenter},
        Case{"gcp-scc", SourceProduct::kSecurityCommandCenter},
        Case{"ocsf", SourceProduct::kOcsf},
        Case{"guide", SourceProduct::kGuide},
        Case{"weft", SourceProduct::kWeft}}) {
    EXPECT_EQ(ParseSourceProduct(c.text), c.product) << c.text;
  }
  EXPECT_EQ(ParseSourceProduct("Splunk"), std::nullopt);
}

TEST(AlertTest, ProviderFamilies) {
  EXPECT_EQ(ProviderFamily(SourceProduct::kDefenderForCloud), "mdc");
  for (SourceProduct p :
       {SourceProduct::kDefenderForEndpoint, SourceProduct::kDefenderForIdentity,
        SourceProduct::kDefenderForOffice365, SourceProduct::kDefenderForCloudApps,
        SourceProduct::kDefenderXdr, SourceProduct::kEntraIdProtection}) {
    EXPECT_EQ(ProviderFamily(p), "m365") << SourceProductName(p);
  }
  EXPECT_EQ(ProviderFamily(SourceProduct::kSentinel), "sentinel");
  EXPECT_EQ(ProviderFamily(SourceProduct::kGuardDuty), "guardduty");
  EXPECT_EQ(ProviderFamily(SourceProduct::kSecurityHub), "securityhub");
  EXPECT_EQ(ProviderFamily(SourceProduct::kSecurityCommandCenter), "scc");
  EXPECT_EQ(ProviderFamily(SourceProduct::kOcsf), "ocsf");
  EXPECT_EQ(ProviderFamily(SourceProduct::kGuide), "guide");
  EXPECT_EQ(ProviderFamily(SourceProduct::kWeft), "weft");
  EXPECT_EQ(ProviderFamily(SourceProduct::kOther), "other");
}

// ---- keys -------------------------------------------------------------------------------------

TEST(AlertTest, AlertKeyFormula) {
  EXPECT_EQ(MakeAlertKey(kTenant, SourceProduct::kDefenderForCloud, kMdcAlertId),
            std::string("contoso/mdc/") + kMdcAlertId);
  EXPECT_EQ(MakeAlertKey("t1", SourceProduct::kGuardDuty, " 60baffd3f9042e38640f2300d5c5a631 "),
            "t1/guardduty/60baffd3f9042e38640f2300d5c5a631");
  // The tenant prefix separates identical provider ids of two tenants.
  EXPECT_NE(MakeAlertKey("t1", SourceProduct::kGuardDuty, "x"),
            MakeAlertKey("t2", SourceProduct::kGuardDuty, "x"));
}

TEST(AlertTest, AlertKeyIsCaseInsensitiveForMicrosoftIds) {
  const std::string upper = ToUpper(kMdcAlertId);
  EXPECT_EQ(MakeAlertKey(kTenant, SourceProduct::kDefenderForCloud, upper),
            MakeAlertKey(kTenant, SourceProduct::kDefenderForCloud, kMdcAlertId));
  EXPECT_EQ(
      MakeAlertKey("t", SourceProduct::kDefenderForEndpoint, "da637293134513278383_-1093453402"),
      MakeAlertKey("t", SourceProduct::kDefenderXdr, "DA637293134513278383_-1093453402"));
  EXPECT_EQ(MakeAlertKey("t", SourceProduct::kDefenderXdr, "DA637293134513278383_-1093453402"),
            "t/m365/da637293134513278383_-1093453402");
  EXPECT_EQ(MakeAlertKey("t", SourceProduct::kSentinel, "ABC"), "t/sentinel/abc");
  // Other providers' ids are case-sensitive.
  EXPECT_EQ(MakeAlertKey("t", SourceProduct::kGuardDuty, "AbC"), "t/guardduty/AbC");
  EXPECT_EQ(MakeAlertKey("t", SourceProduct::kSecurityCommandCenter,
                         "organizations/1/sources/2/findings/AbC"),
            "t/scc/organizations/1/sources/2/findings/AbC");
}

TEST(AlertTest, DefenderForCloudThroughAnyConnectorHasOneKey) {
  // The same Defender for Cloud alert from REST, continuous export and Sentinel's connector: the
  // source product stays Defender for Cloud, so the family and the key are the same.
  Alert rest = MdcAlert();
  Alert sentinel = MdcAlert();
  sentinel.provider_id = ToUpper(kMdcAlertId);
  sentinel.provenances = {
      {"sentinel", "SecurityAlert.json", "line 3", "Sentinel subscription-based connector"}};
  ASSERT_TRUE(FinalizeAlert(rest).ok());
  ASSERT_TRUE(FinalizeAlert(sentinel).ok());
  EXPECT_EQ(rest.key, sentinel.key);
  EXPECT_EQ(MergeAlert(rest, sentinel), MergeOutcome::kUpdated);  // a new provenance
  EXPECT_EQ(rest.provenances.size(), 2u);
  EXPECT_EQ(MergeAlert(rest, sentinel), MergeOutcome::kDuplicate);
}

TEST(AlertTest, IncidentIdIsDeterministic) {
  EXPECT_EQ(StableHash(""), 0xcbf29ce484222325ull);  // FNV-1a 64 offset basis
  EXPECT_EQ(StableHash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Hex64(0), "0000000000000000");
  EXPECT_EQ(Hex64(0xaf63dc4c8601ec8cull), "af63dc4c8601ec8c");
  EXPECT_EQ(MakeIncidentId("a"), "inc-af63dc4c8601ec8c");
  const std::string key = MakeAlertKey(kTenant, SourceProduct::kDefenderForCloud, kMdcAlertId);
  EXPECT_EQ(MakeIncidentId(key), MakeIncidentId(key));
  EXPECT_EQ(MakeIncidentId(key), "inc-" + Hex64(StableHash(key)));
  EXPECT_NE(MakeIncidentId(key), MakeIncidentId(key + "x"));
  EXPECT_EQ(MakeIncidentId(key).size(), 20u);
}

TEST(IncidentIdTest, ParseInvertsFormatAndRejectsAnythingElse) {
  const std::uint64_t hash = IncidentIdHash("tenant/mdc/alert-1");
  EXPECT_EQ(FormatIncidentId(hash), MakeIncidentId("tenant/mdc/alert-1"));
  EXPECT_EQ(ParseIncidentId(FormatIncidentId(hash)), hash);
  EXPECT_EQ(ParseIncidentId("inc-00000000000000ff"), 255u);
  EXPECT_EQ(ParseIncidentId("inc-af63dc4c8601ec8"), std::nullopt);   // 15 digits
  EXPECT_EQ(ParseIncidentId("inc-AF63DC4C8601EC8C"), std::nullopt);  // ids are lower case
  EXPECT_EQ(ParseIncidentId("inc-af63dc4c8601ec8g"), std::nullopt);
  EXPECT_EQ(ParseIncidentId("abc-af63dc4c8601ec8c"), std::nullopt);
}

TEST(AlertTest, IncidentStatusNames) {
  for (IncidentStatus s :
       {IncidentStatus::kActive, IncidentStatus::kResolved, IncidentStatus::kRedirected}) {
    EXPECT_EQ(ParseIncidentStatus(IncidentStatusName(s)), s);
  }
  EXPECT_EQ(ParseIncidentStatus("Closed"), IncidentStatus::kResolved);
  EXPECT_EQ(ParseIncidentStatus("open"), IncidentStatus::kActive);
  EXPECT_EQ(ParseIncidentStatus("merged"), std::nullopt);
}

// ---- FinalizeAlert ----------------------------------------------------------------------------

TEST(AlertTest, FinalizeNamesTheMissingField) {
  Alert no_tenant = MdcAlert();
  no_tenant.tenant = "  ";
  Status s = FinalizeAlert(no_tenant);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "alert has no tenant (give --tenant or a tenants mapping file)");

  Alert no_id = MdcAlert();
  no_id.provider_id = "";
  s = FinalizeAlert(no_id);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "alert has no provider id");

  Alert no_time = MdcAlert();
  no_time.first_activity = kNoTime;
  s = FinalizeAlert(no_time);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "alert has no time");
}

TEST(AlertTest, FinalizeFillsKeyAndTimes) {
  Alert a = MdcAlert();
  ASSERT_TRUE(FinalizeAlert(a).ok());
  EXPECT_EQ(a.key, std::string("contoso/mdc/") + kMdcAlertId);
  EXPECT_EQ(a.last_activity, a.first_activity);

  // first_activity falls back to created, then last_activity, then updated.
  Alert b = MdcAlert();
  b.first_activity = kNoTime;
  b.created = T("2026-01-01T10:00:00Z");
  b.updated = T("2026-01-01T12:00:00Z");
  ASSERT_TRUE(FinalizeAlert(b).ok());
  EXPECT_EQ(b.first_activity, T("2026-01-01T10:00:00Z"));
  EXPECT_EQ(b.last_activity, T("2026-01-01T10:00:00Z"));

  Alert c = MdcAlert();
  c.first_activity = kNoTime;
  c.last_activity = T("2026-01-01T11:00:00Z");
  ASSERT_TRUE(FinalizeAlert(c).ok());
  EXPECT_EQ(c.first_activity, T("2026-01-01T11:00:00Z"));

  Alert d = MdcAlert();
  d.first_activity = kNoTime;
  d.updated = T("2026-01-01T12:00:00Z");
  ASSERT_TRUE(FinalizeAlert(d).ok());
  EXPECT_EQ(d.first_activity, T("2026-01-01T12:00:00Z"));

  // A last_activity before first_activity is raised to it.
  Alert e = MdcAlert();
  e.first_activity = T("2026-01-01T12:00:00Z");
  e.last_activity = T("2026-01-01T11:00:00Z");
  ASSERT_TRUE(FinalizeAlert(e).ok());
  EXPECT_EQ(e.last_activity, T("2026-01-01T12:00:00Z"));
}

TEST(AlertTest, ActivityTimePrefersFirstActivity) {
  Alert a;
  a.ingested = 3;
  EXPECT_EQ(a.activity_time(), 3);
  a.created = 2;
  EXPECT_EQ(a.activity_time(), 2);
  a.first_activity = 1;
  EXPECT_EQ(a.activity_time(), 1);
}

TEST(AlertTest, FinalizeSortsAndDedupsTacticsTechniquesLabels) {
  Alert a = MdcAlert();
  a.tactics = {"Persistence", "InitialAccess", "Persistence", "Execution"};
  a.techniques = {"T1059.001", "T1003", "T1059.001"};
  a.truth_labels = {"inc-b", "inc-a", "inc-b"};
  ASSERT_TRUE(FinalizeAlert(a).ok());
  EXPECT_EQ(a.tactics, (std::vector<std::string>{"Execution", "InitialAccess", "Persistence"}));
  EXPECT_EQ(a.techniques, (std::vector<std::string>{"T1003", "T1059.001"}));
  EXPECT_EQ(a.truth_labels, (std::vector<std::string>{"inc-a", "inc-b"}));
}

TEST(AlertTest, FinalizeDedupsEvidenceWithImpactedWinning) {
  Alert a = MdcAlert();
  a.evidence.push_back(
      Ev(MakeDevice({.mde_device_id = "abc", .hostname = "web01"}, "MDE"), EvidenceRole::kRelated));
  a.evidence.push_back(Ev(MakeIp("10.0.0.5", "MDE"), EvidenceRole::kRelated));
  a.evidence.push_back(Ev(
      MakeDevice({.mde_device_id = "ABC", .aad_device_id = "11111111-2222-3333-4444-555555555555"},
                 "MDE"),
      EvidenceRole::kImpacted));
  a.evidence.push_back(Ev(MakeIp("010.000.000.005", "MDE"), EvidenceRole::kRelated));
  ASSERT_TRUE(FinalizeAlert(a).ok());
  ASSERT_EQ(a.evidence.size(), 2u);
  EXPECT_EQ(a.evidence[0].entity.key, "device:mde:abc");
  EXPECT_EQ(a.evidence[0].role, EvidenceRole::kImpacted);
  EXPECT_NE(a.evidence[0].entity.FindAlias("aad"), nullptr);  // aliases of both pieces
  EXPECT_NE(a.evidence[0].entity.FindAlias("host"), nullptr);
  EXPECT_EQ(a.evidence[1].entity.key, "ip:10.0.0.5");
  EXPECT_EQ(a.evidence[1].role, EvidenceRole::kRelated);
}

TEST(AlertTest, FinalizeDerivesCloudFromEvidence) {
  const char* vm =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
  const char* bucket = "arn:aws:s3:::bucketName";
  const char* gcs = "//storage.googleapis.com/projects/_/buckets/b";

  // Impacted evidence decides, wherever it is.
  Alert a = MdcAlert();
  a.evidence.push_back(
      Ev(MakeCloudResource(bucket, Cloud::kUnknown, "", ""), EvidenceRole::kRelated));
  a.evidence.push_back(Ev(MakeCloudResource(vm, Cloud::kUnknown, "", ""), EvidenceRole::kImpacted));
  a.evidence.push_back(
      Ev(MakeCloudResource(gcs, Cloud::kUnknown, "", ""), EvidenceRole::kImpacted));
  ASSERT_TRUE(FinalizeAlert(a).ok());
  EXPECT_EQ(a.cloud, Cloud::kAzure);

  // Without impacted evidence, the first entity with a known cloud decides.
  Alert b = MdcAlert();
  b.evidence.push_back(Ev(MakeIp("8.8.8.8", ""), EvidenceRole::kRelated));
  b.evidence.push_back(
      Ev(MakeCloudResource(bucket, Cloud::kUnknown, "", ""), EvidenceRole::kRelated));
  b.evidence.push_back(Ev(MakeCloudResource(gcs, Cloud::kUnknown, "", ""), EvidenceRole::kRelated));
  ASSERT_TRUE(FinalizeAlert(b).ok());
  EXPECT_EQ(b.cloud, Cloud::kAws);

  // On-premises and unknown entities never label the alert; a cloud already set is kept.
  Alert c = MdcAlert();
  c.evidence.push_back(
      Ev(MakeCloudResource("server-7", Cloud::kOnPremises, "", ""), EvidenceRole::kImpacted));
  c.evidence.push_back(Ev(MakeDevice({.hostname = "web01"}, ""), EvidenceRole::kImpacted));
  ASSERT_TRUE(FinalizeAlert(c).ok());
  EXPECT_EQ(c.cloud, Cloud::kUnknown);

  Alert d = MdcAlert();
  d.cloud = Cloud::kGcp;
  d.evidence.push_back(Ev(MakeCloudResource(vm, Cloud::kUnknown, "", ""), EvidenceRole::kImpacted));
  ASSERT_TRUE(FinalizeAlert(d).ok());
  EXPECT_EQ(d.cloud, Cloud::kGcp);
}

TEST(AlertTest, FinalizeGivesRelationsTheAlertTenant) {
  Alert a = MdcAlert();
  a.relations.push_back(Relation{"", "process:-:1:cmd.exe", "device:mde:abc", "runs_on"});
  a.relations.push_back(Relation{"other", "user:a@b.c", "device:mde:abc", "logged_on"});
  ASSERT_TRUE(FinalizeAlert(a).ok());
  EXPECT_EQ(a.relations[0].tenant, kTenant);
  EXPECT_EQ(a.relations[1].tenant, "other");
}

// ---- MergeAlert -------------------------------------------------------------------------------

TEST(AlertTest, MergeOfSameDeliveryIsDuplicate) {
  Alert stored = MdcAlert();
  stored.evidence.push_back(Ev(MakeIp("10.0.0.5", ""), EvidenceRole::kRelated));
  stored.tactics = {"Execution"};
  ASSERT_TRUE(FinalizeAlert(stored).ok());
  Alert again = stored;
  EXPECT_EQ(MergeAlert(stored, again), MergeOutcome::kDuplicate);
  EXPECT_EQ(stored.provenances.size(), 1u);
  EXPECT_EQ(stored.evidence.size(), 1u);
}

TEST(AlertTest, NewerUpdateReplacesMutableFields) {
  Alert stored = MdcAlert();
  stored.updated = T("2026-01-01T10:00:00Z");
  stored.status = AlertStatus::kNew;
  stored.native_status = "Active";
  stored.severity = Severity::kMedium;
  stored.native_severity = "Medium";
  stored.count = 2;
  ASSERT_TRUE(FinalizeAlert(stored).ok());

  Alert newer = stored;
  newer.updated = T("2026-01-01T11:00:00Z");
  newer.status = AlertStatus::kResolved;
  newer.native_status = "Resolved";
  newer.severity = Severity::kHigh;
  newer.native_severity = "High";
  newer.count = 5;
  newer.title = "Renamed";
  newer.description = "";  // an empty description does not erase the stored one
  stored.description = "kept";
  EXPECT_EQ(MergeAlert(stored, newer), MergeOutcome::kUpdated);
  EXPECT_EQ(stored.updated, T("2026-01-01T11:00:00Z"));
  EXPECT_EQ(stored.status, AlertStatus::kResolved);
  EXPECT_EQ(stored.native_status, "Resolved");
  EXPECT_EQ(stored.severity, Severity::kHigh);
  EXPECT_EQ(stored.native_severity, "High");
  EXPECT_EQ(stored.count, 5);
  EXPECT_EQ(stored.title, "Renamed");
  EXPECT_EQ(stored.description, "kept");

  // An older delivery arriving late changes nothing.
  Alert older = newer;
  older.updated = T("2026-01-01T09:00:00Z");
  older.status = AlertStatus::kNew;
  older.severity = Severity::kLow;
  older.count = 1;
  EXPECT_EQ(MergeAlert(stored, older), MergeOutcome::kDuplicate);
  EXPECT_EQ(stored.status, AlertStatus::kResolved);
  EXPECT_EQ(stored.severity, Severity::kHigh);
  EXPECT_EQ(stored.count, 5);
}

TEST(AlertTest, MergeAccumulatesProvenancesAndWidensActivity) {
  Alert stored = MdcAlert();
  stored.first_activity = T("2026-01-01T10:00:00Z");
  stored.last_activity = T("2026-01-01T10:30:00Z");
  ASSERT_TRUE(FinalizeAlert(stored).ok());

  Alert export_copy = stored;
  export_copy.provenances = {
      {"defender-for-cloud-export", "export.json", "[4]", "continuous export"}};
  export_copy.first_activity = T("2026-01-01T09:00:00Z");
  export_copy.last_activity = T("2026-01-01T11:00:00Z");
  export_copy.techniques = {"T1078"};
  export_copy.truth_labels = {"inc-1"};
  export_copy.relations = {Relation{kTenant, "user:a@b.c", "device:mde:abc", "logged_on"}};
  EXPECT_EQ(MergeAlert(stored, export_copy), MergeOutcome::kUpdated);
  ASSERT_EQ(stored.provenances.size(), 2u);
  EXPECT_EQ(stored.provenances[0].format, "defender-for-cloud-rest");
  EXPECT_EQ(stored.provenances[1].format, "defender-for-cloud-export");
  EXPECT_EQ(stored.first_activity, T("2026-01-01T09:00:00Z"));
  EXPECT_EQ(stored.last_activity, T("2026-01-01T11:00:00Z"));
  EXPECT_EQ(stored.techniques, std::vector<std::string>{"T1078"});
  EXPECT_EQ(stored.truth_labels, std::vector<std::string>{"inc-1"});
  EXPECT_EQ(stored.relations.size(), 1u);
  EXPECT_EQ(MergeAlert(stored, export_copy), MergeOutcome::kDuplicate);
}

TEST(AlertTest, MergeCombinesEvidencePieces) {
  Alert stored = MdcAlert();
  stored.evidence.push_back(
      Ev(MakeDevice({.mde_device_id = "abc"}, "MDE"), EvidenceRole::kRelated));
  ASSERT_TRUE(FinalizeAlert(stored).ok());

  Alert incoming = stored;
  incoming.evidence.clear();
  incoming.evidence.push_back(
      Ev(MakeDevice({.mde_device_id = "abc", .hostname = "web01"}, "Sentinel"),
         EvidenceRole::kImpacted));
  incoming.evidence.push_back(
      Ev(MakeUser({.upn = "jane.doe@example.org"}, "Sentinel"), EvidenceRole::kRelated));
  EXPECT_EQ(MergeAlert(stored, incoming), MergeOutcome::kUpdated);
  ASSERT_EQ(stored.evidence.size(), 2u);
  EXPECT_EQ(stored.evidence[0].entity.key, "device:mde:abc");
  EXPECT_EQ(stored.evidence[0].role, EvidenceRole::kImpacted);
  const Alias* host = stored.evidence[0].entity.FindAlias("host");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->value, "web01");
  EXPECT_EQ(stored.evidence[1].entity.key, "user:jane.doe@example.org");
  EXPECT_EQ(MergeAlert(stored, incoming), MergeOutcome::kDuplicate);

  // A new alias alone is a change.
  Alert more = incoming;
  more.evidence = {Ev(
      MakeDevice({.mde_device_id = "abc", .aad_device_id = "11111111-2222-3333-4444-555555555555"},
                 "Sentinel"),
      EvidenceRole::kRelated)};
  EXPECT_EQ(MergeAlert(stored, more), MergeOutcome::kUpdated);
  EXPECT_EQ(stored.evidence[0].role, EvidenceRole::kImpacted);  // never downgraded
  EXPECT_NE(stored.evidence[0].entity.FindAlias("aad"), nullptr);
}

TEST(AlertTest, MergeFillsTitleAndCloudWhenMissing) {
  Alert stored = MdcAlert();
  stored.title = "";
  ASSERT_TRUE(FinalizeAlert(stored).ok());
  Alert incoming = stored;
  incoming.title = "From the second connector";
  incoming.cloud = Cloud::kAzure;
  EXPECT_EQ(MergeAlert(stored, incoming), MergeOutcome::kUpdated);
  EXPECT_EQ(stored.title, "From the second connector");
  EXPECT_EQ(stored.cloud, Cloud::kAzure);
}

}  // namespace
}  // namespace weft
