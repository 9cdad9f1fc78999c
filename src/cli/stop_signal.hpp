#pragma once
// SIGINT and SIGTERM during a command that calls the service (collect, details): the handler only
// sets flags, which the work watches, so the command stops after what is in flight and saves it.
#include <atomic>

namespace kto::cli {

void install_stop_handlers();
// Set once a stop signal arrived.
const std::atomic<bool>& stop_requested();
// The signal that arrived (SIGINT, SIGTERM), 0 when none.
int stop_signal();

}  // namespace kto::cli
