// The importers' JSON DOM (importers/internal/json_dom.h) and its parser: the same values as
// nlohmann::json for every record of the real samples, and nlohmann's meaning where they differ
// in shape (numbers, duplicates, sizes, type errors).

#include "importers/internal/json_dom.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "importers/internal/fast_json.h"

namespace weft::importers {
namespace {

const std::string kData = WEFT_TEST_DATA_DIR;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The JSON records of a file: the whole text when it is one value, else each line.
std::vector<std::string> Records(const std::string& text) {
  if (nlohmann::json::accept(text)) return {text};
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (nlohmann::json::accept(line)) out.push_back(line);
  }
  return out;
}

JsonDocument MustParse(std::string_view text) {
  Result<JsonDocument> doc = ParseJson(text, JsonLimits());
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  return doc.ok() ? std::move(*doc) : JsonDocument();
}

TEST(JsonDomTest, EveryRecordOfTheSamplesReadsAsNlohmannReadsIt) {
  std::size_t records = 0;
  for (const std::string& dir : {kData, std::string(WEFT_SAMPLES_DIR)}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".json" && ext != ".ndjson" && ext != ".jsonl")) {
        continue;
      }
      for (const std::string& record : Records(ReadFile(entry.path()))) {
        const JsonDocument doc = MustParse(record);
        // dump() prints members sorted and numbers as nlohmann does: equal text, equal values.
        ASSERT_EQ(doc.root().dump(), nlohmann::json::parse(record).dump()) << entry.path();
        ++records;
      }
    }
  }
  EXPECT_GT(records, 150u);
}

TEST(JsonDomTest, ReadsLikeNlohmann) {
  const JsonDocument doc = MustParse(
      R"({"s":"a\u00e9\"b","n":-3,"u":7,"f":1.5,"t":true,"z":null,"a":[1,"x",[]],"o":{}})");
  const Json& j = doc.root();
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 8u);
  EXPECT_EQ(j.find("s")->get<std::string>(), "a\xc3\xa9\"b");
  EXPECT_EQ(j.find("s")->key(), "s");
  EXPECT_TRUE(j.find("n")->is_number_integer());
  EXPECT_FALSE(j.find("n")->is_number_unsigned());
  EXPECT_EQ(j.find("n")->get<long long>(), -3);
  EXPECT_TRUE(j.find("u")->is_number_unsigned());  // no minus sign: unsigned, as in nlohmann
  EXPECT_EQ(j.find("f")->get<double>(), 1.5);
  EXPECT_EQ(j.find("f")->get<long long>(), 1);
  EXPECT_TRUE(j.find("t")->get<bool>());
  EXPECT_TRUE(j.find("z")->is_null());
  EXPECT_TRUE(j.contains("z"));  // present, even if null
  EXPECT_FALSE(j.contains("missing"));
  EXPECT_EQ(j.find("missing"), j.end());

  const Json& a = *j.find("a");
  ASSERT_TRUE(a.is_array());
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1].get<std::string_view>(), "x");
  EXPECT_TRUE(a.back().is_array());
  EXPECT_TRUE(a.back().empty());
  EXPECT_THROW(a[3], JsonTypeError);
  std::vector<std::string> dumped;
  for (const Json& item : a) dumped.push_back(item.dump());
  EXPECT_EQ(dumped, (std::vector<std::string>{"1", "\"x\"", "[]"}));

  EXPECT_EQ(j.find("o")->size(), 0u);
  EXPECT_EQ(j.find("z")->size(), 0u);  // nlohmann: null has no elements, a scalar has one
  EXPECT_EQ(j.find("t")->size(), 1u);
  EXPECT_EQ(j.find("t")->find("x"), j.find("t")->end());  // find on a scalar finds nothing

  // Members in document order; dump() sorts them as nlohmann prints.
  std::string keys;
  for (const Json& m : j) keys += std::string(m.key()) + ",";
  EXPECT_EQ(keys, "s,n,u,f,t,z,a,o,");
  EXPECT_EQ(j.find("a")->dump(), R"([1,"x",[]])");
}

TEST(JsonDomTest, WrongTypeThrowsAsNlohmannDoes) {
  const JsonDocument doc = MustParse(R"({"n":1,"s":"x"})");
  EXPECT_THROW(doc.root().find("n")->get<std::string>(), JsonTypeError);
  EXPECT_THROW(doc.root().find("s")->get<double>(), JsonTypeError);
  EXPECT_THROW(doc.root().find("s")->get<bool>(), JsonTypeError);
  try {
    doc.root().find("n")->get<std::string>();
  } catch (const JsonTypeError& e) {
    EXPECT_STREQ(e.what(), "type must be string, but is number");
  }
}

TEST(JsonDomTest, TheLastOfDuplicateMembersIsFound) {
  const JsonDocument doc = MustParse(R"({"k":1,"":5,"other":2,"k":3,"j":4})");
  EXPECT_EQ(doc.root().find("k")->get<int>(), 3);
  EXPECT_EQ(doc.root().find("")->get<int>(), 5);  // an empty name is a name
  EXPECT_EQ(doc.root().find("j")->get<int>(), 4);
  EXPECT_EQ(doc.root().dump(), R"({"":5,"j":4,"k":3,"other":2})");
}

TEST(JsonDomTest, TextsSimdjsonRefusesGoToNlohmann) {
  // A UTF-8 byte order mark, and an integer beyond 64 bits (nlohmann makes it a float).
  const JsonDocument bom = MustParse("\xef\xbb\xbf{\"a\":\"b\"}");
  EXPECT_EQ(bom.root().find("a")->get<std::string>(), "b");
  const JsonDocument big = MustParse(R"({"n":123456789012345678901234567890,"s":"v"})");
  EXPECT_TRUE(big.root().find("n")->is_number_float());
  EXPECT_EQ(big.root().find("s")->get<std::string>(), "v");
  EXPECT_EQ(big.root().dump(), nlohmann::json::parse(R"({"n":123456789012345678901234567890,
                                                        "s":"v"})")
                                   .dump());
}

TEST(JsonDomTest, TextThatIsNotJsonIsDiscardedOnBothPaths) {
  EXPECT_TRUE(MustParse(R"({"a":)").root().is_discarded());
  EXPECT_TRUE(MustParse("\xef\xbb\xbf{").root().is_discarded());
  EXPECT_TRUE(ParseJson("not json").root().is_discarded());
}

TEST(JsonDomTest, LimitsAreErrorsOnBothPaths) {
  JsonLimits limits;
  limits.max_string_bytes = 4;
  limits.max_depth = 2;
  EXPECT_TRUE(ParseJson(R"({"a":"1234"})", limits).ok());
  EXPECT_FALSE(ParseJson(R"({"a":"12345"})", limits).ok());
  EXPECT_FALSE(ParseJson(R"({"abcde":1})", limits).ok());
  EXPECT_TRUE(ParseJson(R"({"a":[1]})", limits).ok());
  EXPECT_FALSE(ParseJson(R"({"a":[[1]]})", limits).ok());
  EXPECT_FALSE(ParseJson("\xef\xbb\xbf{\"a\":\"12345\"}", limits).ok());  // nlohmann's path
}

TEST(JsonDomTest, ViewsOutliveAMoveOfTheirDocument) {
  JsonDocument doc = MustParse(R"({"list":[{"name":"first"},{"name":"second"}]})");
  const Json* list = doc.root().find("list");
  std::vector<JsonDocument> kept;
  kept.push_back(std::move(doc));
  kept.emplace_back();  // reallocates the vector: the documents move again
  ASSERT_TRUE(list->is_array());
  EXPECT_EQ((*list)[1].find("name")->get<std::string>(), "second");
  const Json copy = (*list)[0];  // a copy is a view of the same values
  EXPECT_EQ(copy.find("name")->get<std::string>(), "first");
}

TEST(JsonDomTest, AStringObjectHoldsTheRowInOrder) {
  const JsonDocument row = JsonDocument::StringObject({"Id", "Title", "Id"}, {"1", "t", "2"});
  ASSERT_TRUE(row.root().is_object());
  EXPECT_EQ(row.root().size(), 3u);
  EXPECT_EQ(row.root().find("Title")->get<std::string>(), "t");
  EXPECT_EQ(row.root().find("Id")->get<std::string>(), "2");  // a repeated column: the last
  EXPECT_TRUE(JsonDocument().root().is_null());
}

}  // namespace
}  // namespace weft::importers
