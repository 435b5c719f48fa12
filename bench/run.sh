#!/usr/bin/env bash
# Benchmarks the edge against a direct worker and nginx, one after another, on loopback only.
#
#   bench/run.sh                       # defaults: wrk -t2 -c32 -d10s, 10 s warm-up per target/endpoint
#   WRK_DURATION=30s bench/run.sh      # longer measured runs
#   ENDPOINTS="/hello POST:/echo:1048576" bench/run.sh                    # a GET and a 1 MiB POST only
#   EDGE_JAR_BEFORE=/tmp/edge-before/target/edge.jar ROUNDS=5 bench/run.sh  # before/after in one run
#
# Duration: 20 s (warm-up + measured run) per target, endpoint and round, plus starts, the idle
# wait (up to IDLE_WAIT) and nginx's failing 1 MiB check (10 s, round 1 only, see Endpoints): a
# default run (ROUNDS=1, 3 targets, 4 endpoints) takes about 5 minutes, about 6.5 with edge-before;
# ROUNDS=5 about 21 minutes, about 29 with edge-before.
#
# Before/after on the same machine in one run: build the "before" jar from a commit in a separate
# work tree (the working tree and its target/ are left alone), then point EDGE_JAR_BEFORE at it:
#   git worktree add /tmp/edge-before <commit> && (cd /tmp/edge-before && ./mvnw -B -q -o package -DskipTests)
#   EDGE_JAR_BEFORE=/tmp/edge-before/target/edge.jar ROUNDS=5 bench/run.sh
#   git worktree remove /tmp/edge-before        # when done (never commit a jar)
#
# Targets (each started alone, measured, then stopped before the next one starts):
#   edge         java -jar edge.jar --workers=1 (the built-in demo app, one child-JVM worker, Unix socket)
#   edge-before  the same from EDGE_JAR_BEFORE (only with it), same options; it runs that jar's own
#                demo app, extracted into a runtime cache of its own
#   direct       one standalone demo worker on a loopback TCP port, no proxy
#   nginx        nginx (1 worker process) proxying to one standalone demo worker on a Unix socket;
#                it buffers request bodies as by default (proxy_request_buffering on,
#                client_body_buffer_size, then a temp file), client_max_body_size = the edge's
#                --max-body-mb (10m unless EDGE_OPTIONS sets it)
#
# Endpoints: a GET is its path ("/hello"); a POST is "POST:PATH:BYTES", e.g. "POST:/echo:1024": wrk
# sends BYTES of "x" as application/octet-stream through a Lua script (wrk -s) in the temp dir. Every
# endpoint is checked once per target before its warm-up: /hello's text, /bytes?n=N's length, and
# that POST /echo sends the body back byte for byte (other paths: a 2xx answer). A failed GET check
# stops the run; a failed POST check leaves that endpoint out for that target, in every round, and
# the report says why. Expected: nginx with POST:/echo:1048576. nginx stops sending a request body
# once the upstream's response has begun, and the demo's /echo answers while it reads, so past what
# the socket buffers hold (some 200 KB) both wait until the check's 10 s timeout. The edge, the
# direct worker and the 1 KiB body are not affected. The default 1 MiB POST therefore goes to the
# demo's /upload, which reads the whole body before it answers (as most apps do) with its length;
# an edge-before jar older than /upload shows that endpoint as not measured.
#
# Environment (all optional):
#   EDGE_JAR             edge jar (default: target/edge.jar; built with ./mvnw if missing)
#   EDGE_JAR_BEFORE      a second edge jar, e.g. of an older commit (see above): adds the target
#                        edge-before, reported with its ratios to nginx and the edge's to it
#   EDGE_BEFORE_OPTIONS  edge options of edge-before (default: EDGE_OPTIONS; set it when EDGE_OPTIONS
#                        has options the older jar does not know)
#   WORKER_JAVA_OPTIONS  JVM options of every demo worker (default: the edge's demo default)
#   EDGE_JAVA_OPTIONS    JVM options of the edge process itself (default: none)
#   EDGE_OPTIONS         extra edge options, e.g. "--no-metrics --no-access-log" (default: none)
#   WRK_THREADS WRK_CONNECTIONS WRK_DURATION   measured run (default 2, 32, 10s)
#   WARMUP_DURATION      warm-up run per target and endpoint, same threads/connections (default 10s;
#                        the edge JVM is still JIT-compiling (C2) after 5 s of load)
#   ENDPOINTS            space-separated endpoints, see above (default
#                        "/hello /bytes?n=65536 POST:/echo:1024 POST:/upload:1048576")
#   TARGETS              subset/order of "edge edge-before direct nginx" (default all of them,
#                        edge-before only with EDGE_JAR_BEFORE)
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
ENDPOINTS=${ENDPOINTS:-"/hello /bytes?n=65536 POST:/echo:1024 POST:/upload:1048576"}
EDGE_JAR_BEFORE=${EDGE_JAR_BEFORE:-}
EDGE_BEFORE_OPTIONS=${EDGE_BEFORE_OPTIONS-$EDGE_OPTIONS}
if [[ -n $EDGE_JAR_BEFORE ]]; then TARGETS=${TARGETS:-"edge edge-before direct nginx"}; else TARGETS=${TARGETS:-"edge direct nginx"}; fi
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
for target in $TARGETS; do
  case $target in
    edge | direct | nginx) ;;
    edge-before) [[ -n $EDGE_JAR_BEFORE ]] || die "target edge-before needs EDGE_JAR_BEFORE=/path/to/old-edge.jar" ;;
    *) die "unknown target $target (expected: edge edge-before direct nginx)" ;;
  esac
done
if [[ -n $EDGE_JAR_BEFORE ]]; then
  [[ -f $EDGE_JAR_BEFORE ]] || die "EDGE_JAR_BEFORE=$EDGE_JAR_BEFORE does not exist"
  EDGE_JAR_BEFORE=$(cd "$(dirname "$EDGE_JAR_BEFORE")" && pwd)/$(basename "$EDGE_JAR_BEFORE")
  [[ $EDGE_JAR_BEFORE != "$EDGE_JAR" ]] || die "EDGE_JAR_BEFORE is the same file as EDGE_JAR"
fi

# --- endpoints ---------------------------------------------------------------------------------

# the edge's request-body limit (--max-body-mb, 0 = none), which nginx's client_max_body_size copies
MAX_BODY_MB=10
if [[ " $EDGE_OPTIONS " =~ [[:space:]]--max-body-mb[=[:space:]]([0-9]+)[[:space:]] ]]; then MAX_BODY_MB=${BASH_REMATCH[1]}; fi
EP_METHOD= EP_PATH= EP_BYTES=
parse_endpoint() {  # parse_endpoint SPEC: sets EP_METHOD EP_PATH EP_BYTES ("" for a GET)
  if [[ $1 =~ ^POST:(/[^:]*):([0-9]+)$ ]]; then
    EP_METHOD=POST EP_PATH=${BASH_REMATCH[1]} EP_BYTES=$((10#${BASH_REMATCH[2]}))
  elif [[ $1 == /* ]]; then
    EP_METHOD=GET EP_PATH=$1 EP_BYTES=
  else
    die "endpoint $1: expected a path (/hello) or POST:PATH:BYTES (POST:/echo:1024)"
  fi
}
for spec in $ENDPOINTS; do
  parse_endpoint "$spec"
  if [[ $EP_METHOD == POST ]] && ((MAX_BODY_MB > 0 && EP_BYTES > MAX_BODY_MB * 1048576)); then
    die "endpoint $spec: the body is larger than the edge's --max-body-mb=$MAX_BODY_MB (raise it in EDGE_OPTIONS)"
  fi
done

# --- processes and cleanup ---------------------------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/edge-bench.XXXXXX")
CACHE=$TMP/cache                # the edge's runtime cache (the standalone workers run from it too)
CACHE_BEFORE=$TMP/cache-before  # edge-before's: its runtime is extracted from its own jar
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

EDGE_PID= EDGE_PORT= EDGE_LOG= EDGE_SCHEDULING= BEFORE_SCHEDULING=
start_edge() {  # start_edge edge|edge-before NAME: starts that edge, waits for "ready":1; sets EDGE_PID EDGE_PORT
  local target=$1 name=$2 t0 jar=$EDGE_JAR cache=$CACHE options=$EDGE_OPTIONS scheduling
  if [[ $target == edge-before ]]; then jar=$EDGE_JAR_BEFORE cache=$CACHE_BEFORE options=$EDGE_BEFORE_OPTIONS; fi
  EDGE_PORT=$(free_port)
  EDGE_LOG=$TMP/$name.log
  t0=$(now_ms)
  # shellcheck disable=SC2086
  java $EDGE_JAVA_OPTIONS -jar "$jar" --http-port="$EDGE_PORT" --bind-address=127.0.0.1 --workers=1 \
    --cache-dir="$cache" --socket-dir="$TMP/s-$name" --worker-java-options="$WORKER_JAVA_OPTIONS" \
    $options </dev/null >"$EDGE_LOG" 2>&1 &
  EDGE_PID=$!
  PIDS+=("$EDGE_PID")
  wait_until "$target ($name) listening" "$EDGE_PID" grep -q "^edge: http://127.0.0.1:$EDGE_PORT/" "$EDGE_LOG"
  wait_until "$target ($name) worker ready" "$EDGE_PID" edge_ready
  EDGE_WALL_MS=$(($(now_ms) - t0))
  scheduling=$(sed -n 's/.*worker_start app=demo .*scheduling=\([a-z]*\).*/\1/p' "$EDGE_LOG" | head -n1)
  if [[ $target == edge-before ]]; then BEFORE_SCHEDULING=$scheduling; else EDGE_SCHEDULING=$scheduling; fi
  log "$target ($name) ready on :$EDGE_PORT after ${EDGE_WALL_MS} ms (pid $EDGE_PID)"
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
    # request bodies: nginx's own buffering stays at its defaults (proxy_request_buffering on,
    # client_body_buffer_size, then a temp file); only the size limit follows the edge's
    client_max_body_size $( ((MAX_BODY_MB > 0)) && echo "${MAX_BODY_MB}m" || echo 0);
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
  # (cat fails when a process exits between the glob and its read: not an error, with pipefail)
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{ pid = $1; sub(/.*\) /, ""); print pid, $12 + $13 }' >"$1"
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
declare -A SKIPPED=()  # "target|endpoint" -> why its check failed (POST endpoints only)
SKIP_ORDER=()
post_files() {  # post_files BYTES: the wrk script posting BYTES, and the same body as a file for curl
  local n=$1
  [[ -f $TMP/post-$n.lua ]] && return
  cat >"$TMP/post-$n.lua" <<EOF
wrk.method = "POST"
wrk.body = string.rep("x", $n)
wrk.headers["Content-Type"] = "application/octet-stream"
EOF
  head -c "$n" /dev/zero | tr '\0' x >"$TMP/body-$n"
}

CHECK_ERR=
check_endpoint() {  # check_endpoint URL SPEC: whether the response is what the demo app sends (else CHECK_ERR says what came)
  local url=$1 spec=$2 body code rc=0 got
  CHECK_ERR=
  parse_endpoint "$spec"
  case $EP_METHOD:$EP_PATH in
    GET:/hello) body=$(curl -sf --max-time 5 "$url") && [[ $body == "hello from edge" ]] ;;
    GET:/bytes\?n=*) [[ $(curl -sf --max-time 5 "$url" | wc -c) -eq ${EP_PATH#*n=} ]] ;;
    POST:*)
      # no "Expect: 100-continue" (wrk sends none); /echo must send the body back, so its length too
      rm -f "$TMP/echoed"
      code=$(curl -s --max-time 10 -H 'Content-Type: application/octet-stream' -H 'Expect:' \
        --data-binary "@$TMP/body-$EP_BYTES" -o "$TMP/echoed" -w '%{http_code}' "$url") || rc=$?
      got=$(wc -c <"$TMP/echoed" 2>/dev/null || echo 0)
      if ((rc != 0)) || [[ $code != 2* ]]; then
        CHECK_ERR="HTTP ${code:-none}, curl exit $rc$( ((rc != 28)) || echo " (timed out after 10 s)"), $got of $EP_BYTES bytes back"
        false
      elif [[ $EP_PATH == /echo ]] && { ((got != EP_BYTES)) || ! cmp -s "$TMP/echoed" "$TMP/body-$EP_BYTES"; }; then
        CHECK_ERR="the echo is not the body sent: $got of $EP_BYTES bytes"
        false
      elif [[ $EP_PATH == /upload ]] && [[ $(cat "$TMP/echoed") != "$EP_BYTES" ]]; then
        CHECK_ERR="/upload counted $(head -c 40 "$TMP/echoed") bytes, not $EP_BYTES"
        false
      fi ;;
    *) curl -sf --max-time 5 -o /dev/null "$url" ;;
  esac
}

bench_target() {  # bench_target TARGET PORT "PROXY_PIDS" "WORKER_PIDS"
  local target=$1 port=$2 proxy_pids=$3 worker_pids=$4 path url out slug script
  for path in $ENDPOINTS; do
    parse_endpoint "$path"
    url="http://127.0.0.1:$port$EP_PATH"
    script=()
    if [[ $EP_METHOD == POST ]]; then script=(-s "$TMP/post-$EP_BYTES.lua"); fi
    if [[ -n ${SKIPPED[$target|$path]:-} ]]; then
      log "$target $path: skipped (its check failed in round 1)"
      continue
    fi
    if ! check_endpoint "$url" "$path"; then
      # a GET the demo app does not answer right means a broken setup; a POST one target cannot
      # carry (nginx and an app that answers while it reads, see the header) is reported as such
      [[ $EP_METHOD == POST ]] || die "unexpected response from $url"
      SKIPPED[$target|$path]=$CHECK_ERR
      SKIP_ORDER+=("$target|$path")
      log "warning: $target $path: unexpected response ($CHECK_ERR): not measured, in any round"
      continue
    fi
    slug=$(echo "$target${path}-r$ROUND" | tr -c 'a-zA-Z0-9\n' '_')
    log "$target $path: warm-up ($WARMUP_DURATION)"
    # shellcheck disable=SC2086
    wrk $WARMUP_ARGS "${script[@]}" "$url" >"$TMP/wrk-$slug-warmup.txt" 2>&1
    log "$target $path: measuring (wrk $WRK_ARGS${script:+ ${script[*]}})"
    local p0 w0 m0 c0 t0 p1 w1 m1 c1 t1 ms
    # shellcheck disable=SC2086
    proc_ticks "$TMP/procs0"
    p0=$(cpu_ticks $proxy_pids) w0=$(cpu_ticks $worker_pids) m0=$(machine_ticks) t0=$(now_ms)
    # "times" in this shell (not a subshell): CPU of waited-for children, so the difference is wrk's
    times >"$TMP/times0"
    # shellcheck disable=SC2086
    wrk $WRK_ARGS "${script[@]}" "$url" >"$TMP/wrk-$slug.txt" 2>&1
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

log "tmp dir $TMP; jar $EDGE_JAR${EDGE_JAR_BEFORE:+; before jar $EDGE_JAR_BEFORE}"
for spec in $ENDPOINTS; do
  parse_endpoint "$spec"
  [[ $EP_METHOD != POST ]] || post_files "$EP_BYTES"
done
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

has_target() { [[ " $TARGETS " == *" $1 "* ]]; }

# 1. Cold edge start on an empty cache: extracts the runtime, records demo.jsa in the background.
#    (edge-before likewise, in a cache of its own.)
cold_start() {  # cold_start edge|edge-before PREFIX CACHE: sets COLD_MS COLD_WALL_MS
  local deadline
  start_edge "$1" "${2}cold"
  COLD_MS=$(edge_start_ms "$EDGE_LOG")
  COLD_WALL_MS=$EDGE_WALL_MS
  deadline=$(($(date +%s) + 60))
  until ls "$3"/runtime-*/demo.jsa >/dev/null 2>&1; do
    (($(date +%s) < deadline)) || { log "warning: $1: no class-data archive after 60 s"; break; }
    sleep 0.2
  done
  stop_edge
  EDGE_PID=
}
BEFORE_COLD_MS= BEFORE_COLD_WALL_MS= BEFORE_WARM_MS= BEFORE_WARM_WALL_MS= WARM_MS= WARM_WALL_MS=
if has_target edge-before; then
  cold_start edge-before before- "$CACHE_BEFORE"
  BEFORE_COLD_MS=$COLD_MS BEFORE_COLD_WALL_MS=$COLD_WALL_MS
fi
cold_start edge "" "$CACHE"
worker_runtime

# 2. Each edge's first start in round 1 is its warm start (archive present), then measured; later
#    rounds start it afresh.
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
((ROUNDS == 1)) || log "round $ROUND of $ROUNDS"
for target in $TARGETS; do
  case $target in
    edge | edge-before)
      prefix=
      [[ $target == edge ]] || prefix=before-
      if ((ROUND == 1)); then
        start_edge "$target" "${prefix}warm"
        if [[ $target == edge ]]; then
          WARM_MS=$(edge_start_ms "$EDGE_LOG") WARM_WALL_MS=$EDGE_WALL_MS
          log "edge worker spawn-to-READY: cold ${COLD_MS} ms, warm ${WARM_MS} ms"
        else
          BEFORE_WARM_MS=$(edge_start_ms "$EDGE_LOG") BEFORE_WARM_WALL_MS=$EDGE_WALL_MS
          log "edge-before worker spawn-to-READY: cold ${BEFORE_COLD_MS} ms, warm ${BEFORE_WARM_MS} ms"
        fi
      else
        start_edge "$target" "${prefix}r$ROUND"
      fi
      bench_target "$target" "$EDGE_PORT" "$EDGE_PID" "$(pgrep -P "$EDGE_PID" | tr '\n' ' ')"
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
  esac
done
done

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

BEFORE=0
if has_target edge-before; then BEFORE=1; fi
RATIOS="| endpoint | edge/nginx req/s | edge/nginx p99 | edge/direct req/s | edge/direct p99 |"
RATIOS+="$( ((!BEFORE)) || echo " edge-before/nginx req/s | edge-before/nginx p99 | edge/edge-before req/s | edge/edge-before p99 |")"
RATIOS+=$' throughput target (>= 0.8 x nginx) | p99 target (<= 1.5 x nginx) |\n'
RATIOS+="|---|---:|---:|---:|---:|$( ((!BEFORE)) || echo "---:|---:|---:|---:|")"$'---|---|\n'
ALL_MET=1 EVALUATED=0
for path in $ENDPOINTS; do
  tn=$(ratio "$(result edge "$path" 3)" "$(result nginx "$path" 3)")
  pn=$(ratio "$(result edge "$path" 5)" "$(result nginx "$path" 5)")
  td=$(ratio "$(result edge "$path" 3)" "$(result direct "$path" 3)")
  pd=$(ratio "$(result edge "$path" 5)" "$(result direct "$path" 5)")
  before=""
  if ((BEFORE)); then
    before=" $(ratio "$(result edge-before "$path" 3)" "$(result nginx "$path" 3)") | $(ratio "$(result edge-before "$path" 5)" "$(result nginx "$path" 5)") |"
    before+=" $(ratio "$(result edge "$path" 3)" "$(result edge-before "$path" 3)") | $(ratio "$(result edge "$path" 5)" "$(result edge-before "$path" 5)") |"
  fi
  if [[ $tn == - ]]; then tmet="n/a"; elif awk -v r="$tn" 'BEGIN { exit !(r >= 0.8) }'; then tmet="met"; else tmet="**not met**"; ALL_MET=0; fi
  if [[ $pn == - ]]; then pmet="n/a"; elif awk -v r="$pn" 'BEGIN { exit !(r <= 1.5) }'; then pmet="met"; else pmet="**not met**"; ALL_MET=0; fi
  if [[ $tn != - || $pn != - ]]; then EVALUATED=1; fi
  RATIOS+="| \`$path\` | $tn | $pn | $td | $pd |$before $tmet | $pmet |"$'\n'
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

jar_text() {  # jar_text JAR: path, size, build time and, for JAR/../target/edge.jar in a git work tree, its HEAD
  local top
  printf '%s' "\`$1\` ($(stat -c %s "$1") bytes, built $(date -u -r "$1" '+%F %T') UTC)"
  top=$(git -C "$(dirname "$1")" rev-parse --show-toplevel 2>/dev/null || true)
  if [[ -n $top && $(dirname "$1") == "$top/target" && $top != "$ROOT" ]]; then
    printf '%s' " from the work tree \`$top\` at $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes in src/ or pom.xml')"
  fi
}
SKIP_TEXT="" NGINX_EARLY=0
for k in "${SKIP_ORDER[@]}"; do
  SKIP_TEXT+="- ${k%%|*} \`${k#*|}\`: ${SKIPPED[$k]}"$'\n'
  if [[ $k == nginx\|POST:/echo:* ]]; then NGINX_EARLY=1; fi
done
HAS_POST=0
for spec in $ENDPOINTS; do
  parse_endpoint "$spec"
  [[ $EP_METHOD != POST ]] || HAS_POST=1
done

REPORT=$TMP/report.md
{
  echo "<!-- bench:begin -->"
  echo "<!-- Generated by bench/run.sh; everything between the bench markers is overwritten. -->"
  echo
  echo "## Last run"
  echo
  echo "- Date: $(date -u)"
  echo "- Machine: ${CPU_MODEL:-unknown CPU}, $(nproc) CPUs, ${MEM:-unknown} RAM; $(uname -sr)"
  echo "- Jar: $(jar_text "$EDGE_JAR"); repository HEAD at run time: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes in src/ or pom.xml')"
  if ((BEFORE)); then echo "- Before jar (target edge-before): $(jar_text "$EDGE_JAR_BEFORE")"; fi
  echo "- Java: \`$JAVA_VERSION\`; nginx: \`$NGINX_VERSION\`; wrk: \`$WRK_VERSION\`"
  echo "- Machine load before the run (2 s sample, 100 = one core): ${IDLE_BUSY}%"
  echo "- Load: \`wrk $WRK_ARGS\` per target and endpoint, after a \`wrk $WARMUP_ARGS\` warm-up; targets run one after another, each alone$( ((ROUNDS == 1)) || echo "; $ROUNDS rounds of all targets, alternating, each target started afresh per round; ratios use each target's median over the rounds")"
  if ((HAS_POST)); then echo "- POST endpoints (\`POST:PATH:BYTES\`): wrk sends a body of BYTES \`x\` as \`application/octet-stream\` through a Lua script (\`wrk -s\`: \`wrk.method = \"POST\"\`, \`wrk.body = string.rep(\"x\", BYTES)\`); \`/echo\` sends it back"; fi
  echo "- Worker JVM options (all targets): \`$WORKER_JAVA_OPTIONS\`$( ((${#ARCHIVE_OPTS[@]})) && echo " plus the class-data archive (\`-XX:SharedArchiveFile=.../demo.jsa -Xshare:auto\`)")"
  echo "- Worker scheduling (Linux policy): the edge's worker \`${EDGE_SCHEDULING:-?}\`$( ((!BEFORE)) || echo ", edge-before's \`${BEFORE_SCHEDULING:-?}\`") (the edge's \`--worker-scheduling\`, default batch: \`SCHED_BATCH\`); the standalone workers of direct and nginx \`$STANDALONE_SCHEDULING\` (\`STANDALONE_SCHEDULING\`)"
  echo "- Edge: \`java ${EDGE_JAVA_OPTIONS:+$EDGE_JAVA_OPTIONS }-jar edge.jar --bind-address=127.0.0.1 --workers=1${EDGE_OPTIONS:+ $EDGE_OPTIONS}\` (Unix-socket transport; metrics and access log on unless listed; event loops: \`--event-loops\` if listed, else the default of half the cores, rounded up)$( ((!BEFORE)) || { [[ $EDGE_BEFORE_OPTIONS == "$EDGE_OPTIONS" ]] && echo "; edge-before the same" || echo "; edge-before with \`${EDGE_BEFORE_OPTIONS:-(no options)}\` instead"; })"
  echo "- nginx: $(nginx_job_text), 1 worker process, upstream on a Unix socket with \`keepalive 32\`, \`proxy_http_version 1.1\`, \`proxy_set_header Connection \"\"\`${NGINX_LOCATION_EXTRA:+, plus \`$NGINX_LOCATION_EXTRA\`}; request bodies buffered as by default (\`proxy_request_buffering on\`, \`client_body_buffer_size\` in memory, then a temp file), \`client_max_body_size $( ((MAX_BODY_MB > 0)) && echo "${MAX_BODY_MB}m" || echo 0)\` (the edge's \`--max-body-mb\`)"
  echo
  echo "### Throughput and latency$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)")"
  echo
  echo "$MEDIANS"
  echo "\"proxy CPU us/req\" is the edge's or nginx's CPU time per request$( ((ROUNDS == 1)) || echo ", lowest and highest round") (in"
  echo "parentheses for direct: the worker's)."
  if [[ -n $SKIP_TEXT ]]; then
    echo
    echo "Not measured (the endpoint's check failed on that target, so no figures and no ratios):"
    echo
    printf '%s' "$SKIP_TEXT"
    if ((NGINX_EARLY)); then
      echo
      echo "nginx stops sending a request body once the upstream's response has begun (it then closes its"
      echo "buffered copy), and the demo's \`/echo\` answers as it reads: past what the socket buffers hold"
      echo "(some 200 KB here), nginx and the worker wait on each other until a timeout."
    fi
  fi
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
  echo "| warm (second start, archive present) | ${WARM_MS:-?} | ${WARM_WALL_MS:--} |"
  if ((BEFORE)); then
    echo "| edge-before cold | ${BEFORE_COLD_MS:-?} | ${BEFORE_COLD_WALL_MS:--} |"
    echo "| edge-before warm | ${BEFORE_WARM_MS:-?} | ${BEFORE_WARM_WALL_MS:--} |"
  fi
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
        cat "$TMP/wrk-$slug.txt" 2>/dev/null || echo "(not measured)"
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
printf '%-11s %-18s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s\n' target endpoint req/s p50_ms p99_ms proxy% proxy_us worker% wrk% other% errors round
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  printf '%-11s %-18s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s\n' "${f[@]}"
done
echo
echo "== ratios$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)") =="
if ((BEFORE)); then
  printf '%-18s %10s %10s %11s %11s %12s %10s %12s %10s\n' endpoint edge/nginx p99_ratio edge/direct p99_ratio before/nginx p99_ratio edge/before p99_ratio
else
  printf '%-18s %10s %10s %11s %11s\n' endpoint edge/nginx p99_ratio edge/direct p99_ratio
fi
for path in $ENDPOINTS; do
  line=$(printf '%-18s %10s %10s %11s %11s' "$path" \
    "$(ratio "$(result edge "$path" 3)" "$(result nginx "$path" 3)")" "$(ratio "$(result edge "$path" 5)" "$(result nginx "$path" 5)")" \
    "$(ratio "$(result edge "$path" 3)" "$(result direct "$path" 3)")" "$(ratio "$(result edge "$path" 5)" "$(result direct "$path" 5)")")
  if ((BEFORE)); then
    line+=$(printf ' %12s %10s %12s %10s' \
      "$(ratio "$(result edge-before "$path" 3)" "$(result nginx "$path" 3)")" "$(ratio "$(result edge-before "$path" 5)" "$(result nginx "$path" 5)")" \
      "$(ratio "$(result edge "$path" 3)" "$(result edge-before "$path" 3)")" "$(ratio "$(result edge "$path" 5)" "$(result edge-before "$path" 5)")")
  fi
  echo "$line"
done
echo "targets (edge >= 0.8 x nginx req/s, p99 <= 1.5 x nginx): $(verdict met "NOT met")"
echo "worker spawn-to-READY: cold ${COLD_MS:-?} ms, warm ${WARM_MS:-?} ms$( ((!BEFORE)) || echo "; edge-before cold ${BEFORE_COLD_MS:-?} ms, warm ${BEFORE_WARM_MS:-?} ms")"
if [[ -n $DISTURBED ]]; then echo "WARNING: other load on the machine during $DISTURBED: run again"; fi
for k in "${SKIP_ORDER[@]}"; do echo "not measured: ${k%%|*} ${k#*|} (${SKIPPED[$k]})"; done

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
