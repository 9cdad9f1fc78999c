// Database passwords are masked everywhere a key would be (issue 18): in URLs, in libpq's
// key=value settings and, once registered, wherever they appear in a line.
#include <gtest/gtest.h>

#include "kto/util/secrets.hpp"

namespace kto::util {
namespace {

TEST(PgSecrets, TheUrlPasswordIsMasked) {
  EXPECT_EQ(mask_url_password("postgresql://kto:S3cret-pw@db.example:5432/kto?sslmode=require"),
            "postgresql://kto:***@db.example:5432/kto?sslmode=require");
  EXPECT_EQ(mask_url_password("접속 실패: postgres://u:p%40ss@h/d 다시"), "접속 실패: postgres://u:***@h/d 다시");
  EXPECT_EQ(mask_url_password("host=h password=S3cret-pw dbname=d"), "host=h password=*** dbname=d");
}

TEST(PgSecrets, UrlsWithoutAPasswordAreLeftAsTheyAre) {
  for (const char* text : {"postgresql://kto@127.0.0.1:5432/kto", "postgresql://127.0.0.1:5432/kto",
                           "https://apis.data.go.kr/B551011/KorService2", "시간 10:30 @ 서울"})
    EXPECT_EQ(mask_url_password(text), text);
}

TEST(PgSecrets, RedactMasksUrlsAndRegisteredPasswordsWithNothingShown) {
  clear_secrets();
  register_password("Tr0ub4dor&3");
  const std::string line = redact("postgresql://kto:Tr0ub4dor%263@h/d; server said Tr0ub4dor&3");
  EXPECT_EQ(line.find("Tr0ub4dor"), std::string::npos) << line;
  EXPECT_NE(line.find("postgresql://kto:***@h/d"), std::string::npos) << line;
  EXPECT_NE(line.find("said ***"), std::string::npos) << line;  // not even a preview
  clear_secrets();
}

TEST(PgSecrets, AVeryShortPasswordIsMaskedInUrlsWithoutGarblingOtherText) {
  clear_secrets();
  register_password("ab");
  EXPECT_EQ(redact("postgresql://u:ab@h/d about"), "postgresql://u:***@h/d about");
  clear_secrets();
}

}  // namespace
}  // namespace kto::util
