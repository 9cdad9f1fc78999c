#!/usr/bin/env bash
# Installs the Debian packages the build needs (only those missing; quiet when all are there) and
# builds into build/. Idempotent. Usage: scripts/bootstrap.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."

# clang + libclang-rt-dev (libFuzzer and clang's sanitizer runtimes, same version as the default
# clang) are for scripts/fuzz.sh; time (/usr/bin/time) and jq are for scripts/bench_e2e.sh.
packages=(build-essential cmake pkg-config libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev
  libcli11-dev libgtest-dev libgmock-dev libsqlite3-dev libcpp-httplib-dev libpugixml-dev
  libbenchmark-dev libssl-dev curl clang libclang-rt-dev time jq)
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
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j "$jobs" >/dev/null
