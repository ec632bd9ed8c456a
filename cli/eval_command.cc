// `weft eval`: measures correlation quality against ground-truth labels. Reads the inputs once
// (alert files, or the alerts of an existing store), correlates them in fresh in-memory stores
// under each configuration, and scores each grouping (engine/evaluation.h) beside two baselines
// computed in the same run: no correlation, and naive linking by any shared entity.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "engine/engine.h"
#include "engine/evaluation.h"
#include "graph/in_memory_store.h"
#include "importers/importer.h"

namespace weft::cli {
namespace {

// Naive linking: any shared entity, whenever, however popular (weak names still never link).
constexpr const char* kNaiveConfig =
    R"({"window": "off", "hub": {"absolute": 1000000000000}, "kinds": "all", "stop_list": [], "private_ips": true})";

struct EvalOptions {
  std::vector<std::string> paths;
  std::string db;
  std::string config_file;
  std::string labels_file;
  std::string tenant;
  std::string tenants_file;
  std::string min_severity = "low";
  std::vector<std::string> sweep;
  bool json = false;
};

struct EvalInput {
  std::vector<ImportBatch> batches;
  TruthLabels truth;
  std::size_t rejected = 0;
};

class CollectSink final : public ImportSink {
 public:
  explicit CollectSink(std::vector<ImportBatch>& out) : out_(out) {}
  Status Consume(ImportBatch batch) override {
    out_.push_back(std::move(batch));
    return Status::Ok();
  }

 private:
  std::vector<ImportBatch>& out_;
};

Status ReadInputs(const EvalOptions& o, EvalInput& in) {
  if (!o.db.empty()) {
    WEFT_ASSIGN_OR_RETURN(std::unique_ptr<GraphStore> store, OpenStore(o.db, true));
    in.batches.emplace_back();
    WEFT_RETURN_IF_ERROR(store->ForEachAlert("", [&](const Alert& a) {
      if (in.batches.back().alerts.size() >= 1000) in.batches.emplace_back();
      in.batches.back().alerts.push_back(a);
      return true;
    }));
    WEFT_RETURN_IF_ERROR(store->ForEachRelation("", [&](const Relation& r) {
      in.batches.front().relations.push_back(r);
      return true;
    }));
  }
  if (o.paths.empty()) return Status::Ok();
  ImportOptions options;
  options.default_tenant = o.tenant;
  std::optional<Severity> floor = ParseSeverity(o.min_severity);
  if (!floor)
    return Status::InvalidArgument("--min-severity: unknown severity '" + o.min_severity + "'");
  options.min_severity = *floor;
  if (!o.tenants_file.empty()) {
    WEFT_ASSIGN_OR_RETURN(options.tenants, TenantMap::Load(o.tenants_file));
  }
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Importer> importer, Importer::Create(options));
  CollectSink sink(in.batches);
  for (const std::string& path : o.paths) WEFT_RETURN_IF_ERROR(importer->ImportPath(path, sink));
  WEFT_RETURN_IF_ERROR(importer->Flush(sink));
  in.rejected = importer->counts().rejected;
  return Status::Ok();
}

// Labels carried by the alerts (GUIDE's IncidentId), scoped by tenant: GUIDE incident ids are
// unique only within an organisation.
void TruthFromAlerts(EvalInput& in) {
  for (const ImportBatch& b : in.batches) {
    for (const Alert& a : b.alerts) {
      for (const std::string& label : a.truth_labels)
        in.truth[a.key].push_back(a.tenant + "/" + label);
    }
  }
}

// JSON lines {"alert_key": "...", "incident": "..."} (the generator's labels.jsonl).
Status ReadLabelsFile(const std::string& path, TruthLabels& truth) {
  std::ifstream file(path);
  if (!file) return Status::IOError("cannot read labels file '" + path + "'");
  std::string line;
  for (std::size_t n = 1; std::getline(file, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("alert_key") ||
        !j["alert_key"].is_string() || !j.contains("incident") || !j["incident"].is_string()) {
      return Status::InvalidArgument(path + ": line " + std::to_string(n) +
                                     ": expected {\"alert_key\": \"...\", \"incident\": \"...\"}");
    }
    truth[j["alert_key"].get<std::string>()].push_back(j["incident"].get<std::string>());
  }
  return Status::Ok();
}

// What any entity path could join: alerts linked by any shared entity key or alias (weak names
// included, every kind, no window, no hub), deliveries of one alert key being one alert.
AlertGrouping ReachableComponents(const EvalInput& in) {
  std::vector<std::pair<std::string, std::vector<std::string>>> alert_entities;
  for (const ImportBatch& b : in.batches) {
    for (const Alert& a : b.alerts) {
      std::vector<std::string> keys;
      for (const Evidence& ev : a.evidence) {
        const std::string scope =
            a.tenant + "|" + std::string(EntityKindName(ev.entity.kind)) + ":";
        keys.push_back(a.tenant + "|" + ev.entity.key);
        for (const Alias& alias : ev.entity.aliases) keys.push_back(scope + alias.ToString());
      }
      alert_entities.emplace_back(a.key, std::move(keys));
    }
  }
  return SharedEntityComponents(alert_entities);
}

// Correlates every input alert in a fresh in-memory store under `config`.
Result<AlertGrouping> Correlate(const EvalInput& in, const CorrelationConfig& config) {
  InMemoryStore store;
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(store, config));
  const Timestamp now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  for (const ImportBatch& b : in.batches) {
    WEFT_RETURN_IF_ERROR(engine->Ingest(b.alerts, b.relations, now).status());
  }
  return engine->Grouping();
}

nlohmann::json ScoresJson(const QualityScores& q, const std::string& config) {
  return {{"pairwise",
           {{"precision", q.pairwise.precision},
            {"recall", q.pairwise.recall},
            {"f1", q.pairwise.f1},
            {"predicted_pairs", q.pairwise.predicted_pairs},
            {"true_pairs", q.pairwise.true_pairs},
            {"correct_pairs", q.pairwise.correct_pairs}}},
          {"bcubed",
           {{"precision", q.bcubed.precision}, {"recall", q.bcubed.recall}, {"f1", q.bcubed.f1}}},
          {"relative_recall", q.relative_recall},
          {"reachable_recall", q.reachable_recall},
          {"predicted_incidents", q.predicted_incidents},
          {"predicted_multi_incidents", q.predicted_multi_incidents},
          {"true_incidents", q.true_incidents},
          {"true_multi_incidents", q.true_multi_incidents},
          {"largest_incident", q.largest_incident},
          {"alerts", q.alerts},
          {"config", config}};
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string Pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string ScoreColumns(const QualityScores& q) {
  return Pad(Fixed(q.pairwise.precision), 8) + Pad(Fixed(q.pairwise.recall), 8) +
         Pad(Fixed(q.pairwise.f1), 8) + Pad(Fixed(q.bcubed.f1), 8) +
         Pad(Fixed(q.relative_recall), 9) +
         Pad(std::to_string(q.predicted_incidents) + " (" +
                 std::to_string(q.predicted_multi_incidents) + ")",
             15) +
         std::to_string(q.largest_incident);
}
const char* kScoreHeader = "P       R       F1      B3-F1   rel.R    incidents(2+)  largest";

// One sweep point: the base config with its window, hub and alert-type grouping replaced.
struct SweepPoint {
  std::string window;
  std::string hub;
  std::string type;
  CorrelationConfig config;
};

Result<std::vector<SweepPoint>> ParseSweep(const std::vector<std::string>& tokens,
                                           const CorrelationConfig& base) {
  std::vector<std::string> windows, hubs, types;
  auto split = [](const std::string& list) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start <= list.size();) {
      std::size_t end = list.find(',', start);
      if (end == std::string::npos) end = list.size();
      if (end > start) out.push_back(list.substr(start, end - start));
      start = end + 1;
    }
    return out;
  };
  for (const std::string& t : tokens) {
    if (t.rfind("window=", 0) == 0)
      windows = split(t.substr(7));
    else if (t.rfind("hub=", 0) == 0)
      hubs = split(t.substr(4));
    else if (t.rfind("type=", 0) == 0)
      types = split(t.substr(5));
    else
      return Status::InvalidArgument(
          "--sweep: expected window=A,B,..., hub=A,B,... or type=A,B,..., got '" + t + "'");
  }
  if (types.empty()) types.push_back(base.type_window ? FormatDuration(*base.type_window) : "off");
  std::vector<std::optional<Timestamp>> type_windows;
  for (const std::string& t : types) {
    std::optional<std::optional<Timestamp>> w = ParseTypeWindow(t);
    if (!w)
      return Status::InvalidArgument("--sweep: type '" + t +
                                     "' is not a positive duration (e.g. 10m, 1h, off)");
    type_windows.push_back(*w);
  }
  if (windows.empty()) windows.push_back(base.window ? FormatDuration(*base.window) : "off");
  if (hubs.empty()) {
    hubs.push_back(base.hub.absolute
                       ? std::to_string(*base.hub.absolute)
                       : std::to_string(base.hub.floor) + "+" + std::to_string(base.hub.share));
  }
  std::vector<SweepPoint> points;
  for (const std::string& w : windows) {
    bool off = false;
    std::optional<Timestamp> window = ParseDuration(w, &off);
    if (!window && !off)
      return Status::InvalidArgument("--sweep: window '" + w +
                                     "' is not a duration (e.g. 5h, 7d, off)");
    for (const std::string& h : hubs) {
      CorrelationConfig c = base;
      c.window = window;
      c.hub = HubRule{};
      try {
        std::size_t used = 0;
        if (std::size_t plus = h.find('+'); plus != std::string::npos) {
          c.hub.floor = std::stoull(h.substr(0, plus), &used);
          if (used != plus) throw std::invalid_argument(h);
          c.hub.share = std::stod(h.substr(plus + 1), &used);
          if (used != h.size() - plus - 1 || c.hub.share < 0) throw std::invalid_argument(h);
        } else {
          c.hub.absolute = std::stoull(h, &used);
          if (used != h.size()) throw std::invalid_argument(h);
        }
      } catch (const std::exception&) {
        return Status::InvalidArgument("--sweep: hub '" + h +
                                       "' is neither a threshold (100) nor floor+share (12+0.002)");
      }
      for (std::size_t t = 0; t < types.size(); ++t) {
        c.type_window = type_windows[t];
        points.push_back({w, h, types[t], c});
      }
    }
  }
  return points;
}

int RunEval(const EvalOptions& o) {
  CorrelationConfig config;
  if (!o.config_file.empty()) {
    Result<CorrelationConfig> c = LoadConfigFile(o.config_file);
    if (!c.ok()) {
      PrintError(c.status());
      return 2;
    }
    config = *c;
  }
  Result<CorrelationConfig> naive_config = ParseConfigJson(kNaiveConfig, "naive baseline");
  if (!naive_config.ok()) {
    PrintError(naive_config.status());
    return 1;
  }
  std::vector<SweepPoint> points;
  if (!o.sweep.empty()) {
    Result<std::vector<SweepPoint>> p = ParseSweep(o.sweep, config);
    if (!p.ok()) {
      PrintError(p.status());
      return 2;
    }
    points = std::move(*p);
  }
  if (o.paths.empty() && o.db.empty()) {
    std::cerr << "weft: eval: give alert files or --db DIR\n";
    return 2;
  }

  EvalInput in;
  if (Status s = ReadInputs(o, in); !s.ok()) {
    PrintError(s);
    return 1;
  }
  if (in.rejected > 0)
    std::cerr << "weft: eval: " << in.rejected << " input records rejected (not scored)\n";
  if (!o.labels_file.empty()) {
    if (Status s = ReadLabelsFile(o.labels_file, in.truth); !s.ok()) {
      PrintError(s);
      return 1;
    }
  } else {
    TruthFromAlerts(in);
  }
  if (in.truth.empty()) {
    std::cerr << "weft: eval: no alert carries a ground-truth label; give --labels FILE\n";
    return 1;
  }

  Result<AlertGrouping> naive = Correlate(in, *naive_config);
  if (!naive.ok()) {
    PrintError(naive.status());
    return 1;
  }
  const AlertGrouping reachable = ReachableComponents(in);
  const QualityScores naive_q = Evaluate(*naive, in.truth, &reachable);
  const QualityScores none_q = Evaluate(Singletons(*naive), in.truth, &reachable);

  if (!points.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    if (!o.json) {
      std::cout << Pad("window", 8) << Pad("hub", 14) << Pad("type", 6) << kScoreHeader << "\n";
    }
    for (const SweepPoint& p : points) {
      Result<AlertGrouping> g = Correlate(in, p.config);
      if (!g.ok()) {
        PrintError(g.status());
        return 1;
      }
      const QualityScores q = Evaluate(*g, in.truth, &reachable);
      if (o.json) {
        nlohmann::json row = ScoresJson(q, p.config.Describe());
        row["window"] = p.window;
        row["hub"] = p.hub;
        row["type"] = p.type;
        rows.push_back(std::move(row));
      } else {
        std::cout << Pad(p.window, 8) << Pad(p.hub, 14) << Pad(p.type, 6) << ScoreColumns(q)
                  << std::endl;
      }
    }
    if (o.json) {
      std::cout << rows.dump() << "\n";
    } else {
      std::cout << Pad("none", 28) << ScoreColumns(none_q) << "\n"
                << Pad("naive", 28) << ScoreColumns(naive_q) << "\n"
                << "scored alerts " << naive_q.alerts << ", true incidents "
                << naive_q.true_incidents << " (" << naive_q.true_multi_incidents
                << " with 2+ alerts), reachable recall " << Fixed(naive_q.reachable_recall) << "\n";
    }
    return 0;
  }

  Result<AlertGrouping> grouping = Correlate(in, config);
  if (!grouping.ok()) {
    PrintError(grouping.status());
    return 1;
  }
  const QualityScores q = Evaluate(*grouping, in.truth, &reachable);
  if (o.json) {
    nlohmann::json j = ScoresJson(q, config.Describe());
    j["baselines"] = {{"none", ScoresJson(none_q, "every alert alone")},
                      {"naive", ScoresJson(naive_q, naive_config->Describe())}};
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::cout << "scored alerts:    " << q.alerts << "\n"
            << "true incidents:   " << q.true_incidents << " (" << q.true_multi_incidents
            << " with 2+ alerts)\n"
            << "reachable recall: " << Fixed(q.reachable_recall)
            << " (share of truly-together pairs that any shared entity key or alias could join)\n\n"
            << Pad("", 8) << kScoreHeader << "\n"
            << Pad("weft", 8) << ScoreColumns(q) << "\n"
            << Pad("none", 8) << ScoreColumns(none_q) << "\n"
            << Pad("naive", 8) << ScoreColumns(naive_q) << "\n\n"
            << "weft:  " << config.Describe() << "\n"
            << "none:  every alert alone\n"
            << "naive: " << naive_config->Describe() << " (no stop-list)\n";
  return 0;
}

}  // namespace

void AddEvalCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Score the correlation against ground-truth incident labels");
  cmd->footer(
      "Ingests the inputs into a throw-away in-memory store (or reads the alerts of --db), "
      "correlates\n"
      "them, and prints pairwise and B-cubed precision/recall/F1 beside two baselines: no "
      "correlation\n"
      "and naive linking by any shared entity. Labels come from the inputs (GUIDE's IncidentId) "
      "or\n"
      "from --labels (JSON lines {\"alert_key\": ..., \"incident\": ...}, as `weft generate` "
      "writes).\n"
      "Relative recall is recall divided by reachable recall: the share of truly-together alert "
      "pairs\n"
      "that any shared-entity path in the input could join.\n\n"
      "Examples:\n"
      "  weft eval tests/data/guide/\n"
      "  weft eval --sweep window=1h,5h,24h,7d hub=20,100,12+0.002 tests/data/guide/\n"
      "  weft eval --sweep type=off,10m,1h tests/data/guide/   # alert-type grouping\n"
      "  weft eval --labels gen/labels.jsonl --tenants gen/tenants.json gen/*-*.jsonl");
  cmd->add_option("paths", o->paths, "Alert files or directories");
  cmd->add_option("--db", o->db, "Also evaluate the alerts of this store (opened read-only)");
  cmd->add_option("--config", o->config_file,
                  "Correlation config JSON file (default: built-in defaults)");
  cmd->add_option("--labels", o->labels_file,
                  "Ground-truth labels, JSON lines {\"alert_key\", \"incident\"}");
  cmd->add_option("--tenant", o->tenant, "Tenant for records that name none");
  cmd->add_option("--tenants", o->tenants_file, "JSON map of cloud accounts to tenants");
  cmd->add_option("--min-severity", o->min_severity, "Alerts below this severity are not ingested")
      ->capture_default_str();
  cmd->add_option("--sweep", o->sweep,
                  "window=A,B,..., hub=N|FLOOR+SHARE,... and/or type=off|WIDTH,... (alert-type "
                  "grouping): score every combination")
      ->expected(1, -1);
  cmd->add_flag("--json", o->json, "Print JSON (one object; a list with --sweep)");
  cmd->callback([o, &ctx] {
    // --sweep takes every following token: the paths among them go back to the paths.
    EvalOptions opts = *o;
    opts.sweep.clear();
    std::vector<std::string> paths;
    for (const std::string& t : o->sweep) {
      if (t.rfind("window=", 0) == 0 || t.rfind("hub=", 0) == 0 || t.rfind("type=", 0) == 0)
        opts.sweep.push_back(t);
      else
        paths.push_back(t);
    }
    paths.insert(paths.end(), o->paths.begin(), o->paths.end());
    opts.paths = std::move(paths);
    ctx.exit_code = RunEval(opts);
  });
}

}  // namespace weft::cli
