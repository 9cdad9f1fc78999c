#include "result_codes.hpp"

#include <array>

namespace kto::api::detail {
namespace {

using K = OutcomeKind;

// Every code of the data.go.kr table and what the client does about it. 29 (a blacklisted IP) is
// a request error: no other key helps, so switching keys would only burn them.
constexpr std::array k_codes{
    ResultCode{"00", K::success, "NORMAL_SERVICE"},
    ResultCode{"0000", K::success, "OK"},
    ResultCode{"01", K::service_error, "APPLICATION_ERROR"},
    ResultCode{"02", K::service_error, "DB_ERROR"},
    ResultCode{"03", K::no_data, "NODATA_ERROR"},
    ResultCode{"04", K::service_error, "HTTP_ERROR"},
    ResultCode{"05", K::service_error, "SERVICETIMEOUT_ERROR"},
    ResultCode{"10", K::request_error, "INVALID_REQUEST_PARAMETER_ERROR"},
    ResultCode{"11", K::request_error, "NO_MANDATORY_REQUEST_PARAMETERS_ERROR"},
    ResultCode{"12", K::request_error, "NO_OPENAPI_SERVICE_ERROR"},
    ResultCode{"20", K::key_error, "SERVICE_ACCESS_DENIED_ERROR"},
    ResultCode{"21", K::key_error, "TEMPORARILY_DISABLE_THE_SERVICEKEY_ERROR"},
    ResultCode{"22", K::quota_exceeded, "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"},
    ResultCode{"23", K::rate_limited, "LIMITED_NUMBER_OF_SERVICE_REQUESTS_PER_SECOND_EXCEEDS_ERROR"},
    ResultCode{"29", K::request_error, "BLACKLIST_IP_ACCESS_ERROR"},
    ResultCode{"30", K::key_error, "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"},
    ResultCode{"31", K::key_error, "DEADLINE_HAS_EXPIRED_ERROR"},
    ResultCode{"32", K::key_error, "UNREGISTERED_IP_ERROR"},
    ResultCode{"33", K::key_error, "UNSIGNED_CALL_ERROR"},
    ResultCode{"99", K::service_error, "UNKNOWN_ERROR"},
};

constexpr ResultCode k_unknown{"", K::service_error, "UNKNOWN_CODE"};

}  // namespace

const ResultCode& lookup_result_code(std::string_view code) {
  for (const auto& entry : k_codes)
    if (entry.code == code) return entry;
  return k_unknown;
}

}  // namespace kto::api::detail
