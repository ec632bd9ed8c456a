#pragma once
// One accessor per source format; each returns a stateless singleton. Private to importers/.

#include "importers/internal/format.h"

namespace weft::importers {

// Microsoft formats.
const Format& SentinelSecurityAlertFormat();  // "sentinel": SecurityAlert table rows
const Format& XdrStreamingFormat();  // "xdr-streaming": Defender XDR AlertInfo/AlertEvidence events
const Format& GraphSecurityAlertFormat();  // "graph-alerts": Graph alerts_v2 and incidents
const Format& MdeAlertsApiFormat();        // "mde-api": Defender for Endpoint /api/alerts rows
const Format&
DefenderForCloudExportFormat();  // "defender-for-cloud-export": continuous export stream
const Format& DefenderForCloudRestFormat();  // "defender-for-cloud": Microsoft.Security/alerts REST
// AWS, GCP, OCSF and GUIDE formats.
const Format& SecurityHubFindingFormat();  // "securityhub": AWS Security Finding Format (ASFF)
const Format&
GuardDutyFindingFormat();             // "guardduty": GuardDuty findings (camelCase or PascalCase)
const Format& SccFindingFormat();     // "scc": Google Security Command Center findings
const Format& OcsfFindingFormat();    // "ocsf": OCSF Detection/Security Findings (2004/2001)
const Format& GuideEvidenceFormat();  // "guide": Microsoft GUIDE evidence CSV rows
// weft's own formats.
const Format& WeftAlertFormat();     // "weft": one alert per JSON line (also what export writes)
const Format& WeftRelationFormat();  // "relations": entity -> entity relations (asset inventory)

}  // namespace weft::importers
