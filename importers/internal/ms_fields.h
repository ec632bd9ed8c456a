#pragma once
// Field helpers the Microsoft formats share (Defender for Cloud, Graph security, MDE, Sentinel,
// the XDR streaming export): case-insensitive member lookup (REST camelCase and export
// PascalCase name the same fields), MITRE ATT&CK tactic and technique lists, the Defender XDR
// status fields, subscriptions and tenant resolution. Private to importers/. Pure functions;
// thread-safe.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "importers/internal/format.h"
#include "model/alert.h"

namespace weft::importers {

// ---- JSON access --------------------------------------------------------------------------

// The member of `j` whose name equals `key` ignoring ASCII case ("startTimeUtc" finds
// "StartTimeUtc"); exact matches win. nullptr when absent or null.
const Json* MemberCi(const Json& j, std::string_view key);
// The member as a string (see Str in json_util.h); "" when absent.
std::string StrCi(const Json& j, std::string_view key);
// The first non-empty of several members, case-insensitively.
std::string FirstStrCi(const Json& j, std::initializer_list<std::string_view> keys);
// A list member given as a JSON array, as a JSON string holding an array ("[\"T1078\"]"), or
// as a comma-separated string ("LateralMovement, Execution"). Empty items are dropped.
std::vector<std::string> StringListCi(const Json& j, std::string_view key);

// ---- vocabulary ---------------------------------------------------------------------------

// The MITRE ATT&CK tactic name in PascalCase ("command and control" -> "CommandAndControl"),
// or "" when `text` is not an ATT&CK tactic (e.g. "Unknown", "Malware", "PreAttack").
std::string NormalizeTactic(std::string_view text);
// Adds every ATT&CK tactic named in `values` to `out`.
void AddTactics(const std::vector<std::string>& values, std::vector<std::string>& out);
// Every technique id ("T1059", "T1059.001") found in `text`, e.g. in
// "PowerShell (T1059.001)". Upper case.
std::vector<std::string> ExtractTechniqueIds(std::string_view text);

// The fields Defender XDR alerts share in the Graph alerts_v2 and MDE API shapes: status (a
// resolved false positive becomes dismissed), tactics from `category`, techniques from
// `mitreTechniques`, and the upstream `incidentId`.
void ReadXdrStatusAndMitre(const Json& j, Alert& a);

// The Azure subscription id of an ARM id ("/subscriptions/<id>/..."), lower case, or "".
std::string SubscriptionOf(std::string_view arm_id);
// The tenant of a record: `record_tenant` (remapped when the tenant map has an entry for it),
// else the first of `accounts` the map knows, else the --tenant default.
std::string ResolveTenant(const RecordContext& ctx, std::string_view record_tenant,
                          std::initializer_list<std::string_view> accounts = {});

}  // namespace weft::importers
