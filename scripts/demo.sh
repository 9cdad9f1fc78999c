#!/usr/bin/env bash
# The main job for a new user: `collector --mode major`. Builds first if needed. Without a key in
# .env or the environment it runs against the bundled simulator (kto-sim on 127.0.0.1) with a
# made-up key, in demo/ so nothing of yours is touched. Extra arguments go to the collector.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -x build/collector ] || [ ! -x build/kto-sim ]; then
  # Only the two programs: the tests and benchmarks are for scripts/bootstrap.sh (the README's
  # test command), and building them first kept a newcomer waiting for minutes.
  echo "처음 실행이라 collector와 kto-sim을 빌드합니다 (테스트와 벤치마크는 빌드하지 않음)…" >&2
  scripts/bootstrap.sh --programs-only
fi

key_set=""
if [ -n "${KTO_API_KEY:-}" ]; then key_set=1; fi
if [ -z "$key_set" ] && [ -f .env ] && grep -Eq '^[[:space:]]*(export[[:space:]]+)?KTO_API_KEY=[^[:space:]#]' .env \
   && ! grep -Eq '^[[:space:]]*(export[[:space:]]+)?KTO_API_KEY=your_api_key_here' .env; then
  key_set=1
fi

if [ -n "$key_set" ]; then
  exec build/collector --mode major "$@"
fi

echo "KTO_API_KEY가 설정되지 않아 내장 시뮬레이터(kto-sim)로 실행합니다 / no key set: running against the simulator" >&2
workdir="$root/demo"
mkdir -p "$workdir"
portfile="$(mktemp)"
build/kto-sim --port 0 --restaurants 13000 --latency-ms 50-300 --quiet >"$portfile" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true; rm -f "$portfile"' EXIT
for _ in $(seq 1 100); do
  grep -q '^listening ' "$portfile" && break
  sleep 0.1
done
addr="$(sed -n 's/^listening //p' "$portfile" | head -n1)"
[ -n "$addr" ] || { echo "kto-sim did not start" >&2; exit 1; }
cd "$workdir"
set +e
KTO_API_KEY="DEMO-KEY-0000000000000000000000000000" \
KTO_API_BASE_URL="http://$addr/B551011/KorService2" \
  "$root/build/collector" --env-file /dev/null --mode major "$@"
code=$?
set -e
echo "데모 결과: $workdir/data/restaurants.db, 로그: $workdir/logs/ (exit $code)" >&2
exit $code
