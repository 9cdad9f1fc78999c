// Requests: the serviceKey encoded exactly once, whichever form of the key was pasted.
#include <gtest/gtest.h>

#include "kto/api/tour_api.hpp"

namespace kto::api {
namespace {

TEST(TourApiUrl, EncodesRawDecodingKeyOnce) {
  EXPECT_EQ(encode_service_key("abc+def/ghi=="), "abc%2Bdef%2Fghi%3D%3D");
}

TEST(TourApiUrl, DoesNotDoubleEncodeEncodingKey) {
  EXPECT_EQ(encode_service_key("abc%2Bdef%2Fghi%3D%3D"), "abc%2Bdef%2Fghi%3D%3D");
}

TEST(TourApiUrl, NormalisesLowerCaseEscapes) {
  EXPECT_EQ(encode_service_key("abc%2bdef%2fghi%3d"), "abc%2Bdef%2Fghi%3D");
}

TEST(TourApiUrl, LeavesPlainKeyAsItIs) {
  EXPECT_EQ(encode_service_key("0123456789abcdefABCDEF"), "0123456789abcdefABCDEF");
}

TEST(TourApiUrl, KeyWithPercentButNoEscapeIsEncodedAsRaw) {
  // "%zz" is no escape: the key is raw and its '%' must be sent as %25.
  EXPECT_EQ(encode_service_key("ab%zz+"), "ab%25zz%2B");
}

TEST(TourApiUrl, BuildsQueryInDocumentedOrder) {
  std::string url = build_url("https://apis.data.go.kr/B551011/KorService2", "areaBasedList2",
                              "k+y/=", "kto-collector",
                              {{"contentTypeId", "39"}, {"numOfRows", "1000"}, {"pageNo", "1"}});
  EXPECT_EQ(url,
            "https://apis.data.go.kr/B551011/KorService2/areaBasedList2?serviceKey=k%2By%2F%3D"
            "&MobileOS=ETC&MobileApp=kto-collector&_type=json&contentTypeId=39&numOfRows=1000"
            "&pageNo=1");
}

TEST(TourApiUrl, SameUrlForBothFormsOfOneKey) {
  EXPECT_EQ(build_url("http://h/S", "areaCode2", "a+b/c==", "app", {}),
            build_url("http://h/S", "areaCode2", "a%2Bb%2Fc%3D%3D", "app", {}));
}

TEST(TourApiUrl, IgnoresTrailingSlashOfBaseUrl) {
  EXPECT_EQ(build_url("http://h/S/", "areaCode2", "k", "app", {}),
            "http://h/S/areaCode2?serviceKey=k&MobileOS=ETC&MobileApp=app&_type=json");
}

TEST(TourApiUrl, EncodesParameterValuesAndAppName) {
  std::string url = build_url("http://h/S", "areaBasedList2", "k", "내 앱",
                              {{"cat1", "A 05&x=1"}, {"modifiedtime", "20260101"}});
  EXPECT_EQ(url,
            "http://h/S/areaBasedList2?serviceKey=k&MobileOS=ETC"
            "&MobileApp=%EB%82%B4%20%EC%95%B1&_type=json&cat1=A%2005%26x%3D1"
            "&modifiedtime=20260101");
}

}  // namespace
}  // namespace kto::api
