// QueryIncidents: the queue's order, its page limit (the most recent N, counted against every
// match), and the sources and clouds read from the alerts of the incidents shown.
#include "cli/incident_view.h"

#include <gtest/gtest.h>

#include <sstream>

#include "graph/in_memory_store.h"

namespace weft::cli {
namespace {

Incident MakeIncident(const std::string& id, Timestamp last, IncidentStatus status,
                      std::vector<std::string> alert_keys) {
  Incident i;
  i.id = id;
  i.tenant = "acme";
  i.status = status;
  i.first_activity = last - 10;
  i.last_activity = last;
  i.alert_keys = std::move(alert_keys);
  i.title = "incident " + id;
  return i;
}

Alert MakeAlert(const std::string& id, SourceProduct source, Cloud cloud) {
  Alert a;
  a.tenant = "acme";
  a.key = "acme/test/" + id;
  a.provider_id = id;
  a.source = source;
  a.cloud = cloud;
  a.first_activity = 1;
  return a;
}

class IncidentViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteBatch wb;
    wb.alerts = {MakeAlert("a1", SourceProduct::kGuardDuty, Cloud::kAws),
                 MakeAlert("a2", SourceProduct::kDefenderForEndpoint, Cloud::kAzure),
                 MakeAlert("a3", SourceProduct::kSecurityCommandCenter, Cloud::kGcp)};
    // Activity 300 (two incidents, ordered by id), 200, 100; a redirected one at 400.
    wb.incidents = {
        MakeIncident("inc-b", 300, IncidentStatus::kActive, {"acme/test/a2"}),
        MakeIncident("inc-a", 300, IncidentStatus::kResolved, {"acme/test/a1", "acme/test/a3"}),
        MakeIncident("inc-c", 200, IncidentStatus::kActive, {"acme/test/a3"}),
        MakeIncident("inc-d", 100, IncidentStatus::kActive, {"acme/test/a1"}),
        MakeIncident("inc-old", 400, IncidentStatus::kRedirected, {})};
    ASSERT_TRUE(store_.Apply(wb).ok());
  }

  std::vector<std::string> Ids(const IncidentPage& page) {
    std::vector<std::string> ids;
    for (const IncidentRow& r : page.rows) ids.push_back(r.incident.id);
    return ids;
  }

  InMemoryStore store_;
};

TEST_F(IncidentViewTest, WithoutALimitEveryMatchIsShownMostRecentFirst) {
  Result<IncidentPage> page = QueryIncidents(store_, IncidentQuery{});
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"inc-a", "inc-b", "inc-c", "inc-d"}));
  EXPECT_EQ(page->matched, 4u);
  EXPECT_EQ(page->rows[0].sources,
            (std::vector<std::string>{"GuardDuty", "Security Command Center"}));
  EXPECT_EQ(page->rows[0].clouds, (std::vector<std::string>{"aws", "gcp"}));
}

TEST_F(IncidentViewTest, ALimitKeepsTheMostRecentAndCountsEveryMatch) {
  IncidentQuery query;
  query.limit = 2;
  Result<IncidentPage> page = QueryIncidents(store_, query);
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"inc-a", "inc-b"}));
  EXPECT_EQ(page->matched, 4u);
  EXPECT_EQ(page->rows[1].sources, (std::vector<std::string>{"Defender for Endpoint"}));

  query.limit = 3;
  query.status = "active";
  page = QueryIncidents(store_, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"inc-b", "inc-c", "inc-d"}));
  EXPECT_EQ(page->matched, 3u);

  query.limit = 1;
  query.status = "";
  query.include_redirected = true;
  page = QueryIncidents(store_, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"inc-old"}));
  EXPECT_EQ(page->matched, 5u);
}

// A record that names its products and clouds is shown as it says, without its alerts (here
// absent from the store); one that names none (written before weft kept them) asks its alerts.
TEST_F(IncidentViewTest, TheRecordsProductsAndCloudsAreShownWithoutReadingTheAlerts) {
  Incident kept = MakeIncident("inc-e", 500, IncidentStatus::kActive, {"acme/test/gone"});
  kept.sources = {SourceProduct::kDefenderForEndpoint, SourceProduct::kSecurityHub};
  kept.clouds = {Cloud::kAzure, Cloud::kAws};
  Result<IncidentRow> row = MakeIncidentRow(store_, kept);
  ASSERT_TRUE(row.ok()) << row.status().message();
  EXPECT_EQ(row->sources, (std::vector<std::string>{"Defender for Endpoint", "Security Hub"}));
  EXPECT_EQ(row->clouds, (std::vector<std::string>{"aws", "azure"}));

  Result<IncidentRow> old = MakeIncidentRow(
      store_, MakeIncident("inc-f", 500, IncidentStatus::kActive, {"acme/test/a2"}));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->sources, (std::vector<std::string>{"Defender for Endpoint"}));
  EXPECT_EQ(old->clouds, (std::vector<std::string>{"azure"}));
}

TEST_F(IncidentViewTest, TheTableSaysWhenItShowsOnlyPartOfTheQueue) {
  IncidentQuery query;
  query.limit = 2;
  Result<IncidentPage> page = QueryIncidents(store_, query);
  ASSERT_TRUE(page.ok());
  std::ostringstream partial;
  PrintIncidentTable(*page, partial);
  EXPECT_NE(partial.str().find("showing the 2 most recent of 4 incidents"), std::string::npos)
      << partial.str();

  query.limit = 0;
  page = QueryIncidents(store_, query);
  ASSERT_TRUE(page.ok());
  std::ostringstream whole;
  PrintIncidentTable(*page, whole);
  EXPECT_NE(whole.str().find("\n4 incidents\n"), std::string::npos) << whole.str();
}

}  // namespace
}  // namespace weft::cli
