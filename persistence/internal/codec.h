#pragma once
// codec: the compact binary form in which the RocksDB store keeps alerts, entity records,
// relations and incidents. Each record starts with one version byte (kCodecVersion), then the
// fields in declaration order: strings and list/map sizes as LEB128 varints followed by bytes,
// enums as one byte, integers zig-zag varints, timestamps as zig-zag varints shifted by one so
// that kNoTime (the common "unset") costs one byte. Decode never reads past its input and returns
// Corruption naming the record, the field and the byte offset on truncated or garbled bytes.
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "graph/graph_store.h"
#include "model/alert.h"
#include "model/incident.h"
#include "model/status.h"

namespace weft::codec {

// The record layout this build writes and reads. Bump it (and teach Decode the old layout) when
// a field is added; the store-wide format version (kStoreFormatVersion) is separate.
inline constexpr std::uint8_t kCodecVersion = 1;
// Incident records are at version 2 (sources and clouds added after the title); version 1
// incident records still decode, with both lists empty.
inline constexpr std::uint8_t kIncidentCodecVersion = 2;

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

// Decode exactly one record occupying all of `bytes`. Corruption when the bytes are truncated,
// have trailing garbage, carry another codec version, or hold an out-of-range enum value; the
// message says which record kind, field and byte offset. `bytes` need only live for the call.
Result<Alert> DecodeAlert(std::string_view bytes);
// The correlation fields of an encoded alert, with views into `bytes`, without decoding the rest.
Status DecodeAlertSummary(std::string_view bytes, AlertSummary& summary);
Result<EntityRecord> DecodeEntityRecord(std::string_view bytes);
Result<Relation> DecodeRelation(std::string_view bytes);
Result<Incident> DecodeIncident(std::string_view bytes);

}  // namespace weft::codec
