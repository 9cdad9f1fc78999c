#include "kto/cli/app.hpp"

#include <iostream>

namespace kto::cli {

int run(int, char**) {
  std::cout << "collector " << KTO_VERSION << "\n";
  return 0;
}

}  // namespace kto::cli
