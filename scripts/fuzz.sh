#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded time on its
# committed corpus. Usage: scripts/fuzz.sh [SECONDS per target, default 60]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
out="$root/build-fuzz"
mkdir -p "$out"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -I"$root/include" -I"$root/src")
# The classifier's translation units and what they need (the client pulls in the key pool).
lib_sources=("$root"/src/api/*.cpp "$root"/src/util/*.cpp "$root"/src/keys/*.cpp)
libs=(-lpugixml -lcurl -lcrypto -lfmt -lspdlog -pthread)
clang++ "${flags[@]}" -DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL \
  -DKTO_VERSION=\"fuzz\" "$root/fuzz/fuzz_classify.cpp" "${lib_sources[@]}" "${libs[@]}" \
  -o "$out/fuzz_classify"
clang++ "${flags[@]}" "$root/fuzz/fuzz_dotenv.cpp" "$root/src/config/dotenv.cpp" \
  -DKTO_VERSION=\"fuzz\" -o "$out/fuzz_dotenv"
for target in classify dotenv; do
  work="$out/corpus-$target"
  mkdir -p "$work"
  cp -n "$root/fuzz/corpus/$target/"* "$work/" 2>/dev/null || true
  echo "fuzzing $target for ${seconds}s" >&2
  (cd "$out" && "./fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
     -print_final_stats=1 "$work" "$root/fuzz/corpus/$target")
done
