#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and CI (issue 18): initdb into a temporary folder,
# listening only on 127.0.0.1 at a free port, fsync off (the data is thrown away).
# Usage:
#   eval "$(scripts/pg_test_cluster.sh start)"   # prints the export lines below
#   scripts/pg_test_cluster.sh stop "$KTO_TEST_PG_DIR"
# Exports: KTO_TEST_PG_URL (superuser postgres, trust auth), KTO_TEST_PG_PASSWORD_URL (role kto_pw,
# SCRAM password auth: the tests of a wrong password), KTO_TEST_PG_DIR (the folder to stop).
set -euo pipefail

bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
  echo "initdb를 찾을 수 없습니다: PostgreSQL 서버를 설치하세요 (sudo apt-get install postgresql)" >&2
  exit 1
}

# initdb and the server refuse to run as root: as root, everything runs as the postgres user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    # Nothing answers on it (bash's /dev/tcp connect fails): free for now.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "빈 포트를 찾지 못했습니다" >&2
  exit 1
}

start() {
  local bin dir port
  bin=$(bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/kto-pg.XXXXXX")
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  printf 'kto_pw_secret\n' >"$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C -A trust -N \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # kto_pw must give its password (SCRAM); everyone else is trusted, on loopback only.
  cat >"$dir/data/pg_hba.conf" <<'HBA'
host all kto_pw 127.0.0.1/32 scram-sha-256
host all all    127.0.0.1/32 trust
HBA
  for _ in 1 2 3; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c fsync=off
          -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null 2>&1; then
      break
    fi
    port=""
  done
  [ -n "$port" ] || { cat "$dir/server.log" >&2; exit 1; }
  local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
  "${psql[@]}" -d postgres -c "CREATE DATABASE kto_test" \
    -c "CREATE ROLE kto_pw LOGIN PASSWORD 'kto_pw_secret'" >/dev/null
  "${psql[@]}" -d kto_test -c "GRANT ALL ON SCHEMA public TO kto_pw" \
    -c "GRANT CREATE ON DATABASE kto_test TO kto_pw" >/dev/null
  echo "export KTO_TEST_PG_DIR=$dir"
  echo "export KTO_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/kto_test"
  echo "export KTO_TEST_PG_PASSWORD_URL=postgresql://kto_pw:kto_pw_secret@127.0.0.1:$port/kto_test"
}

stop() {
  local dir=${1:-${KTO_TEST_PG_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "사용법: $0 stop DIR (start가 알려준 KTO_TEST_PG_DIR)" >&2; exit 2; }
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "사용법: $0 start | stop DIR" >&2; exit 2 ;;
esac
