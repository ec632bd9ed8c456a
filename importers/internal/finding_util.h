#pragma once
// Helpers shared by the cloud finding formats (GuardDuty, Security Hub, SCC, OCSF, GUIDE):
// camelCase/PascalCase-tolerant member lookup, evidence helpers and MITRE tactic names.
// Private to importers/. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "importers/internal/format.h"
#include "model/alert.h"

namespace weft::importers {

// The member `key` of `j` (not null), trying `key` as written and then with its first letter's
// case flipped, so "accountId" also finds "AccountId" (GuardDuty API vs SDK dumps). nullptr when
// absent or `j` is not an object.
const Json* CMember(const Json& j, std::string_view key);
// Follows a path of CMember lookups.
const Json* CPath(const Json& j, std::initializer_list<std::string_view> keys);
// CMember/CPath as a string ("" when absent; numbers and booleans printed).
std::string CStr(const Json& j, std::string_view key);
std::string CStr(const Json& j, std::initializer_list<std::string_view> path);

// Appends `entity` as evidence with `role` when it is present.
void AddEvidence(Alert& alert, std::optional<Entity> entity, EvidenceRole role);

// A MITRE ATT&CK tactic name in weft's spelling ("DefenseEvasion") from "Defense Evasion",
// "DEFENSE_EVASION", "defense-evasion", "TA0005", ...; "" when the text names no tactic.
std::string TacticName(std::string_view text);
// The tactic a GuardDuty finding type's threat purpose stands for ("UnauthorizedAccess" in
// "UnauthorizedAccess:EC2/TorRelay" -> "InitialAccess"); "" when it implies none (Policy, ...).
std::string TacticOfGuardDutyType(std::string_view finding_type);
// Severity band of a GuardDuty severity number: < 4 low, < 7 medium, otherwise high.
Severity GuardDutySeverity(double value);

// True for "T1234" and "T1234.001".
bool IsTechniqueId(std::string_view text);

}  // namespace weft::importers
