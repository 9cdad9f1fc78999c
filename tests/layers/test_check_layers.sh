#!/usr/bin/env bash
# ctest: scripts/check_layers.sh accepts the real tree and fails, naming file:line and the rule, on
# each kind of forbidden include planted in a temporary copy of src/ and include/.
# Usage: test_check_layers.sh SOURCE_ROOT GRAPH_FILE (the build's kto_layers.txt)
set -euo pipefail
root="$1"
graph="$2"
check="$root/scripts/check_layers.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

bash "$check" "$graph" "$root" || fail "the real tree must pass the check"

mkdir "$tmp/tree"
cp -r "$root/src" "$root/include" "$tmp/tree/"
bash "$check" "$graph" "$tmp/tree" || fail "an unchanged copy must pass the check"

# expect_refused FILE LINE_TEXT EXPECTED_MESSAGE: appends LINE_TEXT to FILE (relative to the copy),
# expects exit 1 and "FILE:LINE: 계층 위반: EXPECTED_MESSAGE", then puts the file back.
expect_refused() {
  local file="$1" text="$2" message="$3" out code=0 line
  cp "$tmp/tree/$file" "$tmp/saved"
  echo "$text" >>"$tmp/tree/$file"
  line="$(wc -l <"$tmp/tree/$file")"
  out="$(bash "$check" "$graph" "$tmp/tree" 2>&1)" || code=$?
  [ "$code" -eq 1 ] || fail "$file + '$text': exit $code, expected 1"
  grep -qF "$file:$line: 계층 위반: $message" <<<"$out" ||
    fail "$file + '$text': expected '$file:$line: 계층 위반: $message', got: $out"
  mv "$tmp/saved" "$tmp/tree/$file"
}

# The bottom layer uses nothing.
expect_refused src/util/clock.cpp '#include "kto/cli/app.hpp"' "util 모듈은 cli 모듈을 쓸 수 없습니다"
# A lower layer never reaches up (the store knows nothing of the collector), headers included.
expect_refused include/kto/store/store.hpp '#include "kto/collect/plan.hpp"' \
  "store 모듈은 collect 모듈을 쓸 수 없습니다"
# A module's public header only includes what it uses PUBLIC (cli uses the store in its sources).
expect_refused include/kto/cli/app.hpp '#include "kto/store/store.hpp"' \
  "cli 모듈의 공개 헤더가 store 모듈을 포함하지만 store는 PRIVATE 의존입니다"
# Angle brackets and spaces do not hide an include.
expect_refused src/config/settings.cpp '  #  include <kto/collect/plan.hpp>' \
  "config 모듈은 collect 모듈을 쓸 수 없습니다"
# A header of a module that does not exist.
expect_refused src/api/client.cpp '#include "kto/nowhere/x.hpp"' "api 모듈이 없는 모듈 'nowhere'의 헤더를 포함합니다"

# A new folder under src/ must be declared as a module first.
mkdir "$tmp/tree/src/extra"
code=0
out="$(bash "$check" "$graph" "$tmp/tree" 2>&1)" || code=$?
[ "$code" -eq 1 ] && grep -qF "src/extra: 계층 위반: 'extra' 폴더가 모듈 그래프에 없습니다" <<<"$out" ||
  fail "an undeclared folder: exit $code, got: $out"
rmdir "$tmp/tree/src/extra"

# Without a graph: a usage error (2), not a pass.
code=0
bash "$check" "$tmp/missing.txt" "$tmp/tree" 2>/dev/null || code=$?
[ "$code" -eq 2 ] || fail "a missing graph file: exit $code, expected 2"

if ((failures)); then
  echo "check_layers: $failures failure(s)" >&2
  exit 1
fi
echo "check_layers: all cases passed"
