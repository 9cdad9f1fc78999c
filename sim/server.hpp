#pragma once
// The HTTP side of kto-sim (the one translation unit that includes httplib.h).
#include <string>

#include "gateway.hpp"

namespace kto::sim {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port
};

// Serves until SIGINT or SIGTERM, then returns 0; 1 when the address cannot be bound. Prints
// "listening HOST:PORT" as the first line on stdout once the socket is bound. The caller must have
// blocked SIGINT and SIGTERM in every thread (block_stop_signals) before starting any thread.
int run_server(Gateway& gateway, const ServerOptions& options);

void block_stop_signals();

}  // namespace kto::sim
