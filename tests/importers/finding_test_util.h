#pragma once
// Test helpers for the cloud finding importer tests (GuardDuty, Security Hub, SCC, OCSF, GUIDE,
// bad input): run weft::Importer over a path or text and keep alerts, counts and rejects.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "importers/importer.h"
#include "model/alert.h"

namespace weft::finding_test {

class CollectSink : public ImportSink {
 public:
  Status Consume(ImportBatch batch) override {
    for (Alert& a : batch.alerts) alerts.push_back(std::move(a));
    return Status::Ok();
  }
  std::vector<Alert> alerts;
};

struct Imported {
  std::vector<Alert> alerts;
  ImportCounts counts;
  std::vector<RejectedRecord> rejects;
};

// Imports `path` (or, with `is_text`, the text itself named "inline") and flushes.
inline Imported Run(const std::string& path_or_text, ImportOptions options, bool is_text) {
  auto importer = Importer::Create(std::move(options));
  EXPECT_TRUE(importer.ok());
  Imported out;
  if (!importer.ok()) return out;
  (*importer)->set_reject_handler([&](const RejectedRecord& r) { out.rejects.push_back(r); });
  CollectSink sink;
  const Status s = is_text ? (*importer)->ImportText(path_or_text, "inline", sink)
                           : (*importer)->ImportPath(path_or_text, sink);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE((*importer)->Flush(sink).ok());
  out.alerts = std::move(sink.alerts);
  out.counts = (*importer)->counts();
  return out;
}

inline Imported ImportPath(const std::string& path, ImportOptions options = {}) {
  return Run(path, std::move(options), false);
}
inline Imported ImportText(const std::string& text, ImportOptions options = {}) {
  return Run(text, std::move(options), true);
}

inline const Alert* FindByProviderId(const std::vector<Alert>& alerts, const std::string& id) {
  for (const Alert& a : alerts) {
    if (a.provider_id == id) return &a;
  }
  return nullptr;
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

inline std::string ReadFile(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

}  // namespace weft::finding_test
