#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded time on its
# committed corpus. New inputs go to build-fuzz/corpus-<target>, never into the repo; a crash
# leaves build-fuzz/crash-* and fails the script. Needs clang and libclang-rt-dev (bootstrap.sh).
# Usage: scripts/fuzz.sh [SECONDS per target, default 60]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
out="$root/build-fuzz"
mkdir -p "$out"
cxx="${KTO_FUZZ_CXX:-clang++}"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer -I"$root/include" -I"$root/src" -DKTO_VERSION=\"fuzz\")
# Only the classifier's own translation units: no network, no key pool, no logging.
json_sources=("$root"/src/util/{json_view,json_value,utf8}.cpp)
classify_sources=("$root"/src/api/{classify,answer_json,answer_text,answer_xml,result_codes,outcome}.cpp
  "${json_sources[@]}")
echo "building fuzz targets with $cxx" >&2
"$cxx" "${flags[@]}" "$root/fuzz/fuzz_classify.cpp" "${classify_sources[@]}" -lpugixml \
  -o "$out/fuzz_classify"
"$cxx" "${flags[@]}" "$root/fuzz/fuzz_dotenv.cpp" "$root/src/config/dotenv.cpp" \
  -o "$out/fuzz_dotenv"
"$cxx" "${flags[@]}" "$root/fuzz/fuzz_json_view.cpp" "${json_sources[@]}" -o "$out/fuzz_json_view"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
targets=(classify dotenv json_view)
for target in "${targets[@]}"; do
  work="$out/corpus-$target"
  mkdir -p "$work"
  echo "fuzzing $target for ${seconds}s" >&2
  # The first folder receives new inputs; the committed corpus is only read.
  (cd "$out" && "./fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
     -rss_limit_mb=2048 -print_final_stats=1 "$work" "$root/fuzz/corpus/$target")
done
# A crash has already stopped the script (set -e) with libFuzzer's report and a crash-* file.
echo "fuzz: ${#targets[@]} passed, 0 failed"
