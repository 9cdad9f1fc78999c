// read_file: an error names the path and the reason; a folder is never read as an empty file.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "kto/util/files.hpp"

namespace {

namespace fs = std::filesystem;

class ReadFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "kto-files-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  fs::path m_dir;
};

TEST_F(ReadFile, ReadsTheWholeFileByteForByte) {
  std::string bytes("a\0b\r\n\xEF\xBB\xBF", 8);
  bytes += std::string(200000, 'z');
  std::ofstream(m_dir / "f", std::ios::binary) << bytes;
  auto text = kto::util::read_file(m_dir / "f");
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, bytes);
}

TEST_F(ReadFile, AFolderIsAnErrorNamingItNotAnEmptyFile) {
  fs::create_directory(m_dir / ".env");
  auto text = kto::util::read_file(m_dir / ".env");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find(".env"), std::string::npos) << text.error().message;
  EXPECT_NE(text.error().message.find("읽을 수 없습니다"), std::string::npos);
}

TEST_F(ReadFile, AMissingFileIsAnErrorWithTheReason) {
  auto text = kto::util::read_file(m_dir / "missing");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("경로가 없습니다"), std::string::npos) << text.error().message;
}

}  // namespace
