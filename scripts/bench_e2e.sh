#!/usr/bin/env bash
# End-to-end benchmark of the collector against kto-sim, measured against the floor.
#
#   scripts/bench_e2e.sh [--quick] [--runs N] [--build-dir DIR] [--restaurants N]
#                        [--latency-ms MIN-MAX] [--keys N] [--details [--details-parts LIST]]
#                        [--detail-items N] [--keep-work] [--pg-url URL]
#
# One simulator with a nationwide data set (13,000 restaurants over the 17 provinces, 40 % with a
# blank areacode) and a random latency of 300–1500 ms per answer serves, run after run:
#   collector  `collector --mode all` with its defaults
#   baseline   the original Python tool: province by province, 100 rows a page, one call at a time
#              (`--mode regions --regions <all 17> --page-size 100 --concurrency 1`)
#   floor      plain curl fetching exactly ceil(N / 1000) national pages, as many at once as the
#              collector's default concurrency (it knows N beforehand: nothing can do less)
# and prints medians: calls against the minimum, wall time as a ratio to the floor and the
# baseline, CPU seconds, records per CPU second and peak RSS (/usr/bin/time). Then, on fresh
# simulators at latency 0: CPU and peak RSS for 1,000, 10,000 and 100,000 records (medians of the
# runs), SQLite alone storing the same 100,000 rows (the sqlite3 shell copying them into the same
# schema: the store's floor, when sqlite3 is installed), and an increment (`collect --since <the
# sim's modified day>`, ~1 % of the items) against a full run's calls.
# Every collector run gets its own temporary folder, --env-file /dev/null and dummy keys (the
# simulator accepts any key). --quick: one run, 30–150 ms latency. Needs curl, jq, /usr/bin/time.
# Then the restaurant details (scripts/bench_e2e_details.sh): calls per operation against the shown
# items and wall time against a curl floor (13,000 items × common,intro; --quick: 1,000), the share
# of each key's daily quota used, the per-second limit, peak RSS with 1,000 and 100,000 pending.
# --details runs only that part; --details-parts wall,faults,quota,rate,memory only those of it;
# --detail-items N the size of the wall-time data set. --keep-work keeps the runs' folders.
# --pg-url URL (opt-in, issue 18; needs psql): the same full listing into PostgreSQL (a schema of
# its own per run, dropped at the end) as a wall-time ratio to SQLite's, and the 100,000 records
# into PostgreSQL as rows per CPU second against `psql \copy` of the same rows into the same table
# (the client's CPU in both: the server's is not counted).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

runs=3
build="$root/build"
restaurants=13000
latency="300-1500"
key_count=3
quick=0
details_only=0
details_parts="wall,faults,quota,rate,memory"
detail_items=""
keep_work=0
pg_url=""
while (($#)); do
  case "$1" in
    --quick) quick=1; runs=1; latency="30-150" ;;
    --runs) runs="$2"; shift ;;
    --build-dir) build="$(cd "$2" && pwd)"; shift ;;
    --restaurants) restaurants="$2"; shift ;;
    --latency-ms) latency="$2"; shift ;;
    --keys) key_count="$2"; shift ;;
    --details) details_only=1 ;;
    --details-parts) details_parts="$2"; shift ;;
    --detail-items) detail_items="$2"; shift ;;
    --keep-work) keep_work=1 ;;
    --pg-url) pg_url="$2"; shift ;;
    -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_e2e: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

collector="$build/collector"
sim="$build/kto-sim"
for tool in "$collector" "$sim"; do
  [ -x "$tool" ] || { echo "bench_e2e: $tool is missing: build it first (scripts/bootstrap.sh)" >&2; exit 2; }
done
for tool in curl jq awk /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench_e2e: $tool is missing (Debian: curl jq gawk time)" >&2; exit 2; }
done
# Optional: the sqlite3 shell measures SQLite alone storing the same rows (the store's floor).
have_sqlite3=""
if command -v sqlite3 >/dev/null; then have_sqlite3=1
else echo "bench_e2e: no sqlite3 shell (Debian: sqlite3): the SQLite-alone line is skipped" >&2; fi

if [ -n "$pg_url" ]; then
  command -v psql >/dev/null || { echo "bench_e2e: --pg-url needs psql (Debian: postgresql-client)" >&2; exit 2; }
  psql -X -q -d "$pg_url" -c 'SELECT 1' >/dev/null || { echo "bench_e2e: cannot connect to --pg-url" >&2; exit 2; }
fi
# pg_schema_url NAME: a fresh schema NAME on --pg-url (dropped at the end) and the URL that uses it.
pg_schema_url() {
  local schema="kto_bench_$$_$1"
  psql -X -q -d "$pg_url" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
  case "$pg_url" in *\?*) echo "$pg_url&options=-csearch_path%3D$schema" ;; *) echo "$pg_url?options=-csearch_path%3D$schema" ;; esac
}

work="$(mktemp -d "${TMPDIR:-/tmp}/kto-bench-e2e.XXXXXX")"
sim_pids=()
cleanup() {
  for pid in "${sim_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$pg_url" ]; then
    psql -X -q -d "$pg_url" -c "DO \$\$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace
      WHERE nspname LIKE 'kto\_bench\_$$\_%' LOOP EXECUTE 'DROP SCHEMA ' || s || ' CASCADE'; END LOOP; END \$\$" \
      >/dev/null 2>&1 || true
  fi
  wait 2>/dev/null || true
  if ((keep_work)); then echo "bench_e2e: the runs' folders are kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Dummy keys; the collector's default concurrency is clamp(2 × usable keys, 2, 8) (collector.cpp).
keys=""
for i in $(seq 1 "$key_count"); do keys+="${keys:+,}BENCH-KEY-$(printf '%04d' "$i")-0000000000000000000000"; done
concurrency=$((2 * key_count)); ((concurrency < 2)) && concurrency=2; ((concurrency > 8)) && concurrency=8

# start_sim NAME ARGS…: starts kto-sim on a free port; sets sim_addr.
start_sim() {
  local name="$1"; shift
  local out="$work/sim-$name.out"
  "$sim" --port 0 --quiet "$@" >"$out" 2>"$work/sim-$name.err" &
  sim_pids+=($!)
  for _ in $(seq 1 600); do
    grep -q '^listening ' "$out" && break
    sleep 0.1
  done
  sim_addr="$(sed -n 's/^listening //p' "$out" | head -n1)"
  [ -n "$sim_addr" ] || { echo "bench_e2e: kto-sim did not start ($(cat "$work/sim-$name.err"))" >&2; exit 1; }
}

stop_last_sim() {
  local pid="${sim_pids[-1]}"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'sim_pids[-1]'
}

sim_get() { curl -sf "http://$sim_addr$1"; }
# Fresh counters and quotas before each measured run, so that runs never spend each other's quota.
sim_reset() {
  curl -sf -X POST -d "" "http://$sim_addr/reset-stats" >/dev/null
  curl -sf -X POST -H 'Content-Type: application/json' -d '{"reset_quotas": true}' \
    "http://$sim_addr/control" >/dev/null
}
sim_calls() { sim_get /stats | jq '.calls'; }

# timed OUT_PREFIX CMD…: runs CMD under /usr/bin/time; OUT_PREFIX.time holds
# "wall user sys maxrss_kb" and OUT_PREFIX.out its stdout. Returns CMD's exit code.
timed() {
  local prefix="$1"; shift
  local start end code=0
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$prefix.rusage" "$@" >"$prefix.out" 2>"$prefix.err" || code=$?
  end=$(date +%s.%N)
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}') $(tail -n1 "$prefix.rusage")" \
    >"$prefix.time"
  return "$code"
}

# run_collector DIR ARGS…: one collector run in its own folder; DIR/result holds "calls records"
# from its --json report.
run_collector() {
  local dir="$1"; shift
  mkdir -p "$dir"
  local code=0
  (
    cd "$dir"
    export KTO_API_KEY="$keys" KTO_API_BASE_URL="http://$sim_addr/B551011/KorService2"
    timed "$dir/run" "$collector" --env-file /dev/null --json "$@"
  ) || code=$?
  if ((code != 0)); then
    echo "bench_e2e: collector $* exited $code in $dir:" >&2
    tail -n 5 "$dir/run.err" >&2
    exit 1
  fi
  jq -r '"\(.api_calls) \(.records)"' "$dir/run.out" >"$dir/result"
}

# store_floor SRC_DB PREFIX: SQLite alone storing the rows SRC_DB holds, with its schema, its page
# size and the collector's other pragmas (the cache: SqliteStore::k_cache_kib), 3,000 rows a
# transaction (the collector commits ~3 pages at a time at latency 0), by the sqlite3 shell
# copying from an attached file: no HTTP, no JSON, no binding. PREFIX.time as timed's.
store_floor() {
  local src="$1" prefix="$2" db="$2.db" rows lo
  rows=$(sqlite3 "$src" 'SELECT max(rowid) FROM restaurants')
  {
    echo "PRAGMA page_size=$(sqlite3 "$src" 'PRAGMA page_size');"
    echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    sqlite3 "$src" .schema | grep -v '^CREATE TABLE sqlite_sequence'
    echo "PRAGMA cache_size=-8192; ATTACH '$src' AS src;"
    for ((lo = 0; lo < rows; lo += 3000)); do
      echo "BEGIN; INSERT INTO main.restaurants SELECT * FROM src.restaurants"
      echo "  WHERE rowid > $lo AND rowid <= $((lo + 3000)); COMMIT;"
    done
  } >"$prefix.sql"
  timed "$prefix" sqlite3 "$db" ".read $prefix.sql"
}

# pg_copy_floor URL PREFIX: psql alone storing the rows URL's restaurants hold: \copy them out to a
# file, then time `\copy … FROM` that file into an empty table of the same definition (one
# transaction, no HTTP, JSON or upsert). PREFIX.time as timed's.
pg_copy_floor() {
  local url="$1" prefix="$2"
  psql -X -q -d "$url" -c "\\copy restaurants TO '$prefix.tsv'" \
    -c "CREATE TABLE copy_floor (LIKE restaurants INCLUDING ALL)"
  timed "$prefix" psql -X -q -d "$url" -c "\\copy copy_floor FROM '$prefix.tsv'"
}

# run_floor DIR PAGES: curl fetches pages 1..PAGES of the national listing, $concurrency at once.
run_floor() {
  local dir="$1" pages="$2"
  mkdir -p "$dir"
  local base="http://$sim_addr/B551011/KorService2/areaBasedList2?serviceKey=BENCH-FLOOR-KEY"
  base+="&MobileOS=ETC&MobileApp=kto-bench&_type=json&contentTypeId=39&arrange=A&numOfRows=1000"
  local args=(-sf --parallel --parallel-max "$concurrency")
  for p in $(seq 1 "$pages"); do args+=(-o "$dir/page-$p.json" "$base&pageNo=$p"); done
  timed "$dir/run" curl "${args[@]}" || { echo "bench_e2e: curl failed" >&2; exit 1; }
  # The floor must have fetched everything too, or it is not a floor.
  cat "$dir"/page-*.json | jq -s '[.[].response.body.items.item | length] | add' >"$dir/result"
}

median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
field() { awk -v f="$1" '{print $f}' "$2"; }  # field N of a .time file
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }
verdict() { if awk "BEGIN {exit !($1)}"; then echo "PASS"; else echo "MISS"; fi; }  # an awk condition

declare -A results  # "<run kind> <metric>" → newline-separated values of every repetition
add() { results["$1 $2"]+="$3"$'\n'; }
med() { printf '%s' "${results["$1 $2"]}" | median; }

record_time() {  # KIND PREFIX RECORDS CALLS
  local kind="$1" prefix="$2" records="$3" calls="$4"
  local wall user sys rss cpu
  read -r wall user sys rss <"$prefix.time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  add "$kind" wall "$wall"
  add "$kind" cpu "$cpu"
  add "$kind" rss_mb "$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')"
  add "$kind" calls "$calls"
  add "$kind" records "$records"
  add "$kind" rec_per_cpu "$(awk -v r="$records" -v c="$cpu" 'BEGIN {if (c > 0) printf "%.0f", r / c; else print 0}')"
}

# The listing benchmark (issue 15): sections 1–3 and their report.
listing_bench() {
  # --- 1. collector vs baseline vs floor ------------------------------------------------------
  echo "kto-sim: $restaurants restaurants, latency $latency ms; $key_count keys, concurrency $concurrency; $runs run(s)" >&2
  start_sim main --restaurants "$restaurants" --latency-ms "$latency"
  n=$(sim_get /stats | jq '.dataset.restaurants')
  recent_day=$(sim_get /stats | jq -r '.dataset.modified_recent_date')
  min_calls=$(((n + 999) / 1000))
  all_regions="1,2,3,4,5,6,7,8,31,32,33,34,35,36,37,38,39"

  for r in $(seq 1 "$runs"); do
    echo "run $r/$runs: collector" >&2
    sim_reset
    run_collector "$work/collector-$r" --mode all
    read -r calls records <"$work/collector-$r/result"
    sim_n=$(sim_calls)
    ((sim_n == calls)) || echo "bench_e2e: collector said $calls calls, the simulator saw $sim_n" >&2
    record_time collector "$work/collector-$r/run" "$records" "$sim_n"

    if [ -n "$pg_url" ]; then
      echo "run $r/$runs: collector into PostgreSQL" >&2
      sim_reset
      run_collector "$work/pg-$r" --mode all --db "$(pg_schema_url "full_$r")"
      read -r calls records <"$work/pg-$r/result"
      record_time collector-pg "$work/pg-$r/run" "$records" "$(sim_calls)"
    fi

    echo "run $r/$runs: baseline (province by province, 100 a page, one at a time)" >&2
    sim_reset
    run_collector "$work/baseline-$r" --mode regions --regions "$all_regions" \
      --page-size 100 --concurrency 1
    read -r calls records <"$work/baseline-$r/result"
    record_time baseline "$work/baseline-$r/run" "$records" "$(sim_calls)"

    echo "run $r/$runs: floor (curl, $min_calls pages)" >&2
    sim_reset
    run_floor "$work/floor-$r" "$min_calls"
    rows=$(cat "$work/floor-$r/result")
    ((rows == n)) || echo "bench_e2e: the floor fetched $rows of $n rows" >&2
    record_time floor "$work/floor-$r/run" "$rows" "$(sim_calls)"
  done

  # --- 2. increment: a full run, then --since the simulator's modified day ----------------------
  echo "increment: full run, then --since $recent_day" >&2
  sim_reset
  run_collector "$work/increment" --mode all
  read -r full_calls _ <"$work/increment/result"
  sim_reset
  run_collector "$work/increment" --mode all --since "$recent_day"
  read -r inc_calls inc_records <"$work/increment/result"
  stop_last_sim

  # --- 3. memory: 1,000, 10,000 and 100,000 records, no latency ------------------------------------
  # 1,000 records are one page; from 10,000 on every worker has a page in flight. Each size is run
  # $runs times on its own simulator: the figures are medians.
  for size in 1000 10000 100000; do
    start_sim "rss-$size" --restaurants "$size" --latency-ms 0
    for r in $(seq 1 "$runs"); do
      echo "memory: $size records, run $r/$runs" >&2
      sim_reset
      run_collector "$work/rss-$size-$r" --mode all
      read -r calls records <"$work/rss-$size-$r/result"
      record_time "mem-$size" "$work/rss-$size-$r/run" "$records" "$calls"
      if ((size == 100000)) && [ -n "$have_sqlite3" ]; then
        echo "memory: SQLite alone storing the same $records rows, run $r/$runs" >&2
        store_floor "$work/rss-$size-$r/data/restaurants.db" "$work/store-floor-$r"
        record_time store-floor "$work/store-floor-$r" \
          "$(sqlite3 "$work/store-floor-$r.db" 'SELECT count(*) FROM restaurants')" 0
      fi
    done
    if ((size == 100000)); then
      sim_reset
      run_collector "$work/rss-inc" --mode all
      read -r big_full _ <"$work/rss-inc/result"
      sim_reset
      run_collector "$work/rss-inc" --mode all --since "$(sim_get /stats | jq -r '.dataset.modified_recent_date')"
      read -r big_inc _ <"$work/rss-inc/result"
    fi
      if ((size == 100000)) && [ -n "$pg_url" ]; then
        echo "memory: $size records into PostgreSQL, then psql \\copy of the same rows, run $r/$runs" >&2
        sim_reset
        big_url=$(pg_schema_url "big_$r")
        run_collector "$work/pg-big-$r" --mode all --db "$big_url"
        read -r calls records <"$work/pg-big-$r/result"
        record_time mem-pg "$work/pg-big-$r/run" "$records" "$calls"
        pg_copy_floor "$big_url" "$work/pg-copy-$r"
        record_time pg-copy "$work/pg-copy-$r" "$records" 0
      fi
    stop_last_sim
  done

  # --- report ------------------------------------------------------------------------------------
  floor_wall=$(med floor wall)
  base_wall=$(med baseline wall)
  echo
  echo "## End-to-end, medians of $runs run(s): $n restaurants, latency $latency ms, concurrency $concurrency"
  echo
  echo "| run | calls | minimum | wall s | × floor | × baseline | CPU s | records / CPU s | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for kind in collector baseline floor; do
    wall=$(med "$kind" wall)
    minimum=$min_calls
    [ "$kind" = baseline ] && minimum="$min_calls (own: $(((n + 99) / 100)))"
    echo "| $kind | $(med "$kind" calls) | $minimum | $wall | $(ratio "$wall" "$floor_wall") |" \
         "$(ratio "$wall" "$base_wall") | $(med "$kind" cpu) | $(med "$kind" rec_per_cpu) | $(med "$kind" rss_mb) |"
  done

  echo
  echo "## Memory and throughput, latency 0, medians of $runs run(s)"
  echo
  echo "| records | calls | CPU s | records / CPU s | peak RSS MB |"
  echo "|---:|---:|---:|---:|---:|"
  for size in 1000 10000 100000; do
    echo "| $(med "mem-$size" records) | $(med "mem-$size" calls) | $(med "mem-$size" cpu) |" \
         "$(med "mem-$size" rec_per_cpu) | $(med "mem-$size" rss_mb) |"
  done
  if [ -n "$have_sqlite3" ]; then
    echo "| SQLite alone: the 100,000 rows copied into the same schema (no HTTP, JSON or binding) |" \
         "– | $(med store-floor cpu) | $(med store-floor rec_per_cpu) | – |"
    echo
    echo "The collector's CPU for 100,000 records is $(ratio "$(med mem-100000 cpu)" "$(med store-floor cpu)") × SQLite's alone."
  fi
  if [ -n "$pg_url" ]; then
    echo
    echo "## PostgreSQL (--pg-url), medians of $runs run(s)"
    echo
    echo "| measure | PostgreSQL | against | ratio |"
    echo "|---|---:|---:|---:|"
    echo "| full listing wall s ($n restaurants, latency $latency ms) | $(med collector-pg wall) |" \
         "SQLite $(med collector wall) | $(ratio "$(med collector-pg wall)" "$(med collector wall)") × |"
    echo "| 100,000 records: records / CPU s of the collector | $(med mem-pg rec_per_cpu) |" \
         "psql \\copy $(med pg-copy rec_per_cpu) | $(ratio "$(med mem-pg rec_per_cpu)" "$(med pg-copy rec_per_cpu)") |"
    echo "| 100,000 records: records / CPU s against SQLite's collector | $(med mem-pg rec_per_cpu) |" \
         "SQLite $(med mem-100000 rec_per_cpu) | $(ratio "$(med mem-pg rec_per_cpu)" "$(med mem-100000 rec_per_cpu)") |"
    echo
    echo "CPU is the client's (the collector's, psql's): the server's work is not in either figure."
  fi
  rss_small=$(med mem-1000 rss_mb)
  rss_mid=$(med mem-10000 rss_mb)
  rss_big_mb=$(med mem-100000 rss_mb)
  big_rate=$(med mem-100000 rec_per_cpu)
  echo
  echo "## Increment (~1 % modified on $recent_day)"
  echo
  echo "| data set | full-run calls | --since calls | share |"
  echo "|---:|---:|---:|---:|"
  echo "| $n | $full_calls | $inc_calls ($inc_records records) | $(ratio "$((inc_calls * 100))" "$full_calls") % |"
  echo "| 100000 | $big_full | $big_inc | $(ratio "$((big_inc * 100))" "$big_full") % |"

  coll_calls=$(med collector calls)
  coll_wall=$(med collector wall)
  echo
  echo "## Targets"
  echo
  echo "- calls ≤ minimum + 1: $coll_calls vs $min_calls → $(verdict "$coll_calls <= $min_calls + 1")"
  echo "- wall ≤ 1.2 × floor: $(ratio "$coll_wall" "$floor_wall") × → $(verdict "$coll_wall <= 1.2 * $floor_wall")"
  echo "- ≥ 100,000 records / CPU s (100,000 records, latency 0): $big_rate → $(verdict "$big_rate >= 100000")"
  [ -z "$pg_url" ] || echo "- PostgreSQL full listing ≤ 1.1 × SQLite's wall: $(ratio "$(med collector-pg wall)" "$coll_wall") × → $(verdict "$(med collector-pg wall) <= 1.1 * $coll_wall")"
  echo "- peak RSS < 64 MB: $rss_big_mb MB → $(verdict "$rss_big_mb < 64")"
  echo "- RSS flat 1,000 → 100,000 (≤ 1.25 ×): $(ratio "$rss_big_mb" "$rss_small") ×" \
       "→ $(verdict "$rss_big_mb <= 1.25 * $rss_small")"
  echo "- RSS flat 10,000 → 100,000 (≤ 1.25 ×): $(ratio "$rss_big_mb" "$rss_mid") ×" \
       "→ $(verdict "$rss_big_mb <= 1.25 * $rss_mid")"
  echo "- increment < 5 % of a full run's calls: $(ratio "$((inc_calls * 100))" "$full_calls") % ($n), $(ratio "$((big_inc * 100))" "$big_full") % (100,000) → $(verdict "$inc_calls * 100 < 5 * $full_calls") / $(verdict "$big_inc * 100 < 5 * $big_full")"
}

# shellcheck source=scripts/bench_e2e_details.sh
source "$root/scripts/bench_e2e_details.sh"
((details_only)) || listing_bench
run_details
