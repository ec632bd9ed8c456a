// "defender-for-cloud-export": the Defender for Cloud continuous-export / Event Hub stream
// (also what workflow automation sends). Alerts are flat PascalCase records (VendorName,
// AlertType, SystemAlertId, Entities, ResourceIdentifiers, ...); the same stream carries
// assessments, sub-assessments, secure scores and regulatory-compliance events, which are
// recognised and counted as non-alerts rather than rejected. Stateless; thread-safe.

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "importers/internal/mdc_entities.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

bool IsAlertRecord(const Json& j) {
  return j.contains("SystemAlertId") && (j.contains("AlertType") || j.contains("VendorName"));
}

// Assessments, sub-assessments, secure scores and compliance results of the export stream.
bool IsNonAlertRecord(const Json& j) {
  for (std::string_view k : {"securityEventDataEnrichment", "SecurityEventDataEnrichment",
                             "assessmentEventDataEnrichment", "SubAssessmentEventDataEnrichment"}) {
    if (j.contains(k)) return true;
  }
  const std::string type = ToLower(FirstStr(j, {"type", "Type"}));
  if (type.rfind("microsoft.security/", 0) != 0) return false;
  return type.find("assessments") != std::string::npos ||
         type.find("securescore") != std::string::npos ||
         type.find("regulatorycompliance") != std::string::npos;
}

class MdcExportFormat final : public Format {
 public:
  std::string_view name() const override { return "defender-for-cloud-export"; }

  bool Matches(const Json& j) const override {
    if (IsAlertRecord(j)) return true;
    // An alert in the REST shape with an enrichment block belongs to the REST format.
    const Json* props = Member(j, "properties");
    if (props != nullptr && props->is_object() && props->contains("systemAlertId")) return false;
    return IsNonAlertRecord(j);
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    if (!IsAlertRecord(j)) {
      if (IsNonAlertRecord(j)) {
        ++out.skipped_non_alerts;
        return Status::Ok();
      }
      return Status::InvalidArgument("missing required field 'SystemAlertId'");
    }
    return ParseMdcAlert(j, nullptr, ctx, out);
  }
};

}  // namespace

const Format& DefenderForCloudExportFormat() {
  static const MdcExportFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
