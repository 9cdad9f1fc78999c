// The key pool: choosing a key among 100 (every call of every worker does it) and the state file
// that every report rewrites (lock, read, merge, write, fsync, rename).
#include <benchmark/benchmark.h>

#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <variant>

#include "bench_support.hpp"
#include "kto/api/operations.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/util/clock.hpp"

namespace {

using kto::keys::KeyLease;
using kto::keys::KeyPolicy;
using kto::keys::KeyPool;

KeyPolicy unlimited_policy() {
  KeyPolicy policy;
  // Millions of iterations must not spend a key's quota and turn the benchmark into "no key".
  policy.daily_limit = std::numeric_limits<int>::max() / 2;
  return policy;
}

std::unique_ptr<KeyPool> open_pool(std::size_t keys,
                                   std::optional<std::filesystem::path> state_file = std::nullopt) {
  auto pool = KeyPool::open(kto::bench::dummy_keys(keys), unlimited_policy(),
                            kto::util::system_clock(), std::move(state_file));
  if (!pool) throw std::runtime_error(pool.error().message);
  return std::move(*pool);
}

kto::keys::KeyOutcome success_outcome() { return {kto::keys::KeyOutcomeKind::success, "OK"}; }

// acquire + report on an in-memory pool of state.range(0) keys of which state.range(1) are
// disabled (the round robin walks past them on every call).
void BM_SelectKey(benchmark::State& state) {
  auto pool = open_pool(static_cast<std::size_t>(state.range(0)));
  for (std::size_t i = 0; i < static_cast<std::size_t>(state.range(1)); ++i)
    pool->force_deactivate(i, "bench");
  const auto ok = success_outcome();
  for (auto _ : state) {
    auto acquired = pool->acquire(kto::api::k_list_operation);
    auto* lease = std::get_if<KeyLease>(&acquired);
    if (!lease) {
      state.SkipWithError("no key");
      break;
    }
    pool->report(*lease, kto::api::k_list_operation, ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SelectKey)->Args({100, 0})->Args({100, 99});

// One save as a worker's report triggers it: the file lock, the read and merge of the file on
// disk, the atomic replace with fsync.
void BM_SaveStateFile(benchmark::State& state) {
  kto::bench::ScratchDir dir;
  auto pool = open_pool(static_cast<std::size_t>(state.range(0)), dir.path() / "state.json");
  pool->set_autosave(false);
  const auto ok = success_outcome();
  for (auto _ : state) {
    auto acquired = pool->acquire(kto::api::k_list_operation);
    pool->report(std::get<KeyLease>(acquired), kto::api::k_list_operation, ok);
    auto saved = pool->save();
    if (!saved) state.SkipWithError(saved.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SaveStateFile)->Arg(5)->Arg(100)->Unit(benchmark::kMicrosecond);

// Opening a pool on an existing state file: what every process start (and health, status) pays.
void BM_LoadStateFile(benchmark::State& state) {
  kto::bench::ScratchDir dir;
  const auto file = dir.path() / "state.json";
  const auto keys = static_cast<std::size_t>(state.range(0));
  {
    auto pool = open_pool(keys, file);
    const auto ok = success_outcome();
    for (std::size_t i = 0; i < keys; ++i) {
      auto acquired = pool->acquire(kto::api::k_list_operation);
      pool->report(std::get<KeyLease>(acquired), kto::api::k_list_operation, ok);
    }
    if (!pool->save()) throw std::runtime_error("cannot write the state file");
  }
  for (auto _ : state) {
    auto pool = open_pool(keys, file);
    pool->set_autosave(false);  // the destructor must not turn the load into a save
    benchmark::DoNotOptimize(pool.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LoadStateFile)->Arg(5)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
