# The details part of scripts/bench_e2e.sh (issue 17, "Speed, quota and memory"): sourced by it,
# uses its helpers (start_sim, stop_last_sim, sim_get, sim_reset, timed, median, ratio, verdict,
# add, med) and its settings ($runs, $quick, $work, $collector). Five figures:
#   wall + calls  `collector details` (common,intro) for every item of a $d_items data set at
#                 $d_latency ms, with 4 keys (the default concurrency's cap, 8) and a quota that
#                 does not limit, against the floor: curl --parallel making the same calls, 8 at a
#                 time, run at the same moment on a second simulator (latency-bound, so each sees
#                 the same machine). The calls per operation (sim /stats) against the minimum, the
#                 shown items (no faults).
#   faults        1,000 items, 30–150 ms, 20 % of the detail calls failing (no hangs): the calls
#                 per operation against the shown items plus the faulted answers (their retries).
#   quota         3 keys, --daily-quota 200 (KTO_API_DAILY_LIMIT=200), 2,000 pending items, 30–150 ms: the
#                 share of each key's limit per operation used and the 22s (none expected).
#   rate          --per-second R (5 and 2) per key, 3 keys, latency 0, R × 3 keys × $d_rate_seconds / 2
#                 items (the calls of $d_rate_seconds s at R): the accepted calls a second per key
#                 (over the details run's wall time), the share refused with 23, and how many 23s
#                 came in the run's first second (the keys' first burst).
#   memory        peak RSS of `collector details --budget 1000` (the same 2,000 calls) with 1,000
#                 and with 100,000 items pending, latency 0.
# shellcheck shell=bash disable=SC2154  # the settings are bench_e2e.sh's

d_latency="$latency"
d_items=13000
((quick)) && d_items=1000
[ -n "${detail_items:-}" ] && d_items="$detail_items"
d_wall_keys=4
d_big_limit=10000000  # a daily quota that does not limit (the sim and KTO_API_DAILY_LIMIT)
d_rates="5 2"
d_rate_seconds=120
((quick)) && d_rate_seconds=40
d_ops=(detailCommon2 detailIntro2)

# make_keys N: N dummy keys, comma-separated (the simulator accepts any key).
make_keys() {
  local out="" i
  for i in $(seq 1 "$1"); do out+="${out:+,}BENCH-DKEY-$(printf '%04d' "$i")-000000000000000000000"; done
  echo "$out"
}

# run_dcollector PREFIX KEYS DAILY_LIMIT ARGS…: one collector command in PREFIX's folder (its
# data/ is there), timed as PREFIX.*. Exits the benchmark unless it ends with one of $d_ok_codes.
d_ok_codes="0"
run_dcollector() {
  local prefix="$1" k="$2" limit="$3"; shift 3
  local dir code=0
  dir="$(dirname "$prefix")"
  mkdir -p "$dir"
  (
    cd "$dir"
    export KTO_API_KEY="$k" KTO_API_DAILY_LIMIT="$limit" KTO_API_BASE_URL="http://$sim_addr/B551011/KorService2"
    timed "$prefix" "$collector" "$@" --env-file /dev/null --json
  ) || code=$?
  if [[ " $d_ok_codes " != *" $code "* ]]; then
    echo "bench_e2e: collector $* exited $code in $dir:" >&2
    tail -n 5 "$prefix.err" >&2
    exit 1
  fi
}

# listing DIR KEYS LIMIT: the national listing into DIR/data (untimed), so that every shown
# restaurant has its details pending; prints the records stored.
listing() {
  run_dcollector "$1/listing" "$2" "$3" collect --mode all
  jq -r '.records' "$1/listing.out"
}

# d_stat JQ: a jq expression over the simulator's /stats.
d_stat() { sim_get /stats | jq -r "$1"; }

# floor_prepare DIR: the curl config of every detail call of the shown restaurants (common, then
# intro; answers to /dev/null: the simulator's own count checks them afterwards).
floor_prepare() {
  local dir="$1" pages p
  mkdir -p "$dir"
  local base="http://$sim_addr/B551011/KorService2"
  local common="serviceKey=BENCH-FLOOR-KEY&MobileOS=ETC&MobileApp=kto-bench&_type=json"
  pages=$(((d_items + 999) / 1000))
  for p in $(seq 1 "$pages"); do
    curl -sf "$base/areaBasedList2?$common&contentTypeId=39&arrange=A&numOfRows=1000&pageNo=$p"
  done | jq -r '.response.body.items.item[].contentid' >"$dir/ids"
  # One `output` line before every `url` line: curl pairs them in order.
  awk -v b="$base" -v c="$common" '{print "output = /dev/null"; print "url = \"" b "/detailCommon2?" c "&contentId=" $1 "\""}' \
    "$dir/ids" >"$dir/curl.conf"
  awk -v b="$base" -v c="$common" \
    '{print "output = /dev/null"; print "url = \"" b "/detailIntro2?" c "&contentId=" $1 "&contentTypeId=39\""}' \
    "$dir/ids" >>"$dir/curl.conf"
}

# --- wall time and calls: the collector and the curl floor side by side ----------------------------
details_wall() {
  local wkeys conc r
  wkeys="$(make_keys "$d_wall_keys")"
  conc=$((2 * d_wall_keys)); ((conc > 8)) && conc=8
  echo "details: $d_items items × 2 operations, latency $d_latency ms, $d_wall_keys keys (concurrency $conc)" >&2
  start_sim dwall-c --restaurants "$d_items" --latency-ms "$d_latency" --daily-quota "$d_big_limit"
  local addr_c="$sim_addr"
  start_sim dwall-f --restaurants "$d_items" --latency-ms "$d_latency" --daily-quota "$d_big_limit"
  local addr_f="$sim_addr"
  for r in $(seq 1 "$runs"); do
    local dir="$work/dwall-$r" shown
    sim_addr="$addr_c"
    shown=$(listing "$dir" "$wkeys" "$d_big_limit")
    sim_reset
    sim_addr="$addr_f"
    floor_prepare "$dir/floor"
    sim_reset
    echo "details run $r/$runs: collector details and the curl floor ($((2 * shown)) calls each) at once" >&2
    (sim_addr="$addr_c" run_dcollector "$dir/details" "$wkeys" "$d_big_limit" details --details common,intro) &
    local cpid=$!
    (timed "$dir/floor/run" curl -s --parallel --parallel-max "$conc" -K "$dir/floor/curl.conf" \
       || { echo "bench_e2e: the curl floor failed" >&2; exit 1; }) &
    local fpid=$!
    wait "$cpid" || exit 1
    wait "$fpid" || exit 1
    # The floor must have made every call, and each must have been answered, or it is no floor.
    local floor_ok
    floor_ok=$(d_stat '[.by_outcome.ok, .by_outcome.no_data] | map(. // 0) | add')
    ((floor_ok == 2 * shown)) || echo "bench_e2e: the floor got $floor_ok answers of $((2 * shown))" >&2
    sim_addr="$addr_c"
    local op calls distinct repeated
    for op in "${d_ops[@]}"; do
      calls=$(d_stat ".by_operation.$op // 0")
      distinct=$(d_stat ".detail_items.$op.distinct // 0")
      repeated=$(d_stat ".detail_items.$op.repeated // 0")
      add "dcalls-$op" calls "$calls"
      add "dcalls-$op" distinct "$distinct"
      add "dcalls-$op" repeated "$repeated"
    done
    add dwall shown "$shown"
    add dwall collector "$(field 1 "$dir/details.time")"
    add dwall floor "$(field 1 "$dir/floor/run.time")"
    add dwall cpu "$(awk '{printf "%.2f", $2 + $3}' "$dir/details.time")"
    add dwall rss_mb "$(awk '{printf "%.1f", $4 / 1024}' "$dir/details.time")"
  done
  stop_last_sim
  stop_last_sim
}

# --- calls with 20 % faults: the minimum plus only the retries of what failed ------------------------
details_faults() {
  local fkeys r op
  fkeys="$(make_keys 3)"
  local fault_items=1000 d_ok_codes="0 4"
  echo "details faults: $fault_items items, 20 % of the detail calls fail (no hangs), 30–150 ms" >&2
  start_sim dfaults --restaurants "$fault_items" --latency-ms 30-150 --daily-quota "$d_big_limit"
  for r in $(seq 1 "$runs"); do
    local dir="$work/dfaults-$r" shown
    curl -sf -X POST -H 'Content-Type: application/json' -d '{"faults": {"rate": 0}}' \
      "http://$sim_addr/control" >/dev/null
    shown=$(listing "$dir" "$fkeys" "$d_big_limit")
    sim_reset
    curl -sf -X POST -H 'Content-Type: application/json' \
      -d '{"faults": {"rate": 0.2, "kinds": ["http500", "html502", "empty", "truncated", "reset"],
                      "operations": ["detailCommon2", "detailIntro2"]}}' \
      "http://$sim_addr/control" >/dev/null
    # Ends 0, or 4 when an item failed every retry (then it is counted, not a benchmark failure).
    run_dcollector "$dir/details" "$fkeys" "$d_big_limit" details --details common,intro
    sim_get /stats >"$dir/stats.json"
    add dfaults shown "$shown"
    for op in "${d_ops[@]}"; do
      add "dfaults-$op" calls "$(jq ".by_operation.$op // 0" "$dir/stats.json")"
      add "dfaults-$op" faults "$(jq "[.by_key[][\"$op\"].errors // 0] | add" "$dir/stats.json")"
      add "dfaults-$op" repeated "$(jq ".detail_items.$op.repeated // 0" "$dir/stats.json")"
    done
    add dfaults failed "$(jq '[.details[].failed] | add' "$dir/details.out")"
  done
  stop_last_sim
}

# --- quota: more pending than 3 keys × 200 calls a day --------------------------------------------
details_quota() {
  local qkeys r
  qkeys="$(make_keys 3)"
  echo "details quota: 2,000 items, 3 keys × 200 calls a day per operation" >&2
  start_sim dquota --restaurants 2000 --latency-ms 30-150 --daily-quota 200
  for r in $(seq 1 "$runs"); do
    local dir="$work/dquota-$r"
    sim_reset
    # The listing's 2 calls are another operation's quota; the pool counts the details' own.
    listing "$dir" "$qkeys" 200 >/dev/null
    sim_reset
    run_dcollector "$dir/details" "$qkeys" 200 details --details common,intro
    sim_get /stats >"$dir/stats.json"
    jq -r --arg ops "${d_ops[*]}" '($ops | split(" ")) as $o | .quota.by_key | to_entries[]
        | .key as $fp | .value | to_entries[] | select(.key as $k | $o | index($k))
        | "\($fp) \(.key) \(.value.used) \(.value.limit)"' "$dir/stats.json" >"$dir/shares"
    add dquota min_share "$(awk 'BEGIN {m = 100} {s = 100 * $3 / $4; if (s < m) m = s} END {printf "%.1f", m}' "$dir/shares")"
    add dquota over "$(awk '$3 > $4 {n++} END {print n + 0}' "$dir/shares")"
    add dquota counters "$(wc -l <"$dir/shares")"
    add dquota refused22 "$(jq '[.refusals_by_key[]["22"]] | add // 0' "$dir/stats.json")"
    add dquota pending "$(jq '.details_pending' "$dir/details.out")"
    cp "$dir/shares" "$work/dquota-shares-last"
  done
  stop_last_sim
}

# --- per-second limit: R calls a second per key --------------------------------------------------
details_rate() {
  local rkeys rate r
  rkeys="$(make_keys 3)"
  for rate in $d_rates; do
    local items=$((rate * 3 * d_rate_seconds / 2)) log="$work/drate-$rate.log"
    echo "details per-second: --per-second $rate, 3 keys, $items items × 2 operations" >&2
    start_sim "drate-$rate" --restaurants "$items" --latency-ms 0 --per-second "$rate" \
      --daily-quota "$d_big_limit" --request-log "$log"
    for r in $(seq 1 "$runs"); do
      local dir="$work/drate-$rate-$r"
      listing "$dir" "$rkeys" "$d_big_limit" >/dev/null
      sleep 1  # the listing's calls leave the per-second window
      sim_reset
      : >"$log"  # the simulator appends: from here on, the details' calls only
      run_dcollector "$dir/details" "$rkeys" "$d_big_limit" details --details common,intro
      sim_get /stats >"$dir/stats.json"
      # 23s within a second of the first call: the keys' first burst (latency 0: nothing in flight
      # tells the slow start how fast the calls go).
      add "drate-$rate" burst "$(jq -r '"\(.ts[11:23]) \(.outcome)"' "$log" | awk -F'[: ]' '
          {t = $1 * 3600 + $2 * 60 + $3; if (NR == 1) t0 = t; if ($4 == "error" && $5 == "23" && t - t0 < 1) n++}
          END {print n + 0}')"
      local wall
      wall=$(field 1 "$dir/details.time")
      # Per key: accepted detail calls a second over the run, and the share refused with 23.
      jq -r '.by_key | to_entries[] | .key as $fp
          | [.value | to_entries[] | select(.key | startswith("detail")) | .value]
          | "\($fp) \(map(.ok) | add) \(map(.refused_per_second) | add) \(map(.calls) | add)"' \
          "$dir/stats.json" >"$dir/per-key"
      add "drate-$rate" min_rate "$(awk -v w="$wall" 'BEGIN {m = 1e9} {v = $2 / w; if (v < m) m = v} END {printf "%.2f", m}' "$dir/per-key")"
      add "drate-$rate" max_refused "$(awk 'BEGIN {m = 0} {v = 100 * $3 / $4; if (v > m) m = v} END {printf "%.1f", m}' "$dir/per-key")"
      add "drate-$rate" all_refused "$(awk '{r += $3; c += $4} END {printf "%.1f", 100 * r / c}' "$dir/per-key")"
      add "drate-$rate" wall "$wall"
      add "drate-$rate" calls "$(awk '{c += $4} END {print c}' "$dir/per-key")"
    done
    stop_last_sim
  done
}

# --- memory: 1,000 and 100,000 items pending, the same 2,000 calls ------------------------------------
details_memory() {
  local mkeys size r
  mkeys="$(make_keys 3)"
  for size in 1000 100000; do
    start_sim "dmem-$size" --restaurants "$size" --latency-ms 0 --daily-quota "$d_big_limit"
    for r in $(seq 1 "$runs"); do
      echo "details memory: $size items pending, --budget 1000, run $r/$runs" >&2
      local dir="$work/dmem-$size-$r"
      listing "$dir" "$mkeys" "$d_big_limit" >/dev/null
      sim_reset
      run_dcollector "$dir/details" "$mkeys" "$d_big_limit" details --details common,intro --budget 1000
      add "dmem-$size" rss_mb "$(awk '{printf "%.1f", $4 / 1024}' "$dir/details.time")"
      add "dmem-$size" cpu "$(awk '{printf "%.2f", $2 + $3}' "$dir/details.time")"
      add "dmem-$size" calls "$(sim_get /stats | jq '.calls')"
      add "dmem-$size" pending "$(jq '.details_pending' "$dir/details.out")"
    done
    rm -rf "$work"/dmem-"$size"-*/data  # 100,000 rows × runs: not kept
    stop_last_sim
  done
}

has_part() { [[ ",$details_parts," == *",$1,"* ]]; }

details_report() {
  echo
  echo "## Details (issue 17), medians of $runs run(s)"
  local op
  if has_part wall; then
    local shown cw fw
    shown=$(med dwall shown)
    echo
    echo "Calls, no faults: $shown shown items, common,intro, latency $d_latency ms, $d_wall_keys keys"
    echo
    echo "| operation | calls | minimum (shown items) | calls / minimum | items asked twice |"
    echo "|---|---:|---:|---:|---:|"
    for op in "${d_ops[@]}"; do
      echo "| $op | $(med "dcalls-$op" calls) | $shown | $(ratio "$(med "dcalls-$op" calls)" "$shown") | $(med "dcalls-$op" repeated) |"
    done
    cw=$(med dwall collector)
    fw=$(med dwall floor)
    echo
    echo "| wall time, $((2 * shown)) calls | wall s | × floor | CPU s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|"
    echo "| collector details --details common,intro | $cw | $(ratio "$cw" "$fw") | $(med dwall cpu) | $(med dwall rss_mb) |"
    echo "| floor: curl --parallel, 8 at a time | $fw | 1.00 | – | – |"
  fi
  if has_part faults; then
    echo
    echo "Calls with 20 % faults on the detail calls: $(med dfaults shown) shown items; items failed after every retry: $(med dfaults failed)"
    echo
    echo "| operation | calls | shown items + faulted answers | calls / that | items asked twice |"
    echo "|---|---:|---:|---:|---:|"
    for op in "${d_ops[@]}"; do
      local need=$(($(med dfaults shown) + $(med "dfaults-$op" faults)))
      echo "| $op | $(med "dfaults-$op" calls) | $need | $(ratio "$(med "dfaults-$op" calls)" "$need") | $(med "dfaults-$op" repeated) |"
    done
  fi
  if has_part quota; then
    echo
    echo "Quota: 2,000 pending items, 3 keys × 200 calls a day per operation (last run, per key and operation):"
    echo
    echo "| key (fingerprint) | operation | used | limit | share |"
    echo "|---|---|---:|---:|---:|"
    awk '{printf "| %s | %s | %d | %d | %.1f %% |\n", substr($1, 1, 12), $2, $3, $4, 100 * $3 / $4}' "$work/dquota-shares-last"
    echo
    echo "min share $(med dquota min_share) %, counters over the limit $(med dquota over), 22s $(med dquota refused22), pending after the run $(med dquota pending)"
  fi
  if has_part rate; then
    local rate
    echo
    echo "| per-second limit R (3 keys, latency 0) | detail calls | wall s | min accepted calls/s per key | × R | max refused (23) per key | refused, all keys | 23s in the first second |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    for rate in $d_rates; do
      echo "| $rate | $(med "drate-$rate" calls) | $(med "drate-$rate" wall) | $(med "drate-$rate" min_rate) |" \
           "$(ratio "$(med "drate-$rate" min_rate)" "$rate") | $(med "drate-$rate" max_refused) % | $(med "drate-$rate" all_refused) % |" \
           "$(med "drate-$rate" burst) |"
    done
  fi
  if has_part memory; then
    echo
    echo "| collector details --budget 1000, latency 0 | calls | CPU s | peak RSS MB |"
    echo "|---:|---:|---:|---:|"
    for size in 1000 100000; do
      echo "| $size pending | $(med "dmem-$size" calls) | $(med "dmem-$size" cpu) | $(med "dmem-$size" rss_mb) |"
    done
  fi
  echo
  echo "## Details targets"
  echo
  if has_part wall; then
    for op in "${d_ops[@]}"; do
      echo "- $op calls = shown items: $(med "dcalls-$op" calls) vs $(med dwall shown) → $(verdict "$(med "dcalls-$op" calls) == $(med dwall shown)")"
    done
    echo "- wall ≤ 1.2 × floor: $(ratio "$(med dwall collector)" "$(med dwall floor)") × → $(verdict "$(med dwall collector) <= 1.2 * $(med dwall floor)")"
  fi
  if has_part faults; then
    for op in "${d_ops[@]}"; do
      local need=$(($(med dfaults shown) + $(med "dfaults-$op" faults)))
      echo "- $op calls with faults = shown items + faulted answers: $(med "dfaults-$op" calls) vs $need → $(verdict "$(med "dfaults-$op" calls) == $need")"
    done
  fi
  if has_part quota; then
    echo "- quota ≥ 98 % of every key's limit per operation, none exceeded: min $(med dquota min_share) %, 22s $(med dquota refused22) → $(verdict "$(med dquota min_share) >= 98 && $(med dquota refused22) == 0 && $(med dquota over) == 0")"
  fi
  if has_part rate; then
    for rate in $d_rates; do
      echo "- per-second R=$rate: ≥ 80 % of R per key, < 10 % refused: $(ratio "$(med "drate-$rate" min_rate)" "$rate") × R, $(med "drate-$rate" max_refused) % → $(verdict "$(med "drate-$rate" min_rate) >= 0.8 * $rate && $(med "drate-$rate" max_refused) < 10")"
    done
  fi
  if has_part memory; then
    echo "- peak RSS < 64 MB with 100,000 pending: $(med dmem-100000 rss_mb) MB → $(verdict "$(med dmem-100000 rss_mb) < 64")"
    echo "- RSS flat 1,000 → 100,000 pending (≤ 1.25 ×): $(ratio "$(med dmem-100000 rss_mb)" "$(med dmem-1000 rss_mb)") × → $(verdict "$(med dmem-100000 rss_mb) <= 1.25 * $(med dmem-1000 rss_mb)")"
  fi
}

# Not `has_part … && …`: errexit does not apply inside a function called from an && list.
run_details() {
  if has_part wall; then details_wall; fi
  if has_part faults; then details_faults; fi
  if has_part quota; then details_quota; fi
  if has_part rate; then details_rate; fi
  if has_part memory; then details_memory; fi
  details_report
}
