// Hand-computed quality scores on small groupings: pairwise and B-cubed precision/recall,
// alerts with two true labels, unlabelled alerts, reachable recall, and a large grouping that
// must be counted without enumerating pairs.
#include "engine/evaluation.h"

#include <gtest/gtest.h>

namespace weft {
namespace {

TEST(EvaluationTest, PairwiseAndBCubedOnSingleLabels) {
  // Truth: a,b,c in X; d,e in Y; f in Z. g has no label and is not scored.
  const TruthLabels truth = {{"a", {"X"}}, {"b", {"X"}}, {"c", {"X"}},
                             {"d", {"Y"}}, {"e", {"Y"}}, {"f", {"Z"}}};
  const AlertGrouping predicted = {
      {"i1", {"a", "b", "g"}}, {"i2", {"c", "d"}}, {"i3", {"e"}}, {"i4", {"f"}}};
  const QualityScores q = Evaluate(predicted, truth);
  EXPECT_EQ(q.alerts, 6u);
  EXPECT_EQ(q.pairwise.true_pairs, 4u);       // X: 3, Y: 1
  EXPECT_EQ(q.pairwise.predicted_pairs, 2u);  // a-b, c-d (g excluded)
  EXPECT_EQ(q.pairwise.correct_pairs, 1u);    // a-b
  EXPECT_DOUBLE_EQ(q.pairwise.precision, 0.5);
  EXPECT_DOUBLE_EQ(q.pairwise.recall, 0.25);
  EXPECT_DOUBLE_EQ(q.pairwise.f1, 1.0 / 3.0);
  // Per alert precision: a 1, b 1, c 1/2, d 1/2, e 1, f 1.
  EXPECT_DOUBLE_EQ(q.bcubed.precision, 5.0 / 6.0);
  // Per alert recall: a 2/3, b 2/3, c 1/3, d 1/2, e 1/2, f 1.
  EXPECT_DOUBLE_EQ(q.bcubed.recall, 11.0 / 18.0);
  EXPECT_NEAR(q.bcubed.f1, 55.0 / 78.0, 1e-12);
  EXPECT_EQ(q.predicted_incidents, 4u);
  EXPECT_EQ(q.predicted_multi_incidents, 2u);
  EXPECT_EQ(q.true_incidents, 3u);
  EXPECT_EQ(q.true_multi_incidents, 2u);
  EXPECT_EQ(q.largest_incident, 2u);
  EXPECT_DOUBLE_EQ(q.reachable_recall, 1.0) << "no reachability grouping given";
}

TEST(EvaluationTest, AnAlertWithTwoLabelsIsCorrectWithEither) {
  // b was re-assigned: it belongs with a (X) and with c (Y), but a and c are not together.
  const TruthLabels truth = {{"a", {"X"}}, {"b", {"Y", "X"}}, {"c", {"Y"}}};
  {
    const QualityScores q = Evaluate({{"i", {"a", "b", "c"}}}, truth);
    EXPECT_EQ(q.pairwise.true_pairs, 2u);  // a-b, b-c
    EXPECT_EQ(q.pairwise.predicted_pairs, 3u);
    EXPECT_EQ(q.pairwise.correct_pairs, 2u);
    EXPECT_DOUBLE_EQ(q.pairwise.precision, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(q.pairwise.recall, 1.0);
    EXPECT_DOUBLE_EQ(q.bcubed.precision, 7.0 / 9.0);  // a 2/3, b 1, c 2/3
    EXPECT_DOUBLE_EQ(q.bcubed.recall, 1.0);
    EXPECT_EQ(q.true_incidents, 2u);
    EXPECT_EQ(q.true_multi_incidents, 2u);
    EXPECT_EQ(q.largest_incident, 3u);
  }
  {
    const QualityScores q = Evaluate({{"i", {"a"}}, {"j", {"b", "c"}}}, truth);
    EXPECT_EQ(q.pairwise.correct_pairs, 1u);
    EXPECT_DOUBLE_EQ(q.pairwise.precision, 1.0);
    EXPECT_DOUBLE_EQ(q.pairwise.recall, 0.5);
    EXPECT_DOUBLE_EQ(q.bcubed.precision, 1.0);
    EXPECT_DOUBLE_EQ(q.bcubed.recall, 13.0 / 18.0);  // a 1/2, b 2/3, c 1
  }
}

TEST(EvaluationTest, ThreeLabelsInclusionExclusion) {
  // a {X,Y,Z}, b {X,Y}, c {Y,Z}, d {Z}: every pair intersects except b-d.
  const TruthLabels truth = {
      {"a", {"X", "Y", "Z"}}, {"b", {"X", "Y"}}, {"c", {"Y", "Z"}}, {"d", {"Z"}}};
  const QualityScores q = Evaluate({{"i", {"a", "b", "c", "d"}}}, truth);
  EXPECT_EQ(q.pairwise.true_pairs, 5u);
  EXPECT_EQ(q.pairwise.correct_pairs, 5u);
  EXPECT_EQ(q.pairwise.predicted_pairs, 6u);
}

TEST(EvaluationTest, NoCorrelationBaselineHasPerfectPrecisionAndNoRecall) {
  const TruthLabels truth = {{"a", {"X"}}, {"b", {"X"}}, {"c", {"Y"}}};
  const AlertGrouping grouped = {{"i", {"a", "b", "c"}}};
  const AlertGrouping alone = Singletons(grouped);
  EXPECT_EQ(alone, (AlertGrouping{{"a", {"a"}}, {"b", {"b"}}, {"c", {"c"}}}));
  const QualityScores q = Evaluate(alone, truth);
  EXPECT_EQ(q.pairwise.predicted_pairs, 0u);
  EXPECT_DOUBLE_EQ(q.pairwise.precision, 1.0);
  EXPECT_DOUBLE_EQ(q.pairwise.recall, 0.0);
  EXPECT_DOUBLE_EQ(q.pairwise.f1, 0.0);
  EXPECT_DOUBLE_EQ(q.bcubed.precision, 1.0);
  EXPECT_DOUBLE_EQ(q.bcubed.recall, (0.5 + 0.5 + 1.0) / 3.0);
  EXPECT_EQ(q.predicted_incidents, 3u);
  EXPECT_EQ(q.predicted_multi_incidents, 0u);
}

TEST(EvaluationTest, SharedEntityComponentsAndReachableRecall) {
  // a-b share e1, b-c share e2, d alone with e3 (listed twice), e has no entity.
  const AlertGrouping reachable = SharedEntityComponents(
      {{"a", {"e1"}}, {"b", {"e1", "e2"}}, {"c", {"e2"}}, {"d", {"e3"}}, {"d", {"e3"}}, {"e", {}}});
  EXPECT_EQ(reachable, (AlertGrouping{{"a", {"a", "b", "c"}}, {"d", {"d"}}, {"e", {"e"}}}));

  // Truth: a, c, d in X (3 pairs); b, e in Y (1 pair). Only a-c is reachable.
  const TruthLabels truth = {{"a", {"X"}}, {"c", {"X"}}, {"d", {"X"}}, {"b", {"Y"}}, {"e", {"Y"}}};
  {
    const QualityScores q =
        Evaluate({{"i", {"a", "c"}}, {"j", {"b"}}, {"k", {"d"}}, {"l", {"e"}}}, truth, &reachable);
    EXPECT_EQ(q.pairwise.true_pairs, 4u);
    EXPECT_EQ(q.reachable_true_pairs, 1u);
    EXPECT_DOUBLE_EQ(q.reachable_recall, 0.25);
    EXPECT_DOUBLE_EQ(q.pairwise.recall, 0.25);
    EXPECT_DOUBLE_EQ(q.relative_recall, 1.0);
  }
  {
    const QualityScores q =
        Evaluate({{"i", {"a", "b"}}, {"j", {"c"}}, {"k", {"d"}}, {"l", {"e"}}}, truth, &reachable);
    EXPECT_DOUBLE_EQ(q.reachable_recall, 0.25);
    EXPECT_DOUBLE_EQ(q.pairwise.recall, 0.0);
    EXPECT_DOUBLE_EQ(q.relative_recall, 0.0);
    EXPECT_DOUBLE_EQ(q.pairwise.precision, 0.0);
  }
  {
    // An alert the reachability grouping does not list is alone in it.
    const AlertGrouping partial = {{"a", {"a", "c"}}};
    const QualityScores q = Evaluate({{"i", {"a", "c", "d"}}}, truth, &partial);
    EXPECT_EQ(q.reachable_true_pairs, 1u);
  }
}

TEST(EvaluationTest, WeakNamesNeverMakeAlertsReachable) {
  // No rule ever links through a host name, a bare account name or a file name, so sharing one
  // does not count as reachable; a strong id of the same entity (scoped by tenant) still joins.
  const AlertGrouping reachable = SharedEntityComponents({
      {"a", {"t|device:host:web01", "t|user:name:alice"}},
      {"b", {"t|device:host:web01", "t|file:name:x.exe"}},
      {"c", {"t|user:name:alice", "t|device:fqdn:web01.contoso.com"}},
      {"d", {"t|file:name:x.exe", "t|device:guide:19709"}},
      {"e", {"t|device:guide:19709", "t|device:fqdn:web01.contoso.com"}},
      {"f", {"t|generic:guide-ip:3348"}},
      {"g", {"t|generic:guide-ip:3348"}},
  });
  EXPECT_EQ(reachable,
            (AlertGrouping{
                {"a", {"a"}}, {"b", {"b"}}, {"c", {"c"}}, {"d", {"d", "e"}}, {"f", {"f", "g"}}}));

  const TruthLabels truth = {{"a", {"X"}}, {"b", {"X"}}, {"c", {"X"}}, {"d", {"Y"}}, {"e", {"Y"}}};
  const QualityScores q =
      Evaluate({{"i", {"a"}}, {"j", {"b"}}, {"k", {"c"}}, {"l", {"d", "e"}}}, truth, &reachable);
  EXPECT_EQ(q.pairwise.true_pairs, 4u);
  EXPECT_EQ(q.reachable_true_pairs, 1u);
  EXPECT_DOUBLE_EQ(q.reachable_recall, 0.25);
  EXPECT_DOUBLE_EQ(q.relative_recall, 1.0);
}

TEST(EvaluationTest, AlertListedTwiceCountsInItsFirstGroupOnly) {
  const TruthLabels truth = {{"a", {"X"}}, {"b", {"X"}}};
  const QualityScores q = Evaluate({{"i", {"a"}}, {"j", {"b", "a"}}}, truth);
  EXPECT_EQ(q.alerts, 2u);
  EXPECT_EQ(q.pairwise.predicted_pairs, 0u);
}

TEST(EvaluationTest, LargeGroupsAreCountedWithoutEnumeratingPairs) {
  // 200,000 alerts in one predicted incident, 20 true incidents of 10,000 each.
  AlertGrouping predicted(1);
  predicted[0].first = "big";
  TruthLabels truth;
  for (int i = 0; i < 200000; ++i) {
    std::string key = "k" + std::to_string(i);
    truth[key] = {"L" + std::to_string(i % 20)};
    predicted[0].second.push_back(std::move(key));
  }
  const QualityScores q = Evaluate(predicted, truth);
  EXPECT_EQ(q.pairwise.predicted_pairs, 200000ull * 199999ull / 2);
  EXPECT_EQ(q.pairwise.true_pairs, 20ull * 10000ull * 9999ull / 2);
  EXPECT_EQ(q.pairwise.correct_pairs, q.pairwise.true_pairs);
  EXPECT_NEAR(q.bcubed.precision, 0.05, 1e-9);
  EXPECT_DOUBLE_EQ(q.bcubed.recall, 1.0);
  EXPECT_EQ(q.largest_incident, 200000u);
}

}  // namespace
}  // namespace weft
