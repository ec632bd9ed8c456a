#pragma once
// DefaultStreamAlerts: the first `n` records of the generator's default stream (seed 1, four
// tenants; informational alerts included), for micro benchmarks that measure work on real-shaped
// alerts. Aborts if the generator refuses its own defaults.

#include <cstdlib>
#include <memory>
#include <vector>

#include "bench/generator/generator.h"
#include "model/alert.h"

namespace weft::bench {

inline std::vector<Alert> DefaultStreamAlerts(std::size_t n) {
  generator::GeneratorOptions options;
  options.alerts = n;
  Result<std::unique_ptr<generator::AlertStream>> stream = generator::AlertStream::Create(options);
  if (!stream.ok()) std::abort();
  std::vector<Alert> alerts;
  std::vector<generator::GeneratedAlert> batch;
  while ((*stream)->Next(batch)) {
    for (generator::GeneratedAlert& g : batch) alerts.push_back(std::move(g.alert));
    batch.clear();
  }
  return alerts;
}

}  // namespace weft::bench
