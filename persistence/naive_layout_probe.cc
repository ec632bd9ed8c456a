#include "persistence/naive_layout_probe.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <filesystem>

#include "persistence/internal/codec.h"

namespace weft {

struct NaiveLayoutProbe::Db {
  std::unique_ptr<rocksdb::DB> db;
};

NaiveLayoutProbe::NaiveLayoutProbe(std::unique_ptr<Db> db, std::string dir)
    : db_(std::move(db)), dir_(std::move(dir)) {}

NaiveLayoutProbe::~NaiveLayoutProbe() {
  if (db_ && db_->db) db_->db->Close().PermitUncheckedError();
}

Result<std::unique_ptr<NaiveLayoutProbe>> NaiveLayoutProbe::Create(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  try {
    s = rocksdb::DB::Open(options, dir, &raw);
  } catch (const std::exception& e) {
    return Status::IOError("naive layout probe: " + dir + ": " + e.what());
  }
  if (!s.ok()) return Status::IOError("naive layout probe: " + dir + ": " + s.ToString());
  auto db = std::make_unique<Db>();
  db->db.reset(raw);
  return std::unique_ptr<NaiveLayoutProbe>(new NaiveLayoutProbe(std::move(db), dir));
}

Status NaiveLayoutProbe::Write(const std::vector<Alert>& alerts) {
  rocksdb::WriteOptions wo;  // WAL on, no fsync: the real store's default
  auto put = [&](const std::string& key, const std::string& value) -> Status {
    rocksdb::Status s = db_->db->Put(wo, key, value);
    if (!s.ok()) return Status::IOError("naive layout probe: put: " + s.ToString());
    ++puts_;
    return Status::Ok();
  };
  std::string key;
  for (const Alert& a : alerts) {
    scratch_.clear();
    codec::AppendAlert(a, scratch_);
    WEFT_RETURN_IF_ERROR(put("a/" + a.key, scratch_));
    for (const Evidence& ev : a.evidence) {
      const std::string entity_id = a.tenant + '\0' + ev.entity.key;
      EntityRecord record;
      record.tenant = a.tenant;
      record.entity = ev.entity;
      scratch_.clear();
      codec::AppendEntityRecord(record, scratch_);
      WEFT_RETURN_IF_ERROR(put("e/" + entity_id, scratch_));
      WEFT_RETURN_IF_ERROR(
          put("ae/" + a.key + '\0' + ev.entity.key, std::string(EvidenceRoleName(ev.role))));
      WEFT_RETURN_IF_ERROR(put("ea/" + entity_id + '\0' + a.key, std::string()));
    }
  }
  return Status::Ok();
}

std::uint64_t NaiveLayoutProbe::DiskBytes() const {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

}  // namespace weft
