#include "importers/internal/ms_fields.h"

#include <cctype>

#include "importers/internal/fast_json.h"
#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {

const Json* MemberCi(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  if (const Json* exact = Member(j, key)) return exact;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (EqualsIgnoringCase(it->key(), key)) return it->is_null() ? nullptr : &*it;
  }
  return nullptr;
}

std::string StrCi(const Json& j, std::string_view key) { return Str(MemberCi(j, key)); }

std::string FirstStrCi(const Json& j, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    std::string v = StrCi(j, k);
    if (!Trim(v).empty()) return v;
  }
  return "";
}

std::vector<std::string> StringListCi(const Json& j, std::string_view key) {
  std::vector<std::string> out;
  const Json* m = MemberCi(j, key);
  if (m == nullptr) return out;
  JsonDocument parsed;
  if (m->is_string()) {
    const std::string_view s = Trim(m->get<std::string_view>());
    if (!s.empty() && s.front() == '[') {
      parsed = ParseJson(s);
      if (parsed.root().is_array()) m = &parsed.root();
    }
  }
  if (m->is_array()) {
    for (const Json& v : *m) {
      std::string item(Trim(Str(&v)));
      if (!item.empty()) out.push_back(std::move(item));
    }
    return out;
  }
  const std::string s = Str(m);
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item(Trim(std::string_view(s).substr(start, comma - start)));
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

std::string NormalizeTactic(std::string_view text) {
  static constexpr std::string_view kTactics[] = {"Reconnaissance",
                                                  "ResourceDevelopment",
                                                  "InitialAccess",
                                                  "Execution",
                                                  "Persistence",
                                                  "PrivilegeEscalation",
                                                  "DefenseEvasion",
                                                  "CredentialAccess",
                                                  "Discovery",
                                                  "LateralMovement",
                                                  "Collection",
                                                  "CommandAndControl",
                                                  "Exfiltration",
                                                  "Impact",
                                                  "ImpairProcessControl",
                                                  "InhibitResponseFunction"};
  std::string squeezed;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) squeezed += c;
  }
  for (std::string_view t : kTactics) {
    if (EqualsIgnoringCase(squeezed, t)) return std::string(t);
  }
  return "";
}

void ReadXdrStatusAndMitre(const Json& j, Alert& a) {
  a.native_status = Str(j, "status");
  a.status = ParseAlertStatus(a.native_status).value_or(AlertStatus::kNew);
  if (a.status == AlertStatus::kResolved && ToLower(Str(j, "classification")) == "falsepositive") {
    a.status = AlertStatus::kDismissed;
  }
  AddTactics(StringListCi(j, "category"), a.tactics);
  for (const std::string& t : StringListCi(j, "mitreTechniques")) {
    for (std::string& id : ExtractTechniqueIds(t)) a.techniques.push_back(std::move(id));
  }
  a.upstream_incident_id = Str(j, "incidentId");
}

void AddTactics(const std::vector<std::string>& values, std::vector<std::string>& out) {
  for (const std::string& v : values) {
    std::string t = NormalizeTactic(v);
    if (!t.empty()) out.push_back(std::move(t));
  }
}

std::vector<std::string> ExtractTechniqueIds(std::string_view text) {
  std::vector<std::string> out;
  auto digit = [&](size_t i) {
    return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != 'T' && text[i] != 't') continue;
    if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) continue;
    if (!(digit(i + 1) && digit(i + 2) && digit(i + 3) && digit(i + 4)) || digit(i + 5)) continue;
    std::string id = "T" + std::string(text.substr(i + 1, 4));
    size_t end = i + 5;
    if (end < text.size() && text[end] == '.' && digit(end + 1) && digit(end + 2) &&
        digit(end + 3) && !digit(end + 4)) {
      id += std::string(text.substr(end, 4));
      end += 4;
    }
    out.push_back(std::move(id));
    i = end - 1;
  }
  return out;
}

std::string SubscriptionOf(std::string_view arm_id) {
  const std::string l = ToLower(Trim(arm_id));
  const size_t p = l.find("subscriptions/");
  if (p == std::string::npos || (p != 0 && l[p - 1] != '/')) return "";
  const size_t start = p + 14;
  const size_t end = l.find('/', start);
  return l.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string ResolveTenant(const RecordContext& ctx, std::string_view record_tenant,
                          std::initializer_list<std::string_view> accounts) {
  const std::string_view t = Trim(record_tenant);
  if (!IsPlaceholder(t)) {  // all-zero GUIDs appear in sample alerts
    std::string mapped = ctx.options().tenants.Lookup(t);
    return mapped.empty() ? std::string(t) : mapped;
  }
  return ctx.Tenant("", accounts);
}

}  // namespace weft::importers
