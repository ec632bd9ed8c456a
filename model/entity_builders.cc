#include <algorithm>
#include <string>

#include "model/canonical.h"

// The entity builders of canonical.h (the identifier normalizers are in canonical.cc).

namespace weft {
namespace {

Alias MakeAlias(std::string type, std::string value, AliasStrength strength,
                std::string_view source) {
  return Alias{std::move(type), std::move(value), strength, std::string(source)};
}

std::optional<std::string> NonPlaceholder(std::string_view v) {
  v = Trim(v);
  if (IsPlaceholder(v)) return std::nullopt;
  return std::string(v);
}

// "i-0abc..." from an instance ARN "arn:aws:ec2:region:acct:instance/i-0abc".
std::string InstanceIdFromArn(std::string_view arn) {
  const size_t slash = arn.rfind("instance/");
  if (slash == std::string_view::npos) return "";
  return std::string(arn.substr(slash + 9));
}

// ARN field n (0 = "arn").
std::string_view ArnField(std::string_view arn, int n) {
  for (int i = 0; i < n; ++i) {
    const size_t c = arn.find(':');
    if (c == std::string_view::npos) return "";
    arn.remove_prefix(c + 1);
  }
  return arn.substr(0, std::min(arn.find(':'), arn.size()));
}

bool IsComputeInstanceId(std::string_view lower_id, Cloud cloud) {
  switch (cloud) {
    case Cloud::kAzure:
      return lower_id.find("/providers/microsoft.compute/virtualmachines/") !=
                 std::string_view::npos ||
             lower_id.find("/providers/microsoft.hybridcompute/machines/") !=
                 std::string_view::npos;
    case Cloud::kAws:
      return lower_id.find(":ec2:") != std::string_view::npos &&
             lower_id.find(":instance/") != std::string_view::npos;
    case Cloud::kGcp:
      return lower_id.find("compute.googleapis.com/") != std::string_view::npos &&
             lower_id.find("/instances/") != std::string_view::npos;
    default: return false;
  }
}

std::string LastSegment(std::string_view id) {
  while (!id.empty() && id.back() == '/') id.remove_suffix(1);
  const size_t slash = id.rfind('/');
  return std::string(slash == std::string_view::npos ? id : id.substr(slash + 1));
}

// An entity keyed "<kind>:<value>" and shown as its value (an IP, URL, domain or mailbox).
Entity KeyedByValue(EntityKind kind, std::string value) {
  Entity e;
  e.kind = kind;
  e.key = std::string(EntityKindName(kind)) + ":" + value;
  e.display_name = std::move(value);
  return e;
}

}  // namespace

std::optional<Entity> MakeDevice(const DeviceIds& ids, std::string_view source) {
  Entity e;
  e.kind = EntityKind::kDevice;
  if (auto v = NonPlaceholder(ids.mde_device_id)) {
    e.AddAlias(MakeAlias("mde", ToLower(*v), AliasStrength::kStrong, source));
  }
  if (auto v = NormalizeAzureResourceId(ids.azure_resource_id)) {
    e.AddAlias(MakeAlias("azure", *v, AliasStrength::kStrong, source));
    e.cloud = Cloud::kAzure;
    const size_t sub = v->find('/', 15);
    e.properties["subscription"] =
        v->substr(15, sub == std::string::npos ? std::string::npos : sub - 15);
    if (e.display_name.empty()) e.display_name = LastSegment(*v);
  }
  if (auto v = NormalizeGuid(ids.azure_vm_id)) {
    e.AddAlias(MakeAlias("vmid", *v, AliasStrength::kStrong, source));
    if (e.cloud == Cloud::kUnknown) e.cloud = Cloud::kAzure;
  }
  std::string instance_id = std::string(Trim(ids.aws_instance_id));
  std::string account(Trim(ids.aws_account_id)), region(Trim(ids.aws_region));
  if (auto arn = NormalizeArn(ids.aws_instance_arn)) {
    if (instance_id.empty()) instance_id = InstanceIdFromArn(*arn);
    if (account.empty()) account = std::string(ArnField(*arn, 4));
    if (region.empty()) region = std::string(ArnField(*arn, 3));
  }
  if (!IsPlaceholder(instance_id)) {
    e.AddAlias(MakeAlias("aws", instance_id, AliasStrength::kStrong, source));
    e.cloud = e.cloud == Cloud::kUnknown ? Cloud::kAws : e.cloud;
    if (!account.empty()) e.properties["account"] = account;
    if (!region.empty()) e.properties["region"] = region;
  }
  if (auto v = NormalizeGcpResourceName(ids.gcp_resource_name, "compute.googleapis.com")) {
    e.AddAlias(MakeAlias("gcp", *v, AliasStrength::kStrong, source));
    if (e.cloud == Cloud::kUnknown) e.cloud = Cloud::kGcp;
    const size_t p = v->find("/projects/");
    if (p != std::string::npos) {
      const size_t end = v->find('/', p + 10);
      e.properties["project"] =
          v->substr(p + 10, end == std::string::npos ? std::string::npos : end - p - 10);
    }
    if (e.display_name.empty()) e.display_name = LastSegment(*v);
  }
  if (auto v = NormalizeGuid(ids.aad_device_id))
    e.AddAlias(MakeAlias("aad", *v, AliasStrength::kStrong, source));
  if (auto v = NormalizeGuid(ids.oms_agent_id))
    e.AddAlias(MakeAlias("oms", *v, AliasStrength::kStrong, source));
  if (!ids.other_id_type.empty()) {
    if (auto v = NonPlaceholder(ids.other_id)) {
      e.AddAlias(MakeAlias(ids.other_id_type, *v, AliasStrength::kStrong, source));
    }
  }
  std::optional<std::string> fqdn = NormalizeHostname(ids.fqdn);
  std::optional<std::string> host = NormalizeHostname(ids.hostname);
  if (fqdn && !host) host = fqdn->substr(0, fqdn->find('.'));
  if (host && !fqdn && host->find('.') != std::string::npos) {
    fqdn = host;
    host = fqdn->substr(0, fqdn->find('.'));
  }
  if (fqdn) e.AddAlias(MakeAlias("fqdn", *fqdn, AliasStrength::kWeak, source));
  if (host) e.AddAlias(MakeAlias("host", *host, AliasStrength::kWeak, source));
  if (e.aliases.empty()) return std::nullopt;
  if (host) e.display_name = *host;
  const Alias& best = e.aliases.front();  // strong aliases sort first, in insertion order
  e.key = "device:" + best.ToString();
  return e;
}

std::optional<Entity> MakeUser(const UserIds& ids, std::string_view source) {
  Entity e;
  e.kind = EntityKind::kUser;
  std::optional<std::string> upn = NormalizeUpn(ids.upn);
  if (upn) e.AddAlias(MakeAlias("upn", *upn, AliasStrength::kStrong, source));
  if (auto v = NormalizeGuid(ids.aad_object_id))
    e.AddAlias(MakeAlias("oid", *v, AliasStrength::kStrong, source));
  if (auto v = NormalizeSid(ids.sid))
    e.AddAlias(MakeAlias("sid", *v, AliasStrength::kStrong, source));
  if (auto v = NonPlaceholder(ids.aws_principal)) {
    e.AddAlias(MakeAlias("aws", *v, AliasStrength::kStrong, source));
    e.cloud = Cloud::kAws;
  }
  if (auto v = NormalizeUpn(ids.gcp_principal)) {
    e.AddAlias(MakeAlias("gcp", *v, AliasStrength::kStrong, source));
    e.cloud = Cloud::kGcp;
  }
  if (!ids.other_id_type.empty()) {
    if (auto v = NonPlaceholder(ids.other_id))
      e.AddAlias(MakeAlias(ids.other_id_type, *v, AliasStrength::kStrong, source));
  }
  std::optional<std::string> name = NonPlaceholder(ids.account_name);
  if (name) {
    std::string n = ToLower(*name);
    if (auto d = NonPlaceholder(ids.domain); d && n.find('\\') == std::string::npos)
      n = ToLower(*d) + "\\" + n;
    e.AddAlias(MakeAlias("name", n, AliasStrength::kWeak, source));
    e.display_name = *name;
  }
  if (e.aliases.empty()) return std::nullopt;
  const Alias& best = e.aliases.front();
  e.key = best.type == "upn" ? "user:" + best.value : "user:" + best.ToString();
  if (e.display_name.empty()) e.display_name = best.value;
  return e;
}

std::optional<Entity> MakeIp(std::string_view address, std::string_view source) {
  std::optional<std::string> ip = NormalizeIp(address);
  if (!ip) return std::nullopt;
  const bool private_ip = IsPrivateIp(*ip);
  Entity e = KeyedByValue(EntityKind::kIp, std::move(*ip));
  if (private_ip) e.properties["scope"] = "private";
  return e;
}

std::optional<Entity> MakeFile(std::string_view sha256, std::string_view sha1, std::string_view md5,
                               std::string_view name, std::string_view source) {
  Entity e;
  e.kind = EntityKind::kFile;
  if (auto v = NormalizeHash(sha256, 64))
    e.AddAlias(MakeAlias("sha256", *v, AliasStrength::kStrong, source));
  if (auto v = NormalizeHash(sha1, 40))
    e.AddAlias(MakeAlias("sha1", *v, AliasStrength::kStrong, source));
  if (auto v = NormalizeHash(md5, 32))
    e.AddAlias(MakeAlias("md5", *v, AliasStrength::kStrong, source));
  if (auto v = NonPlaceholder(name)) {
    e.display_name = *v;
    e.AddAlias(MakeAlias("name", ToLower(*v), AliasStrength::kWeak, source));
  }
  if (e.aliases.empty()) return std::nullopt;
  e.key = "file:" + e.aliases.front().ToString();
  return e;
}

std::optional<Entity> MakeProcess(std::string_view device_key, std::string_view pid,
                                  std::string_view image_or_cmdline, std::string_view source) {
  std::optional<std::string> image = NonPlaceholder(image_or_cmdline);
  std::optional<std::string> id = NonPlaceholder(pid);
  if (!image && !id) return std::nullopt;
  Entity e;
  e.kind = EntityKind::kProcess;
  const std::string dev = device_key.empty() ? "-" : std::string(device_key);
  e.key = "process:" + dev + ":" + id.value_or("-") + ":" + ToLower(image.value_or("-"));
  e.display_name = image ? *image : *id;
  if (!device_key.empty()) e.properties["device"] = std::string(device_key);
  return e;
}

std::optional<Entity> MakeUrl(std::string_view url, std::string_view source) {
  std::optional<std::string> u = NormalizeUrl(url);
  if (!u) return std::nullopt;
  return KeyedByValue(EntityKind::kUrl, std::move(*u));
}

std::optional<Entity> MakeDomain(std::string_view fqdn, std::string_view source) {
  std::optional<std::string> d = NormalizeHostname(fqdn);
  if (!d) return std::nullopt;
  return KeyedByValue(EntityKind::kDomain, std::move(*d));
}

std::optional<Entity> MakeMailbox(std::string_view address, std::string_view source) {
  std::optional<std::string> a = NormalizeUpn(address);
  if (!a) return std::nullopt;
  return KeyedByValue(EntityKind::kMailbox, std::move(*a));
}

std::optional<Entity> MakeMailMessage(std::string_view network_message_id,
                                      std::string_view source) {
  std::optional<std::string> id = NonPlaceholder(network_message_id);
  if (!id) return std::nullopt;
  Entity e;
  e.kind = EntityKind::kMailMessage;
  e.key = "mail:" + ToLower(*id);
  e.display_name = *id;
  return e;
}

std::optional<Entity> MakeCloudResource(std::string_view id, Cloud cloud,
                                        std::string_view resource_type, std::string_view source) {
  id = Trim(id);
  if (IsPlaceholder(id)) return std::nullopt;
  Cloud shape = CloudOfResourceId(id);
  if (cloud == Cloud::kUnknown) cloud = shape;
  std::optional<std::string> canonical;
  switch (shape == Cloud::kUnknown ? cloud : shape) {
    case Cloud::kAzure: canonical = NormalizeAzureResourceId(id); break;
    case Cloud::kAws: canonical = NormalizeArn(id); break;
    case Cloud::kGcp: canonical = NormalizeGcpResourceName(id); break;
    default: canonical = std::string(id); break;
  }
  // An ARM-shaped id the normalizer rejects is a sentinel ("/subscriptions/<all zeros>").
  if (!canonical && shape == Cloud::kAzure) return std::nullopt;
  if (!canonical) canonical = std::string(id);
  // The shape of the normalized id: a GCP self-link "https://www.googleapis.com/compute/..." only
  // becomes a recognisable "//compute.googleapis.com/..." name once normalized.
  shape = CloudOfResourceId(*canonical);
  // A compute instance is a device: one entity whether a cloud or an endpoint product saw it.
  if (IsComputeInstanceId(ToLower(*canonical), shape)) {
    DeviceIds ids;
    if (shape == Cloud::kAzure) ids.azure_resource_id = *canonical;
    if (shape == Cloud::kAws) ids.aws_instance_arn = *canonical;
    if (shape == Cloud::kGcp) ids.gcp_resource_name = *canonical;
    std::optional<Entity> device = MakeDevice(ids, source);
    if (device && !resource_type.empty())
      device->properties["resource_type"] = std::string(resource_type);
    return device;
  }
  Entity e;
  e.kind = EntityKind::kCloudResource;
  e.cloud = cloud;
  const std::string_view cloud_name = cloud == Cloud::kUnknown ? "other" : CloudName(cloud);
  e.key = "cloud:" + std::string(cloud_name) + ":" + *canonical;
  e.display_name = LastSegment(*canonical);
  if (!resource_type.empty()) e.properties["resource_type"] = std::string(resource_type);
  if (shape == Cloud::kAzure) {
    const size_t end = canonical->find('/', 15);
    e.properties["subscription"] =
        canonical->substr(15, end == std::string::npos ? std::string::npos : end - 15);
    const size_t prov = canonical->rfind("/providers/");
    if (resource_type.empty() && prov != std::string::npos) {
      std::string tail = canonical->substr(prov + 11);  // namespace/type/name[/type/name]
      const size_t s1 = tail.find('/');
      const size_t s2 = s1 == std::string::npos ? s1 : tail.find('/', s1 + 1);
      if (s2 != std::string::npos) e.properties["resource_type"] = tail.substr(0, s2);
    }
  } else if (shape == Cloud::kAws) {
    e.properties["service"] = std::string(ArnField(*canonical, 2));
    if (!ArnField(*canonical, 3).empty())
      e.properties["region"] = std::string(ArnField(*canonical, 3));
    if (!ArnField(*canonical, 4).empty())
      e.properties["account"] = std::string(ArnField(*canonical, 4));
  } else if (shape == Cloud::kGcp) {
    // Full names "//<service>/projects/<p>/..." or relative names "projects/<p>/..." (no service).
    const bool full = canonical->rfind("//", 0) == 0;
    const std::string path = full ? *canonical : "/" + *canonical;
    const size_t p = path.find("/projects/");
    if (p != std::string::npos) {
      const size_t end = path.find('/', p + 10);
      e.properties["project"] =
          path.substr(p + 10, end == std::string::npos ? std::string::npos : end - p - 10);
    }
    const size_t svc_end = full ? canonical->find('/', 2) : std::string::npos;
    if (svc_end != std::string::npos) e.properties["service"] = canonical->substr(2, svc_end - 2);
  }
  return e;
}

std::optional<Entity> MakeCloudApp(std::string_view app_id, std::string_view name,
                                   std::string_view source) {
  std::optional<std::string> id = NonPlaceholder(app_id);
  std::optional<std::string> n = NonPlaceholder(name);
  if (!id && !n) return std::nullopt;
  Entity e;
  e.kind = EntityKind::kCloudApp;
  e.key = id ? "app:" + ToLower(*id) : "app:name:" + ToLower(*n);
  e.display_name = n ? *n : *id;
  return e;
}

std::optional<Entity> MakeRegistry(std::string_view key, std::string_view value_name,
                                   std::string_view source) {
  std::optional<std::string> k = NonPlaceholder(key);
  if (!k) return std::nullopt;
  Entity e;
  e.kind = EntityKind::kRegistry;
  std::string canonical = ToLower(*k);
  if (auto v = NonPlaceholder(value_name)) canonical += ":" + ToLower(*v);
  e.key = "registry:" + canonical;
  e.display_name = *k;
  return e;
}

std::optional<Entity> MakeGeneric(std::string_view type, std::string_view value,
                                  std::string_view source) {
  std::optional<std::string> v = NonPlaceholder(value);
  if (!v) return std::nullopt;
  Entity e;
  e.kind = EntityKind::kGeneric;
  e.key = type.empty() ? "generic:" + *v : "generic:" + ToLower(type) + ":" + *v;
  e.display_name = *v;
  return e;
}

std::optional<Entity> MakeFromKey(EntityKind kind, std::string_view value,
                                  std::string_view source) {
  value = Trim(value);
  const size_t colon = value.find(':');
  // Alias types are lower case; accept "SID:", "HOST:" as typed by a person.
  const std::string head_lower =
      ToLower(colon == std::string_view::npos ? "" : value.substr(0, colon));
  const std::string_view head = head_lower;
  const std::string_view tail = colon == std::string_view::npos ? value : value.substr(colon + 1);
  switch (kind) {
    case EntityKind::kDevice: {
      DeviceIds ids;
      if (head == "mde")
        ids.mde_device_id = tail;
      else if (head == "azure")
        ids.azure_resource_id = tail;
      else if (head == "vmid")
        ids.azure_vm_id = tail;
      else if (head == "aws")
        ids.aws_instance_id = tail;
      else if (head == "gcp")
        ids.gcp_resource_name = tail;
      else if (head == "aad")
        ids.aad_device_id = tail;
      else if (head == "oms")
        ids.oms_agent_id = tail;
      else if (head == "host")
        ids.hostname = tail;
      else if (head == "fqdn")
        ids.fqdn = tail;
      else if (!head.empty()) {
        ids.other_id_type = std::string(head);
        ids.other_id = tail;
      } else
        ids.hostname = value;
      return MakeDevice(ids, source);
    }
    case EntityKind::kUser: {
      UserIds ids;
      if (head == "oid")
        ids.aad_object_id = tail;
      else if (head == "sid")
        ids.sid = tail;
      else if (head == "upn")
        ids.upn = tail;
      else if (head == "aws")
        ids.aws_principal = tail;
      else if (head == "gcp")
        ids.gcp_principal = tail;
      else if (head == "name")
        ids.account_name = tail;
      else if (value.find('@') != std::string_view::npos)
        ids.upn = value;
      else if (!head.empty()) {
        ids.other_id_type = std::string(head);
        ids.other_id = tail;
      } else
        ids.account_name = value;
      return MakeUser(ids, source);
    }
    case EntityKind::kIp: return MakeIp(value, source);
    case EntityKind::kFile:
      if (head == "sha256") return MakeFile(tail, "", "", "", source);
      if (head == "sha1") return MakeFile("", tail, "", "", source);
      if (head == "md5") return MakeFile("", "", tail, "", source);
      if (head == "name") return MakeFile("", "", "", tail, source);
      // A bare hash of a known length is that hash; anything else is a file name.
      if (NormalizeHash(value, 64)) return MakeFile(value, "", "", "", source);
      if (NormalizeHash(value, 40)) return MakeFile("", value, "", "", source);
      if (NormalizeHash(value, 32)) return MakeFile("", "", value, "", source);
      return MakeFile("", "", "", value, source);
    case EntityKind::kProcess: {
      Entity e;
      e.kind = EntityKind::kProcess;
      e.key = "process:" + std::string(value);
      e.display_name = std::string(value);
      return e;
    }
    case EntityKind::kUrl: return MakeUrl(value, source);
    case EntityKind::kDomain: return MakeDomain(value, source);
    case EntityKind::kMailbox: return MakeMailbox(value, source);
    case EntityKind::kMailMessage: return MakeMailMessage(value, source);
    case EntityKind::kCloudResource: {
      std::optional<Cloud> cloud = ParseCloud(head);
      if (cloud) return MakeCloudResource(tail, *cloud, "", source);
      if (head == "other") return MakeCloudResource(tail, Cloud::kUnknown, "", source);
      return MakeCloudResource(value, Cloud::kUnknown, "", source);
    }
    case EntityKind::kCloudApp:
      if (head == "name") return MakeCloudApp("", tail, source);
      return MakeCloudApp(value, "", source);
    case EntityKind::kRegistry: {
      Entity e;
      e.kind = EntityKind::kRegistry;
      e.key = "registry:" + ToLower(value);
      e.display_name = std::string(value);
      return e;
    }
    case EntityKind::kGeneric:
      return MakeGeneric(head, colon == std::string_view::npos ? value : tail, source);
  }
  return std::nullopt;
}

}  // namespace weft
