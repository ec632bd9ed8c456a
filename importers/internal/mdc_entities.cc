#include "importers/internal/mdc_entities.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "importers/internal/fast_json.h"
#include "importers/internal/json_util.h"
#include "model/canonical.h"

namespace weft::importers {
namespace {

bool TrueCi(const Json& j, std::string_view key) {
  const Json* m = MemberCi(j, key);
  if (m == nullptr) return false;
  if (m->is_boolean()) return m->get<bool>();
  return m->is_string() && EqualsIgnoringCase(m->get<std::string_view>(), "true");
}

// "0x4aec" -> "19180"; decimal ids are kept as they are.
std::string NormalizePid(std::string pid) {
  std::string_view p = Trim(pid);
  if (p.size() > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    unsigned long long v = 0;
    for (char c : p.substr(2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::string(p);
      v = v * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c))
                                             ? c - '0'
                                             : std::tolower(c) - 'a' + 10);
    }
    return std::to_string(v);
  }
  return std::string(p);
}

// Resolves "$ref"s and converts the entity objects of one entities array.
class EntityConverter {
 public:
  EntityConverter(const Json& root, std::string_view source) : source_(source) {
    std::map<std::string, const Json*> latest;
    std::vector<std::pair<const Json*, std::string>> pending;
    Walk(root, latest, pending);
    for (const auto& [ref, id] : pending) {
      auto it = first_.find(id);
      if (it != first_.end()) targets_[ref] = it->second;
    }
  }

  EntityGraph Run() {
    for (const Json* e : entities_) {
      const std::optional<Entity>& entity = Convert(*e);
      if (!entity) continue;
      graph_.evidence.push_back(Evidence{
          *entity, TrueCi(*e, "Asset") ? EvidenceRole::kImpacted : EvidenceRole::kRelated});
    }
    for (const Json* e : entities_) AddRelations(*e);
    return std::move(graph_);
  }

 private:
  void Walk(const Json& j, std::map<std::string, const Json*>& latest,
            std::vector<std::pair<const Json*, std::string>>& pending) {
    if (j.is_array()) {
      for (const Json& v : j) Walk(v, latest, pending);
      return;
    }
    if (!j.is_object()) return;
    if (auto ref = j.find("$ref"); ref != j.end()) {
      const std::string id = Str(&*ref);
      auto it = latest.find(id);
      if (it != latest.end()) {
        targets_[&j] = it->second;
      } else {
        pending.emplace_back(&j, id);
      }
      return;
    }
    if (auto id = j.find("$id"); id != j.end()) {
      latest[Str(&*id)] = &j;
      first_.emplace(Str(&*id), &j);
    }
    if (!StrCi(j, "type").empty()) entities_.push_back(&j);
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it->is_structured()) Walk(*it, latest, pending);
    }
  }

  // The object `j` stands for: its "$ref" target, or itself. nullptr when unresolvable.
  const Json* Resolve(const Json* j) const {
    if (j == nullptr || !j->is_object()) return j;
    if (j->find("$ref") == j->end()) return j;
    auto it = targets_.find(j);
    return it == targets_.end() ? nullptr : it->second;
  }
  const Json* Ref(const Json& j, std::string_view key) const { return Resolve(MemberCi(j, key)); }

  std::string KeyOf(const Json* j) {
    if (j == nullptr) return "";
    const std::optional<Entity>& e = Convert(*j);
    return e ? e->key : "";
  }

  // The entity `e` converts to, kept for the whole run (an entity is referred to many times):
  // the reference stays valid, as memo_'s values never move.
  const std::optional<Entity>& Convert(const Json& e) {
    if (auto it = memo_.find(&e); it != memo_.end()) return it->second;
    memo_[&e] = std::nullopt;  // guards against reference cycles
    std::optional<Entity> out = ConvertUncached(e);
    std::optional<Entity>& kept = memo_[&e];
    kept = std::move(out);
    return kept;
  }

  std::string FilePath(const Json* file) const {
    if (file == nullptr) return "";
    return JoinPath(StrCi(*file, "Directory"), StrCi(*file, "Name"));
  }

  // A Kubernetes object's path: "<cluster>/ns/<namespace>/pod/<pod>".
  std::string K8sLabel(const Json* j, int depth = 0) {
    if (j == nullptr || depth > 4) return "";
    const std::string type = ToLower(StrCi(*j, "type"));
    const std::string name = StrCi(*j, "Name");
    if (type == "k8s-cluster") {
      if (const Json* res = Ref(*j, "CloudResource")) {
        const std::string key = KeyOf(res);
        if (!key.empty()) return key;
      }
      return name;
    }
    const Json* parent = nullptr;
    for (std::string_view k : {"Namespace", "Cluster", "Pod"}) {
      if ((parent = Ref(*j, k)) != nullptr) break;
    }
    const std::string kind = type.rfind("k8s-", 0) == 0 ? type.substr(4) : type;
    if (name.empty()) return "";
    const std::string up = K8sLabel(parent, depth + 1);
    return up.empty() ? "" : up + "/" + kind + "/" + name;
  }

  std::optional<Entity> ConvertUncached(const Json& e) {
    const std::string type = ToLower(StrCi(e, "type"));
    if (type == "ip") return MakeIp(StrCi(e, "Address"), source_);
    if (type == "host") {
      DeviceIds ids;
      ids.mde_device_id = FirstStrCi(e, {"MdatpDeviceId", "MachineId"});
      ids.oms_agent_id = StrCi(e, "OMSAgentID");
      ids.aad_device_id = StrCi(e, "AadDeviceId");
      std::string host = StrCi(e, "HostName");
      if (host.empty()) host = StrCi(e, "NetBiosName");
      ids.hostname = host;
      const std::string dns = StrCi(e, "DnsDomain");
      if (!dns.empty() && !host.empty() && host.find('.') == std::string::npos)
        ids.fqdn = host + "." + dns;
      const std::string azure = StrCi(e, "AzureID");
      if (!azure.empty()) {
        // A "host" whose AzureID is an App Service or similar is that resource, not a machine.
        std::optional<Entity> r = MakeMsResource(azure, "", source_);
        if (r && r->kind != EntityKind::kDevice) return r;
        ids.azure_resource_id = azure;
      }
      return MakeDevice(ids, source_);
    }
    if (type == "account") {
      UserIds ids;
      ids.aad_object_id = StrCi(e, "AadUserId");
      ids.sid = StrCi(e, "Sid");
      const std::string name = StrCi(e, "Name");
      const std::string suffix = StrCi(e, "UPNSuffix");
      if (name.find('@') != std::string::npos) {
        ids.upn = name;
      } else if (!name.empty() && !suffix.empty()) {
        ids.upn = name + "@" + suffix;
      }
      ids.account_name = name;
      ids.domain = FirstStrCi(e, {"NTDomain", "DnsDomain"});
      if (std::optional<std::string> guid = NormalizeGuid(StrCi(e, "ObjectGuid"))) {
        ids.other_id_type = "adguid";
        ids.other_id = *guid;
      }
      return MakeMsUser(ids, source_);
    }
    if (type == "file") {
      std::string sha256, sha1, md5;
      if (const Json* hashes = MemberCi(e, "FileHashes"); hashes != nullptr && hashes->is_array()) {
        for (const Json& h : *hashes) {
          const Json* hash = Resolve(&h);
          if (hash == nullptr) continue;
          const std::string alg = ToLower(StrCi(*hash, "Algorithm"));
          const std::string value = StrCi(*hash, "Value");
          if (alg == "sha256") sha256 = value;
          if (alg == "sha1") sha1 = value;
          if (alg == "md5") md5 = value;
        }
      }
      std::optional<Entity> f = MakeFile(sha256, sha1, md5, StrCi(e, "Name"), source_);
      if (f && !StrCi(e, "Directory").empty()) f->properties.emplace("path", FilePath(&e));
      return f;
    }
    if (type == "filehash") {
      const std::string alg = ToLower(StrCi(e, "Algorithm"));
      const std::string value = StrCi(e, "Value");
      return MakeFile(alg == "sha256" ? value : "", alg == "sha1" ? value : "",
                      alg == "md5" ? value : "", "", source_);
    }
    if (type == "process") {
      const std::string device = KeyOf(Ref(e, "Host"));
      std::string image = FilePath(Ref(e, "ImageFile"));
      if (image.empty()) image = StrCi(e, "CommandLine");
      return MakeProcess(device, NormalizePid(StrCi(e, "ProcessId")), image, source_);
    }
    if (type == "dns") return MakeDomain(StrCi(e, "DomainName"), source_);
    if (type == "url") return MakeUrl(StrCi(e, "Url"), source_);
    if (type == "malware") return MakeGeneric("malware", StrCi(e, "Name"), source_);
    if (type == "azure-resource")
      return MakeMsResource(StrCi(e, "ResourceId"), StrCi(e, "ResourceType"), source_);
    if (type == "aws-resource" || type == "amazon-resource") {
      return MakeCloudResource(FirstStrCi(e, {"AmazonResourceId", "ResourceId", "Arn"}),
                               Cloud::kAws, StrCi(e, "ResourceType"), source_);
    }
    if (type == "gcp-resource") {
      const std::string full = FirstStrCi(e, {"FullResourceName", "ResourceId"});
      if (!full.empty())
        return MakeCloudResource(full, Cloud::kGcp, StrCi(e, "ResourceType"), source_);
      std::vector<std::string> related = StringListCi(e, "RelatedAzureResourceIds");
      if (!related.empty())
        return MakeMsResource(related.front(), StrCi(e, "ResourceType"), source_);
      const std::string project = StrCi(e, "ProjectId");
      const std::string name = StrCi(e, "ResourceName");
      if (project.empty() || name.empty()) return std::nullopt;
      std::optional<Entity> g = MakeGeneric("gcp-resource", project + "/" + name, source_);
      if (g) g->cloud = Cloud::kGcp;
      return g;
    }
    if (type == "blob") return MakeUrl(StrCi(e, "Url"), source_);
    if (type == "blob-container") {
      const Json* storage = Ref(e, "StorageResource");
      const std::string account = storage == nullptr ? "" : StrCi(*storage, "ResourceId");
      const std::string name = StrCi(e, "Name");
      if (!account.empty() && !IsPlaceholder(name)) {
        return MakeMsResource(account + "/blobServices/default/containers/" + name,
                              "Microsoft.Storage/storageAccounts/blobServices/containers", source_);
      }
      return MakeUrl(StrCi(e, "Url"), source_);
    }
    if (type == "mailbox")
      return MakeMailbox(FirstStrCi(e, {"MailboxPrimaryAddress", "Upn"}), source_);
    if (type == "mailmessage") return MakeMailMessage(StrCi(e, "NetworkMessageId"), source_);
    if (type == "cloud-application")
      return MakeCloudApp(FirstStrCi(e, {"AppId", "SaasId"}), StrCi(e, "Name"), source_);
    if (type == "registry-key") {
      const std::string hive = StrCi(e, "Hive");
      const std::string key = StrCi(e, "Key");
      if (key.empty()) return std::nullopt;
      return MakeRegistry(hive.empty() ? key : hive + "\\" + key, "", source_);
    }
    if (type == "registry-value") {
      const Json* key = Ref(e, "Key");
      if (key == nullptr) return std::nullopt;
      const std::string hive = StrCi(*key, "Hive");
      const std::string path = StrCi(*key, "Key");
      if (path.empty()) return std::nullopt;
      return MakeRegistry(hive.empty() ? path : hive + "\\" + path, StrCi(e, "Name"), source_);
    }
    if (type == "security-group") {
      return MakeGeneric("security-group",
                         FirstStrCi(e, {"ObjectGuid", "Sid", "DistinguishedName"}), source_);
    }
    if (type == "container-image")
      return MakeGeneric("container-image", FirstStrCi(e, {"ImageId", "DigestImage"}), source_);
    if (type == "container") {
      const std::string id = StrCi(e, "ContainerId");
      if (!IsPlaceholder(id)) return MakeGeneric("container", id, source_);
      return MakeGeneric("k8s", K8sLabel(&e), source_);
    }
    if (type == "k8s-cluster") {
      if (const Json* res = Ref(e, "CloudResource")) {
        if (const std::optional<Entity>& r = Convert(*res)) return r;
      }
      return MakeGeneric("k8s-cluster", StrCi(e, "Name"), source_);
    }
    if (type.rfind("k8s-", 0) == 0) return MakeGeneric("k8s", K8sLabel(&e), source_);
    return std::nullopt;
  }

  // Adds `from relation to` when both ends are of the kinds the relation joins (ids repeat in
  // real exports, so a "$ref" can land on an entity of another kind).
  void AddRelation(const std::string& from, const std::string& to, std::string_view relation) {
    if (from.empty() || to.empty() || from == to) return;
    const bool from_ok = relation == "connects_to" ? from.rfind("ip:", 0) == 0
                         : relation == "logged_on" ? from.rfind("user:", 0) == 0
                                                   : from.rfind("process:", 0) == 0;
    const std::string_view to_kind = relation == "child_of"      ? "process:"
                                     : relation == "runs_as"     ? "user:"
                                     : relation == "connects_to" ? "ip:"
                                                                 : "device:";
    if (!from_ok || to.rfind(to_kind, 0) != 0) return;
    Relation r{"", from, to, std::string(relation), kNoTime, {}};
    if (std::find(graph_.relations.begin(), graph_.relations.end(), r) == graph_.relations.end()) {
      graph_.relations.push_back(std::move(r));
    }
  }

  void AddRelations(const Json& e) {
    const std::string type = ToLower(StrCi(e, "type"));
    if (type == "process") {
      const std::string self = KeyOf(&e);
      AddRelation(self, KeyOf(Ref(e, "Host")), "runs_on");
      AddRelation(self, KeyOf(Ref(e, "ParentProcess")), "child_of");
      AddRelation(self, KeyOf(Ref(e, "Account")), "runs_as");
    } else if (type == "account") {
      AddRelation(KeyOf(&e), KeyOf(Ref(e, "Host")), "logged_on");
    } else if (type == "host-logon-session") {
      AddRelation(KeyOf(Ref(e, "Account")), KeyOf(Ref(e, "Host")), "logged_on");
    } else if (type == "network-connection") {
      AddRelation(KeyOf(Ref(e, "SourceAddress")), KeyOf(Ref(e, "DestinationAddress")),
                  "connects_to");
    }
  }

  std::string_view source_;
  std::unordered_map<const Json*, const Json*> targets_;
  std::map<std::string, const Json*> first_;
  std::vector<const Json*> entities_;
  std::unordered_map<const Json*, std::optional<Entity>> memo_;
  EntityGraph graph_;
};

}  // namespace

Cloud CloudOfMsResourceId(std::string_view id) {
  const std::string l = ToLower(Trim(id));
  const size_t c = l.find("/providers/microsoft.security/securityconnectors/");
  if (c != std::string::npos) {
    const size_t data = l.find("/securityentitydata/", c);
    if (data != std::string::npos) {
      const std::string_view name = std::string_view(l).substr(data + 20);
      if (name.rfind("aws-", 0) == 0) return Cloud::kAws;
      if (name.rfind("gcp-", 0) == 0) return Cloud::kGcp;
    }
  }
  return CloudOfResourceId(id);
}

std::optional<Entity> MakeMsResource(std::string_view id, std::string_view resource_type,
                                     std::string_view source) {
  const Cloud shape = CloudOfResourceId(id);
  const Cloud cloud = CloudOfMsResourceId(id);
  return MakeCloudResource(id, cloud != shape ? cloud : Cloud::kUnknown, resource_type, source);
}

std::optional<Entity> MakeMsUser(UserIds ids, std::string_view source) {
  static constexpr std::string_view kBuiltinNames[] = {"system",
                                                       "local system",
                                                       "localsystem",
                                                       "local service",
                                                       "localservice",
                                                       "network service",
                                                       "networkservice",
                                                       "anonymous",
                                                       "anonymous logon",
                                                       "authenticated user",
                                                       "authenticated users",
                                                       "network",
                                                       "null",
                                                       "admin",
                                                       "administrator",
                                                       "root",
                                                       "dwm-1",
                                                       "umfd-0",
                                                       "umfd-1"};
  static constexpr std::string_view kBuiltinDomains[] = {"nt authority", "builtin",
                                                         "window manager", "font driver host"};
  const std::string sid = ToUpper(Trim(ids.sid));
  if (!sid.empty() && (sid.rfind("S-1-", 0) != 0 || sid == "S-1-5-18" || sid == "S-1-5-19" ||
                       sid == "S-1-5-20" || sid.rfind("S-1-5-32-", 0) == 0 ||
                       sid.rfind("S-1-5-90-", 0) == 0 || sid.rfind("S-1-5-96-", 0) == 0)) {
    ids.sid.clear();
  }
  std::string name = ToLower(Trim(ids.account_name));
  if (const size_t slash = name.find('\\'); slash != std::string::npos)
    name = name.substr(slash + 1);
  const std::string domain = ToLower(Trim(ids.domain));
  bool builtin_domain = false;
  for (std::string_view d : kBuiltinDomains) builtin_domain |= domain == d;
  bool generic_name = false;
  for (std::string_view n : kBuiltinNames) generic_name |= name == n;
  const bool strong = !ids.sid.empty() || !IsPlaceholder(ids.aad_object_id) ||
                      !IsPlaceholder(ids.upn) || !IsPlaceholder(ids.other_id);
  if (builtin_domain || (generic_name && domain.empty() && !strong)) {
    ids.account_name.clear();
    ids.domain.clear();
  }
  return MakeUser(ids, source);
}

bool IsCompromisedEntity(const Entity& e, std::string_view compromised_entity) {
  if (e.kind != EntityKind::kDevice && e.kind != EntityKind::kCloudResource) return false;
  const std::string c = ToLower(Trim(compromised_entity));
  return !c.empty() && ToLower(e.display_name) == c;
}

std::string JoinPath(std::string_view directory, std::string_view name) {
  directory = Trim(directory);
  name = Trim(name);
  if (directory.empty()) return std::string(name);
  if (name.empty()) return std::string(directory);
  const std::string lower_dir = ToLower(directory);
  const std::string lower_name = ToLower(name);
  if (lower_dir.size() > lower_name.size() &&
      lower_dir.compare(lower_dir.size() - lower_name.size(), lower_name.size(), lower_name) == 0) {
    const char before = lower_dir[lower_dir.size() - lower_name.size() - 1];
    if (before == '\\' || before == '/')
      return std::string(directory);  // the folder already names the file
  }
  const char sep = directory.find('\\') != std::string_view::npos ? '\\' : '/';
  std::string out(directory);
  if (out.back() != sep) out += sep;
  return out + std::string(name);
}

EntityGraph ConvertMdcEntities(const Json& entities, std::string_view source) {
  if (!entities.is_array()) return {};
  return EntityConverter(entities, source).Run();
}

Status ParseMdcAlert(const Json& props, const Json* envelope, const RecordContext& ctx,
                     ParseOutput& out) {
  const std::string_view source = SourceProductName(SourceProduct::kDefenderForCloud);
  Alert a;
  a.source = SourceProduct::kDefenderForCloud;
  a.product_name = StrCi(props, "productName");
  a.provider_id = StrCi(props, "systemAlertId");
  if (a.provider_id.empty() && envelope != nullptr) a.provider_id = Str(*envelope, "name");
  if (Trim(a.provider_id).empty())
    return Status::InvalidArgument("missing required field 'systemAlertId'");
  a.alert_type = StrCi(props, "alertType");
  a.title = FirstStrCi(props, {"alertDisplayName", "displayName"});
  a.description = StrCi(props, "description");
  a.native_severity = StrCi(props, "severity");
  if (a.native_severity.empty())
    return Status::InvalidArgument("missing required field 'severity'");
  std::optional<Severity> severity = ParseSeverity(a.native_severity);
  if (!severity)
    return Status::InvalidArgument("field 'severity' has unknown value '" + a.native_severity +
                                   "'");
  a.severity = *severity;
  a.native_status = StrCi(props, "status");
  a.status = ParseAlertStatus(a.native_status).value_or(AlertStatus::kNew);
  a.first_activity = Time(MemberCi(props, "startTimeUtc"));
  a.last_activity = Time(MemberCi(props, "endTimeUtc"));
  a.created = Time(MemberCi(props, "timeGeneratedUtc"));
  if (a.created == kNoTime) a.created = Time(MemberCi(props, "timeGenerated"));
  a.updated = Time(MemberCi(props, "processingEndTimeUtc"));
  if (a.updated == kNoTime) a.updated = Time(MemberCi(props, "processingEndTime"));
  if (a.first_activity == kNoTime && a.created == kNoTime) {
    return Status::InvalidArgument(MemberCi(props, "startTimeUtc") == nullptr
                                       ? "missing required field 'startTimeUtc'"
                                       : "field 'startTimeUtc' is not a timestamp");
  }
  AddTactics(StringListCi(props, "intent"), a.tactics);
  for (std::string_view key : {"techniques", "subTechniques"}) {
    for (const std::string& t : StringListCi(props, key)) {
      for (std::string& id : ExtractTechniqueIds(t)) a.techniques.push_back(std::move(id));
    }
  }

  // The resources the alert is about, and the tenant they belong to.
  std::string record_tenant;
  std::string subscription;
  std::vector<Evidence> resources;
  std::string agent_id;
  auto add_resource = [&](const std::string& id) {
    if (subscription.empty()) subscription = SubscriptionOf(id);
    if (std::optional<Entity> r = MakeMsResource(id, "", source)) {
      resources.push_back(Evidence{std::move(*r), EvidenceRole::kImpacted});
    }
  };
  if (const Json* ids = MemberCi(props, "resourceIdentifiers"); ids != nullptr && ids->is_array()) {
    for (const Json& r : *ids) {
      const std::string type = ToLower(StrCi(r, "type"));
      if (type == "azureresource") {
        add_resource(StrCi(r, "azureResourceId"));
        if (record_tenant.empty()) record_tenant = StrCi(r, "azureResourceTenantId");
      } else if (type == "aad") {
        if (record_tenant.empty()) record_tenant = StrCi(r, "aadTenantId");
      } else if (type == "loganalytics") {
        if (agent_id.empty()) agent_id = StrCi(r, "agentId");
      } else {
        // Later API versions may add identifier types (AWS, GCP): keep any resource id they carry.
        const std::string id =
            FirstStrCi(r, {"resourceId", "azureResourceId", "amazonResourceId", "gcpResourceName"});
        if (!id.empty()) add_resource(id);
      }
    }
  }
  if (std::string id = StrCi(props, "azureResourceId"); !id.empty()) add_resource(id);
  if (agent_id.empty()) agent_id = StrCi(props, "agentId");
  if (std::optional<std::string> oms = NormalizeGuid(agent_id)) {
    // The Log Analytics agent runs on the machine the alert is about.
    auto device = std::find_if(resources.begin(), resources.end(), [](const Evidence& e) {
      return e.entity.kind == EntityKind::kDevice;
    });
    DeviceIds ids;
    ids.oms_agent_id = *oms;
    std::optional<Entity> agent = MakeDevice(ids, source);
    if (device != resources.end() && agent) {
      for (const Alias& alias : agent->aliases) device->entity.AddAlias(alias);
    } else if (agent) {
      resources.push_back(Evidence{std::move(*agent), EvidenceRole::kImpacted});
    }
  }
  if (envelope != nullptr && subscription.empty())
    subscription = SubscriptionOf(Str(*envelope, "id"));
  if (subscription.empty()) subscription = SubscriptionOf(StrCi(props, "id"));
  if (subscription.empty()) subscription = ToLower(StrCi(props, "workspaceSubscriptionId"));
  if (record_tenant.empty()) record_tenant = StrCi(props, "tenantId");
  a.tenant = ResolveTenant(ctx, record_tenant, {subscription});

  for (const Evidence& r : resources) {
    if (a.cloud == Cloud::kUnknown && r.entity.cloud != Cloud::kUnknown) a.cloud = r.entity.cloud;
  }
  a.evidence = std::move(resources);
  if (const Json* entities = MemberCi(props, "entities")) {
    EntityGraph graph = ConvertMdcEntities(*entities, source);
    const std::string compromised = ToLower(Trim(StrCi(props, "compromisedEntity")));
    for (Evidence& e : graph.evidence) {
      if (IsCompromisedEntity(e.entity, compromised)) e.role = EvidenceRole::kImpacted;
      a.evidence.push_back(std::move(e));
    }
    a.relations = std::move(graph.relations);
  }
  out.alerts.push_back(std::move(a));
  return Status::Ok();
}

}  // namespace weft::importers
