// Canonical key micro benchmarks (model/canonical.h, model/alert.h): the normalizations every
// importer runs per record. Run a Release build:
//   ./build/bench/bench/weft_canonical_bench --benchmark_counters_tabular=true
// Numbers and the machine they came from: docs/benchmarks.md.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "model/alert.h"
#include "model/canonical.h"

namespace weft {
namespace {

// `n` distinct Azure resource ids in the mixed case the portal and the APIs deliver.
std::vector<std::string> AzureIds(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back("/subscriptions/8A1B2C3D-0000-4000-8000-" + std::to_string(100000000000 + i) +
                  "/resourceGroups/RG-Prod-" + std::to_string(i % 17) +
                  "/providers/Microsoft.Compute/virtualMachines/VM-Web-" + std::to_string(i));
  }
  return ids;
}

void BM_NormalizeAzureResourceId(benchmark::State& state) {
  const std::vector<std::string> ids = AzureIds(static_cast<int>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeAzureResourceId(ids[i]));
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormalizeAzureResourceId)->Range(8, 4096);

void BM_NormalizeIp(benchmark::State& state) {
  // range(0): 0 = IPv4 with leading zeros, 1 = IPv6 in long form.
  std::vector<std::string> ips;
  for (int i = 0; i < 1024; ++i) {
    if (state.range(0) == 0) {
      ips.push_back("010.0" + std::to_string(i % 250) + ".001." + std::to_string(i % 200));
    } else {
      ips.push_back("2001:0DB8:0000:0000:0000:ff00:0042:" + std::to_string(1000 + i));
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeIp(ips[i]));
    if (++i == ips.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormalizeIp)->Arg(0)->Arg(1);

void BM_MakeDevice(benchmark::State& state) {
  // range(0): identifiers given: 1 = MDE id only; 3 = MDE id, Azure VM id, host name;
  // 5 = also AAD device id and FQDN.
  const int ids_given = static_cast<int>(state.range(0));
  const std::vector<std::string> azure = AzureIds(256);
  std::vector<DeviceIds> devices;
  for (int i = 0; i < 256; ++i) {
    DeviceIds d;
    d.mde_device_id = "4F1C" + std::to_string(1000000 + i) + "ab12cd34ef56ab12cd34ef56ab12cd34";
    if (ids_given >= 3) {
      d.azure_resource_id = azure[i];
      d.hostname = "VM-Web-" + std::to_string(i);
    }
    if (ids_given >= 5) {
      d.aad_device_id = "0f0e0d0c-0b0a-4000-8000-" + std::to_string(100000000000 + i);
      d.fqdn = "vm-web-" + std::to_string(i) + ".contoso.com";
    }
    devices.push_back(std::move(d));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(MakeDevice(devices[i], "Defender for Endpoint"));
    if (++i == devices.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MakeDevice)->Arg(1)->Arg(3)->Arg(5);

void BM_MakeAlertKey(benchmark::State& state) {
  // range(0): provider id length in characters.
  std::vector<std::string> ids;
  for (int i = 0; i < 1024; ++i) {
    std::string id = "DA" + std::to_string(637000000000 + i) + "_";
    id.resize(static_cast<std::size_t>(state.range(0)), 'F');
    ids.push_back(std::move(id));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(MakeAlertKey("72f988bf-86f1-41af-91ab-2d7cd011db47",
                                          SourceProduct::kDefenderForEndpoint, ids[i]));
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MakeAlertKey)->Range(16, 256);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
