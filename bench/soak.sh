#!/usr/bin/env bash
# bench/soak.sh - a long mixed-traffic run of the engine with origin failures
# (issue 10's soak): checks for unhandled exceptions, memory growth and failed
# requests that no counter explains.
#
# What it does: starts two nginx origins (bench/conf/origin-nginx.conf.tmpl:
# "/" answers "hello world\n", static /16k.bin and /1m.bin) and the engine
# (a generated TOML config: entrypoint 127.0.0.1:18800, admin 127.0.0.1:18801,
# one round_robin service over both origins, a router for /, access log and
# application log (level info) in --out), the engine pinned to CPU 1 and
# everything else to CPU 0 when taskset exists and there are 2+ CPUs.  Then,
# concurrently for --duration seconds:
#   keepalive  wrk -t1 -c16 GET /                      (small responses, keep-alive)
#   close      wrk -t1 -c4  GET / 'Connection: close'  (a connection per request)
#   1m         wrk -t1 -c2  GET /1m.bin                (1 MiB bodies)
#   raw        bench/lib/soak-client.py: pipelined GET/POST (Content-Length and
#              chunked bodies)/HEAD in one write, and malformed requests (bad
#              header names, bare LF, a head over 32 KiB, CONNECT, a #fragment
#              target); each must get a response or a close, never a stall
# Origin 1 is SIGKILLed (its whole process tree, by PID) at 1/3 of the duration
# and restarted 10 s later, and again at 2/3.  The engine's VmRSS is sampled
# every 5 s into rss.csv.  At the end it scrapes the admin /metrics, stops
# everything by PID and writes summary.txt (also to stdout).
#
# Usage: bench/soak.sh [--duration SECONDS] [--engine PATH] [--out DIR]
#   --duration S   load time (default 600); the run takes ~S + 20 s
#   --engine PATH  engine binary (default artifacts/aot/engine; built with
#                  "dotnet publish src/Engine.Host -c Release -r linux-x64
#                  -p:PublishAot=true -o artifacts/aot" when missing)
#   --out DIR      results (default artifacts/soak-<timestamp>): summary.txt,
#                  rss.csv, metrics.txt, engine.log, engine.out, access.log,
#                  wrk-*.txt, raw-client.json, conf/, origin logs
#
# Criteria (each a PASS/FAIL line in the summary; exit status 1 if any FAIL):
#   unhandled   no line containing "Unhandled" or "Exception" in the engine's
#               log file or its stdout/stderr, and the engine still running
#   rss         final VmRSS <= 1.10 x VmRSS after warm-up (the sample at 60 s,
#               or at 10 % of the duration when that is shorter)
#   failures    every failed request has a counted cause (see failures_check)
# Every process it starts is stopped by PID (trap on exit); all ports are on
# 127.0.0.1; nothing is killed by name.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# common.sh is written for set -u without -e: its stop_tree ends with a "wait" that returns the
# stopped process's status (143 after SIGTERM), so it is always called as "stop_tree PID || true"
# here (errexit is off inside a function called from an || list).
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

DURATION=600
ENGINE=""
OUT=""
ENTRY_PORT=18800 ADMIN_PORT=18801 ORIGIN1_PORT=18802 ORIGIN2_PORT=18803
PROXY_CPU=1 LOAD_CPU=0
STOP_GRACE=5

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --duration) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--duration needs a number of seconds"; DURATION=$2; shift 2 ;;
    --engine) [[ -n ${2:-} ]] || die "--engine needs a path"; ENGINE=$2; shift 2 ;;
    --out) [[ -n ${2:-} ]] || die "--out needs a directory"; OUT=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
((DURATION >= 30)) || die "--duration must be at least 30 s (two origin kills with 10 s outages)"

# ---------------------------------------------------------------- prepare --
ensure_packages nginx wrk curl util-linux procps python3
for b in nginx wrk curl python3 ps awk; do command -v "$b" >/dev/null || die "$b not found"; done
if ! command -v taskset >/dev/null || (($(nproc) < 2)); then
  log "no taskset or fewer than 2 CPUs: not pinning"; PROXY_CPU=""; LOAD_CPU=""
fi

ENGINE=${ENGINE:-$ROOT/artifacts/aot/engine}
if [[ ! -x $ENGINE ]]; then
  [[ $ENGINE == "$ROOT/artifacts/aot/engine" ]] || die "engine binary not found: $ENGINE"
  log "building the engine (native AOT) into artifacts/aot"
  mkdir -p "$ROOT/artifacts"
  (cd "$ROOT" && timeout 1800 dotnet publish src/Engine.Host -c Release -r linux-x64 \
    -p:PublishAot=true -o artifacts/aot) >"$ROOT/artifacts/aot-publish.log" 2>&1 \
    || die "AOT publish failed; see artifacts/aot-publish.log"
fi

[[ -n $OUT ]] || OUT="$ROOT/artifacts/soak-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT/conf" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
for p in $ENTRY_PORT $ADMIN_PORT $ORIGIN1_PORT $ORIGIN2_PORT; do
  port_free "$p" || die "port 127.0.0.1:$p is in use (another soak?)"
done

# nginx workers drop root privileges: their files live in a world-readable temp dir.
WORK=$(mktemp -d -t enginesoak.XXXXXX) || die "mktemp failed"
mkdir -p "$WORK"/{conf,logs,run,tmp,www}
chmod 755 "$WORK" "$WORK/www" "$WORK/tmp"
head -c 16384 /dev/urandom >"$WORK/www/16k.bin"
head -c 1048576 /dev/urandom >"$WORK/www/1m.bin"
chmod 644 "$WORK/www/"*

declare -A ORIGIN_PID=()
ENGINE_PID="" SAMPLER_PID=""
LOAD_PIDS=()
cleanup() {
  local p f
  trap - EXIT INT TERM
  set +e
  for p in "${LOAD_PIDS[@]}" "$SAMPLER_PID" "$ENGINE_PID" "${ORIGIN_PID[@]}"; do
    [[ -n $p ]] && stop_tree "$p"   # (cleanup runs with set +e)
  done
  if [[ -d $WORK ]]; then
    for f in "$WORK"/logs/* "$WORK"/conf/*; do [[ -f $f ]] && cp "$f" "$OUT/conf/" 2>/dev/null; done
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# start_bg CPU LOGFILE CMD: "bash -c CMD" pinned, in the background; BG_PID (CMD should exec).
start_bg() {
  if [[ -n $1 ]]; then taskset -c "$1" bash -c "$3" >"$2" 2>&1 </dev/null &
  else bash -c "$3" >"$2" 2>&1 </dev/null &
  fi
  BG_PID=$!
}
alive() { [[ -n $1 && -e /proc/$1 && $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

# ---------------------------------------------------------------- origins --
start_origin() { # ID
  local id=$1 port=$((ORIGIN1_PORT + $1 - 1))
  start_bg "$LOAD_CPU" "$WORK/logs/origin-$id.out" \
    "exec nginx -p '$WORK/' -e '$WORK/logs/origin-$id.err' -c '$WORK/conf/origin-$id.conf'"
  ORIGIN_PID[$id]=$BG_PID
  wait_http "http://127.0.0.1:$port/" 15 || die "origin $id did not start on port $port"
}
# kill_origin ID: SIGKILL the nginx master and its worker (a crash, not a graceful stop).
# The master is SIGSTOPped first: killed in the other order, a live master sees its worker die
# and forks a new one that no one would stop (it happened: an orphan worker kept the port).
kill_origin() {
  local id=$1 pids port=$((ORIGIN1_PORT + $1 - 1)) i
  kill -STOP "${ORIGIN_PID[$id]}" 2>/dev/null || true
  pids=$(tree_pids "${ORIGIN_PID[$id]}")
  # shellcheck disable=SC2086
  [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
  wait "${ORIGIN_PID[$id]}" 2>/dev/null || true
  ORIGIN_PID[$id]=""
  for ((i = 0; i < 50; i++)); do port_free "$port" && return 0; sleep 0.1; done
  log "WARNING: 127.0.0.1:$port still accepts after origin $id was killed"
}
for id in 1 2; do
  render "$ROOT/bench/conf/origin-nginx.conf.tmpl" "$WORK/conf/origin-$id.conf" \
    WORK="$WORK" ID="$id" PORT="$((ORIGIN1_PORT + id - 1))"
  nginx -t -q -p "$WORK/" -e "$WORK/logs/origin-$id.err" -c "$WORK/conf/origin-$id.conf" || die "origin $id config invalid"
  start_origin "$id"
done
log "origins up on 127.0.0.1:$ORIGIN1_PORT, :$ORIGIN2_PORT (pids ${ORIGIN_PID[*]})"

# ----------------------------------------------------------------- engine --
CONF="$OUT/conf/engine.toml"
cat >"$CONF" <<EOF
# Generated by bench/soak.sh
[entrypoints.web]
address = "127.0.0.1:$ENTRY_PORT"

[admin]
address = "127.0.0.1:$ADMIN_PORT"

[services.origins.load_balancer]
strategy = "round_robin"
[[services.origins.load_balancer.servers]]
url = "http://127.0.0.1:$ORIGIN1_PORT"
[[services.origins.load_balancer.servers]]
url = "http://127.0.0.1:$ORIGIN2_PORT"

[routers.all]
rule = "PathPrefix(\`/\`)"
service = "origins"

[access_log]
path = "$OUT/access.log"
format = "json"

[log]
level = "info"
file = "$OUT/engine.log"
EOF
"$ENGINE" validate --config "$CONF" >"$OUT/validate.txt" 2>&1 || die "generated config invalid: $(cat "$OUT/validate.txt")"
start_bg "$PROXY_CPU" "$OUT/engine.out" "exec '$ENGINE' run --config '$CONF'"
ENGINE_PID=$BG_PID
wait_http "http://127.0.0.1:$ENTRY_PORT/" 20 || die "the engine did not proxy a request within 20 s (see $OUT/engine.out)"
log "engine up (pid $ENGINE_PID), $ENGINE"

# ------------------------------------------------------------------- load --
T0=$SECONDS
WARM_AT=$((DURATION / 10 < 60 ? DURATION / 10 : 60))
echo "elapsed_s,rss_kb,threads,fds" >"$OUT/rss.csv"
sample_rss() { # ELAPSED
  local fds
  fds=$(find "/proc/$ENGINE_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l || true)
  echo "$1,$(proc_status_kb "$ENGINE_PID" VmRSS),$(threads_of "$ENGINE_PID"),$fds" >>"$OUT/rss.csv"
}
(
  while :; do
    sleep 5
    sample_rss $((SECONDS - T0))
  done
) &
SAMPLER_PID=$!

URL="http://127.0.0.1:$ENTRY_PORT"
WRK_ARGS=(-t1 -d"${DURATION}s" --timeout 10s -s "$ROOT/bench/lib/soak-wrk.lua")
start_wrk() { # KIND CONNS PATH [args]
  local kind=$1 conns=$2 path=$3; shift 3
  pin "$LOAD_CPU" timeout $((DURATION + 30)) wrk "${WRK_ARGS[@]}" -c"$conns" "$@" "$URL$path" \
    >"$OUT/wrk-$kind.txt" 2>&1 </dev/null &
  LOAD_PIDS+=($!)
}
start_wrk keepalive 16 /
start_wrk close 4 / -H 'Connection: close'
start_wrk 1m 2 /1m.bin
pin "$LOAD_CPU" timeout $((DURATION + 30)) python3 "$ROOT/bench/lib/soak-client.py" 127.0.0.1 "$ENTRY_PORT" \
  "$DURATION" "$OUT/raw-client.json" >"$OUT/raw-client.out" 2>&1 </dev/null &
LOAD_PIDS+=($!)
log "load running for ${DURATION} s (pids ${LOAD_PIDS[*]}); origin 1 killed at $((DURATION / 3)) s and $((2 * DURATION / 3)) s"

EVENTS=()
event() { EVENTS+=("$(printf '%4d s  %s' $((SECONDS - T0)) "$*")"); log "$*"; }
sleep_until() { local d=$(($1 - (SECONDS - T0))); ((d > 0)) && sleep "$d"; return 0; }
for at in $((DURATION / 3)) $((2 * DURATION / 3)); do
  sleep_until "$at"
  kill_origin 1; event "origin 1 SIGKILLed"
  sleep 10
  start_origin 1; event "origin 1 restarted (pid ${ORIGIN_PID[1]})"
done
for p in "${LOAD_PIDS[@]}"; do
  wait "$p" || log "load process $p exited with status $?"
done
event "load done"
LOAD_PIDS=()
alive "$ENGINE_PID" && ENGINE_ALIVE=1 || ENGINE_ALIVE=0
stop_tree "$SAMPLER_PID" || true; SAMPLER_PID=""
sample_rss $((SECONDS - T0))   # the final value, just before the stop
curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" >"$OUT/metrics.txt" || log "metrics scrape failed"
stop_tree "$ENGINE_PID" || true; ENGINE_STOP="exit $STOP_RC after ${STOP_MS} ms$( ((STOP_KILLED)) && echo ', SIGKILLed' || true)"; ENGINE_PID=""
for id in 1 2; do stop_tree "${ORIGIN_PID[$id]}" || true; ORIGIN_PID[$id]=""; done

# ---------------------------------------------------------------- summary --
# m NAME [LABEL=VALUE]: the metric's value (sum over series matching the label), 0 when absent.
m() {
  awk -v name="$1" -v sel="${2:-}" '
    $1 !~ /^#/ {
      n = $1; sub(/\{.*/, "", n)
      if (n != name) next
      if (sel != "") { split(sel, kv, "="); if (index($1, kv[1] "=\"" kv[2] "\"") == 0) next }
      s += $NF
    }
    END { printf "%d\n", s }' "$OUT/metrics.txt"
}
# labels NAME LABEL: "value=count" pairs of a labelled counter, non-zero only.
labels() {
  awk -v name="$1" -v lab="$2" '
    $1 !~ /^#/ { n = $1; sub(/\{.*/, "", n); if (n != name) next
      if (match($1, lab "=\"[^\"]*\"")) { v = substr($1, RSTART + length(lab) + 2, RLENGTH - length(lab) - 3); c[v] += $NF } }
    END { s = ""; for (v in c) if (c[v] > 0) s = s (s == "" ? "" : ", ") v "=" c[v]; print (s == "" ? "none" : s) }' "$OUT/metrics.txt"
}
# w KIND FIELD: a field of a wrk run's SOAK line (0 when wrk printed none).
w() { local v; v=$(grep -o "$2=[0-9]*" "$OUT/wrk-$1.txt" 2>/dev/null | head -1 | cut -d= -f2 || true); echo "${v:-0}"; }
# r FIELD: a total of the raw client.
r() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"].get(sys.argv[2], 0))' "$OUT/raw-client.json" "$1" 2>/dev/null || echo 0; }

RSS_WARM=$(awk -F, -v t="$WARM_AT" 'NR > 1 && $1 >= t { print $2; exit }' "$OUT/rss.csv")
RSS_END=$(tail -1 "$OUT/rss.csv" | cut -d, -f2)
RSS_MAX=$(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print m + 0 }' "$OUT/rss.csv")
EXC=$(cat "$OUT/engine.log" "$OUT/engine.out" 2>/dev/null | grep -cE 'Unhandled|Exception' || true)

WRK_5XX=0 WRK_SOCK=0 WRK_TIMEOUT=0
for k in keepalive close 1m; do
  WRK_5XX=$((WRK_5XX + $(w $k s5xx)))
  WRK_SOCK=$((WRK_SOCK + $(w $k err_connect) + $(w $k err_read) + $(w $k err_write)))
  WRK_TIMEOUT=$((WRK_TIMEOUT + $(w $k err_timeout)))
done
RAW_5XX=$(r s5xx)
# The raw client's failures that are socket-level: a connection that ended in a response body,
# or before the head of a valid request without a "Connection: close" before it.
RAW_SOCK=$(($(r eof_in_body) + $(r eof_before_head) + $(r reset) + $(r connect_error)))
RAW_BAD=$(($(r stall) + $(r protocol_error)))

U_502=$(($(m engine_upstream_errors_total kind=connect_refused) + $(m engine_upstream_errors_total kind=connect_failed) \
  + $(m engine_upstream_errors_total kind=reset_before_response) + $(m engine_upstream_errors_total kind=invalid_response)))
U_503=$(($(m engine_upstream_errors_total kind=no_destination) + $(m engine_upstream_errors_total kind=pool_full)))
U_504=$(($(m engine_upstream_errors_total kind=connect_timeout) + $(m engine_upstream_errors_total kind=response_timeout)))
R_5XX=$(($(m engine_request_rejections_total reason=unrecognized_http_version) + $(m engine_request_rejections_total reason=method_not_implemented)))
CAUSES_5XX=$((U_502 + U_503 + U_504 + R_5XX))
ENGINE_5XX=$(m engine_responses_total code_class=5xx)
RESET_BODY=$(m engine_upstream_errors_total kind=reset_during_body)
CLIENT_5XX=$((WRK_5XX + RAW_5XX))
CLIENT_SOCK=$((WRK_SOCK + RAW_SOCK))

# failures_check -- what it proves and what it cannot:
#  * 5xx: every 5xx a client saw was sent by the engine (client_5xx <= engine_responses{5xx}),
#    and every 5xx the engine sent has a counted cause: an upstream error of a kind that answers
#    5xx (connect_refused/connect_failed/reset_before_response/invalid_response -> 502,
#    no_destination/pool_full -> 503, connect/response timeouts -> 504) or a rejection answered
#    5xx (CONNECT -> 501, HTTP/2.0 -> 505): engine_responses{5xx} <= those counters.  The origins
#    (nginx serving a fixed body and static files) never answer 5xx themselves, so a 5xx from
#    an internal engine fault (a 500) would exceed the causes and fail the check.
#  * socket failures (wrk connect/read/write errors, the raw client's cut connections): each
#    must be covered by an engine-side close it counted, reset_during_body (the origin died
#    in the middle of a body, so the engine cuts the client's connection; the 1 MiB load
#    makes these the expected case).  wrk's timeouts (no response in 10 s) and the raw
#    client's stalls and unparseable responses have no cause the engine counts: they must be 0.
#  * It compares totals, not individual requests: a counted cause may "explain" a different
#    failure than the one it belongs to, counters also include requests whose clients gave
#    up (wrk stopping at the end: engine_client_aborts_total), and a cause that produced no
#    visible failure only makes the inequality looser.  Joining each failure to its access-log
#    line would prove more; this proves that failures do not outnumber their counted causes
#    and that the engine sent no 5xx it cannot attribute.
FAIL=0
verdict() { if (($1)); then echo "PASS  $2"; else echo "FAIL  $2"; FAIL=1; fi; }
ratio=$(awk -v a="${RSS_END:-0}" -v b="${RSS_WARM:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')
rss_ok=$(awk -v a="${RSS_END:-0}" -v b="${RSS_WARM:-0}" 'BEGIN { print (b > 0 && a <= 1.10 * b) ? 1 : 0 }')

{
  echo "== Engine soak: $(date -u '+%Y-%m-%d %H:%M UTC'), $(hostname), ${DURATION} s, git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
  echo "engine: $ENGINE ($("$ENGINE" --version 2>&1 | head -1)); pinned: engine CPU ${PROXY_CPU:-none}, load+origins CPU ${LOAD_CPU:-none}"
  echo "events:"; printf '  %s\n' "${EVENTS[@]}"
  echo "load (requests; 2xx / 4xx / 5xx; socket errors connect/read/write; timeouts):"
  for k in keepalive close 1m; do
    printf '  %-10s %9d; %d / %d / %d; %d/%d/%d; %d\n' "$k" "$(w $k requests)" "$(w $k s2xx)" "$(w $k s4xx)" "$(w $k s5xx)" \
      "$(w $k err_connect)" "$(w $k err_read)" "$(w $k err_write)" "$(w $k err_timeout)"
  done
  printf '  %-10s %9d; %d / %d / %d; closed %d, reset %d, cut in body %d, unanswered %d (after Connection: close %d), stalls %d, protocol errors %d, malformed accepted %d\n' \
    raw "$(r requests)" "$(r s2xx)" "$(r s4xx)" "$(r s5xx)" "$(r closed)" "$(r reset)" "$(r eof_in_body)" "$(r eof_before_head)" \
    "$(r unanswered_after_close)" "$(r stall)" "$(r protocol_error)" "$(r accepted_malformed)"
  python3 -c 'import json, sys
for k, v in sorted(json.load(open(sys.argv[1]))["scenarios"].items()):
    print("    %s: %s" % (k, ", ".join("%s=%s" % kv for kv in sorted(v.items()))))' "$OUT/raw-client.json" 2>/dev/null || true
  echo "engine counters:"
  echo "  requests_total $(m engine_requests_total); responses by class: $(labels engine_responses_total code_class)"
  echo "  rejections: $(labels engine_request_rejections_total reason)"
  echo "  upstream errors: $(labels engine_upstream_errors_total kind); retries $(m engine_upstream_retries_total)"
  echo "  client aborts $(m engine_client_aborts_total); connections accepted $(m engine_connections_accepted_total), open at end $(m engine_open_connections)"
  echo "  access log lines: $(labels engine_access_log_lines_total result)"
  echo "engine: alive at end $ENGINE_ALIVE; stop: $ENGINE_STOP; log lines with Unhandled|Exception: $EXC"
  echo "RSS: after warm-up (${WARM_AT} s) ${RSS_WARM:-?} kB, end ${RSS_END:-?} kB, ratio $ratio, max $RSS_MAX kB (rss.csv)"
  echo "failures: clients saw 5xx $CLIENT_5XX (wrk $WRK_5XX, raw $RAW_5XX); engine sent 5xx $ENGINE_5XX; counted 5xx causes $CAUSES_5XX" \
    "(502 $U_502, 503 $U_503, 504 $U_504, rejections $R_5XX)"
  echo "          socket failures $CLIENT_SOCK (wrk $WRK_SOCK, raw $RAW_SOCK) vs reset_during_body $RESET_BODY; wrk timeouts $WRK_TIMEOUT; raw stalls+protocol errors $RAW_BAD"
  verdict "$((EXC == 0 && ENGINE_ALIVE == 1))" "0 unhandled exceptions ($EXC matching log lines; engine alive at end: $ENGINE_ALIVE)"
  verdict "$rss_ok" "final RSS <= 1.10 x warm-up RSS (ratio $ratio)"
  verdict "$((CLIENT_5XX <= ENGINE_5XX && ENGINE_5XX <= CAUSES_5XX && CLIENT_SOCK <= RESET_BODY && WRK_TIMEOUT == 0 && RAW_BAD == 0))" \
    "failed requests explained (5xx $CLIENT_5XX <= $ENGINE_5XX <= $CAUSES_5XX; socket $CLIENT_SOCK <= $RESET_BODY; timeouts/stalls/protocol errors $((WRK_TIMEOUT + RAW_BAD)) == 0)"
  ((EXC == 0)) || { echo "matching log lines (first 20):"; cat "$OUT/engine.log" "$OUT/engine.out" 2>/dev/null | grep -E 'Unhandled|Exception' | head -20 | cut -c1-400; }
  echo "results: $OUT"
} >"$OUT/summary.txt"   # not "| tee": FAIL must be set in this shell, not in a pipeline's subshell
cat "$OUT/summary.txt"
exit "$FAIL"
