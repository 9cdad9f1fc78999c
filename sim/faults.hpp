#pragma once
// What an injected fault does to an answer (the kinds of scenario.hpp's "faults").
#include "gateway.hpp"

namespace kto::sim {

// Turns reply.answer into the fault reply.fault names: cut_fraction is where truncated and reset
// answers end, huge_bytes the size of a huge one. Hangs only need the HTTP layer to wait.
void apply_fault(Reply& reply, double cut_fraction, long long huge_bytes);

}  // namespace kto::sim
