#include <algorithm>

#include "importers/internal/format.h"
#include "importers/internal/formats.h"
#include "model/canonical.h"

namespace weft::importers {

const std::vector<const Format*>& AllFormats() {
  // Detection order: the first format whose Matches() accepts a record parses it, so formats
  // with distinctive keys come before looser ones.
  static const std::vector<const Format*> kFormats = {
      // Microsoft formats.
      &SentinelSecurityAlertFormat(),
      &XdrStreamingFormat(),
      &GraphSecurityAlertFormat(),
      &MdeAlertsApiFormat(),
      &DefenderForCloudExportFormat(),
      &DefenderForCloudRestFormat(),
      // AWS, GCP, OCSF and GUIDE formats.
      &SecurityHubFindingFormat(),
      &GuardDutyFindingFormat(),
      &SccFindingFormat(),
      &OcsfFindingFormat(),
      &GuideEvidenceFormat(),
      // weft's own formats last: their keys are the most generic.
      &WeftAlertFormat(),
      &WeftRelationFormat(),
  };
  return kFormats;
}

const Format* FindFormat(std::string_view name) {
  const std::string n = ToLower(name);
  for (const Format* f : AllFormats()) {
    if (f->name() == n) return f;
  }
  return nullptr;
}

}  // namespace weft::importers
