#!/usr/bin/env bash
# Benchmarks the edge against a direct worker and nginx, one after another, on loopback only.
#
#   bench/run.sh                       # defaults: wrk -t2 -c32 -d10s, 10 s warm-up per target/endpoint
#   WRK_DURATION=30s bench/run.sh      # longer measured runs
#
# Targets (each started alone, measured, then stopped before the next one starts):
#   edge    java -jar edge.jar --workers=1 (the built-in demo app, one child-JVM worker, Unix socket)
#   direct  one standalone demo worker on a loopback TCP port, no proxy
#   nginx   nginx (1 worker process) proxying to one standalone demo worker on a Unix socket
#
# Environment (all optional):
#   EDGE_JAR             edge jar (default: target/edge.jar; built with ./mvnw if missing)
#   WORKER_JAVA_OPTIONS  JVM options of every demo worker (default: the edge's demo default)
#   EDGE_JAVA_OPTIONS    JVM options of the edge process itself (default: none)
#   EDGE_OPTIONS         extra edge options, e.g. "--no-metrics --no-access-log" (default: none)
#   WRK_THREADS WRK_CONNECTIONS WRK_DURATION   measured run (default 2, 32, 10s)
#   WARMUP_DURATION      warm-up run per target and endpoint, same threads/connections (default 10s;
#                        the edge JVM is still JIT-compiling (C2) after 5 s of load)
#   ENDPOINTS            space-separated request paths (default "/hello /bytes?n=65536")
#   TARGETS              subset/order of "edge direct nginx" (default all three)
#   ROUNDS               rounds of all targets, alternating (default 1); with more than one, the
#                        ratios use each target's median over the rounds (this machine is noisy)
#   NGINX_LOCATION_EXTRA extra directives for nginx's proxy location (default none)
#   STANDALONE_SCHEDULING  Linux scheduling policy of the standalone workers (direct, nginx):
#                        "normal" (default: how a worker runs when nothing says otherwise) or "batch"
#                        (SCHED_BATCH via chrt, as the edge starts its own workers by default; set
#                        EDGE_OPTIONS=--worker-scheduling=normal for the edge's side of that switch)
#   NGINX_JOB            "same" (default): nginx does the edge's job per request: X-Forwarded-For/
#                        -Proto/-Host and X-Request-Id to the worker, X-Request-Id back, and an
#                        access-log line (buffered file) unless EDGE_OPTIONS has --no-access-log;
#                        "plain": a bare proxy_pass with access_log off
#   PERF_MD              results file (default docs/edge/PERFORMANCE.md; "-" = do not write): the
#                        section between its bench markers is replaced with this run's
#   RAW_MD               file for the run's raw wrk output, between its bench-raw markers (default
#                        docs/edge/PERFORMANCE_HISTORY.md; written only when PERF_MD is)
#   IDLE_WAIT            seconds to wait for other load on the machine to stop before starting (default 60)
#   KEEP_TMP=1           keep the temporary directory (logs, raw wrk output)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DEFAULT_WORKER_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx128m"
WORKER_JAVA_OPTIONS=${WORKER_JAVA_OPTIONS:-$DEFAULT_WORKER_OPTS}
EDGE_JAVA_OPTIONS=${EDGE_JAVA_OPTIONS:-}
EDGE_OPTIONS=${EDGE_OPTIONS:-}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-10s}
WARMUP_DURATION=${WARMUP_DURATION:-10s}
ENDPOINTS=${ENDPOINTS:-"/hello /bytes?n=65536"}
TARGETS=${TARGETS:-"edge direct nginx"}
NGINX_LOCATION_EXTRA=${NGINX_LOCATION_EXTRA:-}
NGINX_JOB=${NGINX_JOB:-same}
ROUNDS=${ROUNDS:-1}
STANDALONE_SCHEDULING=${STANDALONE_SCHEDULING:-normal}
[[ $STANDALONE_SCHEDULING == normal || $STANDALONE_SCHEDULING == batch ]] \
  || { echo "STANDALONE_SCHEDULING=$STANDALONE_SCHEDULING: expected normal or batch" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || { echo "ROUNDS=$ROUNDS: expected 1-99" >&2; exit 2; }
[[ $NGINX_JOB == same || $NGINX_JOB == plain ]] || { echo "NGINX_JOB=$NGINX_JOB: expected same or plain" >&2; exit 2; }
PERF_MD=${PERF_MD:-docs/edge/PERFORMANCE.md}
RAW_MD=${RAW_MD:-docs/edge/PERFORMANCE_HISTORY.md}
EDGE_JAR=${EDGE_JAR:-target/edge.jar}
READY_TIMEOUT=60
IDLE_WAIT=${IDLE_WAIT:-60}

WRK_ARGS="-t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency"
WARMUP_ARGS="-t$WRK_THREADS -c$WRK_CONNECTIONS -d$WARMUP_DURATION"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- tools -------------------------------------------------------------------------------------

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
if ((${#missing[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null; }
  else
    die "missing ${missing[*]} (install: apt-get install -y wrk nginx-light)"
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in java curl awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"; done

if [[ ! -f $EDGE_JAR ]]; then
  [[ $EDGE_JAR == target/edge.jar ]] || die "EDGE_JAR=$EDGE_JAR does not exist"
  log "target/edge.jar is missing: building it"
  if [[ -x ./mvnw ]]; then ./mvnw -B -q package -DskipTests; else mvn -B -q package -DskipTests; fi
  [[ -f $EDGE_JAR ]] || die "the build did not produce $EDGE_JAR"
fi
EDGE_JAR=$(cd "$(dirname "$EDGE_JAR")" && pwd)/$(basename "$EDGE_JAR")

# --- processes and cleanup ---------------------------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/edge-bench.XXXXXX")
CACHE=$TMP/cache
PIDS=()  # everything this script started, killed on exit

stop_pid() {  # stop_pid PID...: TERM, wait up to 5 s, then KILL
  local pid alive i
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 50; i++)); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid children=()
  for pid in "${PIDS[@]}"; do
    # children of ours we did not start directly: edge workers, nginx worker processes
    while read -r c; do [[ -n $c ]] && children+=("$c"); done < <(pgrep -P "$pid" 2>/dev/null || true)
  done
  if ((${#PIDS[@]})); then stop_pid "${PIDS[@]}"; fi
  if ((${#children[@]})); then stop_pid "${children[@]}"; fi
  if ((rc != 0 && rc != 130 && rc != 143)); then
    local f
    for f in "$TMP"/*.log "$TMP"/nginx/logs/error.log; do
      [[ -s $f ]] || continue
      echo "--- last lines of $f" >&2
      tail -n 15 "$f" >&2
    done
  fi
  if [[ ${KEEP_TMP:-0} == 1 || $rc -ne 0 ]]; then
    log "logs and raw wrk output kept in $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

forget_pid() {  # removes stopped pids from PIDS
  local keep=() p q drop
  for p in "${PIDS[@]}"; do
    drop=0
    for q in "$@"; do [[ $p == "$q" ]] && drop=1; done
    ((drop)) || keep+=("$p")
  done
  PIDS=("${keep[@]}")
}

free_port() {  # a loopback TCP port nobody listens on, below the ephemeral range
  # (a port in the ephemeral range can be the local end of some connection, wrk's or nginx's,
  # and then binding it fails with "Address already in use")
  local port i low
  low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  ((low > 11000)) || low=32768
  for ((i = 0; i < 200; i++)); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

now_ms() { date +%s%3N; }

wait_until() {  # wait_until DESCRIPTION PID COMMAND...: polls COMMAND until it succeeds
  local what=$1 pid=$2 deadline=$(($(date +%s) + READY_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$what: process $pid exited"
    (($(date +%s) < deadline)) || die "$what: not ready within ${READY_TIMEOUT}s"
    sleep 0.05
  done
}

nginx_job_text() {
  if [[ $NGINX_JOB == plain ]]; then
    echo "bare proxy_pass, \`access_log off\`"
  elif [[ $EDGE_OPTIONS == *--no-access-log* ]]; then
    echo "the edge's job (X-Forwarded-For/-Proto/-Host, X-Request-Id both ways), \`access_log off\` like the edge"
  else
    echo "the edge's job (X-Forwarded-For/-Proto/-Host, X-Request-Id both ways, an access-log line per request to a buffered file)"
  fi
}

# --- edge --------------------------------------------------------------------------------------

EDGE_PID= EDGE_PORT= EDGE_LOG=
start_edge() {  # start_edge NAME: starts the edge, waits for "ready":1; sets EDGE_PID EDGE_PORT
  local name=$1 t0
  EDGE_PORT=$(free_port)
  EDGE_LOG=$TMP/$name.log
  t0=$(now_ms)
  # shellcheck disable=SC2086
  java $EDGE_JAVA_OPTIONS -jar "$EDGE_JAR" --http-port="$EDGE_PORT" --bind-address=127.0.0.1 --workers=1 \
    --cache-dir="$CACHE" --socket-dir="$TMP/s-$name" --worker-java-options="$WORKER_JAVA_OPTIONS" \
    $EDGE_OPTIONS </dev/null >"$EDGE_LOG" 2>&1 &
  EDGE_PID=$!
  PIDS+=("$EDGE_PID")
  wait_until "edge ($name) listening" "$EDGE_PID" grep -q "^edge: http://127.0.0.1:$EDGE_PORT/" "$EDGE_LOG"
  wait_until "edge ($name) worker ready" "$EDGE_PID" edge_ready
  EDGE_WALL_MS=$(($(now_ms) - t0))
  EDGE_SCHEDULING=$(sed -n 's/.*worker_start app=demo .*scheduling=\([a-z]*\).*/\1/p' "$EDGE_LOG" | head -n1)
  log "edge ($name) ready on :$EDGE_PORT after ${EDGE_WALL_MS} ms (pid $EDGE_PID)"
}
edge_ready() { curl -sf --max-time 2 "http://127.0.0.1:$EDGE_PORT/status" | grep -q '"ready":1'; }
edge_start_ms() {  # the first worker_ready startMs in an edge log
  sed -n 's/.*worker_ready app=demo worker=[0-9]* startMs=\([0-9]*\).*/\1/p' "$1" | head -n1
}
stop_edge() {
  local children
  children=$(pgrep -P "$EDGE_PID" 2>/dev/null || true)
  # shellcheck disable=SC2086
  stop_pid "$EDGE_PID" $children
  forget_pid "$EDGE_PID"
}

# --- standalone workers ------------------------------------------------------------------------

RUNTIME= CLASSPATH_W= ARCHIVE_OPTS=()
worker_runtime() {  # the runtime the edge extracted: class path and class-data archive
  RUNTIME=$(ls -d "$CACHE"/runtime-* 2>/dev/null | grep -v '\.tmp' | head -n1 || true)
  [[ -n $RUNTIME && -f $RUNTIME/edge-classes.jar ]] || die "no extracted runtime in $CACHE"
  CLASSPATH_W=$RUNTIME/edge-classes.jar
  local jar
  for jar in "$RUNTIME"/lib/*.jar; do CLASSPATH_W+=":$jar"; done
  ARCHIVE_OPTS=()
  if [[ -f $RUNTIME/demo.jsa ]]; then ARCHIVE_OPTS=("-XX:SharedArchiveFile=$RUNTIME/demo.jsa" -Xshare:auto); fi
}

W_PID= W_SLEEP_PID=
start_worker() {  # start_worker NAME socket|port ADDRESS: a demo worker whose stdin stays open
  local name=$1 kind=$2 address=$3 fifo=$TMP/$1.stdin t0
  rm -f "$fifo"
  mkfifo "$fifo"
  sleep infinity >"$fifo" &
  W_SLEEP_PID=$!
  PIDS+=("$W_SLEEP_PID")
  local env=(EDGE_WORKER_ID=900 EDGE_APP_ID=demo) sched=()
  if [[ $STANDALONE_SCHEDULING == batch ]]; then sched=(chrt --batch 0); fi
  if [[ $kind == socket ]]; then env+=("EDGE_WORKER_SOCKET=$address"); else env+=("EDGE_WORKER_PORT=$address"); fi
  t0=$(now_ms)
  # shellcheck disable=SC2086
  env -u EDGE_WORKER_SOCKET -u EDGE_WORKER_PORT "${env[@]}" \
    "${sched[@]}" java $WORKER_JAVA_OPTIONS "${ARCHIVE_OPTS[@]}" -cp "$CLASSPATH_W" dev.edge.demo.DemoApp \
    <"$fifo" >"$TMP/$name.log" 2>&1 &
  W_PID=$!
  PIDS+=("$W_PID")
  if [[ $kind == socket ]]; then
    wait_until "worker ($name)" "$W_PID" curl -sf --max-time 2 --unix-socket "$address" http://w/ready
  else
    wait_until "worker ($name)" "$W_PID" curl -sf --max-time 2 "http://127.0.0.1:$address/ready"
  fi
  log "worker ($name) ready after $(($(now_ms) - t0)) ms (pid $W_PID)"
}
stop_worker() {
  stop_pid "$W_PID" "$W_SLEEP_PID"
  forget_pid "$W_PID" "$W_SLEEP_PID"
}

# --- nginx -------------------------------------------------------------------------------------

NGINX_PID= NGINX_PORT=
start_nginx() {  # start_nginx UPSTREAM_SOCKET
  local sock=$1 dir=$TMP/nginx temps="" user=""
  mkdir -p "$dir/logs"
  NGINX_PORT=$(free_port)
  local v
  v=$("$NGINX" -V 2>&1)
  for m in client_body:client_body proxy:proxy fastcgi:http_fastcgi scgi:http_scgi uwsgi:http_uwsgi; do
    local kind=${m%%:*} module=${m#*:}
    if [[ $kind == client_body || $v != *"--without-${module}_module"* ]]; then
      temps+="    ${kind}_temp_path $dir/${kind}_temp;"$'\n'
    fi
  done
  # as root, nginx workers run as "nobody" and could not connect to a root-owned socket
  if [[ $EUID -eq 0 ]]; then user="user root;"; fi
  local access="access_log off;" job=""
  if [[ $NGINX_JOB == same ]]; then
    if [[ $EDGE_OPTIONS != *--no-access-log* ]]; then
      access="access_log $dir/logs/access.log combined buffer=64k flush=1s;"
    fi
    job="proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Request-Id \$request_id;
            add_header X-Request-Id \$request_id always;"
  fi
  cat >"$dir/nginx.conf" <<EOF
$user
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    $access
$temps
    upstream worker {
        server unix:$sock;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://worker;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            $job
            $NGINX_LOCATION_EXTRA
        }
    }
}
EOF
  "$NGINX" -t -q -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" || die "nginx: bad config $dir/nginx.conf"
  "$NGINX" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" </dev/null >"$dir/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_until "nginx" "$NGINX_PID" curl -sf --max-time 2 "http://127.0.0.1:$NGINX_PORT/hello"
  log "nginx ready on :$NGINX_PORT (pid $NGINX_PID)"
}
stop_nginx() {
  local children
  children=$(pgrep -P "$NGINX_PID" 2>/dev/null || true)
  # nginx: TERM = fast shutdown
  # shellcheck disable=SC2086
  stop_pid "$NGINX_PID" $children
  forget_pid "$NGINX_PID"
}

# --- measuring ---------------------------------------------------------------------------------

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {  # cpu_ticks PID...: utime+stime of the processes, in clock ticks
  local pid sum=0 stat f
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    # fields after "(comm) ": f[0] is field 3 (state), so utime (14) is f[11] and stime (15) f[12]
    read -r -a f <<<"${stat##*) }"
    sum=$((sum + f[11] + f[12]))
  done
  echo "$sum"
}

machine_ticks() {  # busy CPU ticks of the whole machine (all cores), from /proc/stat
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

children_cpu_ms() {  # children_cpu_ms FILE: user+sys CPU in ms from the output of bash's "times"
  awk 'NR == 2 {
    t = 0
    for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60000 + a[2] * 1000 }
    printf "%.0f", t }' "$1"
}

proc_ticks() {  # proc_ticks FILE: "pid ticks" of every process on the machine
  cat /proc/[0-9]*/stat 2>/dev/null | awk '{ pid = $1; sub(/.*\) /, ""); print pid, $12 + $13 }' >"$1"
}

top_others() {  # top_others BEFORE AFTER WALL_MS PID...: the busiest processes that are not ours
  local before=$1 after=$2 ms=$3 line pid rest out=""
  shift 3
  while read -r pid rest; do
    out+="${out:+; }$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60 | sed 's/ *$//') (pid $pid) $rest%"
  done < <(awk -v hz="$CLK_TCK" -v ms="$ms" -v ours=" $* " '
    NR == FNR { t0[$1] = $2; next }
    ($1 in t0) && index(ours, " " $1 " ") == 0 {
      p = 100 * ($2 - t0[$1]) / hz / (ms / 1000)
      if (p >= 5) printf "%d %.0f\n", $1, p
    }' "$before" "$after" | sort -k2,2nr | head -n3)
  echo "$out"
}

pct() {  # pct TICKS WALL_MS: CPU % (100 = one core)
  awk -v t="$1" -v hz="$CLK_TCK" -v ms="$2" 'BEGIN { printf "%.0f", 100 * t / hz / (ms / 1000) }'
}

to_ms() {  # wrk latency ("812.00us", "1.23ms", "1.02s", "1.5m") in ms
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; else if (u == "h") n *= 3600000
    printf "%.2f", n }'
}

RESULTS=()  # "target|endpoint|rps|p50|p99|proxy_cpu|proxy_us_per_req|worker_cpu|wrk_cpu|other_cpu|errors"
OTHERS=()   # busiest foreign processes during disturbed runs
check_endpoint() {  # check_endpoint URL PATH: the response is what the demo app sends
  local url=$1 path=$2 body
  case $path in
    /hello) body=$(curl -sf --max-time 5 "$url") && [[ $body == "hello from edge" ]] ;;
    /bytes\?n=*) [[ $(curl -sf --max-time 5 "$url" | wc -c) -eq ${path#*n=} ]] ;;
    *) curl -sf --max-time 5 -o /dev/null "$url" ;;
  esac || die "unexpected response from $url"
}

bench_target() {  # bench_target TARGET PORT "PROXY_PIDS" "WORKER_PIDS"
  local target=$1 port=$2 proxy_pids=$3 worker_pids=$4 path url out slug
  for path in $ENDPOINTS; do
    url="http://127.0.0.1:$port$path"
    check_endpoint "$url" "$path"
    slug=$(echo "$target${path}-r$ROUND" | tr -c 'a-zA-Z0-9\n' '_')
    log "$target $path: warm-up ($WARMUP_DURATION)"
    # shellcheck disable=SC2086
    wrk $WARMUP_ARGS "$url" >"$TMP/wrk-$slug-warmup.txt" 2>&1
    log "$target $path: measuring (wrk $WRK_ARGS)"
    local p0 w0 m0 c0 t0 p1 w1 m1 c1 t1 ms
    # shellcheck disable=SC2086
    proc_ticks "$TMP/procs0"
    p0=$(cpu_ticks $proxy_pids) w0=$(cpu_ticks $worker_pids) m0=$(machine_ticks) t0=$(now_ms)
    # "times" in this shell (not a subshell): CPU of waited-for children, so the difference is wrk's
    times >"$TMP/times0"
    # shellcheck disable=SC2086
    wrk $WRK_ARGS "$url" >"$TMP/wrk-$slug.txt" 2>&1
    times >"$TMP/times1"
    # shellcheck disable=SC2086
    p1=$(cpu_ticks $proxy_pids) w1=$(cpu_ticks $worker_pids) m1=$(machine_ticks) t1=$(now_ms)
    proc_ticks "$TMP/procs1"
    c0=$(children_cpu_ms "$TMP/times0") c1=$(children_cpu_ms "$TMP/times1")
    ms=$((t1 - t0))
    out=$TMP/wrk-$slug.txt
    local rps p50 p99 errors pcpu wcpu kcpu ocpu others
    # shellcheck disable=SC2086
    others=$(top_others "$TMP/procs0" "$TMP/procs1" "$ms" $$ $proxy_pids $worker_pids)
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    errors=$(awk '/Non-2xx/ { e += $NF } /Socket errors/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 } END { print e + 0 }' "$out")
    [[ -n $rps ]] || die "cannot parse wrk output $out"
    pcpu=$(pct "$((p1 - p0))" "$ms")
    wcpu=$(pct "$((w1 - w0))" "$ms")
    kcpu=$(awk -v c="$((c1 - c0))" -v ms="$ms" 'BEGIN { printf "%.0f", 100 * c / ms }')
    # everything else on the machine during the run: a noise indicator
    ocpu=$(awk -v m="$(pct "$((m1 - m0))" "$ms")" -v a="$pcpu" -v b="$wcpu" -v c="$kcpu" 'BEGIN { o = m - a - b - c; printf "%.0f", (o < 0 ? 0 : o) }')
    # CPU time per request of the proxy (or, for direct, of the worker), in microseconds
    local us
    us=$(awk -v c="$pcpu" -v r="$rps" 'BEGIN { printf "%.1f", (r > 0 ? c * 10000 / r : 0) }')
    if [[ -z $proxy_pids ]]; then
      pcpu=- us=$(awk -v c="$wcpu" -v r="$rps" 'BEGIN { printf "(%.1f)", (r > 0 ? c * 10000 / r : 0) }')
    fi
    RESULTS+=("$target|$path|$rps|$p50|$p99|$pcpu|$us|$wcpu|$kcpu|$ocpu|$errors|$ROUND")
    if [[ -n $others ]]; then OTHERS+=("$target $path: $others"); fi
    log "$target $path: $rps req/s, p50 $p50 ms, p99 $p99 ms; cpu% proxy $pcpu worker $wcpu wrk $kcpu other $ocpu; errors $errors${others:+; busiest others: $others}"
  done
}

# --- run ---------------------------------------------------------------------------------------

log "tmp dir $TMP; jar $EDGE_JAR"
# Other load on the machine distorts everything: wait up to IDLE_WAIT seconds for it to calm down.
idle_deadline=$(($(date +%s) + IDLE_WAIT))
while :; do
  m0=$(machine_ticks) t0=$(now_ms)
  sleep 2
  IDLE_BUSY=$(pct "$(($(machine_ticks) - m0))" "$(($(now_ms) - t0))")
  ((IDLE_BUSY > 20)) || break
  if (($(date +%s) >= idle_deadline)); then
    log "warning: the machine is ${IDLE_BUSY}% busy (100 = one core) before the benchmark starts; results will be noisy"
    break
  fi
  log "the machine is ${IDLE_BUSY}% busy (100 = one core); waiting for it to calm down"
done
log "worker options: $WORKER_JAVA_OPTIONS"

# 1. Cold edge start on an empty cache: extracts the runtime, records demo.jsa in the background.
start_edge cold
COLD_MS=$(edge_start_ms "$EDGE_LOG")
COLD_WALL_MS=$EDGE_WALL_MS
deadline=$(($(date +%s) + 60))
until ls "$CACHE"/runtime-*/demo.jsa >/dev/null 2>&1; do
  (($(date +%s) < deadline)) || { log "warning: no class-data archive after 60 s"; break; }
  sleep 0.2
done
stop_edge
worker_runtime

# 2. Warm edge start (archive present); this edge is the one measured.
start_edge warm
WARM_MS=$(edge_start_ms "$EDGE_LOG")
WARM_WALL_MS=$EDGE_WALL_MS
log "worker spawn-to-READY: cold ${COLD_MS} ms, warm ${WARM_MS} ms"

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
((ROUNDS == 1)) || log "round $ROUND of $ROUNDS"
for target in $TARGETS; do
  case $target in
    edge)
      [[ -n $EDGE_PID ]] || start_edge bench
      bench_target edge "$EDGE_PORT" "$EDGE_PID" "$(pgrep -P "$EDGE_PID" | tr '\n' ' ')"
      stop_edge
      EDGE_PID=
      ;;
    direct)
      DIRECT_PORT=$(free_port)
      start_worker direct port "$DIRECT_PORT"
      bench_target direct "$DIRECT_PORT" "" "$W_PID"
      stop_worker
      ;;
    nginx)
      start_worker nginx-worker socket "$TMP/w.sock"
      start_nginx "$TMP/w.sock"
      bench_target nginx "$NGINX_PORT" "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" "$W_PID"
      stop_nginx
      stop_worker
      ;;
    *) die "unknown target $target (expected: edge direct nginx)" ;;
  esac
done
done
[[ -z $EDGE_PID ]] || { stop_edge; EDGE_PID=; }

# --- report ------------------------------------------------------------------------------------

result() {  # result TARGET PATH FIELD(3=rps 4=p50 5=p99): the median over the rounds
  local r values=()
  for r in "${RESULTS[@]}"; do
    IFS='|' read -r -a f <<<"$r"
    if [[ ${f[0]} == "$1" && ${f[1]} == "$2" ]]; then values+=("${f[$3 - 1]}"); fi
  done
  ((${#values[@]})) || return 0
  printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }

TABLE=$'| round | target | endpoint | req/s | p50 ms | p99 ms | proxy CPU % | proxy CPU us/req | worker CPU % | wrk CPU % | other CPU % | errors |\n'
TABLE+=$'|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  TABLE+="| ${f[11]} | ${f[0]} | \`${f[1]}\` | ${f[2]} | ${f[3]} | ${f[4]} | ${f[5]} | ${f[6]} | ${f[7]} | ${f[8]} | ${f[9]} | ${f[10]} |"$'\n'
done

us_range() {  # us_range TARGET PATH: the proxy's CPU us/req over the rounds, "min-max" ("(min-max)" for direct)
  local r lo="" hi="" v paren=0
  for r in "${RESULTS[@]}"; do
    IFS='|' read -r -a f <<<"$r"
    [[ ${f[0]} == "$1" && ${f[1]} == "$2" ]] || continue
    v=${f[6]}
    if [[ $v == \(*\) ]]; then paren=1; v=${v#(}; v=${v%)}; fi
    if [[ -z $lo ]] || awk -v a="$v" -v b="$lo" 'BEGIN { exit !(a < b) }'; then lo=$v; fi
    if [[ -z $hi ]] || awk -v a="$v" -v b="$hi" 'BEGIN { exit !(a > b) }'; then hi=$v; fi
  done
  [[ -n $lo ]] || return 0
  v=$lo
  [[ $lo == "$hi" ]] || v="$lo-$hi"
  if ((paren)); then echo "($v)"; else echo "$v"; fi
}

MEDIANS=$'| target | endpoint | req/s | p50 ms | p99 ms | proxy CPU us/req |\n'
MEDIANS+=$'|---|---|---:|---:|---:|---:|\n'
for target in $TARGETS; do
  for path in $ENDPOINTS; do
    [[ -n $(result "$target" "$path" 3) ]] || continue
    MEDIANS+="| $target | \`$path\` | $(result "$target" "$path" 3) | $(result "$target" "$path" 4) | $(result "$target" "$path" 5) | $(us_range "$target" "$path") |"$'\n'
  done
done

DISTURBED=""
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  if ((f[9] > 20)); then DISTURBED+="${DISTURBED:+, }${f[0]} ${f[1]} (${f[9]}%)"; fi
done

RATIOS=$'| endpoint | edge/nginx req/s | edge/nginx p99 | edge/direct req/s | edge/direct p99 | throughput target (>= 0.8 x nginx) | p99 target (<= 1.5 x nginx) |\n'
RATIOS+=$'|---|---:|---:|---:|---:|---|---|\n'
ALL_MET=1 EVALUATED=0
for path in $ENDPOINTS; do
  tn=$(ratio "$(result edge "$path" 3)" "$(result nginx "$path" 3)")
  pn=$(ratio "$(result edge "$path" 5)" "$(result nginx "$path" 5)")
  td=$(ratio "$(result edge "$path" 3)" "$(result direct "$path" 3)")
  pd=$(ratio "$(result edge "$path" 5)" "$(result direct "$path" 5)")
  if [[ $tn == - ]]; then tmet="n/a"; elif awk -v r="$tn" 'BEGIN { exit !(r >= 0.8) }'; then tmet="met"; else tmet="**not met**"; ALL_MET=0; fi
  if [[ $pn == - ]]; then pmet="n/a"; elif awk -v r="$pn" 'BEGIN { exit !(r <= 1.5) }'; then pmet="met"; else pmet="**not met**"; ALL_MET=0; fi
  if [[ $tn != - || $pn != - ]]; then EVALUATED=1; fi
  RATIOS+="| \`$path\` | $tn | $pn | $td | $pd | $tmet | $pmet |"$'\n'
done

verdict() {  # verdict MET NOT_MET
  if ((!EVALUATED)); then echo "not evaluated (needs the edge and nginx targets)"
  elif ((ALL_MET)); then echo "$1"
  else echo "$2"; fi
}

JAVA_VERSION=$(java -version 2>&1 | head -n1 || true)
NGINX_VERSION=$("$NGINX" -v 2>&1 | head -n1 || true)
WRK_VERSION=$(wrk -v 2>&1 | head -n1 | sed "s/ Copyright.*//" || true)
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)

REPORT=$TMP/report.md
{
  echo "<!-- bench:begin -->"
  echo "<!-- Generated by bench/run.sh; everything between the bench markers is overwritten. -->"
  echo
  echo "## Last run"
  echo
  echo "- Date: $(date -u)"
  echo "- Machine: ${CPU_MODEL:-unknown CPU}, $(nproc) CPUs, ${MEM:-unknown} RAM; $(uname -sr)"
  echo "- Jar: \`$EDGE_JAR\` ($(stat -c %s "$EDGE_JAR") bytes, built $(date -u -r "$EDGE_JAR" '+%F %T') UTC); repository HEAD at run time: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes in src/ or pom.xml')"
  echo "- Java: \`$JAVA_VERSION\`; nginx: \`$NGINX_VERSION\`; wrk: \`$WRK_VERSION\`"
  echo "- Machine load before the run (2 s sample, 100 = one core): ${IDLE_BUSY}%"
  echo "- Load: \`wrk $WRK_ARGS\` per target and endpoint, after a \`wrk $WARMUP_ARGS\` warm-up; targets run one after another, each alone$( ((ROUNDS == 1)) || echo "; $ROUNDS rounds of all targets, alternating, each target started afresh per round; ratios use each target's median over the rounds")"
  echo "- Worker JVM options (all three targets): \`$WORKER_JAVA_OPTIONS\`$( ((${#ARCHIVE_OPTS[@]})) && echo " plus the class-data archive (\`-XX:SharedArchiveFile=.../demo.jsa -Xshare:auto\`)")"
  echo "- Worker scheduling (Linux policy): the edge's worker \`${EDGE_SCHEDULING:-?}\` (the edge's \`--worker-scheduling\`, default batch: \`SCHED_BATCH\`); the standalone workers of direct and nginx \`$STANDALONE_SCHEDULING\` (\`STANDALONE_SCHEDULING\`)"
  echo "- Edge: \`java ${EDGE_JAVA_OPTIONS:+$EDGE_JAVA_OPTIONS }-jar edge.jar --bind-address=127.0.0.1 --workers=1${EDGE_OPTIONS:+ $EDGE_OPTIONS}\` (Unix-socket transport; metrics and access log on unless listed; event loops: \`--event-loops\` if listed, else the default of half the cores, rounded up)"
  echo "- nginx: $(nginx_job_text), 1 worker process, upstream on a Unix socket with \`keepalive 32\`, \`proxy_http_version 1.1\`, \`proxy_set_header Connection \"\"\`${NGINX_LOCATION_EXTRA:+, plus \`$NGINX_LOCATION_EXTRA\`}"
  echo
  echo "### Throughput and latency$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)")"
  echo
  echo "$MEDIANS"
  echo "\"proxy CPU us/req\" is the edge's or nginx's CPU time per request$( ((ROUNDS == 1)) || echo ", lowest and highest round") (in"
  echo "parentheses for direct: the worker's)."
  if [[ -n $DISTURBED ]]; then
    echo
    echo "**Warning: other load on the machine during** $DISTURBED; these numbers are not trustworthy, run again."
  fi
  if ((${#OTHERS[@]})); then
    echo
    echo "Busiest other processes (>= 5 % CPU) during the measured runs:"
    echo
    for o in "${OTHERS[@]}"; do echo "- $o"; done
  fi
  echo
  echo "### Ratios and targets$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)")"
  echo
  echo "$RATIOS"
  echo "Overall: $(verdict "all targets met" "**not all targets met**")."
  echo
  echo "### Worker spawn to READY"
  echo
  echo "| start | worker_ready startMs | edge launch to \`\"ready\":1\` (ms) |"
  echo "|---|---:|---:|"
  echo "| cold (empty cache, no class-data archive yet) | ${COLD_MS:-?} | $COLD_WALL_MS |"
  echo "| warm (second start, archive present) | ${WARM_MS:-?} | $WARM_WALL_MS |"
  echo
  RAW_LINK=$(realpath -m --relative-to="$(dirname "$PERF_MD")" "$RAW_MD" 2>/dev/null || echo "$RAW_MD")
  echo "Every round and the raw \`wrk\` output: [$(basename "$RAW_MD")]($RAW_LINK), between its bench-raw markers."
  echo "<!-- bench:end -->"
} >"$REPORT"

RAW=$TMP/raw.md
{
  echo "<!-- bench-raw:begin -->"
  echo "<!-- Generated by bench/run.sh with the results file's \"Last run\"; overwritten with it. -->"
  echo
  echo "Run of $(date -u) (${CPU_MODEL:-unknown CPU}, HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $ROUNDS round$( ((ROUNDS == 1)) || echo s))."
  echo
  echo "$TABLE"
  echo "CPU % is CPU time over the measured run's wall time (100 = one core, $(nproc) cores in all): \"proxy\" is the"
  echo "edge JVM or nginx (master + worker process), \"proxy CPU us/req\" its CPU time per request (in"
  echo "parentheses for direct: the worker's), \"worker\" the demo worker JVM, \"other\" everything else on"
  echo "the machine during the run (should be near 0; if not, the run was disturbed). \"errors\" counts non-2xx"
  echo "responses and socket errors reported by wrk."
  echo
  echo "<details><summary>Raw wrk output</summary>"
  echo
  echo '```'
  for ((r = 1; r <= ROUNDS; r++)); do
    for target in $TARGETS; do
      for path in $ENDPOINTS; do
        slug=$(echo "$target${path}-r$r" | tr -c 'a-zA-Z0-9\n' '_')
        echo "### $target $path$( ((ROUNDS == 1)) || echo " (round $r)")"
        cat "$TMP/wrk-$slug.txt" 2>/dev/null || true
      done
    done
  done
  echo '```'
  echo
  echo "</details>"
  echo "<!-- bench-raw:end -->"
} >"$RAW"

echo
echo "== results =="
printf '%-7s %-16s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s\n' target endpoint req/s p50_ms p99_ms proxy% proxy_us worker% wrk% other% errors round
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  printf '%-7s %-16s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s\n' "${f[@]}"
done
echo
echo "== ratios$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)") =="
printf '%-16s %10s %10s %11s %11s\n' endpoint edge/nginx p99_ratio edge/direct p99_ratio
for path in $ENDPOINTS; do
  printf '%-16s %10s %10s %11s %11s\n' "$path" \
    "$(ratio "$(result edge "$path" 3)" "$(result nginx "$path" 3)")" "$(ratio "$(result edge "$path" 5)" "$(result nginx "$path" 5)")" \
    "$(ratio "$(result edge "$path" 3)" "$(result direct "$path" 3)")" "$(ratio "$(result edge "$path" 5)" "$(result direct "$path" 5)")"
done
echo "targets (edge >= 0.8 x nginx req/s, p99 <= 1.5 x nginx): $(verdict met "NOT met")"
echo "worker spawn-to-READY: cold ${COLD_MS:-?} ms, warm ${WARM_MS:-?} ms"
if [[ -n $DISTURBED ]]; then echo "WARNING: other load on the machine during $DISTURBED: run again"; fi

if [[ $PERF_MD != - ]]; then
  mkdir -p "$(dirname "$PERF_MD")"
  if [[ -f $PERF_MD ]] && grep -q '^<!-- bench:begin -->' "$PERF_MD" && grep -q '^<!-- bench:end -->' "$PERF_MD"; then
    awk -v report="$REPORT" '
      /^<!-- bench:begin -->/ { while ((getline line < report) > 0) print line; skip = 1; next }
      /^<!-- bench:end -->/ { skip = 0; next }
      !skip { print }' "$PERF_MD" >"$TMP/perf.md"
  else
    {
      if [[ -f $PERF_MD ]]; then cat "$PERF_MD"; else
        echo "# Edge performance"
        echo
        echo "Measured with \`bench/run.sh\`; see the script's header for its options."
      fi
      echo
      cat "$REPORT"
    } >"$TMP/perf.md"
  fi
  cat "$TMP/perf.md" >"$PERF_MD"
  log "wrote $PERF_MD"
  if [[ -f $RAW_MD ]] && grep -q '^<!-- bench-raw:begin -->' "$RAW_MD" && grep -q '^<!-- bench-raw:end -->' "$RAW_MD"; then
    awk -v raw="$RAW" '
      /^<!-- bench-raw:begin -->/ { while ((getline line < raw) > 0) print line; skip = 1; next }
      /^<!-- bench-raw:end -->/ { skip = 0; next }
      !skip { print }' "$RAW_MD" >"$TMP/raw-md.md"
  else
    { if [[ -f $RAW_MD ]]; then cat "$RAW_MD"; echo; fi; cat "$RAW"; } >"$TMP/raw-md.md"
  fi
  cat "$TMP/raw-md.md" >"$RAW_MD"
  log "wrote the raw wrk output to $RAW_MD"
fi
