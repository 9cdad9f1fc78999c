#include "kto/api/tour_api.hpp"

#include "kto/util/url.hpp"

namespace kto::api {

// The portal shows a key twice: "Encoding" (already %XX-escaped) and "Decoding" (raw, with + / =).
// Sending either form as it is fails with error 30 half of the time, so both are brought back to
// the raw key and escaped exactly once.
std::string encode_service_key(std::string_view key_as_pasted) {
  if (util::looks_percent_encoded(key_as_pasted))
    return util::url_encode(util::url_decode(key_as_pasted));
  return util::url_encode(key_as_pasted);
}

std::string build_url(std::string_view base_url, std::string_view operation,
                      std::string_view key_as_pasted, std::string_view mobile_app,
                      const Params& params) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string url;
  url.reserve(base_url.size() + operation.size() + 160);
  url.append(base_url).append("/").append(operation);
  url.append("?serviceKey=").append(encode_service_key(key_as_pasted));
  url.append("&MobileOS=ETC&MobileApp=").append(util::url_encode(mobile_app));
  url.append("&_type=json");
  for (const auto& [name, value] : params)
    url.append("&").append(util::url_encode(name)).append("=").append(util::url_encode(value));
  return url;
}

}  // namespace kto::api
