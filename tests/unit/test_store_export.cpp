// CSV and JSONL exports.
#include <gtest/gtest.h>

#include <sstream>

#include "unit/store_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using StoreExport = StoreTest;
using SqliteExport = SqliteStoreTest;

namespace {

std::vector<std::string> split_lines(const std::string& text, const std::string& end) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  for (std::size_t at; (at = text.find(end, from)) != std::string::npos; from = at + end.size())
    lines.push_back(text.substr(from, at - from));
  return lines;
}

}  // namespace

TEST_P(StoreExport, CsvHasAHeaderAndEveryColumnButRawJson) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), "2026-11-25T02:00:00+09:00")).ok());
  std::ostringstream out;
  auto rows = db->export_csv(out);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(*rows, 5);
  const auto lines = split_lines(out.str(), "\r\n");
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0].rfind("contentid,contenttypeid,title,addr1,", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(",ldong_regn_cd,"), std::string::npos);
  EXPECT_NE(lines[0].find(",area_code,first_seen_at,last_seen_at,hidden"), std::string::npos);
  EXPECT_EQ(lines[0].find("raw_json"), std::string::npos);
  // Ordered by contentid.
  for (std::size_t i = 2; i < lines.size(); ++i) EXPECT_LT(lines[i - 1], lines[i]);
  EXPECT_EQ(lines[1].rfind("127480,", 0), 0u) << lines[1];
}

TEST_P(StoreExport, CsvQuotesCommasQuotesAndNewlines) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  auto items = nlohmann::json::parse(
      R"([{"contentid": "1", "title": "김밥, \"원조\"\n2호점", "addr1": "plain"}])");
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), "2026-11-25T02:00:00+09:00")).ok());
  std::ostringstream out;
  ASSERT_TRUE(db->export_csv(out).ok());
  EXPECT_NE(out.str().find("\r\n1,,\"김밥, \"\"원조\"\"\n2호점\",plain,"), std::string::npos)
      << out.str();
}

TEST_P(StoreExport, AnEmptyTableExportsOnlyTheHeader) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  std::ostringstream csv;
  auto rows = db->export_csv(csv);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 0);
  EXPECT_EQ(split_lines(csv.str(), "\r\n").size(), 1u);
  std::ostringstream jsonl;
  rows = db->export_jsonl(jsonl);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 0);
  EXPECT_EQ(jsonl.str(), "");
}

TEST_P(StoreExport, JsonlParsesBackWithNumbersAsNumbers) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedSyncList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), "2026-11-25T02:00:00+09:00", 1, true)).ok());
  std::ostringstream out;
  auto rows = db->export_jsonl(out);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(*rows, 5);
  const auto lines = split_lines(out.str(), "\n");
  ASSERT_EQ(lines.size(), 5u);
  for (const auto& line : lines) {
    auto row = nlohmann::json::parse(line);
    EXPECT_TRUE(row["contentid"].is_string());
    EXPECT_TRUE(row["mapx"].is_number_float());
    EXPECT_TRUE(row["area_code"].is_number_integer());
    EXPECT_TRUE(row["hidden"].is_number_integer());
    EXPECT_FALSE(row.contains("raw_json"));
    if (row["contentid"] == "2924134") {
      EXPECT_EQ(row["addr1"], "서울 송파구 올림픽로 300¸ 2층");
      EXPECT_EQ(row["hidden"], 1);
      EXPECT_DOUBLE_EQ(row["mapx"].get<double>(), 127.1040305171);
    }
  }
}

TEST_F(SqliteExport, JsonlReplacesInvalidUtf8InsteadOfFailing) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->write_page(page_of(nlohmann::json::parse(R"([{"contentid": "1"}])"),
                                     new_run(*db), "2026-11-25T02:00:00+09:00"))
                  .ok());
  ASSERT_EQ(sqlite3_exec(SqliteStoreProbe::connection(*db), "UPDATE restaurants SET title = CAST(X'41FF42' AS TEXT)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::ostringstream out;
  auto rows = db->export_jsonl(out);
  ASSERT_TRUE(rows.ok());
  auto row = nlohmann::json::parse(out.str());
  EXPECT_EQ(row["title"], "A\xEF\xBF\xBD" "B");
}

TEST_P(StoreExport, AFailingStreamIsAnError) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  EXPECT_FALSE(db->export_csv(out).ok());
  EXPECT_FALSE(db->export_jsonl(out).ok());
}

TEST_P(StoreExport, AStreamThatThrowsBecomesAnError) {
  // A buffer that refuses every byte, as a full disk would.
  struct RefusingBuffer : std::streambuf {
    int_type overflow(int_type) override { return traits_type::eof(); }
  } buffer;
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  std::ostream out(&buffer);
  out.exceptions(std::ios::badbit | std::ios::failbit);
  auto rows = db->export_csv(out);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find("CSV 내보내기를 쓰지 못했습니다"), std::string::npos) << rows.error().message;
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreExport, ::testing::ValuesIn(store_backends()), backend_name);
