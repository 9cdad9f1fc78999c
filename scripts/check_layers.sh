#!/usr/bin/env bash
# The module graph, held by the build: every `#include "kto/<module>/…"` in src/<m>/ and
# include/kto/<m>/ must name <m> itself or a module the graph lets <m> use, and a public header
# (include/kto/<m>/) only a module <m> uses PUBLIC (its users link what its headers need). All
# headers sit under one include/, so the compiler alone would accept any include; this fails the
# build instead, one Korean line per violation (file:line and the rule).
# The graph is CMake's: cmake/modules.cmake writes it from the kto_module() declarations in
# CMakeLists.txt (one line a module: `module dep:public|private|exception ...`).
# Usage: scripts/check_layers.sh GRAPH_FILE [SOURCE_ROOT]   exit 0 clean, 1 violations, 2 usage
set -euo pipefail

graph="${1:-}"
root="${2:-$(cd "$(dirname "$0")/.." && pwd)}"
if [ -z "$graph" ] || [ ! -r "$graph" ]; then
  echo "check_layers: 모듈 그래프 파일을 읽을 수 없습니다: '${graph}' (CMake 빌드 폴더의 kto_layers.txt를 주세요)" >&2
  exit 2
fi

declare -A kind=()   # "module dep" -> public | private | exception
declare -A known=()  # module -> 1
declare -A uses=()   # module -> the modules it may use, as declared
modules=()           # in the graph's order, for a stable report
while read -r module deps; do
  case "$module" in '' | '#'*) continue ;; esac
  [ -n "${known[$module]:-}" ] || modules+=("$module")
  known[$module]=1
  for dep in $deps; do
    kind["$module ${dep%%:*}"]="${dep#*:}"
    uses[$module]+="${uses[$module]:+, }${dep%%:*}"
  done
done <"$graph"

violations=0
report() {
  echo "$1: 계층 위반: $2" >&2
  violations=$((violations + 1))
}

cd "$root"
for dir in src/*/ include/kto/*/; do
  module="$(basename "$dir")"
  if [ -z "${known[$module]:-}" ]; then
    report "${dir%/}" "'$module' 폴더가 모듈 그래프에 없습니다 (CMakeLists.txt에 kto_module($module ...)을 선언하세요)"
  fi
done

for module in "${modules[@]}"; do
  for dir in "src/$module" "include/kto/$module"; do
    [ -d "$dir" ] || continue
    # file:line:text of every include of a project header, in a stable order.
    while IFS=: read -r file line text; do
      [[ "$text" =~ include[[:space:]]*[\<\"]kto/([^/]+)/ ]] || continue
      used="${BASH_REMATCH[1]}"
      [ "$used" = "$module" ] && continue
      edge="${kind["$module $used"]:-}"
      if [ -z "${known[$used]:-}" ]; then
        report "$file:$line" "$module 모듈이 없는 모듈 '$used'의 헤더를 포함합니다"
      elif [ -z "$edge" ]; then
        report "$file:$line" "$module 모듈은 $used 모듈을 쓸 수 없습니다 (허용: ${uses[$module]:-없음}; 그래프는 CMakeLists.txt의 kto_module)"
      elif [ "$edge" = private ] && [ "$dir" = "include/kto/$module" ]; then
        report "$file:$line" "$module 모듈의 공개 헤더가 $used 모듈을 포함하지만 $used는 PRIVATE 의존입니다 (CMakeLists.txt에서 PUBLIC으로 옮기거나 소스 파일로 옮기세요)"
      fi
    done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]kto/[^/]+/' "$dir" \
               --include='*.cpp' --include='*.hpp' --include='*.h' | sort -t: -k1,1 -k2,2n)
  done
done

if ((violations)); then
  echo "계층 검사: 위반 ${violations}건. 모듈 그래프는 README의 Architecture 절과 CMakeLists.txt에 있습니다." >&2
  exit 1
fi
