#pragma once
// Helpers shared by the persistence tests: status assertions, a self-deleting temp directory,
// field-by-field dumps of the stored types (independent of the codec, so a codec that drops a
// field fails the comparison), a fully-populated alert, and the GUIDE sample turned into store
// records. Single-threaded test code.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/graph_store.h"

#define WEFT_EXPECT_OK(expr)                         \
  do {                                               \
    const ::weft::Status weft_s_ = (expr);           \
    EXPECT_TRUE(weft_s_.ok()) << weft_s_.ToString(); \
  } while (false)
#define WEFT_ASSERT_OK(expr)                         \
  do {                                               \
    const ::weft::Status weft_s_ = (expr);           \
    ASSERT_TRUE(weft_s_.ok()) << weft_s_.ToString(); \
  } while (false)

namespace weft::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // A path inside the directory that does not exist yet.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Every field, one per line, "name=value"; lists and maps in order.
std::string Dump(const Entity& e);
std::string Dump(const Relation& r);
std::string Dump(const Alert& a);
std::string Dump(const EntityRecord& e);
std::string Dump(const Incident& i);

// An alert with every field (including evidence aliases, properties, tags, relations,
// provenances and truth labels) set to a non-default value derived from `n`.
Alert FullAlert(int n, const std::string& tenant = "contoso");
EntityRecord FullEntityRecord(int n, const std::string& tenant = "contoso");
Incident FullIncident(int n, const std::string& tenant = "contoso");

// The GUIDE sample (tests/data/persistence/guide_sample_400.csv) as store records: one alert per
// (OrgId, AlertId) with its evidence rows, tenant "org<OrgId>"; one entity record per (tenant,
// entity); "seen_with" relations from each evidence entity to the alert's first; one incident
// per (OrgId, IncidentId). Records are in file order, not key order.
struct GuideData {
  std::vector<Alert> alerts;
  std::vector<EntityRecord> entities;
  std::vector<Relation> relations;
  std::vector<Incident> incidents;
};
const GuideData& GuideSample();

// Every record of `store` (all tenants), dumped in scan order, one block per record.
std::vector<std::string> DumpAlerts(GraphStore& store, const std::string& tenant = "");
std::vector<std::string> DumpEntities(GraphStore& store, const std::string& tenant = "");
std::vector<std::string> DumpRelations(GraphStore& store, const std::string& tenant = "");
std::vector<std::string> DumpIncidents(GraphStore& store, const std::string& tenant = "");

}  // namespace weft::testing
