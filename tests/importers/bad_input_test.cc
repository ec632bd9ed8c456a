// Bad input through weft::Importer for every format family: each bad record is rejected alone
// (counted, with file, record locator and reason) and the rest of the input still goes in.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "model/alert.h"
#include "tests/importers/finding_test_util.h"

namespace weft {
namespace {

using finding_test::Imported;
using finding_test::ImportPath;
using finding_test::ImportText;
using finding_test::ReadFile;

const std::string kData = WEFT_TEST_DATA_DIR;

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("weft_bad_input_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // A Security Hub finding of the samples, parsed: the record the limit tests bend.
  static nlohmann::json PciFinding() {
    return nlohmann::json::parse(
        ReadFile(kData + "/aws-securityhub-asff/ocsf-examples_sechub-pci.asff.json"));
  }
  // `text` imported with string fields limited to 4,096 bytes.
  static Imported ImportWithFieldLimit(const std::string& text) {
    ImportOptions options;
    options.max_field_bytes = 4096;
    return ImportText(text, options);
  }
  static std::string Lines(const std::string& path, int n) {
    std::ifstream in(path);
    std::string line, out;
    for (int i = 0; i < n && std::getline(in, line); ++i) out += line + "\n";
    return out;
  }
  std::filesystem::path dir_;
};

TEST_F(BadInputTest, TruncatedJsonDocumentIsOneReject) {
  const std::string asff =
      ReadFile(kData + "/aws-securityhub-asff/ocsf-examples_sechub-guardduty.asff.json");
  // A compact document cut in half (a pretty-printed one whose lines include a bare JSON
  // string is taken for JSON lines by the framework; see docs/importers.md).
  const std::string compact = nlohmann::json::parse(asff).dump();
  const std::string path = Write("truncated.json", compact.substr(0, compact.size() / 2));
  Imported r = ImportPath(path);
  EXPECT_EQ(r.alerts.size(), 0u);
  EXPECT_EQ(r.counts.rejected, 1u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].file, path);
  EXPECT_EQ(r.rejects[0].record, "document");
  EXPECT_EQ(r.rejects[0].reason.rfind("invalid JSON", 0), 0u) << r.rejects[0].reason;
}

TEST_F(BadInputTest, JsonLinesWithOneBrokenLineInTheMiddle) {
  std::string text = Lines(kData + "/aws-guardduty/elastic_test-guard_duty_part1.ndjson", 5);
  // Cut line 3 in half.
  size_t l3 = 0;
  for (int i = 0; i < 2; ++i) l3 = text.find('\n', l3) + 1;
  const size_t l3_end = text.find('\n', l3);
  text.erase(l3 + (l3_end - l3) / 2, (l3_end - l3) / 2);
  const std::string path = Write("findings.ndjson", text);
  Imported r = ImportPath(path);
  EXPECT_EQ(r.alerts.size(), 4u);
  EXPECT_EQ(r.counts.records, 5u);
  EXPECT_EQ(r.counts.rejected, 1u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].file, path);
  EXPECT_EQ(r.rejects[0].record, "line 3");
  EXPECT_EQ(r.rejects[0].reason.rfind("invalid JSON", 0), 0u) << r.rejects[0].reason;
}

TEST_F(BadInputTest, InvalidUtf8IsRejectedAndTheOtherLinesGoIn) {
  std::string text = Lines(kData + "/ocsf/DERIVED_sekoia_input_messages.ndjson", 3);
  const size_t title = text.find("Linux Kernel Module");  // line 2
  ASSERT_NE(title, std::string::npos);
  text[title] = static_cast<char>(0xff);
  ImportOptions options;
  options.default_tenant = "t";
  options.min_severity = Severity::kInformational;
  Imported r = ImportPath(Write("ocsf.ndjson", text), options);
  EXPECT_EQ(r.alerts.size(), 2u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].record, "line 2");
  EXPECT_NE(r.rejects[0].reason.find("invalid JSON"), std::string::npos);
}

TEST_F(BadInputTest, EmptyFilesImportNothingAndRejectNothing) {
  for (const char* content : {"", "\n\n", "   \n"}) {
    Imported r = ImportPath(Write("empty.json", content));
    EXPECT_EQ(r.counts.records, 0u);
    EXPECT_EQ(r.counts.rejected, 0u);
    EXPECT_TRUE(r.alerts.empty());
  }
}

TEST_F(BadInputTest, WrongTypesAreRejectedWithTheField) {
  Imported weft =
      ImportText(R"({"tenant":"t","id":"a1","time":"2024-01-01T00:00:00Z","entities":5})");
  ASSERT_EQ(weft.rejects.size(), 1u);
  EXPECT_EQ(weft.rejects[0].reason, "field 'entities' is not an array");

  nlohmann::json gd = nlohmann::json::parse(
      Lines(kData + "/aws-guardduty/elastic_test-guard_duty_part1.ndjson", 1));
  gd["severity"] = "very bad";
  Imported sev = ImportText(gd.dump());
  ASSERT_EQ(sev.rejects.size(), 1u);
  EXPECT_EQ(sev.rejects[0].reason, "field 'severity' is not a number");
  EXPECT_EQ(sev.rejects[0].record, "line 1");

  gd["severity"] = 8;
  gd["resource"] = 5;  // no longer looks like GuardDuty; forced, it is a missing resource
  Imported undetected = ImportText(gd.dump());
  ASSERT_EQ(undetected.rejects.size(), 1u);
  EXPECT_EQ(undetected.rejects[0].reason.rfind("record matches no known alert format", 0), 0u);
  ImportOptions forced;
  forced.format = "guardduty";
  Imported r = ImportText(gd.dump(), forced);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason, "missing required field 'resource'");
}

TEST_F(BadInputTest, MissingIdsPerFormat) {
  struct Case {
    const char* format;
    const char* record;
    const char* reason;
  };
  const Case cases[] = {
      {"securityhub", R"({"Id":"x","AwsAccountId":"1"})", "missing required field 'ProductArn'"},
      {"guardduty", R"({"accountId":"1","type":"T","resource":{}})", "missing required field 'id'"},
      {"scc", R"({"finding":{"category":"X","state":"ACTIVE"}})",
       "missing required field 'finding.name'"},
      {"ocsf", R"({"class_uid":2004,"finding_info":{"title":"x"}})",
       "missing required field 'finding_info.uid'"},
      {"ocsf", R"({"class_uid":2004})", "missing required field 'finding_info'"},
  };
  for (const Case& c : cases) {
    ImportOptions options;
    options.format = c.format;
    options.default_tenant = "t";
    Imported r = ImportText(c.record, options);
    ASSERT_EQ(r.rejects.size(), 1u) << c.format;
    EXPECT_EQ(r.rejects[0].reason, c.reason) << c.format;
    EXPECT_EQ(r.counts.rejected, 1u);
  }
}

TEST_F(BadInputTest, FieldOverTheLimitIsRejected) {
  nlohmann::json f = PciFinding();
  f["Description"] = std::string(5000, 'x');
  const std::string big = f.dump();
  const std::string pci_line = PciFinding().dump();
  Imported lines = ImportWithFieldLimit(pci_line + "\n" + big + "\n" + pci_line + "\n");
  EXPECT_EQ(lines.alerts.size(), 2u);
  ASSERT_EQ(lines.rejects.size(), 1u);
  EXPECT_EQ(lines.rejects[0].record, "line 2");
  EXPECT_NE(lines.rejects[0].reason.find("exceeds the field limit of 4096"), std::string::npos)
      << lines.rejects[0].reason;
}

// simdjson refuses an integer beyond 64 bits and nlohmann's parser takes the text instead: the
// limits are then checked on the text before it is parsed, with the same verdicts.
TEST_F(BadInputTest, LimitsHoldForTextsOnlyTheFallbackParserAccepts) {
  nlohmann::json f = PciFinding();
  const std::string big_int = "\"Big\": 123456789012345678901234567890, ";
  std::string fits = f.dump();
  fits.insert(1, big_int);
  f["Description"] = std::string(5000, 'x');
  std::string too_long = f.dump();
  too_long.insert(1, big_int);
  Imported r = ImportWithFieldLimit(fits + "\n" + too_long + "\n");
  EXPECT_EQ(r.alerts.size(), 1u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].record, "line 2");
  EXPECT_EQ(r.rejects[0].reason, "a string value of 5000 bytes exceeds the field limit of 4096");

  ImportOptions options;
  options.max_depth = 1;  // the record object itself is level 1; its arrays are deeper
  r = ImportText(fits, options);
  EXPECT_EQ(r.alerts.size(), 0u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason, "nesting deeper than 1 levels");
}

// A member name counts like a string value.
TEST_F(BadInputTest, AMemberNameOverTheLimitIsRejected) {
  nlohmann::json f = PciFinding();
  f["ProductFields"][std::string(5000, 'k')] = "v";
  Imported r = ImportWithFieldLimit(f.dump());
  EXPECT_EQ(r.alerts.size(), 0u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason, "a string value of 5000 bytes exceeds the field limit of 4096");
}

TEST_F(BadInputTest, NestingDeeperThanMaxDepthIsRejected) {
  nlohmann::json f = PciFinding();
  nlohmann::json deep = "bottom";
  for (int i = 0; i < 20; ++i) deep = nlohmann::json::array({deep});
  f["ProductFields"]["deep"] = deep;
  ImportOptions options;
  options.max_depth = 16;
  Imported r = ImportText(f.dump(), options);
  EXPECT_EQ(r.alerts.size(), 0u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason, "nesting deeper than 16 levels");
}

TEST_F(BadInputTest, CsvRowsWithTheWrongNumberOfFields) {
  const std::string csv = Lines(kData + "/guide/guide_test_sample_10k_yasin281.csv", 4);
  size_t row3 = csv.find('\n', csv.find('\n') + 1) + 1;  // the second data row, file row 3
  std::string broken = csv;
  broken.erase(broken.find(',', row3), 1);  // merge two fields
  const std::string path = Write("guide.csv", broken);
  Imported r = ImportPath(path);
  EXPECT_EQ(r.alerts.size(), 2u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].file, path);
  EXPECT_EQ(r.rejects[0].record, "row 3");
  EXPECT_EQ(r.rejects[0].reason, "row has 45 fields, header has 46");
}

TEST_F(BadInputTest, GuideRowWithABadTimestamp) {
  std::string csv = Lines(kData + "/guide/guide_test_sample_10k_yasin281.csv", 2);
  csv.replace(csv.find("2024-06-06T17:32:50.000Z"), 24, "yesterday");
  Imported r = ImportPath(Write("guide.csv", csv));
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].record, "row 2");
  EXPECT_EQ(r.rejects[0].reason, "field 'Timestamp' is not a timestamp: 'yesterday'");
}

}  // namespace
}  // namespace weft
