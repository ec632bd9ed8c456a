// `weft device KEY_OR_ALIAS`: one device as every product saw it.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "engine/device_page.h"

namespace weft::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string DevicePageJson(const DevicePage& p) {
  Json j;
  j["tenant"] = p.tenant;
  j["key"] = p.device.key;
  j["name"] = p.device.display_name;
  j["cloud"] = p.device.cloud;
  for (const auto& [k, v] : p.device.labels) j[k] = v;
  Json aliases = Json::array();
  for (const StoryAlias& a : p.device.aliases)
    aliases.push_back({{"alias", a.alias}, {"source", a.source}, {"strong", a.strong}});
  j["aliases"] = aliases;
  j["conflicts"] = p.device.conflicts;
  j["sources"] = p.sources;
  Json alerts = Json::array();
  for (const DeviceAlertRow& a : p.alerts) {
    alerts.push_back({{"key", a.key},
                      {"time", FormatTimestamp(a.time)},
                      {"source", a.source},
                      {"severity", std::string(SeverityName(a.severity))},
                      {"title", a.title},
                      {"role", a.role},
                      {"incident", a.incident}});
  }
  j["alerts"] = alerts;
  j["incidents"] = p.incidents;
  Json matches = Json::array();
  for (const DeviceMatch& m : p.possible_matches)
    matches.push_back({{"key", m.key}, {"name", m.display_name}});
  j["possible_matches"] = matches;
  return j.dump(2);
}

void PrintDevicePage(const DevicePage& p, std::ostream& out) {
  out << "Device " << p.device.key << "\n";
  if (!p.device.display_name.empty()) out << "  name:    " << p.device.display_name << "\n";
  out << "  tenant:  " << p.tenant << "\n";
  out << "  cloud:   " << (p.device.CloudLabel().empty() ? p.device.cloud : p.device.CloudLabel())
      << "\n";
  out << "  sources: ";
  for (std::size_t i = 0; i < p.sources.size(); ++i) out << (i ? ", " : "") << p.sources[i];
  out << "\n\nAliases\n";
  for (const StoryAlias& a : p.device.aliases) {
    out << "  " << a.alias << (a.strong ? "" : " (weak)");
    if (!a.source.empty()) out << "  from " << a.source;
    out << "\n";
  }
  if (!p.device.conflicts.empty()) {
    out << "\nConflicts\n";
    for (const std::string& c : p.device.conflicts) out << "  " << c << "\n";
  }
  out << "\nTimeline (" << p.alerts.size() << " alerts)\n";
  for (const DeviceAlertRow& a : p.alerts) {
    out << "  " << FormatTimestamp(a.time) << "  " << SeverityName(a.severity) << "  " << a.source
        << "  " << a.title << "  (" << a.role << (a.incident.empty() ? "" : ", " + a.incident)
        << ")\n";
  }
  out << "\nIncidents\n";
  for (const std::string& id : p.incidents) out << "  " << id << "\n";
  if (!p.possible_matches.empty()) {
    out << "\nPossible matches (same host name, no shared strong id; not merged)\n";
    for (const DeviceMatch& m : p.possible_matches)
      out << "  " << m.key << (m.display_name.empty() ? "" : "  (" + m.display_name + ")") << "\n";
  }
}

}  // namespace

void AddDeviceCommand(CLI::App& app, CommandContext& ctx) {
  auto db = std::make_shared<std::string>(kDefaultDb);
  auto query = std::make_shared<std::string>();
  auto tenant = std::make_shared<std::string>();
  auto json_out = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("device", "Show one device: aliases, alerts from every source, incidents");
  cmd->footer(
      "Any identifier finds the device: MDE device id, Azure VM resource id (any case), vmId, AWS\n"
      "instance id or ARN, GCP resource name, or a host name. When a host name matches several\n"
      "devices they are listed and the command exits 1.\n\nExample:\n"
      "  weft device --db ./weft.db /subscriptions/.../virtualMachines/vm1");
  cmd->add_option("device", *query, "Entity key or any alias of the device")->required();
  cmd->add_option("--db", *db, "Store directory")->capture_default_str();
  cmd->add_option("--tenant", *tenant, "Only this tenant");
  cmd->add_flag("--json", *json_out, "JSON output");
  cmd->callback([db, query, tenant, json_out, &ctx] {
    Result<std::unique_ptr<GraphStore>> store = OpenStore(*db, true);
    if (!store.ok()) {
      PrintError(store.status());
      ctx.exit_code = 1;
      return;
    }
    Result<DeviceLookup> lookup = LookupDevice(**store, *query, *tenant);
    if (!lookup.ok()) {
      PrintError(lookup.status());
      ctx.exit_code = 1;
      return;
    }
    if (!lookup->page) {
      std::cerr << "weft: '" << *query << "' matches " << lookup->candidates.size()
                << " devices; give one of:\n";
      for (const DeviceMatch& m : lookup->candidates) {
        std::cout << m.key << "\t" << m.tenant << "\t" << m.display_name << "\n";
      }
      ctx.exit_code = 1;
      return;
    }
    if (*json_out) {
      std::cout << DevicePageJson(*lookup->page) << "\n";
    } else {
      PrintDevicePage(*lookup->page, std::cout);
    }
  });
}

}  // namespace weft::cli
