#pragma once
// Evaluation: scores a predicted grouping of alerts into incidents against ground-truth labels.
// Pure functions over in-memory values (no I/O); thread-safe.
//
// Truth is a set of labels per alert (an alert may carry several: it is correctly grouped with
// any alert sharing one of them). Two alerts are truly together when their label sets intersect.
// Only alerts that are both in the predicted grouping and labelled are scored. Pair counts are
// computed from group sizes and (group, label-subset) contingency counts by inclusion-exclusion
// over each alert's label subsets, never by enumerating pairs: cost is linear in the alerts
// (times 2^labels per alert, labels capped at kMaxLabelsPerAlert).

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace weft {

// Incident id -> alert keys, as Engine::Grouping() returns it. A partition: an alert listed in
// several groups counts in the first only.
using AlertGrouping = std::vector<std::pair<std::string, std::vector<std::string>>>;
// Alert key -> its true incident labels. An alert with no labels is not scored.
using TruthLabels = std::unordered_map<std::string, std::vector<std::string>>;

// Labels beyond this many per alert (after sorting and dedup) are ignored.
inline constexpr std::size_t kMaxLabelsPerAlert = 8;

struct PairwiseScores {
  double precision = 0;  // correct / predicted pairs; 1 when no pair is predicted
  double recall = 0;     // correct / true pairs; 1 when no pair is truly together
  double f1 = 0;
  std::uint64_t predicted_pairs = 0;  // pairs of scored alerts in one predicted incident
  std::uint64_t true_pairs = 0;       // pairs of scored alerts whose label sets intersect
  std::uint64_t correct_pairs = 0;    // both
};

struct BCubedScores {
  double precision = 0;  // mean over scored alerts of |own group ∩ truly together| / |own group|
  double recall = 0;  // mean over scored alerts of |own group ∩ truly together| / |truly together|
  double f1 = 0;
};

struct QualityScores {
  PairwiseScores pairwise;
  BCubedScores bcubed;
  // Share of truly-together pairs that lie in one component of the reachability grouping (what
  // any entity path could join); 1 when no reachability grouping was given or no true pairs.
  double reachable_recall = 1;
  // pairwise.recall / reachable_recall (correct pairs / reachable true pairs); 1 when no true
  // pair is reachable.
  double relative_recall = 1;
  std::uint64_t reachable_true_pairs = 0;
  std::size_t alerts = 0;                     // scored alerts
  std::size_t predicted_incidents = 0;        // predicted groups, restricted to scored alerts
  std::size_t predicted_multi_incidents = 0;  // ... with 2 or more scored alerts
  std::size_t true_incidents = 0;             // distinct labels on scored alerts
  std::size_t true_multi_incidents = 0;       // ... carried by 2 or more scored alerts
  std::size_t largest_incident = 0;           // scored alerts in the largest predicted group
};

// Scores `predicted` against `truth`. `reachable` (may be null): the components of the most
// permissive linking (see SharedEntityComponents); alerts it does not list are alone in it.
QualityScores Evaluate(const AlertGrouping& predicted, const TruthLabels& truth,
                       const AlertGrouping* reachable = nullptr);

// Every alert of `predicted` alone (the "no correlation" baseline), ids = alert keys.
AlertGrouping Singletons(const AlertGrouping& predicted);

// The connected components of "two alerts share an entity key" (no window, no hub, no filter):
// `alert_entities` lists each alert key with its entity keys. Groups are named by their
// smallest alert key and sorted; keys within a group sorted.
AlertGrouping SharedEntityComponents(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& alert_entities);

}  // namespace weft
