#pragma once
// Test helpers for the Microsoft importer tests: run weft::Importer over a file of
// tests/data (or inline text) and keep the alerts, counts and rejected records.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "importers/importer.h"
#include "model/alert.h"

namespace weft::ms_test {

inline std::string DataPath(const std::string& relative) {
  return std::string(WEFT_TEST_DATA_DIR) + "/" + relative;
}

class CollectSink : public ImportSink {
 public:
  Status Consume(ImportBatch batch) override {
    for (Alert& a : batch.alerts) alerts.push_back(std::move(a));
    for (Relation& r : batch.relations) relations.push_back(std::move(r));
    return Status::Ok();
  }
  std::vector<Alert> alerts;
  std::vector<Relation> relations;
};

struct Imported {
  std::vector<Alert> alerts;
  ImportCounts counts;
  std::vector<RejectedRecord> rejects;
};

inline ImportOptions AllSeverities() {
  ImportOptions o;
  o.min_severity = Severity::kInformational;
  return o;
}

// Imports the tests/data file `relative` (or, with `is_text`, the text itself) and flushes.
inline Imported Import(const std::string& relative_or_text, ImportOptions options = AllSeverities(),
                       bool is_text = false) {
  Imported out;
  auto importer = Importer::Create(std::move(options));
  EXPECT_TRUE(importer.ok());
  if (!importer.ok()) return out;
  (*importer)->set_reject_handler([&](const RejectedRecord& r) { out.rejects.push_back(r); });
  CollectSink sink;
  const Status s = is_text ? (*importer)->ImportText(relative_or_text, "inline", sink)
                           : (*importer)->ImportPath(DataPath(relative_or_text), sink);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE((*importer)->Flush(sink).ok());
  out.alerts = std::move(sink.alerts);
  out.counts = (*importer)->counts();
  return out;
}

inline Imported ImportText(const std::string& text, ImportOptions options = AllSeverities()) {
  return Import(text, std::move(options), true);
}

inline const Alert* FindByProviderId(const std::vector<Alert>& alerts, const std::string& id) {
  for (const Alert& a : alerts) {
    if (a.provider_id == id) return &a;
  }
  return nullptr;
}

inline std::vector<const Alert*> AllByProviderId(const std::vector<Alert>& alerts,
                                                 const std::string& id) {
  std::vector<const Alert*> out;
  for (const Alert& a : alerts) {
    if (a.provider_id == id) out.push_back(&a);
  }
  return out;
}

inline std::set<std::string> EntityKeys(const Alert& a) {
  std::set<std::string> keys;
  for (const Evidence& e : a.evidence) keys.insert(e.entity.key);
  return keys;
}

inline const Evidence* FindEvidence(const Alert& a, const std::string& key) {
  for (const Evidence& e : a.evidence) {
    if (e.entity.key == key) return &e;
  }
  return nullptr;
}

inline bool HasRelation(const Alert& a, const std::string& from, const std::string& relation,
                        const std::string& to) {
  for (const Relation& r : a.relations) {
    if (r.from == from && r.relation == relation && r.to == to) return true;
  }
  return false;
}

inline std::set<std::string> Keys(const std::vector<Alert>& alerts) {
  std::set<std::string> keys;
  for (const Alert& a : alerts) keys.insert(a.key);
  return keys;
}

}  // namespace weft::ms_test
