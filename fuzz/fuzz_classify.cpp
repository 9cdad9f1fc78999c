// libFuzzer target: any bytes as an HTTP answer must be classified without a crash, a hang or a
// sanitizer report, with any status code.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kto/api/tour_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kto::api::HttpResponse response;
  static const int k_statuses[] = {200, 403, 500, 502, 401, 0};
  response.status = size > 0 ? k_statuses[data[0] % 6] : 200;
  response.body.assign(reinterpret_cast<const char*>(data), size);
  kto::api::Page page;
  auto outcome = kto::api::classify(response, &page);
  (void)outcome;
  return 0;
}
