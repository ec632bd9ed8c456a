// The scans of the RocksDB GraphStore (persistence/internal/rocks_store_impl.h): each reads a
// key range, or a kind's runs of keys, and decodes the records on a read-ahead thread.

#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_set>

#include "graph/in_memory_store.h"
#include "persistence/internal/codec.h"
#include "persistence/internal/rocks_store_impl.h"

namespace weft::rocks {
namespace {

// The smallest key greater than every key starting with `prefix` ("" when there is none).
std::string PrefixUpperBound(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty())
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

// A stored key as error messages show it: the '\0' separating tenant and key becomes '|'.
std::string ShownKey(std::string_view key) {
  std::string shown(key);
  std::replace(shown.begin(), shown.end(), '\0', '|');
  return shown;
}

// The tenant and entity key of an entities-CF key (EntityStoreKey); nullopt when it has no '\0'.
std::optional<std::pair<std::string_view, std::string_view>> SplitEntityStoreKey(
    std::string_view stored) {
  const std::size_t nul = stored.find('\0');
  if (nul == std::string_view::npos) return std::nullopt;
  return std::make_pair(stored.substr(0, nul), stored.substr(nul + 1));
}

// True when `record` holds one of `needles` as bytes: a scan decodes only those records when
// the needles are strings each wanted record must hold as written.
bool HoldsAny(std::string_view record, std::span<const std::string> needles) {
  return std::any_of(needles.begin(), needles.end(), [&](const std::string& n) {
    return memmem(record.data(), record.size(), n.data(), n.size()) != nullptr;
  });
}

// Moves a decoded record into a read-ahead slot.
template <typename T>
Status Assign(Result<T> decoded, T& slot) {
  if (!decoded.ok()) return decoded.status();
  slot = std::move(*decoded);
  return Status::Ok();
}

// A scan's decoders for records that own their values: each decodes `value`, stored under `key`,
// into the read-ahead slot.
template <typename T>
using Sink = rocks::ReadAheadSink<T>;
Status DecodeAlertInto(Sink<Alert>&, std::string_view key, std::string_view value, Alert& slot) {
  return Assign(codec::DecodeAlert(key, value), slot);
}
// Entities decode into the slot itself, reusing its storage: a replay's entity phase waits on
// this scan (docs/benchmarks.md, round 19). The other records are not on a replay's path and
// are decoded whole, then moved in.
Status DecodeEntityInto(Sink<EntityRecord>&, std::string_view key, std::string_view value,
                        EntityRecord& slot) {
  const auto parts = SplitEntityStoreKey(key);
  if (!parts) return Status::Corruption("entity key has no tenant separator");
  return codec::DecodeEntityRecordInto(parts->first, parts->second, value, slot);
}
Status DecodeRelationInto(Sink<Relation>&, std::string_view, std::string_view value,
                          Relation& slot) {
  return Assign(codec::DecodeRelation(value), slot);
}
Status DecodeIncidentInto(Sink<Incident>&, std::string_view key, std::string_view value,
                          Incident& slot) {
  return Assign(codec::DecodeIncident(key, value), slot);
}

std::string TenantPrefix(std::string_view tenant, char separator) {
  if (tenant.empty()) return "";
  std::string p(tenant);
  p.push_back(separator);
  return p;
}

}  // namespace

Status RocksStore::ScanRaw(Cf c, const std::string& prefix, const RawVisitor& each) {
  rocksdb::ReadOptions ro;
  const std::string upper = PrefixUpperBound(prefix);
  const rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  // Scans read whole column families (an engine reopening, a re-correlation, an export): their
  // blocks would only push the point reads' working set out of the cache.
  ro.fill_cache = false;
  ro.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(c)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!each(ToView(it->key()), ToView(it->value()))) break;
  }
  return FromRocks(it->status(), "scanning " + std::string(rocks::kCfNames[static_cast<int>(c)]) +
                                     " in store at " + dir_);
}

template <typename T, typename Decode, typename Keep>
Status RocksStore::Scan(Cf c, const std::string& prefix, std::string_view what, Decode decode,
                        Keep keep, const std::function<bool(const T&)>& visit) {
  return ScanRuns<T>(c, prefix, what, decode, keep, rocks::EachOf(visit));
}

Status RocksStore::ScanEntityKindRaw(std::string_view tenant, const std::string& kind_prefix,
                                     const RawVisitor& each) {
  if (!tenant.empty())
    return ScanRaw(Cf::kEntities, TenantPrefix(tenant, '\0') + kind_prefix, each);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(Cf::kEntities)));
  it->SeekToFirst();
  while (it->Valid()) {
    const std::string_view key = ToView(it->key());
    const auto parts = SplitEntityStoreKey(key);
    if (!parts)
      return Status::Corruption("entity key '" + ShownKey(key) + "' in " + dir_ +
                                " has no tenant separator");
    const auto& [key_tenant, entity_key] = *parts;
    if (entity_key.starts_with(kind_prefix)) {
      if (!each(key, ToView(it->value()))) break;
      it->Next();
    } else if (entity_key < kind_prefix) {
      it->Seek(EntityStoreKey(key_tenant, kind_prefix));
    } else {
      // Past this tenant's run: every later key of the tenant sorts before "tenant \1", and
      // every key of a later tenant after it (tenants hold no NUL).
      it->Seek(std::string(key_tenant) + '\1');
    }
  }
  return FromRocks(it->status(), "scanning entities in store at " + dir_);
}

template <typename T, typename Decode, typename Keep>
Status RocksStore::ScanRuns(Cf c, const std::string& prefix, std::string_view what, Decode decode,
                            Keep keep, const std::function<bool(std::span<const T>)>& visit) {
  return ScanRunsOf<T>([&](const RawVisitor& each) { return ScanRaw(c, prefix, each); }, what,
                       decode, keep, visit);
}

template <typename T, typename Raw, typename Decode, typename Keep>
Status RocksStore::ScanRunsOf(Raw raw, std::string_view what, Decode decode, Keep keep,
                              const std::function<bool(std::span<const T>)>& visit) {
  return rocks::ReadAheadRuns<T>(
      [&](rocks::ReadAheadSink<T>& sink) {
        Status bad;
        WEFT_RETURN_IF_ERROR(raw([&](std::string_view key, std::string_view value) {
          T& slot = sink.Slot();
          if (Status st = decode(sink, key, value, slot); !st.ok()) {
            bad = st.WithContext(std::string(what) + " '" + ShownKey(key) + "' in " + dir_);
            return false;
          }
          return !keep(slot) || sink.Commit();
        }));
        return bad;
      },
      visit);
}

Status RocksStore::ForEachAlert(std::string_view tenant,
                                const std::function<bool(const Alert&)>& visit) {
  // Alert keys are "<tenant>/..."; the tenant check also drops tenant "a/b" from a scan of "a".
  return Scan<Alert>(
      Cf::kAlerts, TenantPrefix(tenant, '/'), "alert", DecodeAlertInto,
      [tenant](const Alert& a) { return tenant.empty() || a.tenant == tenant; }, visit);
}

Status RocksStore::ForEachAlertSummary(std::string_view tenant,
                                       const std::function<bool(const AlertSummary&)>& visit) {
  return ScanAlertSummaries(tenant, rocks::EachOf(visit));
}

Status RocksStore::ForEachAlertSummaryRun(
    std::string_view tenant, const std::function<bool(std::span<const AlertSummary>)>& visit) {
  return ScanAlertSummaries(tenant, visit);
}

Status RocksStore::ForEachAlertSummaryNaming(
    std::string_view tenant, std::span<const std::string> entity_keys,
    const std::function<bool(const AlertSummary&)>& visit) {
  if (entity_keys.empty()) return Status::Ok();
  return ScanAlertSummaries(tenant, rocks::EachOf(visit), entity_keys);
}

Status RocksStore::ScanAlertSummaries(
    std::string_view tenant, const std::function<bool(std::span<const AlertSummary>)>& visit,
    std::span<const std::string> entity_keys) {
  // A summary points into its record's bytes: the scan keeps a copy beside the decoded summary,
  // which also serves a caller that needs the whole alert (AlertSummary::decode_record).
  auto decode = [](Sink<AlertSummary>& sink, std::string_view key, std::string_view value,
                   AlertSummary& slot) {
    const std::string_view kept_key = sink.Keep(key);
    slot.record = sink.Keep(value);
    slot.decode_record = &codec::DecodeAlert;
    return codec::DecodeAlertSummary(kept_key, slot.record, slot);
  };
  // An alert record holds each evidence entity's key as written (codec.h), so a record whose
  // bytes hold none of `entity_keys` names none of them and is not decoded.
  const std::string prefix = TenantPrefix(tenant, '/');
  return ScanRunsOf<AlertSummary>(
      [&](const RawVisitor& each) {
        if (entity_keys.empty()) return ScanRaw(Cf::kAlerts, prefix, each);
        return ScanRaw(Cf::kAlerts, prefix, [&](std::string_view key, std::string_view value) {
          return !HoldsAny(value, entity_keys) || each(key, value);
        });
      },
      "alert", decode,
      [tenant](const AlertSummary& a) { return tenant.empty() || a.tenant == tenant; }, visit);
}

Status RocksStore::ForEachEntity(std::string_view tenant,
                                 const std::function<bool(const EntityRecord&)>& visit) {
  return ScanEntities(tenant, rocks::EachOf(visit));
}

Status RocksStore::ForEachEntityRun(
    std::string_view tenant, const std::function<bool(std::span<const EntityRecord>)>& visit) {
  return ScanEntities(tenant, visit);
}

Status RocksStore::ScanEntities(std::string_view tenant,
                                const std::function<bool(std::span<const EntityRecord>)>& visit) {
  return ScanRuns<EntityRecord>(
      Cf::kEntities, TenantPrefix(tenant, '\0'), "entity", DecodeEntityInto,
      [](const EntityRecord&) { return true; }, visit);
}

Status RocksStore::ForEachEntityOfKind(std::string_view tenant, EntityKind kind,
                                       const std::function<bool(const EntityRecord&)>& visit) {
  // Apply refuses an entity keyed without its kind, so the kind's keys are all of its records.
  const std::string kind_prefix = std::string(EntityKindName(kind)) + ':';
  return ScanRunsOf<EntityRecord>(
      [&](const RawVisitor& each) { return ScanEntityKindRaw(tenant, kind_prefix, each); },
      "entity", DecodeEntityInto, [](const EntityRecord&) { return true; }, rocks::EachOf(visit));
}

Status RocksStore::ForEachRelation(std::string_view tenant,
                                   const std::function<bool(const Relation&)>& visit) {
  return Scan<Relation>(
      Cf::kRelations, TenantPrefix(tenant, '\0'), "relation", DecodeRelationInto,
      [](const Relation&) { return true; }, visit);
}

Status RocksStore::ForEachRelationFrom(std::string_view tenant, std::string_view from,
                                       const std::function<bool(const Relation&)>& visit) {
  // Relation keys are "tenant \0 from \0 relation \0 to": one prefix holds exactly these. A
  // few records: read them here, without the read-ahead thread of the whole-table scans.
  const std::string prefix = RelationFromPrefix(tenant, from);
  Status bad;
  WEFT_RETURN_IF_ERROR(
      ScanRaw(Cf::kRelations, prefix, [&](std::string_view key, std::string_view value) {
        Result<Relation> r = codec::DecodeRelation(value);
        if (!r.ok()) {
          bad = r.status().WithContext("relation '" + ShownKey(key) + "' in " + dir_);
          return false;
        }
        return visit(*r);
      }));
  return bad;
}

Status RocksStore::ForEachIncident(std::string_view tenant,
                                   const std::function<bool(const Incident&)>& visit) {
  // Incidents are keyed by id alone; the tenant lives in the value.
  return Scan<Incident>(
      Cf::kIncidents, "", "incident", DecodeIncidentInto,
      [tenant](const Incident& i) { return tenant.empty() || i.tenant == tenant; }, visit);
}

Status RocksStore::ForEachIncidentMembers(
    std::string_view tenant, const std::function<bool(const IncidentMembers&)>& visit) {
  // Read in place on the calling thread: no string of the record is copied.
  std::vector<std::string_view> keys;
  IncidentMembers members;
  Status bad;
  WEFT_RETURN_IF_ERROR(
      ScanRaw(Cf::kIncidents, "", [&](std::string_view id, std::string_view value) {
        if (Status st = codec::DecodeIncidentMembers(id, value, keys, members); !st.ok()) {
          bad = st.WithContext("incident '" + ShownKey(id) + "' in " + dir_);
          return false;
        }
        return (!tenant.empty() && members.tenant != tenant) || visit(members);
      }));
  return bad;
}

Status RocksStore::ForEachIncidentHolding(std::string_view tenant,
                                          std::span<const std::string> alert_keys,
                                          const std::function<bool(const Incident&)>& visit) {
  // Only the incidents listing one of the keys are decoded; the others are read up to their
  // alert keys.
  if (alert_keys.empty()) return Status::Ok();
  const std::unordered_set<std::string_view> wanted(alert_keys.begin(), alert_keys.end());
  std::string whole;
  auto lists_one = [&](std::string_view record_tenant, bool under, std::string_view key) {
    if (!under) return wanted.contains(key);
    whole.assign(record_tenant).append("/").append(key);
    return wanted.contains(whole);
  };
  return ScanRunsOf<Incident>(
      [&](const RawVisitor& each) {
        return ScanRaw(Cf::kIncidents, "", [&](std::string_view key, std::string_view value) {
          return !codec::IncidentListsAlert(value, lists_one) || each(key, value);
        });
      },
      "incident", DecodeIncidentInto,
      [tenant](const Incident& i) { return tenant.empty() || i.tenant == tenant; },
      rocks::EachOf(visit));
}

}  // namespace weft::rocks
