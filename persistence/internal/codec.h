#pragma once
// codec: the compact binary form in which the RocksDB store keeps alerts, entity records,
// relations and incidents. Each record starts with one version byte, then the fields in
// declaration order: strings and list/map sizes as LEB128 varints followed by bytes, enums as one
// byte, integers zig-zag varints, timestamps as zig-zag varints shifted by one so that kNoTime
// (the common "unset") costs one byte. A value does not repeat the key it is stored under: the
// decoders are given that key, and strings that are part of it (an alert's tenant and provider
// id, an entity's name or alias value within its entity key) are written as a reference to it.
// Decode never reads past its input and returns Corruption naming the record, the field and the
// byte offset on truncated or garbled bytes. Pure functions; thread-safe.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_store.h"
#include "model/alert.h"
#include "model/incident.h"
#include "model/status.h"

namespace weft::codec {

// The record layouts this build writes; it reads every older one too. Bump a version (and teach
// its decoder the old layout) when a field changes; the store-wide format version
// (kStoreFormatVersion) is separate. Version 1 wrote every string whole, keys included.
// Alerts, version 2: no key; tenant and provider id (and evidence names and alias values) as parts
// of a key.
inline constexpr std::uint8_t kAlertCodecVersion = 2;
// Entity records, version 2: no tenant or entity key; name and alias values as parts of the key.
inline constexpr std::uint8_t kEntityCodecVersion = 2;
inline constexpr std::uint8_t kRelationCodecVersion = 1;
// Incidents, version 2: sources and clouds after the title (version 1 decodes with both empty);
// version 3: no id.
inline constexpr std::uint8_t kIncidentCodecVersion = 3;

// Append the encoding of the value to `out` (which may already hold bytes; reuse it to avoid
// allocations in bulk writes).
void AppendAlert(const Alert& alert, std::string& out);
void AppendEntityRecord(const EntityRecord& record, std::string& out);
void AppendRelation(const Relation& relation, std::string& out);
void AppendIncident(const Incident& incident, std::string& out);

// Convenience: the encoding as a new string.
std::string EncodeAlert(const Alert& alert);
std::string EncodeEntityRecord(const EntityRecord& record);
std::string EncodeRelation(const Relation& relation);
std::string EncodeIncident(const Incident& incident);

// Decode exactly one record occupying all of `bytes`, stored under the key given (an alert's
// key; an entity's tenant and key; an incident's id). Corruption when the bytes are truncated,
// have trailing garbage, carry an unknown codec version, or hold an out-of-range enum value; the
// message says which record kind, field and byte offset. The views need only live for the call.
Result<Alert> DecodeAlert(std::string_view key, std::string_view bytes);
// The correlation fields of an encoded alert without decoding the rest, with views into `key`
// and `bytes` (both must outlive the summary's use).
Status DecodeAlertSummary(std::string_view key, std::string_view bytes, AlertSummary& summary);
Result<EntityRecord> DecodeEntityRecord(std::string_view tenant, std::string_view key,
                                        std::string_view bytes);
// The same into `record`, reusing its strings, lists and property map (a scan decodes record
// after record into the same slots). On Corruption `record` holds part of the record.
Status DecodeEntityRecordInto(std::string_view tenant, std::string_view key, std::string_view bytes,
                              EntityRecord& record);
Result<Relation> DecodeRelation(std::string_view bytes);
Result<Incident> DecodeIncident(std::string_view id, std::string_view bytes);
// The members of an encoded incident stored under `id`, reading only the fields up to its alert
// keys: views into `id` and `bytes`, the keys' in `keys` (reused between calls). Corruption, as
// DecodeIncident's, when those fields do not read; the fields after them are not checked.
Status DecodeIncidentMembers(std::string_view id, std::string_view bytes,
                             std::vector<std::string_view>& keys, IncidentMembers& members);
// Whether an encoded incident lists an alert key that `wanted` accepts, reading only the fields
// up to its alert keys (a scan for the incidents of a few alerts skips the rest unread).
// `wanted` gets each key as the record holds it: with `under`, the part after "<tenant>/";
// otherwise the whole key. Also true when the bytes do not read, so that the caller's
// DecodeIncident reports why.
bool IncidentListsAlert(
    std::string_view bytes,
    const std::function<bool(std::string_view tenant, bool under, std::string_view key)>& wanted);

}  // namespace weft::codec
