#include "engine/evaluation.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include <boost/pending/disjoint_sets.hpp>

#include "engine/correlation_config.h"
#include "model/entity.h"

namespace weft {
namespace {

// True when no correlation config can ever link alerts through `key` ("kind:value", optionally
// scoped as "<tenant>|kind:value"): the weak names (a host name, a bare account or file name)
// that CorrelationConfig::Correlates refuses under every setting. Such keys would inflate the
// reachable recall with pairs no rule can recover (on the GUIDE sample, 12 of 157 true pairs).
bool NeverLinks(std::string_view key) {
  static const CorrelationConfig kMostPermissive = [] {
    CorrelationConfig c;
    c.window = std::nullopt;
    c.kinds = std::set<EntityKind>(std::begin(kAllEntityKinds), std::end(kAllEntityKinds));
    c.stop_list.clear();
    c.private_ips_correlate = true;
    return c;
  }();
  const std::size_t bar = key.rfind('|');
  const std::string_view entity = bar == std::string_view::npos ? key : key.substr(bar + 1);
  Result<std::pair<EntityKind, std::string>> split = SplitEntityKey(entity);
  if (!split.ok()) return false;  // not an entity key: an opaque token still joins
  return !kMostPermissive.Correlates(split->first, entity, /*private_ip=*/false);
}

std::uint64_t Choose2(std::uint64_t n) { return n * (n - 1) / 2; }

double Ratio(double num, double den) { return den == 0 ? 1.0 : num / den; }

double F1(double p, double r) { return p + r == 0 ? 0.0 : 2 * p * r / (p + r); }

// One scored alert: its predicted group, its reachability component, its label ids.
struct Scored {
  std::uint32_t group = 0;
  std::uint32_t component = 0;
  std::vector<std::uint32_t> labels;  // sorted, unique, at most kMaxLabelsPerAlert
};

// A nonempty subset of an alert's labels, packed as a string of 4-byte ids (sorted order).
using SubsetKey = std::string;

// Every nonempty subset of `labels` with its inclusion-exclusion sign (+1 odd size, -1 even).
template <typename Visit>
void ForEachSubset(const std::vector<std::uint32_t>& labels, Visit visit) {
  const std::uint32_t n = static_cast<std::uint32_t>(labels.size());
  SubsetKey key;
  for (std::uint32_t mask = 1; mask < (1u << n); ++mask) {
    key.clear();
    int size = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      if ((mask & (1u << i)) == 0) continue;
      key.append(reinterpret_cast<const char*>(&labels[i]), sizeof(std::uint32_t));
      ++size;
    }
    visit(key, size % 2 == 1 ? 1 : -1);
  }
}

// Counts of alerts per label subset, optionally within a partition (group or component id).
class SubsetCounts {
 public:
  void Add(std::uint32_t part, const std::vector<std::uint32_t>& labels) {
    ForEachSubset(labels, [&](const SubsetKey& key, int) { ++counts_[Key(part, key)]; });
  }
  // Pairs of alerts in one part whose label sets intersect (inclusion-exclusion over subsets).
  std::int64_t TogetherPairs() const {
    std::int64_t total = 0;
    for (const auto& [key, n] : counts_) {
      const int size =
          static_cast<int>((key.size() - sizeof(std::uint32_t)) / sizeof(std::uint32_t));
      total += (size % 2 == 1 ? 1 : -1) * static_cast<std::int64_t>(Choose2(n));
    }
    return total;
  }
  // Alerts in `part` (itself included) whose labels intersect `labels`.
  std::int64_t TogetherWith(std::uint32_t part, const std::vector<std::uint32_t>& labels) const {
    std::int64_t total = 0;
    ForEachSubset(labels, [&](const SubsetKey& key, int sign) {
      auto it = counts_.find(Key(part, key));
      if (it != counts_.end()) total += sign * static_cast<std::int64_t>(it->second);
    });
    return total;
  }

 private:
  static std::string Key(std::uint32_t part, const SubsetKey& subset) {
    std::string k(reinterpret_cast<const char*>(&part), sizeof part);
    k += subset;
    return k;
  }
  std::unordered_map<std::string, std::uint64_t> counts_;
};

// Assigns each listed alert key its group index (first listing wins).
std::unordered_map<std::string, std::uint32_t> IndexGroups(const AlertGrouping& grouping) {
  std::unordered_map<std::string, std::uint32_t> index;
  for (std::uint32_t g = 0; g < grouping.size(); ++g) {
    for (const std::string& key : grouping[g].second) index.emplace(key, g);
  }
  return index;
}

}  // namespace

QualityScores Evaluate(const AlertGrouping& predicted, const TruthLabels& truth,
                       const AlertGrouping* reachable) {
  std::unordered_map<std::string, std::uint32_t> label_ids;
  std::unordered_map<std::string, std::uint32_t> component_of;
  if (reachable != nullptr) component_of = IndexGroups(*reachable);
  const std::uint32_t first_lone_component =
      reachable != nullptr ? static_cast<std::uint32_t>(reachable->size()) : 0;
  std::uint32_t next_lone_component = first_lone_component;

  std::vector<Scored> scored;
  std::unordered_set<std::string_view> seen;
  for (std::uint32_t g = 0; g < predicted.size(); ++g) {
    for (const std::string& key : predicted[g].second) {
      if (!seen.insert(key).second) continue;
      auto t = truth.find(key);
      if (t == truth.end() || t->second.empty()) continue;
      Scored s;
      s.group = g;
      for (const std::string& label : t->second) {
        auto [it, inserted] =
            label_ids.emplace(label, static_cast<std::uint32_t>(label_ids.size()));
        s.labels.push_back(it->second);
      }
      std::sort(s.labels.begin(), s.labels.end());
      s.labels.erase(std::unique(s.labels.begin(), s.labels.end()), s.labels.end());
      if (s.labels.size() > kMaxLabelsPerAlert) s.labels.resize(kMaxLabelsPerAlert);
      if (reachable != nullptr) {
        auto c = component_of.find(key);
        s.component = c != component_of.end() ? c->second : next_lone_component++;
      }
      scored.push_back(std::move(s));
    }
  }

  QualityScores q;
  q.alerts = scored.size();
  if (scored.empty()) {
    q.pairwise.precision = q.pairwise.recall = q.bcubed.precision = q.bcubed.recall = 1;
    q.pairwise.f1 = q.bcubed.f1 = 1;
    return q;
  }

  // Group sizes and label counts over the scored alerts.
  std::unordered_map<std::uint32_t, std::uint64_t> group_size;
  std::unordered_map<std::uint32_t, std::uint64_t> label_size;
  SubsetCounts everywhere, by_group, by_component;
  constexpr std::uint32_t kAll = 0;
  for (const Scored& s : scored) {
    ++group_size[s.group];
    for (std::uint32_t l : s.labels) ++label_size[l];
    everywhere.Add(kAll, s.labels);
    by_group.Add(s.group, s.labels);
    if (reachable != nullptr) by_component.Add(s.component, s.labels);
  }

  for (const auto& [g, n] : group_size) {
    q.pairwise.predicted_pairs += Choose2(n);
    q.largest_incident = std::max<std::size_t>(q.largest_incident, n);
    if (n >= 2) ++q.predicted_multi_incidents;
  }
  q.predicted_incidents = group_size.size();
  q.true_incidents = label_size.size();
  for (const auto& [l, n] : label_size) {
    if (n >= 2) ++q.true_multi_incidents;
  }
  q.pairwise.true_pairs = static_cast<std::uint64_t>(everywhere.TogetherPairs());
  q.pairwise.correct_pairs = static_cast<std::uint64_t>(by_group.TogetherPairs());
  q.pairwise.precision = Ratio(q.pairwise.correct_pairs, q.pairwise.predicted_pairs);
  q.pairwise.recall = Ratio(q.pairwise.correct_pairs, q.pairwise.true_pairs);
  q.pairwise.f1 = F1(q.pairwise.precision, q.pairwise.recall);

  if (reachable != nullptr) {
    q.reachable_true_pairs = static_cast<std::uint64_t>(by_component.TogetherPairs());
    q.reachable_recall = Ratio(q.reachable_true_pairs, q.pairwise.true_pairs);
    q.relative_recall = Ratio(q.pairwise.correct_pairs, q.reachable_true_pairs);
  }

  double precision_sum = 0;
  double recall_sum = 0;
  for (const Scored& s : scored) {
    const double correct = static_cast<double>(by_group.TogetherWith(s.group, s.labels));
    const double together = static_cast<double>(everywhere.TogetherWith(kAll, s.labels));
    precision_sum += correct / static_cast<double>(group_size[s.group]);
    recall_sum += correct / together;
  }
  q.bcubed.precision = precision_sum / static_cast<double>(scored.size());
  q.bcubed.recall = recall_sum / static_cast<double>(scored.size());
  q.bcubed.f1 = F1(q.bcubed.precision, q.bcubed.recall);
  return q;
}

AlertGrouping Singletons(const AlertGrouping& predicted) {
  AlertGrouping out;
  for (const auto& [id, keys] : predicted) {
    for (const std::string& key : keys) out.push_back({key, {key}});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

AlertGrouping SharedEntityComponents(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& alert_entities) {
  // Nodes: distinct alert keys 0..n-1, then entities. A key listed twice is one alert.
  std::unordered_map<std::string_view, std::size_t> alert_node;
  std::vector<std::string_view> alert_keys;
  for (const auto& [alert, entities] : alert_entities) {
    if (alert_node.emplace(alert, alert_keys.size()).second) alert_keys.push_back(alert);
  }
  const std::size_t n = alert_keys.size();
  std::unordered_map<std::string_view, std::size_t> entity_node;
  for (const auto& [alert, entities] : alert_entities) {
    for (const std::string& e : entities) {
      if (!NeverLinks(e)) entity_node.emplace(e, n + entity_node.size());
    }
  }
  const std::size_t nodes = n + entity_node.size();
  std::vector<std::size_t> rank(nodes), parent(nodes);
  boost::disjoint_sets<std::size_t*, std::size_t*> sets(rank.data(), parent.data());
  for (std::size_t v = 0; v < nodes; ++v) sets.make_set(v);
  for (const auto& [alert, entities] : alert_entities) {
    for (const std::string& e : entities) {
      auto it = entity_node.find(e);
      if (it != entity_node.end()) sets.union_set(alert_node.at(alert), it->second);
    }
  }
  std::map<std::size_t, std::vector<std::string>> by_root;
  for (std::size_t a = 0; a < n; ++a) by_root[sets.find_set(a)].emplace_back(alert_keys[a]);
  AlertGrouping out;
  out.reserve(by_root.size());
  for (auto& [root, keys] : by_root) {
    std::sort(keys.begin(), keys.end());
    out.push_back({keys.front(), std::move(keys)});
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace weft
