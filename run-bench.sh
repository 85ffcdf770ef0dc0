#!/usr/bin/env bash
# run-bench.sh - the engine against nginx and HAProxy, on this machine, in one
# invocation; prints one Markdown table of results and ratios.
#
# What it does: builds the engine (Release/JIT and native AOT), starts two
# nginx origins and, per repetition, each proxy under test in turn (rotated
# order), drives it with wrk, stops it, and reports.  The key figure is the
# proxy's CPU time per request: utime+stime of its process tree from
# /proc/PID/stat, read before and after a fixed-length run, divided by the
# requests completed.  It holds on a noisy machine where rps does not.
#
# Pinning (needs 2+ CPUs): the proxy under test on CPU 1 with one worker /
# thread (nginx worker_processes 1, HAProxy nbthread 1, the engine sees one
# CPU through its affinity); wrk, curl and both origins on CPU 0.
#
# Tests (each after a warm-up run with the same parameters):
#   small  wrk -t1 -c64 keep-alive GET /  (12-byte body): rps, p50, p99, CPU us/req
#   1m     wrk -t1 -c8 GET /1m.bin: MB/s (10^6 bytes incl. headers), CPU us per MB
#   close  wrk -t1 -c64 -H 'Connection: close' GET /: a new connection per request
#
# Usage: ./run-bench.sh [options]
#   --quick             1 rep, 3 s runs, 1 s warm-up, short noise waits (smoke test: ~3 min with
#                       incremental builds; the first AOT build adds ~3 min)
#   --reps N            repetitions, interleaved, order rotated (default 3: ~10 min)
#   --duration S        seconds per measured wrk run (default 10)
#   --warmup S          seconds of warm-up before each measured run (default 2)
#   --tests LIST        comma list from: small,1m,close (default: all)
#   --targets LIST      comma list from: engine,nginx,haproxy (default: all);
#                       "engine" means the build(s) picked by --engine-build
#   --engine-build B    aot (default), jit or both: which engine build(s) run the load tests
#   --routes N          also run each engine build as engine-<build>-routes: the same binary
#                       on a generated config of N routers (N-1 decoys that never match this
#                       traffic: exact hosts, host+prefix, prefixes, wildcards, exact paths,
#                       plus the catch-all), to compare CPU per request with the 1-route run
#   --out DIR           results directory (default: bench-results/<timestamp>)
#   --no-build          use the existing binaries (see --engine-aot / --engine-jit)
#   --engine-aot PATH   AOT binary (default: artifacts/bench/aot/engine)
#   --engine-jit PATH   JIT binary (default: src/Engine.Host/bin/Release/net10.0/engine)
#   --startup-samples N start-up/RSS samples per engine build (default 3)
#   --port-base P       ports used: P+1,P+2 origins, P+11 nginx, P+12 haproxy, P+13 engine-aot,
#                       P+14 engine-jit, P+20 start-up probe (default 18100); all on 127.0.0.1
#   --noise-max PCT     a run is noisy when foreign CPU + steal on CPUs 0-1 exceeds PCT % (default 10)
#   --retries N         re-runs of a noisy run that started on a quiet machine (default 2; --quick: 1)
#   --quiet-wait S      before each run wait up to S s for a quiet machine (default 15; --quick: 3)
#   --patience-min M    no more waiting/retrying after M minutes of measuring (default 20; --quick: 4)
#   --stop-grace S      SIGTERM, then SIGKILL after S s (default 5); slow or killed stops are reported
#   --no-install        do not check/install Debian packages (nginx haproxy wrk curl ...)
#   --no-pin            do not pin with taskset
#   --keep-work         keep the temp dir
#   -h | --help
#
# Output: bench-results/<timestamp>/{table.md,results.csv,startup.csv,memory.csv,raw/,logs/,conf/}.
# Every process it starts is stopped by PID on exit; all loads are time-bounded.
# Exit status: 0; 1 on a setup error (build, ports, packages); 2 when a target did not
# start, failed validation (wrong body, size) or died under load (the table is incomplete).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib/common.sh
. "$ROOT/bench/lib/common.sh"

REPS=3 DURATION=10 WARMUP=2 START_WARMUP=3
CONNS=64 BODY_CONNS=8
TESTS=(small 1m close)
TARGET_SEL=(engine nginx haproxy)
ENGINE_BUILD=aot
ROUTES=""
OUT=""
BUILD=1 INSTALL=1 PIN=1 KEEP=0
ENGINE_AOT="" ENGINE_JIT=""
STARTUP_SAMPLES=3
PORT_BASE=18100
NOISE_MAX=10 RETRIES=2 QUIET_WAIT=15 PATIENCE_MIN=20
STOP_GRACE=5
QUICK=0
PROXY_CPU=1 LOAD_CPU=0

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
need_arg() { (($# >= 2)) && [[ -n $2 ]] || die "$1 needs a value (see --help)"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]] || die "$2: not a number: $1"; }

while (($#)); do
  case $1 in
    --quick) QUICK=1; shift ;;
    --reps) need_arg "$@"; is_uint "$2" --reps; REPS=$2; shift 2 ;;
    --duration) need_arg "$@"; is_uint "$2" --duration; DURATION=$2; DURATION_SET=1; shift 2 ;;
    --warmup) need_arg "$@"; is_uint "$2" --warmup; WARMUP=$2; WARMUP_SET=1; shift 2 ;;
    --tests) need_arg "$@"; IFS=, read -r -a TESTS <<<"$2"; shift 2 ;;
    --targets) need_arg "$@"; IFS=, read -r -a TARGET_SEL <<<"$2"; shift 2 ;;
    --engine-build) need_arg "$@"; ENGINE_BUILD=$2; shift 2 ;;
    --routes) need_arg "$@"; is_uint "$2" --routes; ROUTES=$2; shift 2 ;;
    --out) need_arg "$@"; OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --engine-aot) need_arg "$@"; ENGINE_AOT=$2; shift 2 ;;
    --engine-jit) need_arg "$@"; ENGINE_JIT=$2; shift 2 ;;
    --startup-samples) need_arg "$@"; is_uint "$2" --startup-samples; STARTUP_SAMPLES=$2; shift 2 ;;
    --port-base) need_arg "$@"; is_uint "$2" --port-base; PORT_BASE=$2; shift 2 ;;
    --noise-max) need_arg "$@"; NOISE_MAX=$2; shift 2 ;;
    --retries) need_arg "$@"; is_uint "$2" --retries; RETRIES=$2; RETRIES_SET=1; shift 2 ;;
    --quiet-wait) need_arg "$@"; is_uint "$2" --quiet-wait; QUIET_WAIT=$2; QUIET_SET=1; shift 2 ;;
    --patience-min) need_arg "$@"; is_uint "$2" --patience-min; PATIENCE_MIN=$2; PATIENCE_SET=1; shift 2 ;;
    --stop-grace) need_arg "$@"; is_uint "$2" --stop-grace; STOP_GRACE=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-pin) PIN=0; shift ;;
    --keep-work) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
if ((QUICK)); then
  # Explicit options win over --quick's defaults.
  REPS=1; STARTUP_SAMPLES=1
  [[ -n ${DURATION_SET:-} ]] || DURATION=3
  [[ -n ${WARMUP_SET:-} ]] || WARMUP=1
  [[ -n ${RETRIES_SET:-} ]] || RETRIES=1
  [[ -n ${QUIET_SET:-} ]] || QUIET_WAIT=3
  [[ -n ${PATIENCE_SET:-} ]] || PATIENCE_MIN=4
  START_WARMUP=2
fi
((REPS >= 1 && DURATION >= 1)) || die "--reps and --duration must be >= 1"
for t in "${TESTS[@]}"; do [[ $t =~ ^(small|1m|close)$ ]] || die "unknown test: $t"; done
case $ENGINE_BUILD in aot) EBUILDS=(aot) ;; jit) EBUILDS=(jit) ;; both) EBUILDS=(aot jit) ;;
  *) die "--engine-build must be aot, jit or both" ;; esac
TARGETS=()
for t in "${TARGET_SEL[@]}"; do
  case $t in
    engine) for b in "${EBUILDS[@]}"; do TARGETS+=("engine-$b"); done ;;
    engine-aot | engine-jit | nginx | haproxy) TARGETS+=("$t") ;;
    *) die "unknown target: $t (engine, nginx, haproxy)" ;;
  esac
done
((${#TARGETS[@]})) || die "no targets"
if [[ -n $ROUTES ]]; then
  ((ROUTES >= 1)) || die "--routes must be >= 1"
  for t in "${TARGETS[@]}"; do [[ $t == engine-aot || $t == engine-jit ]] && TARGETS+=("$t-routes"); done
fi

ENGINE_AOT=${ENGINE_AOT:-$ROOT/artifacts/bench/aot/engine}
ENGINE_JIT=${ENGINE_JIT:-$ROOT/src/Engine.Host/bin/Release/net10.0/engine}
ORIGIN1_PORT=$((PORT_BASE + 1)) ORIGIN2_PORT=$((PORT_BASE + 2)) PROBE_PORT=$((PORT_BASE + 20))
declare -A T_PORT=([nginx]=$((PORT_BASE + 11)) [haproxy]=$((PORT_BASE + 12))
  [engine-aot]=$((PORT_BASE + 13)) [engine-jit]=$((PORT_BASE + 14))
  [engine-aot-routes]=$((PORT_BASE + 15)) [engine-jit-routes]=$((PORT_BASE + 16)))
declare -A T_CMD=() T_BAD=() T_RSS0=()

# ---------------------------------------------------------------- prepare --
if ((INSTALL)); then
  # nginx/haproxy/wrk are what is measured; curl, taskset (util-linux), ps (procps) drive it.
  ensure_packages nginx haproxy wrk curl util-linux procps
fi
for b in nginx haproxy wrk curl taskset ps awk; do
  command -v "$b" >/dev/null || die "$b not found (run without --no-install)"
done
if ((PIN)) && (($(nproc) < 2)); then log "fewer than 2 CPUs: not pinning"; PIN=0; fi
((PIN)) || { PROXY_CPU=""; LOAD_CPU=""; }

[[ -n $OUT ]] || OUT="$ROOT/bench-results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT/raw" "$OUT/logs" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
CSV="$OUT/results.csv"
echo "rep,target,test,attempt,requests,duration_s,rps,mb_s,p50_us,p99_us,mean_us,max_us,cpu_ms,cpu_us_per_req,cpu_us_per_mb,core_busy_pct,cpu0_busy_pct,cpu1_busy_pct,steal_pct,foreign_pct,sock_errors,non2xx,noisy,alive,rss_kb" >"$CSV"
echo "build,sample,startup_ms,idle_rss_kb,threads,binary_bytes,stop_ms,stop_rc" >"$OUT/startup.csv"
echo "rep,target,rss_after_start_kb,rss_at_stop_kb,hwm_kb,threads_at_stop,stop_ms,stop_rc,killed" >"$OUT/memory.csv"
T_START=$SECONDS

# ------------------------------------------------------------------ build --
build_engine() {
  local logf
  log "building the engine: Release (JIT)"
  logf="$OUT/logs/build-jit.log"
  (cd "$ROOT" && timeout 900 dotnet build -c Release src/Engine.Host -nologo) >"$logf" 2>&1 \
    || die "JIT build failed; see $logf"
  # The AOT publish runs on a staged copy of the sources with its own bin/ and obj/, so that its
  # runtime-specific restore and build leave the working tree's incremental build alone.
  log "building the engine: native AOT (net10.0, linux-x64)"
  logf="$OUT/logs/build-aot.log"
  local stage="$ROOT/artifacts/bench/aot-src" rid
  rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
  mkdir -p "$stage" || die "cannot create $stage"
  if [[ -d $stage/src ]]; then   # drop stale sources, keep bin/obj for an incremental build
    find "$stage/src" \( -name bin -o -name obj \) -prune -o -type f -print0 | xargs -0 -r rm -f
  fi
  (cd "$ROOT" && tar --exclude=bin --exclude=obj -cf - Directory.Build.props Directory.Packages.props \
    global.json src $(ls -d NuGet.Config nuget.config 2>/dev/null)) | tar -C "$stage" -xf - \
    || die "cannot stage sources in $stage"
  (cd "$stage" && timeout 1200 dotnet publish src/Engine.Host -c Release -r "$rid" -nologo \
    -p:PublishAot=true -o "$ROOT/artifacts/bench/aot") >"$logf" 2>&1 \
    || die "AOT publish failed; see $logf"
}
if ((BUILD)); then
  command -v dotnet >/dev/null || die "dotnet not found (or use --no-build with --engine-aot/--engine-jit)"
  build_engine
  log "builds done in $((SECONDS - T_START)) s"
fi
declare -A EBIN=([aot]=$ENGINE_AOT [jit]=$ENGINE_JIT)
for b in aot jit; do
  if [[ ! -x ${EBIN[$b]} ]]; then
    [[ " ${TARGETS[*]} " == *" engine-$b "* ]] && die "engine $b binary not found: ${EBIN[$b]}"
    log "engine $b binary not found (${EBIN[$b]}); left out of the start-up table"
    EBIN[$b]=""
  fi
done

ROUTES_NOTE=""
[[ -n $ROUTES ]] && ROUTES_NOTE="engine-*-routes: the same binary with $ROUTES routers configured ($((ROUTES - 1)) decoys that never match + the catch-all)"

# ------------------------------------------------------------- work + trap --
WORK=$(mktemp -d -t enginebench.XXXXXX) || die "mktemp failed"
mkdir -p "$WORK"/{conf,logs,run,tmp,www}
chmod 755 "$WORK" "$WORK/www" "$WORK/tmp"   # nginx workers drop root privileges
ORIGIN_PIDS=()
CURRENT_PID=""
cleanup() {
  local p d f
  trap - EXIT INT TERM
  [[ -n $CURRENT_PID ]] && stop_tree "$CURRENT_PID"
  for p in "${ORIGIN_PIDS[@]}"; do stop_tree "$p"; done
  if [[ -d $WORK ]]; then
    for d in conf logs; do
      mkdir -p "$OUT/$d"
      for f in "$WORK/$d"/*; do [[ -f $f ]] && sed "s|$WORK|\$WORK|g" "$f" >"$OUT/$d/${f##*/}"; done
    done
    if ((KEEP)); then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# start_bg CPU LOGFILE CMD: run "bash -c CMD" pinned, in the background, as a
# child of this shell (so its CPU shows in our own tree and "wait" reaps it).
# CMD should "exec" the server so BG_PID is the server itself.
start_bg() {
  if [[ -n $1 ]]; then taskset -c "$1" bash -c "$3" >"$2" 2>&1 </dev/null &
  else bash -c "$3" >"$2" 2>&1 </dev/null &
  fi
  BG_PID=$!
}
NOTES=()
note() { log "$*"; NOTES+=("$*"); }   # also listed under the tables
FAILED=0
fail_note() { note "$@"; FAILED=1; }  # a target failed: exit status 2
alive() { [[ -n $1 && -e /proc/$1 && $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

for p in $ORIGIN1_PORT $ORIGIN2_PORT $PROBE_PORT "${T_PORT[@]}"; do
  port_free "$p" || die "port 127.0.0.1:$p is in use (another benchmark?); pick --port-base"
done

# ---------------------------------------------------------------- origins --
log "work dir $WORK; results -> $OUT"
head -c 16384 /dev/urandom >"$WORK/www/16k.bin"
head -c 1048576 /dev/urandom >"$WORK/www/1m.bin"
chmod 644 "$WORK/www/"*
O1="127.0.0.1:$ORIGIN1_PORT" O2="127.0.0.1:$ORIGIN2_PORT"
for id in 1 2; do
  port=$((PORT_BASE + id))
  render "$ROOT/bench/conf/origin-nginx.conf.tmpl" "$WORK/conf/origin-$id.conf" WORK="$WORK" ID="$id" PORT="$port"
  nginx -t -q -p "$WORK/" -e "$WORK/logs/origin-$id.err" -c "$WORK/conf/origin-$id.conf" || die "origin $id config invalid"
  start_bg "$LOAD_CPU" "$WORK/logs/origin-$id.out" \
    "exec nginx -p '$WORK/' -e '$WORK/logs/origin-$id.err' -c '$WORK/conf/origin-$id.conf'"
  ORIGIN_PIDS+=("$BG_PID")
  wait_http "http://127.0.0.1:$port/" 15 || die "origin $id did not start on port $port"
done
log "origins up on $O1 $O2 (pids ${ORIGIN_PIDS[*]})"

# ---------------------------------------------------------------- targets --
render "$ROOT/bench/conf/nginx-proxy.conf.tmpl" "$WORK/conf/nginx-proxy.conf" \
  WORK="$WORK" PORT="${T_PORT[nginx]}" ORIGIN1="$O1" ORIGIN2="$O2"
nginx -t -q -p "$WORK/" -e "$WORK/logs/nginx-proxy.err" -c "$WORK/conf/nginx-proxy.conf" || die "nginx proxy config invalid"
T_CMD[nginx]="exec nginx -p '$WORK/' -e '$WORK/logs/nginx-proxy.err' -c '$WORK/conf/nginx-proxy.conf'"
render "$ROOT/bench/conf/haproxy.cfg.tmpl" "$WORK/conf/haproxy.cfg" PORT="${T_PORT[haproxy]}" ORIGIN1="$O1" ORIGIN2="$O2"
haproxy -c -q -f "$WORK/conf/haproxy.cfg" || die "haproxy config invalid"
T_CMD[haproxy]="exec haproxy -db -f '$WORK/conf/haproxy.cfg'"
engine_cmd() { # BIN PORT
  echo "exec '$1' proxy --listen 127.0.0.1:$2 --to http://$O1 --to http://$O2 --log-level warning"
}
# routes_config N PORT FILE: the catch-all router to both origins plus N-1 decoy routers of the
# kinds real configs have. None matches wrk's "GET /" with Host 127.0.0.1, so every request
# walks the compiled table to the catch-all: the cost of a big table on the hot path.
routes_config() {
  local n=$1 port=$2 file=$3
  {
    printf '[entrypoints.web]\naddress = "127.0.0.1:%s"\n\n' "$port"
    printf '[services.origins.load_balancer]\nstrategy = "round_robin"\n'
    printf '[[services.origins.load_balancer.servers]]\nurl = "http://%s"\n' "$O1"
    printf '[[services.origins.load_balancer.servers]]\nurl = "http://%s"\n\n' "$O2"
    printf '[services.decoy.load_balancer]\n[[services.decoy.load_balancer.servers]]\nurl = "http://%s"\n\n' "$O1"
    printf '[routers.catch-all]\nrule = "PathPrefix(`/`)"\nservice = "origins"\npriority = 1\n'
    awk -v n="$n" 'BEGIN {
      for (i = 1; i < n; i++) {
        k = i % 5
        if (k == 0) rule = sprintf("Host(`h%d.bench.example`)", i)
        else if (k == 1) rule = sprintf("Host(`h%d.bench.example`) && PathPrefix(`/api/%d`)", i, i)
        else if (k == 2) rule = sprintf("PathPrefix(`/svc%d/`)", i)
        else if (k == 3) rule = sprintf("Host(`*.w%d.bench.example`)", i)
        else rule = sprintf("Path(`/exact/%d`) && Method(`POST`)", i)
        printf "[routers.r%d]\nrule = \"%s\"\nservice = \"decoy\"\n", i, rule
      }
    }'
  } >"$file"
}
for b in aot jit; do
  [[ -n ${EBIN[$b]} ]] || continue
  T_CMD[engine-$b]=$(engine_cmd "${EBIN[$b]}" "${T_PORT[engine-$b]}")
  if [[ -n $ROUTES ]]; then
    routes_config "$ROUTES" "${T_PORT[engine-$b-routes]}" "$WORK/conf/engine-$b-routes.toml"
    "${EBIN[$b]}" validate --config "$WORK/conf/engine-$b-routes.toml" >/dev/null || die "generated routes config invalid"
    T_CMD[engine-$b-routes]="exec '${EBIN[$b]}' run --config '$WORK/conf/engine-$b-routes.toml' --log-level warning"
  fi
done

# ------------------------------------------------- start-up, size, idle RSS --
# Start the engine pinned to the proxy CPU and poll through it with curl
# (pinned with the load) until a request is proxied: wall time from fork to
# the first 200.  Then 1 s idle and VmRSS.  Resolution is a few ms (one curl
# per poll).
measure_startup() { # BUILD
  local b=$1 bin=${EBIN[$1]} s t0 t1 code ok pid rss thr size ms
  if [[ $b == aot ]]; then size=$(stat -c %s "$bin")
  else  # framework-dependent app: apphost + assemblies + runtimeconfig/deps (needs a shared .NET runtime)
    size=$(find "$(dirname "$bin")" -maxdepth 1 -type f ! -name '*.pdb' ! -name '*.dbg' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  fi
  for ((s = 1; s <= STARTUP_SAMPLES; s++)); do
    ok=0
    t0=$(date +%s%N)
    start_bg "$PROXY_CPU" "$WORK/logs/startup-$b-$s.out" "$(engine_cmd "$bin" "$PROBE_PORT")"
    pid=$BG_PID; CURRENT_PID=$pid
    while (($(date +%s%N) - t0 < 20000000000)); do
      code=$(pin "$LOAD_CPU" curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PROBE_PORT/" 2>/dev/null)
      [[ $code == 200 ]] && { ok=1; break; }
      alive "$pid" || break
    done
    t1=$(date +%s%N)
    if ((!ok)); then
      fail_note "engine-$b did not proxy a request within 20 s of start (see logs/startup-$b-$s.out)"
      stop_tree "$pid"; CURRENT_PID=""
      echo "$b,$s,,,,$size,$STOP_MS,$STOP_RC" >>"$OUT/startup.csv"
      continue
    fi
    ms=$(((t1 - t0) / 1000000))
    sleep 1
    rss=$(proc_status_kb "$pid" VmRSS); thr=$(threads_of "$pid")
    stop_tree "$pid"; CURRENT_PID=""
    echo "$b,$s,$ms,$rss,$thr,$size,$STOP_MS,$STOP_RC" >>"$OUT/startup.csv"
    log "engine-$b start-up sample $s: ${ms} ms to first proxied request, idle RSS $((rss / 1024)) MiB, $thr threads; stop ${STOP_MS} ms rc=$STOP_RC"
  done
}
for b in aot jit; do [[ -n ${EBIN[$b]} ]] && measure_startup "$b"; done

# --------------------------------------------------------------- measuring --
M_START=$SECONDS
patient() { ((SECONDS - M_START < PATIENCE_MIN * 60)); }
own_ticks() { cpu_ticks $$; }   # this shell + everything it started (origins, target, reaped wrk/curl)

# wait_quiet: wait (at most QUIET_WAIT s) until foreign CPU + steal on CPUs
# 0-1 is at most NOISE_MAX % over 1 s.  Sets WAS_QUIET.  On a machine that is
# busy all the time (other tenants building), waiting does not help: after 3
# waits in a row that timed out, it only probes once (1 s) until a probe
# finds the machine quiet again.
BUSY_STREAK=0
wait_quiet() {
  local limit=$QUIET_WAIT end s0 s1 h0 h1 f said=0
  WAS_QUIET=0
  patient || return 0
  ((BUSY_STREAK >= 3)) && limit=0
  end=$((SECONDS + limit))
  while :; do
    h0=$(own_ticks); s0=$(cpu_snapshot)
    sleep 1
    s1=$(cpu_snapshot); h1=$(own_ticks)
    f=$(cpu_delta "$s0" "$s1" $((h1 - h0)) | awk '{ printf "%.1f", $3 + $4 }')
    if awk -v f="$f" -v m="$NOISE_MAX" 'BEGIN { exit !(f <= m) }'; then WAS_QUIET=1; BUSY_STREAK=0; return 0; fi
    if ((SECONDS >= end)); then
      ((limit > 0)) && log "machine busy (foreign+steal ${f}%) after ${limit}s wait; measuring anyway"
      BUSY_STREAK=$((BUSY_STREAK + 1))
      ((BUSY_STREAK == 3)) && note "the machine stayed busy (foreign CPU + steal > ${NOISE_MAX}%) through 3 waits in a row; from then on only 1 s probes until it is quiet"
      return 0
    fi
    ((said)) || log "waiting for a quiet machine (foreign+steal ${f}%)"
    said=1
  done
}

start_target() { # NAME: sets CURRENT_PID; 1 if it did not come up
  local t=$1
  TLOG="$WORK/logs/$t-r$rep.out"
  start_bg "$PROXY_CPU" "$TLOG" "${T_CMD[$t]}"
  CURRENT_PID=$BG_PID
  if ! wait_http "http://127.0.0.1:${T_PORT[$t]}/" 30; then
    fail_note "$t did not answer on port ${T_PORT[$t]} (rep $rep); see logs/${TLOG##*/}"
    stop_tree "$CURRENT_PID"; CURRENT_PID=""
    return 1
  fi
  sleep 0.5
  T_RSS0[$t]=$(proc_status_kb "$CURRENT_PID" VmRSS)
}

validate_target() { # NAME: marks T_BAD[name,test] for tests that cannot run
  local t=$1 base="http://127.0.0.1:${T_PORT[$1]}" body origins="" i size
  body=$(pin "$LOAD_CPU" curl -s --max-time 5 "$base/")
  if [[ $body != "hello world" ]]; then
    fail_note "VALIDATION $t: GET / returned '${body:0:60}'"
    for i in small 1m close; do T_BAD[$t,$i]=1; done
    return
  fi
  for i in 1 2 3 4; do
    origins+="$(pin "$LOAD_CPU" curl -s -D - -o /dev/null --max-time 5 "$base/" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-origin"{print $2}') "
  done
  [[ $origins == *1* && $origins == *2* ]] || note "VALIDATION $t: round-robin not seen (X-Origin: $origins)"
  size=$(pin "$LOAD_CPU" curl -s --max-time 10 -o /dev/null -w '%{size_download}' "$base/1m.bin")
  [[ $size == 1048576 ]] || { fail_note "VALIDATION $t: /1m.bin size $size"; T_BAD[$t,1m]=1; }
  size=$(pin "$LOAD_CPU" curl -s --max-time 5 -o /dev/null -w '%{size_download}' -H 'Connection: close' "$base/")
  [[ $size == 12 ]] || { fail_note "VALIDATION $t: GET / with Connection: close returned $size bytes"; T_BAD[$t,close]=1; }
}

# record REP TARGET TEST ATTEMPT BENCHLINE TARGET_TICKS SNAP0 SNAP1 OWN_TICKS ALIVE RSS_KB
record() {
  local rep=$1 t=$2 test=$3 att=$4 line=$5 ticks=$6 util kv
  local -A v=()
  for kv in ${line#BENCH }; do v[${kv%%=*}]=${kv#*=}; done
  util=$(cpu_delta "$7" "$8" "$9")
  awk -v rep="$rep" -v t="$t" -v test="$test" -v att="$att" -v req="${v[requests]}" -v dur="${v[duration_us]}" \
    -v bytes="${v[bytes]}" -v p50="${v[p50_us]}" -v p99="${v[p99_us]}" -v mean="${v[mean_us]}" -v mx="${v[max_us]}" \
    -v serr=$((v[err_connect] + v[err_read] + v[err_write] + v[err_timeout])) -v st="${v[err_status]}" \
    -v ticks="$ticks" -v hz="$CLK_TCK" -v util="$util" -v nmax="$NOISE_MAX" -v alive="${10}" -v rss="${11}" 'BEGIN {
      split(util, u, " ")
      cpu_us = ticks * 1e6 / hz
      rps = (req > 0 && dur > 0) ? req / (dur / 1e6) : 0
      mbs = dur > 0 ? bytes / dur : 0                # bytes per us = MB/s
      cpr = req > 0 ? cpu_us / req : 0
      cpm = bytes > 0 ? cpu_us / (bytes / 1e6) : 0
      core = dur > 0 ? 100 * cpu_us / dur : 0
      noisy = (u[3] + u[4] > nmax) ? 1 : 0
      printf "%s,%s,%s,%d,%d,%.3f,%.1f,%.2f,%d,%d,%.1f,%d,%.1f,%.3f,%.2f,%.1f,%s,%s,%s,%s,%d,%d,%d,%d,%d\n",
        rep, t, test, att, req, dur / 1e6, rps, mbs, p50, p99, mean, mx, cpu_us / 1000, cpr, cpm, core,
        u[1], u[2], u[3], u[4], serr, st, noisy, alive, rss
    }' >>"$CSV"
  LAST_NOISY=$(tail -1 "$CSV" | awk -F, '{ print $23 }')
  LAST_NOISE=$(awk -v u="$util" 'BEGIN { split(u, a, " "); printf "%.1f", a[3] + a[4] }')
  tail -1 "$CSV" | awk -F, '{ printf "  %s/%s: %.0f rps, %.1f MB/s, p50 %.2f ms, p99 %.2f ms, CPU %.2f us/req, core %s%%, foreign+steal %.1f%%, errors %d, non-2xx %d, RSS %d MiB%s\n",
    $2, $3, $7, $8, $9 / 1000, $10 / 1000, $14, $16, $19 + $20, $21, $22, $25 / 1024, ($23 ? " (noisy)" : "") }' >&2
}

run_wrk() { # REP TARGET TEST ATTEMPT CONNS PATH [wrk args]
  local rep=$1 t=$2 test=$3 att=$4 conns=$5 path=$6; shift 6
  local url="http://127.0.0.1:${T_PORT[$t]}$path" raw="$OUT/raw/r$rep-$t-$test-a$att.txt"
  local c0 c1 s0 s1 h0 h1 line ok=1 rss
  if ((WARMUP > 0)); then
    pin "$LOAD_CPU" timeout $((WARMUP + 10)) wrk -t1 -c"$conns" -d"${WARMUP}s" "$@" "$url" >"${raw%.txt}.warmup.txt" 2>&1
  fi
  alive "$CURRENT_PID" || { fail_note "$t DIED during the warm-up of $test (rep $rep)"; return 1; }
  h0=$(own_ticks); c0=$(cpu_ticks "$CURRENT_PID"); s0=$(cpu_snapshot)
  pin "$LOAD_CPU" timeout $((DURATION + 15)) wrk -t1 -c"$conns" -d"${DURATION}s" --latency \
    -s "$ROOT/bench/lib/wrk-report.lua" "$@" "$url" >"$raw" 2>&1
  s1=$(cpu_snapshot); c1=$(cpu_ticks "$CURRENT_PID"); h1=$(own_ticks)
  alive "$CURRENT_PID" || ok=0
  rss=$(proc_status_kb "$CURRENT_PID" VmRSS)
  line=$(grep '^BENCH ' "$raw" | tail -1)
  if [[ -z $line ]]; then log "$t/$test: wrk produced no result (see $raw)"; ((ok)) || return 1; return 0; fi
  record "$rep" "$t" "$test" "$att" "$line" $((c1 - c0)) "$s0" "$s1" $((h1 - h0)) "$ok" "$rss"
  ((ok)) || { fail_note "$t DIED during $test (rep $rep; see logs/${TLOG##*/})"; return 1; }
}

run_test() { # REP TARGET TEST: measure, re-running noisy runs; 1 if the target died
  local rep=$1 t=$2 test=$3 att
  [[ -n ${T_BAD[$t,$test]:-} ]] && { log "  $t/$test: skipped (failed validation)"; return 0; }
  for ((att = 1; att <= RETRIES + 1; att++)); do
    LAST_NOISY=0
    wait_quiet
    case $test in
      small) run_wrk "$rep" "$t" small "$att" "$CONNS" / || return 1 ;;
      1m) run_wrk "$rep" "$t" 1m "$att" "$BODY_CONNS" /1m.bin || return 1 ;;
      close) run_wrk "$rep" "$t" close "$att" "$CONNS" / -H "Connection: close" || return 1 ;;
    esac
    [[ $LAST_NOISY == 1 ]] || return 0
    patient || return 0
    # Re-run only when a burst hit a run that started quiet; under constant load a re-run is no cleaner.
    ((WAS_QUIET)) || return 0
    ((att <= RETRIES)) && log "  $t/$test: noisy run (foreign+steal ${LAST_NOISE}%), re-running"
  done
  return 0
}

versions() {
  echo "- host: $(nproc) CPUs x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); kernel $(uname -r)"
  echo "- nginx $(nginx -v 2>&1 | sed 's/.*version: nginx\///'); HAProxy $(haproxy -v 2>/dev/null | head -1 | awk '{print $3}'); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
  local b
  for b in aot jit; do [[ -n ${EBIN[$b]} ]] && echo "- engine-$b: $("${EBIN[$b]}" --version 2>&1 | head -1)"; done
  echo "- git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' (+ uncommitted changes)')"
}
{
  echo "## Engine vs nginx vs HAProxy: $(date -u '+%Y-%m-%d %H:%M UTC'), $(hostname)"
  echo
  versions
  echo "- method: proxy pinned to CPU ${PROXY_CPU:-none} (one worker/thread), wrk + 2 nginx origins + curl on CPU ${LOAD_CPU:-none};" \
    "wrk -t1 -c$CONNS (small, close), -c$BODY_CONNS (1m), ${DURATION}s runs after ${WARMUP}s warm-up; $REPS rep(s), targets interleaved, order rotated"
  echo "- CPU = proxy process tree utime+stime (/proc/PID/stat) per request (per 10^6 bytes for 1m); x nginx / x HAProxy = target / reference" \
    "from the same repetition, median over reps (rps ratio for 1m = MB/s ratio)"
  echo "- cells: median (spread (max-min)/median when reps > 1); ! = only noisy runs (foreign CPU + steal > ${NOISE_MAX}%); * = socket errors or non-2xx"
  [[ -n $ROUTES_NOTE ]] && echo "- $ROUTES_NOTE"
  echo
} >"$OUT/header.md"

# log_summary TARGET LOGFILE: note warning/error lines a target logged during a repetition
# (engine: "warn:"/"fail:"/"crit:" lines at --log-level warning; HAProxy: [ALERT]/[WARNING]),
# grouped with connection numbers masked.
log_summary() {
  local t=$1 f=$2 n top
  [[ -f $f ]] || return 0
  n=$(grep -cE '^[0-9:]+ (warn|fail|crit):|\[(ALERT|WARNING)\]' "$f")
  ((n > 0)) || return 0
  top=$(grep -E '^[0-9:]+ (warn|fail|crit):|\[(ALERT|WARNING)\]' "$f" | sed -E -e 's/^[0-9:]+ //' -e 's/[0-9]+/N/g' \
    | cut -c1-140 | sort | uniq -c | sort -rn | head -3 | awk '{ c = $1; $1 = ""; printf "%s%dx%s", (NR > 1 ? "; " : ""), c, $0 }')
  note "$t (rep $rep) logged $n warning/error lines (logs/${f##*/}): $top"
}

N=${#TARGETS[@]}
for ((rep = 1; rep <= REPS; rep++)); do
  for ((k = 0; k < N; k++)); do
    t=${TARGETS[$(((k + rep - 1) % N))]}
    log "rep $rep/$REPS: $t"
    start_target "$t" || { for i in "${TESTS[@]}"; do T_BAD[$t,$i]=1; done; continue; }
    ((rep == 1)) && validate_target "$t"
    # JIT tiering (and caches of every proxy) settle under a first, unmeasured load.
    pin "$LOAD_CPU" timeout $((START_WARMUP + 10)) wrk -t1 -c"$CONNS" -d"${START_WARMUP}s" \
      "http://127.0.0.1:${T_PORT[$t]}/" >"$OUT/raw/r$rep-$t-initial-warmup.txt" 2>&1
    died=0
    for test in "${TESTS[@]}"; do
      run_test "$rep" "$t" "$test" || { died=1; break; }
    done
    if ((died)); then
      log "$t is not running any more; last lines of its log:"; tail -5 "$TLOG" | cut -c1-300 >&2
    fi
    rss=$(proc_status_kb "$CURRENT_PID" VmRSS); hwm=$(proc_status_kb "$CURRENT_PID" VmHWM); thr=$(threads_of "$CURRENT_PID")
    stop_tree "$CURRENT_PID"; CURRENT_PID=""
    echo "$rep,$t,${T_RSS0[$t]:-},$rss,$hwm,$thr,$STOP_MS,$STOP_RC,$STOP_KILLED" >>"$OUT/memory.csv"
    log "  $t: RSS after start $((${T_RSS0[$t]:-0} / 1024)) MiB, at stop $((rss / 1024)) MiB, peak $((hwm / 1024)) MiB, $thr threads; stopped in ${STOP_MS} ms, exit $STOP_RC$( ((STOP_KILLED)) && echo ' (KILLED)')"
    ((STOP_KILLED)) && note "$t (rep $rep) did not exit within ${STOP_GRACE} s of SIGTERM after the load: SIGKILLed"
    log_summary "$t" "$TLOG"
  done
done
MEASURE_S=$((SECONDS - M_START))

# ----------------------------------------------------------------- report --
# Per (rep, target, test) keep the last clean attempt, else the last attempt;
# medians over reps; ratios to nginx/HAProxy computed within a rep.
main_table() {
  awk -F, -v order="${TARGETS[*]}" -v tests="${TESTS[*]}" '
    FNR == 1 { next }
    {
      k = $1 SUBSEP $2 SUBSEP $3
      if (!(k in sel) || $23 == 0 || selnoisy[k]) { sel[k] = $0; selnoisy[k] = $23 }
      reps[$1] = 1
    }
    function median(arr, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = arr[i]; j = i - 1
        while (j >= 1 && arr[j] + 0 > t + 0) { arr[j + 1] = arr[j]; j-- } arr[j + 1] = t }
      return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
    }
    # stat(target, test, col): median over reps, sets SPREAD (percent) and N
    function stat(t, test, c,   r, n, a, mn, mx, x, split_, f, m) {
      n = 0; mn = ""; mx = ""
      for (r in reps) { k = r SUBSEP t SUBSEP test; if (!(k in sel)) continue
        split(sel[k], f, ","); x = f[c] + 0; a[++n] = x
        if (mn == "" || x < mn) mn = x; if (mx == "" || x > mx) mx = x }
      N = n; if (n == 0) return ""
      m = median(a, n); SPREAD = (m != 0 && n > 1) ? 100 * (mx - mn) / m : -1
      return m
    }
    function anyflag(t, test, c,   r, k, f, s) {
      s = 0
      for (r in reps) { k = r SUBSEP t SUBSEP test; if (!(k in sel)) continue; split(sel[k], f, ","); s += f[c] }
      return s
    }
    function allnoisy(t, test,   r, k, n, z) {
      n = 0; z = 0
      for (r in reps) { k = r SUBSEP t SUBSEP test; if (!(k in sel)) continue; n++; z += selnoisy[k] }
      return n > 0 && z == n
    }
    # ratio(t, ref, test, c): median over reps of t/ref in the same rep
    function ratio(t, ref, test, c,   r, kt, kr, n, a, ft, fr) {
      if (t == ref) return "-"
      n = 0
      for (r in reps) { kt = r SUBSEP t SUBSEP test; kr = r SUBSEP ref SUBSEP test
        if (!(kt in sel) || !(kr in sel)) continue
        split(sel[kt], ft, ","); split(sel[kr], fr, ",")
        if (fr[c] + 0 <= 0) continue
        a[++n] = ft[c] / fr[c] }
      return n ? sprintf("%.2f", median(a, n)) : "n/a"
    }
    function fmt(v, f) { return v == "" ? "n/a" : sprintf(f, v) (SPREAD >= 0 ? sprintf(" (%.0f%%)", SPREAD) : "") }
    BEGIN {
      print "| test | target | throughput | p50 ms | p99 ms | proxy CPU | core busy % | CPU x nginx | CPU x HAProxy | rps x nginx | rps x HAProxy | errors / non-2xx | foreign % |"
      print "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    }
    END {
      nt = split(order, T, " "); ns = split(tests, S, " ")
      for (j = 1; j <= ns; j++) { test = S[j]
        for (i = 1; i <= nt; i++) { t = T[i]
          if (stat(t, test, 7) == "") { printf "| %s | %s | n/a | | | | | | | | | | |\n", test, t; continue }
          flag = (anyflag(t, test, 21) + anyflag(t, test, 22) > 0 ? "*" : "") (allnoisy(t, test) ? "!" : "")
          if (test == "1m") { thr = fmt(stat(t, test, 8), "%.0f MB/s"); cpu = fmt(stat(t, test, 15), "%.0f us/MB"); cc = 15 }
          else { thr = fmt(stat(t, test, 7), "%.0f rps"); cpu = fmt(stat(t, test, 14), "%.2f us/req"); cc = 14 }
          p50 = fmt(stat(t, test, 9) / 1000, "%.2f"); p99 = fmt(stat(t, test, 10) / 1000, "%.2f")
          core = sprintf("%.0f", stat(t, test, 16)); fo = sprintf("%.1f", stat(t, test, 20))
          printf "| %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d | %s |\n", test, t, flag, thr, p50, p99, cpu, core,
            ratio(t, "nginx", test, cc), ratio(t, "haproxy", test, cc), ratio(t, "nginx", test, 7), ratio(t, "haproxy", test, 7),
            anyflag(t, test, 21), anyflag(t, test, 22), fo
        }
      }
    }' "$CSV"
}

memory_table() {
  echo "| build / target | binary size | start-up to 1st proxied request | idle RSS after start | RSS after load / peak (VmHWM) | threads idle / loaded | SIGTERM stop after load |"
  echo "|---|---|---|---|---|---|---|"
  local b t su rs th sz
  for b in aot jit; do
    [[ -n ${EBIN[$b]} ]] || continue
    su=$(median $(awk -F, -v b="$b" '$1 == b && $3 != "" { print $3 }' "$OUT/startup.csv"))
    rs=$(median $(awk -F, -v b="$b" '$1 == b && $4 != "" { print $4 }' "$OUT/startup.csv"))
    th=$(median $(awk -F, -v b="$b" '$1 == b && $5 != "" { print $5 }' "$OUT/startup.csv"))
    sz=$(awk -F, -v b="$b" '$1 == b { print $6; exit }' "$OUT/startup.csv")
    printf '| engine-%s | %s | %s | %s | %s |\n' "$b" \
      "$(awk -v s="$sz" -v b="$b" 'BEGIN { printf "%.1f MiB%s", s / 1048576, (b == "jit" ? " (app files; + shared .NET runtime)" : " (single file)") }')" \
      "${su:+$su ms}" "$(awk -v r="$rs" 'BEGIN { if (r != "") printf "%.1f MiB", r / 1024 }')" "$(loaded_cols "engine-$b" "${th:-?}")"
  done
  for t in nginx haproxy; do
    grep -q ",$t," "$OUT/memory.csv" || continue
    printf '| %s | - | - | %s | %s |\n' "$t" \
      "$(awk -F, -v t="$t" '$2 == t && $3 > r { r = $3 } END { printf "%.1f MiB", r / 1024 }' "$OUT/memory.csv")" "$(loaded_cols "$t" -)"
  done
}
# loaded_cols TARGET IDLE_THREADS: the load-phase columns from memory.csv (max over reps)
loaded_cols() {
  awk -F, -v t="$1" -v th="$2" '$2 == t { n++; if ($4 > r) r = $4; if ($5 > m) m = $5; if ($6 > x) x = $6
      if ($7 > s) s = $7; k += $9
      # HAProxy ends with SIGTERM itself (143); a SIGKILL shows as "SIGKILLed", not as exit 137
      if ($8 != 0 && !(t == "haproxy" && $8 == 143) && !($9 && $8 == 137)) bad = bad ", exit " $8 }
    END { if (!n) { printf "- | %s | -", th; exit }
      printf "%.1f / %.1f MiB | %s / %d | max %d ms%s%s", r / 1024, m / 1024, th, x, s,
        (k ? sprintf(", SIGKILLed %d of %d", k, n) : ""), bad }' "$OUT/memory.csv"
}

{
  cat "$OUT/header.md"
  main_table
  echo
  echo "Start-up and memory (start-up: median of $STARTUP_SAMPLES sample(s), fork to first 200 through the proxy, curl polling; RSS: VmRSS 1 s after that):"
  echo
  memory_table
  echo
  echo "Builds: JIT = dotnet build -c Release src/Engine.Host (net10.0); AOT = dotnet publish src/Engine.Host -c Release -r linux-x64 -p:PublishAot=true (net10.0, staged copy of the sources)."
  echo "Measuring took ${MEASURE_S} s (total ${SECONDS} s incl. builds)."
  if ((${#NOTES[@]})); then
    echo
    echo "Notes:"
    printf -- '- %s\n' "${NOTES[@]}"
  fi
} | tee "$OUT/table.md"
log "results: $OUT (table.md, results.csv, startup.csv, memory.csv, raw/, logs/)"
((FAILED)) && exit 2
exit 0
