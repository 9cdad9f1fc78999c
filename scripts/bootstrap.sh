#!/usr/bin/env bash
# Installs the Debian packages the build needs (only those missing; quiet when all are there) and
# builds into build/. Idempotent.
# Usage: scripts/bootstrap.sh [--programs-only] [extra cmake -D options]
#   (default)        everything: collector, kto-sim, the tests and the benchmarks, with the packages
#                    of the tests, the fuzzers and the benchmark script
#   --programs-only  collector and kto-sim only, with the packages they need (scripts/demo.sh: a
#                    newcomer sees a collection minutes sooner). A later run without it builds
#                    the tests again.
set -euo pipefail
cd "$(dirname "$0")/.."

programs_only=""
if [ "${1:-}" = "--programs-only" ]; then
  programs_only=1
  shift
fi

packages=(build-essential cmake pkg-config libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev
  libcli11-dev libsqlite3-dev libpq-dev libcpp-httplib-dev libpugixml-dev libssl-dev)
# clang + libclang-rt-dev (libFuzzer and clang's sanitizer runtimes, same version as the default
# clang) are for scripts/fuzz.sh; time (/usr/bin/time) and jq are for scripts/bench_e2e.sh;
# postgresql is the throwaway server of the PostgreSQL tests (scripts/pg_test_cluster.sh).
[ -n "$programs_only" ] || packages+=(libgtest-dev libgmock-dev libbenchmark-dev curl clang
  libclang-rt-dev time jq postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null || true
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
# The test and benchmark switches are always given: CMake keeps them in its cache, so a demo build
# would otherwise leave the next full bootstrap without tests. Extra options come last and win.
if [ -n "$programs_only" ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTO_BUILD_TESTS=OFF -DKTO_BUILD_BENCH=OFF \
    "$@" >/dev/null
  cmake --build build -j "$jobs" --target collector kto-sim >/dev/null
else
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTO_BUILD_TESTS=ON -DKTO_BUILD_BENCH=ON \
    "$@" >/dev/null
  cmake --build build -j "$jobs" >/dev/null
fi
