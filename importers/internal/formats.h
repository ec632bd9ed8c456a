#pragma once
// One accessor per source format; each returns a stateless singleton. Private to importers/.

#include "importers/internal/format.h"

namespace weft::importers {

// Microsoft formats.
// AWS, GCP, OCSF and GUIDE formats.
// weft's own formats.
const Format& WeftAlertFormat();     // "weft": one alert per JSON line (also what export writes)
const Format& WeftRelationFormat();  // "relations": entity -> entity relations (asset inventory)

}  // namespace weft::importers
