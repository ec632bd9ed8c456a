// GenerateToDirectory: the AlertStream written as native source files plus labels and summary.

#include <filesystem>
#include <fstream>
#include <map>

#include "bench/generator/generator.h"
#include "bench/generator/internal/render.h"
#include "bench/generator/internal/world.h"

namespace weft::generator {
namespace {

using internal::Json;

std::string FileNameOf(std::string_view format) {
  if (format == "sentinel") return "sentinel-securityalert.jsonl";
  return std::string(format) + ".jsonl";
}

class Files {
 public:
  explicit Files(std::filesystem::path dir) : dir_(std::move(dir)) {}

  Status Write(const std::string& name, std::string_view line) {
    auto it = files_.find(name);
    if (it == files_.end()) {
      std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
      if (!out) return Status::IOError("cannot write '" + (dir_ / name).string() + "'");
      it = files_.emplace(name, std::move(out)).first;
    }
    it->second.write(line.data(), static_cast<std::streamsize>(line.size()));
    it->second.put('\n');
    if (!it->second) return Status::IOError("write failed on '" + (dir_ / name).string() + "'");
    return Status::Ok();
  }

  Status Close() {
    for (auto& [name, out] : files_) {
      out.close();
      if (!out) return Status::IOError("cannot close '" + (dir_ / name).string() + "'");
    }
    return Status::Ok();
  }

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::ofstream> files_;
};

Status WriteWhole(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError("cannot write '" + path.string() + "'");
  out << text << '\n';
  out.close();
  if (!out) return Status::IOError("write failed on '" + path.string() + "'");
  return Status::Ok();
}

Json SummaryJson(const GeneratorOptions& o, const GeneratorSummary& s) {
  Json j = Json::object();
  j["options"] = Json{{"alerts", o.alerts},
                      {"tenants", o.tenants},
                      {"seed", o.seed},
                      {"format", o.format},
                      {"start", FormatTimestamp(o.start)},
                      {"span", FormatDuration(o.span)},
                      {"informational_share", o.informational_share},
                      {"noise_share", o.noise_share},
                      {"duplicate_share", o.duplicate_share},
                      {"late_share", o.late_share},
                      {"hub_share", o.hub_share},
                      {"isolation_window", FormatDuration(o.isolation_window)},
                      {"max_step_gap", FormatDuration(o.max_step_gap)}};
  j["records"] = s.records;
  j["distinct_alerts"] = s.distinct_alerts;
  j["duplicates"] = s.duplicates;
  j["informational"] = s.informational;
  j["late"] = s.late;
  j["planted_incidents"] = s.planted_incidents;
  j["chain_alerts"] = s.chain_alerts;
  j["noise_incidents"] = s.noise_incidents;
  j["records_per_format"] = s.records_per_format;
  j["files"] = s.files;
  j["incidents_per_scenario"] = s.incidents_per_scenario;
  Json tenants = Json::array();
  for (const TenantInfo& t : s.tenants) {
    tenants.push_back(
        Json{{"id", t.id}, {"name", t.name}, {"weight", t.weight}, {"accounts", t.accounts}});
  }
  j["tenants"] = std::move(tenants);
  Json hubs = Json::array();
  for (const HubInfo& h : s.hubs) {
    hubs.push_back(Json{
        {"tenant", h.tenant}, {"entity", h.entity_key}, {"kind", h.kind}, {"records", h.records}});
  }
  j["hubs"] = std::move(hubs);
  return j;
}

}  // namespace

Result<GeneratorSummary> GenerateToDirectory(const GeneratorOptions& options,
                                             const std::string& out_dir) {
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<AlertStream> stream, AlertStream::Create(options));
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return Status::IOError("cannot create '" + out_dir + "': " + ec.message());
  const fs::path dir(out_dir);
  // Alert files go to DIR/alerts so that `weft ingest DIR/alerts` reads alerts only; labels,
  // tenants and the summary stay beside it.
  fs::create_directories(dir / "alerts", ec);
  if (ec)
    return Status::IOError("cannot create '" + (dir / "alerts").string() + "': " + ec.message());
  // Identifiers do not depend on pool sizes: small tenants suffice for rendering.
  std::vector<internal::Tenant> tenants;
  for (int t = 0; t < options.tenants; ++t) tenants.emplace_back(t, 0.0, 0, options.entity_zipf);

  Files files(dir);
  std::map<std::string, std::uint64_t> per_file;
  const bool weft = options.format == "weft";
  std::vector<GeneratedAlert> batch;
  while (stream->Next(batch)) {
    for (const GeneratedAlert& g : batch) {
      const std::string name =
          std::string("alerts/") + (weft ? "weft.jsonl" : FileNameOf(ChannelFormat(g.channel)));
      WEFT_RETURN_IF_ERROR(files.Write(
          name,
          internal::RenderRecord(g, tenants[static_cast<std::size_t>(g.tenant_index)], weft)));
      ++per_file[name];
      if (g.duplicate) continue;
      Json label =
          Json{{"alert_key", g.alert.key}, {"incident", g.incident}, {"scenario", g.scenario}};
      if (g.informational) label["informational"] = true;
      WEFT_RETURN_IF_ERROR(files.Write("labels.jsonl", label.dump()));
    }
  }
  WEFT_RETURN_IF_ERROR(files.Close());

  GeneratorSummary summary = stream->summary();
  summary.files = per_file;
  Json tenant_map = Json::object();
  for (const TenantInfo& t : summary.tenants) {
    for (const std::string& account : t.accounts) tenant_map[account] = t.id;
  }
  WEFT_RETURN_IF_ERROR(WriteWhole(dir / "tenants.json", tenant_map.dump(2)));
  WEFT_RETURN_IF_ERROR(WriteWhole(dir / "summary.json", SummaryJson(options, summary).dump(2)));
  return summary;
}

}  // namespace weft::generator
