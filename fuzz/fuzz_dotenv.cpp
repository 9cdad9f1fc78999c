// libFuzzer target: any .env text parses to a map or one error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kto/config/dotenv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto result = kto::config::parse_dotenv(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.env");
  (void)result;
  return 0;
}
