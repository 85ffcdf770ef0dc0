# shellcheck shell=bash
# Helpers for run-bench.sh (sourced).  No machine-specific paths: the caller
# sets ROOT, WORK and OUT.

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- install --
# ensure_packages PKG...: apt-get install only the missing ones (idempotent).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing: ${missing[*]}"
  command -v apt-get >/dev/null || die "apt-get not found; install ${missing[*]} by hand"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install ${missing[*]}"
    sudo=(sudo)
  fi
  timeout 300 "${sudo[@]}" apt-get update -qq || log "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive timeout 600 "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# --------------------------------------------------------------- template --
# render TEMPLATE OUT VAR=value...: replaces @VAR@ tokens; fails on leftovers.
render() {
  local tmpl=$1 out=$2; shift 2
  local args=() kv k v
  for kv in "$@"; do
    k=${kv%%=*}; v=${kv#*=}
    v=${v//\\/\\\\}; v=${v//|/\\|}; v=${v//&/\\&}
    args+=(-e "s|@${k}@|${v}|g")
  done
  sed "${args[@]}" "$tmpl" >"$out" || die "cannot render $tmpl"
  if grep -q '@[A-Z0-9_]*@' "$out"; then
    die "unrendered token in $out: $(grep -o '@[A-Z0-9_]*@' "$out" | sort -u | tr '\n' ' ')"
  fi
}

# port_free PORT: true when nothing accepts on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ------------------------------------------------------------- processes --
# tree_pids PID...: the PIDs and all their live descendants.
tree_pids() {
  ps -e -o pid=,ppid= | awk -v roots="$*" '
    { par[$1] = $2 }
    END {
      n = split(roots, r, " ")
      for (i = 1; i <= n; i++) if (r[i] in par) found[r[i]] = 1
      do {
        changed = 0
        for (k in par) if (!(k in found) && (par[k] in found)) { found[k] = 1; changed = 1 }
      } while (changed)
      for (k in found) print k
    }'
}

# cpu_ticks PID...: utime+stime+cutime+cstime summed over the process trees.
# /proc/PID/stat of a process already sums all its threads; cutime/cstime
# keep the sum whole when a child in the tree exits and is reaped.
cpu_ticks() {
  local total=0 pid line f
  for pid in $(tree_pids "$@"); do
    line=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a f <<<"${line##*) }"
    # after "pid (comm) ": f[11]=utime f[12]=stime f[13]=cutime f[14]=cstime
    total=$((total + f[11] + f[12] + f[13] + f[14]))
  done
  echo "$total"
}

# cpu_snapshot: "total0 idle0 steal0 total1 idle1 steal1" for cpu0 and cpu1.
cpu_snapshot() {
  awk '/^cpu[01] / {
         t = 0; for (i = 2; i <= NF; i++) t += $i
         t -= $10 + $11            # guest time is already counted in user
         printf "%d %d %d ", t, $5 + $6, $9
       } END { print "" }' /proc/stat
}

# cpu_delta SNAP0 SNAP1 OWN_TICKS -> "cpu0_busy% cpu1_busy% steal% foreign%"
# foreign% = CPU time on CPUs 0-1 not spent by anything this harness started
# (other tenants, kernel threads), over both CPUs; steal% likewise.
cpu_delta() {
  awk -v a="$1" -v b="$2" -v h="$3" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    t0 = y[1] - x[1]; i0 = y[2] - x[2]; s0 = y[3] - x[3]
    t1 = y[4] - x[4]; i1 = y[5] - x[5]; s1 = y[6] - x[6]
    if (t0 <= 0) t0 = 1; if (t1 <= 0) t1 = 1
    f = (t0 - i0 - s0) + (t1 - i1 - s1) - h
    if (f < 0) f = 0
    printf "%.1f %.1f %.2f %.1f\n", 100 * (t0 - i0) / t0, 100 * (t1 - i1) / t1,
      100 * (s0 + s1) / (t0 + t1), 100 * f / (t0 + t1)
  }'
}

# wait_http URL SECONDS: until the URL answers HTTP 200 (curl pinned with the load).
wait_http() {
  local url=$1 secs=$2 end=$((SECONDS + $2)) code
  while ((SECONDS < end)); do
    code=$(pin "$LOAD_CPU" curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null)
    [[ $code == 200 ]] && return 0
    sleep 0.1
  done
  return 1
}

# pin CPU CMD...: run pinned when CPU is non-empty.
pin() {
  local cpu=$1; shift
  if [[ -n $cpu ]]; then taskset -c "$cpu" "$@"; else "$@"; fi
}

# proc_running PID: true while PID exists and is not a zombie.  The state is the field after the
# command name in /proc/PID/stat, read after its last ')' (a name may hold spaces or parentheses).
proc_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ -n $stat && ${stat%% *} != Z ]]
}

# stop_tree PID: TERM the process and its descendants, KILL what is left after
# STOP_GRACE s (default 5), reap it.  Only PIDs this harness started, never by name.  Sets
# STOP_RC (exit status) and STOP_MS (time to exit); STOP_KILLED=1 if KILL was
# needed.
stop_tree() {
  local root=$1 pids p i alive t0
  STOP_RC=""; STOP_MS=0; STOP_KILLED=0
  [[ -n $root ]] || return 0
  pids=$(tree_pids "$root")
  [[ -n $pids ]] || { wait "$root" 2>/dev/null; STOP_RC=$?; return 0; }
  t0=$(date +%s%N)
  kill -TERM $pids 2>/dev/null
  for ((i = 0; i < ${STOP_GRACE:-5} * 10; i++)); do
    alive=0
    for p in $pids; do proc_running "$p" && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  # Only a process still running after the grace is killed and reported. A PID that bash reaped
  # meanwhile (its /proc entry gone) or a zombie is not: reading an empty state as "running" made
  # a stop in 7 ms show as SIGKILLed.
  for p in $pids; do
    if proc_running "$p" && kill -KILL "$p" 2>/dev/null; then
      STOP_KILLED=1
    fi
  done
  wait "$root" 2>/dev/null
  STOP_RC=$?
  STOP_MS=$((($(date +%s%N) - t0) / 1000000))
  return 0
}

# proc_status_kb PID FIELD: a /proc/PID/status field in kB (VmRSS, VmHWM), summed over the tree.
proc_status_kb() {
  local total=0 pid v
  for pid in $(tree_pids "$1"); do
    v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# threads PID: thread count of the tree.
threads_of() {
  local total=0 pid v
  for pid in $(tree_pids "$1"); do
    v=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

median() { # median of the arguments (numbers)
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR == 0) { print ""; exit }
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
