#include "result_codes.hpp"

#include <array>
#include <string>

namespace kto::api::detail {
namespace {

using K = OutcomeKind;

// Every code of the data.go.kr table and what the client does about it. 29 (a blacklisted IP) is
// a request error: no other key helps, so switching keys would only burn them.
constexpr std::array k_codes{
    ResultCode{"00", K::success, "NORMAL_SERVICE", "정상"},
    ResultCode{"0000", K::success, "OK", "정상"},
    ResultCode{"01", K::service_error, "APPLICATION_ERROR", "애플리케이션 오류"},
    ResultCode{"02", K::service_error, "DB_ERROR", "DB 오류"},
    ResultCode{"03", K::no_data, "NODATA_ERROR", "데이터 없음"},
    ResultCode{"04", K::service_error, "HTTP_ERROR", "HTTP 오류"},
    ResultCode{"05", K::service_error, "SERVICETIMEOUT_ERROR", "서비스 시간 초과"},
    ResultCode{"10", K::request_error, "INVALID_REQUEST_PARAMETER_ERROR", "잘못된 파라미터"},
    ResultCode{"11", K::request_error, "NO_MANDATORY_REQUEST_PARAMETERS_ERROR", "필수 파라미터 누락"},
    ResultCode{"12", K::request_error, "NO_OPENAPI_SERVICE_ERROR", "없는 서비스"},
    ResultCode{"20", K::key_error, "SERVICE_ACCESS_DENIED_ERROR", "접근 거부"},
    ResultCode{"21", K::key_error, "TEMPORARILY_DISABLE_THE_SERVICEKEY_ERROR", "일시 정지된 키"},
    ResultCode{"22", K::quota_exceeded, "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR",
               "일일 한도 초과"},
    ResultCode{"23", K::rate_limited, "LIMITED_NUMBER_OF_SERVICE_REQUESTS_PER_SECOND_EXCEEDS_ERROR",
               "초당 호출 한도 초과"},
    ResultCode{"29", K::request_error, "BLACKLIST_IP_ACCESS_ERROR", "차단된 IP"},
    ResultCode{"30", K::key_error, "SERVICE_KEY_IS_NOT_REGISTERED_ERROR", "등록되지 않은 키"},
    ResultCode{"31", K::key_error, "DEADLINE_HAS_EXPIRED_ERROR", "기한 만료 키"},
    ResultCode{"32", K::key_error, "UNREGISTERED_IP_ERROR", "등록되지 않은 IP"},
    ResultCode{"33", K::key_error, "UNSIGNED_CALL_ERROR", "서명되지 않은 호출"},
    ResultCode{"99", K::service_error, "UNKNOWN_ERROR", "알 수 없는 오류"},
};

constexpr ResultCode k_unknown{"", K::service_error, "UNKNOWN_CODE", "알 수 없는 코드"};

}  // namespace

const ResultCode& lookup_result_code(std::string_view code) {
  for (const auto& entry : k_codes)
    if (entry.code == code) return entry;
  return k_unknown;
}

std::span<const ResultCode> all_result_codes() { return k_codes; }

}  // namespace kto::api::detail

namespace kto::api {

std::string api_error_text(std::string_view code) {
  const std::string_view name = detail::lookup_result_code(code).korean;
  return "API 오류 (" + std::string(code) + ": " + std::string(name) + ")";
}

}  // namespace kto::api
