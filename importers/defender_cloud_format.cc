// "defender-for-cloud": Microsoft Defender for Cloud alerts in the REST shape of
// Microsoft.Security/alerts (api 2022-01-01): {id, name, type, properties:{...}}, one alert per
// record (list responses {value:[...]} are unwrapped by the Importer). Stateless; thread-safe.

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "importers/internal/json_util.h"
#include "importers/internal/mdc_entities.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

class MdcRestFormat final : public Format {
 public:
  std::string_view name() const override { return "defender-for-cloud"; }

  bool Matches(const Json& j) const override {
    const Json* props = Member(j, "properties");
    if (props == nullptr || !props->is_object()) return false;
    if (props->contains("systemAlertId") || props->contains("alertType")) return true;
    const std::string type = ToLower(Str(j, "type"));
    return type.rfind("microsoft.security/", 0) == 0 && type.size() > 7 &&
           type.compare(type.size() - 7, 7, "/alerts") == 0;
  }

  Status Parse(const Json& j, const RecordContext& ctx, ParseOutput& out) const override {
    const Json* props = Member(j, "properties");
    if (props == nullptr || !props->is_object()) {
      return Status::InvalidArgument("missing required field 'properties'");
    }
    return ParseMdcAlert(*props, &j, ctx, out);
  }
};

}  // namespace

const Format& DefenderForCloudRestFormat() {
  static const MdcRestFormat kFormat;
  return kFormat;
}

}  // namespace weft::importers
