#pragma once
// weft's own JSON-lines alert format: what `weft export alerts` writes and `--format weft`
// reads back, so export -> ingest round-trips. Pure functions; thread-safe.

#include <string>

#include "model/alert.h"

namespace weft {

// One line (no trailing newline): key, tenant, source, id, severity, cloud, times, techniques,
// entities with kind, id, key, role and aliases, provenances, and the other Alert fields.
std::string AlertToWeftJson(const Alert& alert);

}  // namespace weft
