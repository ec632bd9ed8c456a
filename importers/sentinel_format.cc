// "sentinel": rows of the Microsoft Sentinel / Log Analytics SecurityAlert table (TenantId,
// SystemAlertId, VendorOriginalId, ProductName, AlertName, AlertSeverity, Entities and
// ExtendedProperties as JSON strings, StartTime, EndTime, TimeGenerated, Tactics, Techniques,
// CompromisedEntity, ResourceId), as JSON or as a CSV export. An alert that another product
// raised keeps that product's alert key, so a Defender for Cloud alert read through Sentinel
// dedups with the same alert read through the REST API. Stateless; thread-safe.

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "importers/internal/mdc_entities.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

struct ProductMapping {
  std::string_view product_name;  // SecurityAlert.ProductName, lower case
  SourceProduct source;
};

constexpr ProductMapping kProducts[] = {
    {"azure security center", SourceProduct::kDefenderForCloud},
    {"microsoft defender for cloud", SourceProduct::kDefenderForCloud},
    {"azure defender", SourceProduct::kDefenderForCloud},
    {"azure security center for iot", SourceProduct::kDefenderForCloud},
    {"microsoft defender advanced threat protection", SourceProduct::kDefenderForEndpoint},
    {"microsoft defender for endpoint", SourceProduct::kDefenderForEndpoint},
    {"microsoft defender atp", SourceProduct::kDefenderForEndpoint},
    {"azure advanced threat protection", SourceProduct::kDefenderForIdentity},
    {"microsoft defender for identity", SourceProduct::kDefenderForIdentity},
    {"office 365 advanced threat protection", SourceProduct::kDefenderForOffice365},
    {"microsoft defender for office 365", SourceProduct::kDefenderForOffice365},
    {"microsoft cloud app security", SourceProduct::kDefenderForCloudApps},
    {"microsoft defender for cloud apps", SourceProduct::kDefenderForCloudApps},
    {"azure active directory identity protection", SourceProduct::kEntraIdProtection},
    {"microsoft entra id protection", SourceProduct::kEntraIdProtection},
    {"microsoft 365 defender", SourceProduct::kDefenderXdr},
    {"microsoft defender xdr", SourceProduct::kDefenderXdr},
};

SourceProduct ProductOf(std::string_view product_name) {
  const std::string p = ToLower(Trim(product_name));
  for (const ProductMapping& m : kProducts) {
    if (p == m.product_name) return m.source;
  }
  return SourceProduct::kSentinel;  // Sentinel analytics rules and anything else it stores
}

class SentinelFormat final : public Format {
 public:
  std::string_view name() const override { return "sentinel"; }

  bool Matches(const Json& j) const override {
    return j.contains("SystemAlertId") && (j.contains("AlertSeverity") || j.contains("AlertName"));
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    Alert a;
    a.product_name = Str(j, "ProductName");
    a.source = ProductOf(a.product_name);
    const std::string system_id = Str(j, "SystemAlertId");
    const std::string vendor_id = Str(j, "VendorOriginalId");
    if (Trim(system_id).empty() && Trim(vendor_id).empty()) {
      return Status::InvalidArgument("missing required field 'SystemAlertId'");
    }
    // Another product's alert is keyed by that product's own id so that every path to it
    // dedups; Sentinel's own alerts by SystemAlertId.
    a.provider_id =
        a.source != SourceProduct::kSentinel && !Trim(vendor_id).empty() ? vendor_id : system_id;
    if (Trim(a.provider_id).empty()) a.provider_id = vendor_id;
    a.alert_type = Str(j, "AlertType");
    a.title = FirstStr(j, {"AlertName", "DisplayName"});
    a.description = Str(j, "Description");
    a.native_severity = Str(j, "AlertSeverity");
    if (a.native_severity.empty())
      return Status::InvalidArgument("missing required field 'AlertSeverity'");
    std::optional<Severity> severity = ParseSeverity(a.native_severity);
    if (!severity)
      return Status::InvalidArgument("field 'AlertSeverity' has unknown value '" +
                                     a.native_severity + "'");
    a.severity = *severity;
    a.native_status = Str(j, "Status");
    a.status = ParseAlertStatus(a.native_status).value_or(AlertStatus::kNew);
    a.first_activity = Time(j, "StartTime");
    a.last_activity = Time(j, "EndTime");
    a.created = Time(j, "TimeGenerated");
    a.updated = a.created;  // Sentinel writes a new row per change
    if (a.first_activity == kNoTime && a.created == kNoTime) {
      return Status::InvalidArgument(Member(j, "StartTime") == nullptr &&
                                             Member(j, "TimeGenerated") == nullptr
                                         ? "missing required field 'StartTime'"
                                         : "field 'StartTime' is not a timestamp");
    }
    AddTactics(StringListCi(j, "Tactics"), a.tactics);
    for (std::string_view key : {"Techniques", "SubTechniques"}) {
      for (const std::string& t : StringListCi(j, key)) {
        for (std::string& id : ExtractTechniqueIds(t)) a.techniques.push_back(std::move(id));
      }
    }

    const std::string_view source = SourceProductName(a.source);
    const std::string resource_id = Str(j, "ResourceId");
    if (!resource_id.empty()) {
      if (std::optional<Entity> r = MakeMsResource(resource_id, "", source)) {
        a.cloud = r->cloud;
        a.evidence.push_back(Evidence{std::move(*r), EvidenceRole::kImpacted});
      }
    }
    JsonDocument entities;
    EntityGraph graph = ConvertMdcEntities(MaybeEmbeddedJson(j, "Entities", entities), source);
    const std::string compromised = Str(j, "CompromisedEntity");
    for (Evidence& e : graph.evidence) {
      if (IsCompromisedEntity(e.entity, compromised)) e.role = EvidenceRole::kImpacted;
      a.evidence.push_back(std::move(e));
    }
    a.relations = std::move(graph.relations);

    std::string subscription = SubscriptionOf(resource_id);
    if (subscription.empty()) subscription = ToLower(Str(j, "WorkspaceSubscriptionId"));
    a.tenant = ResolveTenant(ctx, Str(j, "TenantId"), {subscription});
    out.alerts.push_back(std::move(a));
    return Status::Ok();
  }
};

}  // namespace

const Format& SentinelSecurityAlertFormat() {
  static const SentinelFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
