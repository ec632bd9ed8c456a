#include "importers/internal/finding_util.h"

#include <cctype>

#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

// MITRE ATT&CK Enterprise tactics with their ids, in weft's spelling.
struct TacticEntry {
  std::string_view name;
  std::string_view id;
};
constexpr TacticEntry kTactics[] = {
    {"Reconnaissance", "TA0043"}, {"ResourceDevelopment", "TA0042"},
    {"InitialAccess", "TA0001"},  {"Execution", "TA0002"},
    {"Persistence", "TA0003"},    {"PrivilegeEscalation", "TA0004"},
    {"DefenseEvasion", "TA0005"}, {"CredentialAccess", "TA0006"},
    {"Discovery", "TA0007"},      {"LateralMovement", "TA0008"},
    {"Collection", "TA0009"},     {"CommandAndControl", "TA0011"},
    {"Exfiltration", "TA0010"},   {"Impact", "TA0040"},
};

// GuardDuty threat purposes (the part of a finding type before ':') -> tactic. Purposes that
// are not attacker behaviour (Policy, Behavior, PenTest) map to nothing.
struct PurposeEntry {
  std::string_view purpose;
  std::string_view tactic;
};
constexpr PurposeEntry kGuardDutyPurposes[] = {
    {"backdoor", "CommandAndControl"},
    {"credentialaccess", "CredentialAccess"},
    {"cryptocurrency", "Impact"},
    {"defenseevasion", "DefenseEvasion"},
    {"discovery", "Discovery"},
    {"execution", "Execution"},
    {"exfiltration", "Exfiltration"},
    {"impact", "Impact"},
    {"initialaccess", "InitialAccess"},
    {"persistence", "Persistence"},
    {"privilegeescalation", "PrivilegeEscalation"},
    {"recon", "Reconnaissance"},
    {"stealth", "DefenseEvasion"},
    {"trojan", "CommandAndControl"},
    {"unauthorizedaccess", "InitialAccess"},
    {"attacksequence", ""},
};

std::string AlnumLower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

const Json* CMember(const Json& j, std::string_view key) {
  if (const Json* m = Member(j, key)) return m;
  if (key.empty()) return nullptr;
  std::string flipped(key);
  const unsigned char c = static_cast<unsigned char>(flipped[0]);
  flipped[0] = static_cast<char>(std::isupper(c) ? std::tolower(c) : std::toupper(c));
  return Member(j, flipped);
}

const Json* CPath(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* cur = &j;
  for (std::string_view k : keys) {
    cur = CMember(*cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string CStr(const Json& j, std::string_view key) { return Str(CMember(j, key)); }
std::string CStr(const Json& j, std::initializer_list<std::string_view> path) {
  return Str(CPath(j, path));
}

void AddEvidence(Alert& alert, std::optional<Entity> entity, EvidenceRole role) {
  if (entity) alert.evidence.push_back(Evidence{std::move(*entity), role});
}

std::string TacticName(std::string_view text) {
  const std::string key = AlnumLower(text);
  if (key.empty()) return "";
  for (const TacticEntry& t : kTactics) {
    if (key == AlnumLower(t.name) || key == AlnumLower(t.id)) return std::string(t.name);
  }
  return "";
}

std::string TacticOfGuardDutyType(std::string_view finding_type) {
  const size_t colon = finding_type.find(':');
  if (colon == std::string_view::npos) return "";
  const std::string purpose = AlnumLower(finding_type.substr(0, colon));
  for (const PurposeEntry& p : kGuardDutyPurposes) {
    if (purpose == p.purpose) return std::string(p.tactic);
  }
  return "";
}

Severity GuardDutySeverity(double value) {
  if (value < 4.0) return Severity::kLow;
  if (value < 7.0) return Severity::kMedium;
  return Severity::kHigh;
}

bool IsTechniqueId(std::string_view text) {
  text = Trim(text);
  if (text.size() < 5 || (text[0] != 'T' && text[0] != 't')) return false;
  size_t i = 1;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (digits != 4) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  ++i;
  size_t sub = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++sub;
  return sub == 3 && i == text.size();
}

}  // namespace weft::importers
