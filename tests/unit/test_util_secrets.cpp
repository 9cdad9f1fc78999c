#include <gtest/gtest.h>

#include "kto/util/secrets.hpp"
#include "kto/util/url.hpp"

using namespace kto::util;

TEST(UtilSecrets, PreviewShowsTheSeedsTenCharacters) {
  EXPECT_EQ(mask_key("1234567890abcdefghijklmnop"), "1234567890...");
  // A short key never shows itself whole.
  EXPECT_EQ(mask_key("abcdef"), "abc...");
}

TEST(UtilSecrets, FingerprintIsSixteenHexOfSha256) {
  // SHA-256("abc") = ba7816bf8f01cfea…
  EXPECT_EQ(key_fingerprint("abc"), "ba7816bf8f01cfea");
}

TEST(UtilSecrets, RedactHidesEveryFormOfARegisteredKey) {
  clear_secrets();
  const std::string key = "SECRETKEY+abc/def=ghijklmnopqrstuvwxyz0123456789==";
  register_secret(key);
  for (const std::string& form : {key, url_encode(key), url_encode(url_encode(key))}) {
    std::string out = redact("error with " + form + " in it");
    EXPECT_EQ(out.find(form), std::string::npos) << out;
    EXPECT_NE(out.find("SECRETKEY+..."), std::string::npos) << out;
  }
  clear_secrets();
}

TEST(UtilSecrets, RedactMasksAnyServiceKeyParameterInUrls) {
  clear_secrets();
  std::string out = redact(
      "Failed to connect to https://x/y?serviceKey=UNREGISTEREDKEY0123456789abcdef&MobileOS=ETC");
  EXPECT_EQ(out.find("UNREGISTEREDKEY0123456789abcdef"), std::string::npos) << out;
  EXPECT_NE(out.find("serviceKey=UNREGISTER...&MobileOS"), std::string::npos) << out;
}

TEST(UtilUrl, EncodesOnceAndDecodes) {
  EXPECT_EQ(url_encode("a+b/c=d"), "a%2Bb%2Fc%3Dd");
  EXPECT_EQ(url_decode("a%2Bb%2Fc%3Dd"), "a+b/c=d");
  EXPECT_EQ(url_decode("a+b"), "a+b");
  EXPECT_EQ(url_decode_query("a+b"), "a b");
  EXPECT_TRUE(looks_percent_encoded("abc%2Fdef"));
  EXPECT_FALSE(looks_percent_encoded("abc+def/=="));
}
