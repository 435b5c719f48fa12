#!/usr/bin/env bash
# Benchmarks the edge against nginx, HAProxy and Caddy in the same run, all proxying to the same
# worker sockets, and against a direct worker; one target after another, on loopback only.
#
#   bench/run.sh                       # defaults: wrk -t2 -c32 -d10s, 10 s warm-up per target/endpoint
#   ROUNDS=3 bench/run.sh              # the recorded run: 3 alternating rounds, ratios of medians
#   ROUNDS=1 WRK_DURATION=2s WARMUP_DURATION=2s PERF_MD=- bench/run.sh   # a quick check of the script
#   ENDPOINTS="/hello POST:/echo:1048576" TARGETS="edge nginx haproxy" bench/run.sh
#   EDGE_JAR_BEFORE=/tmp/edge-before/target/edge.jar ROUNDS=3 bench/run.sh  # before/after in one run
#
# Duration: 20 s (warm-up + measured run) per target, endpoint and round, plus starts, the idle wait
# (up to IDLE_WAIT) and nginx's failing 1 MiB check (see Endpoints): with the default 6 targets and
# 4 endpoints a round takes about 9 minutes (11 with edge-before), ROUNDS=3 about 26 (32).
#
# Before/after on the same machine in one run: build the "before" jar from a commit in a separate
# work tree (the working tree and its target/ are left alone), then point EDGE_JAR_BEFORE at it:
#   git worktree add /tmp/edge-before <commit> && (cd /tmp/edge-before && ./mvnw -B -q -o package -DskipTests)
#   EDGE_JAR_BEFORE=/tmp/edge-before/target/edge.jar ROUNDS=3 bench/run.sh
#   git worktree remove /tmp/edge-before        # when done (never commit a jar)
#
# The shared workers. The edge can only send app traffic to workers it started itself (proxy routes
# take http(s) URLs, not Unix sockets), so each round starts the edge with --workers=WORKERS (2)
# demo workers on Unix sockets and every proxy below is pointed at those same sockets: the same
# worker processes, JVM options, scheduling (the edge's --worker-scheduling, SCHED_BATCH by default)
# and warmth for all of them. While a proxy other than the edge is measured, the edge stays up,
# idle, only to keep its workers (health checks every 5 s; its CPU shows as "other"). Within a round
# the order of these targets rotates, so no proxy always meets freshly started workers. In round 1
# the edge's idle RSS is read once its first idle memory release has run (/diagnostics
# memory.releases >= 1, at most 40 s; --memory-release-idle-ms), and again after the round's load.
#
# Targets (each measured alone; proxies are started, measured, then stopped before the next one):
#   edge           java -jar edge.jar --workers=WORKERS (the built-in demo app, child-JVM workers on
#                  Unix sockets; least in-flight, keep-alive; X-Forwarded-*, X-Request-Id, access log)
#   nginx          nginx doing the edge's per-request job: upstream "least_conn" over the shared
#                  sockets, "keepalive 32", HTTP/1.1; X-Forwarded-For/-Proto/-Host and X-Request-Id
#                  to the worker, X-Request-Id back, an access-log line to a buffered file (NGINX_JOB);
#                  request bodies buffered as by default (proxy_request_buffering on, then a temp
#                  file), client_max_body_size = the edge's --max-body-mb (10m unless EDGE_OPTIONS says)
#   nginx-default  nginx with nothing beyond the same upstream (least_conn, keepalive 32, HTTP/1.1,
#                  which keep-alive to the workers needs): no extra headers, access_log off
#   haproxy        HAProxy (threads: its default, one per core), "balance leastconn", "http-reuse
#                  always" over the shared sockets; the edge's job where HAProxy can: "option
#                  forwardfor", X-Forwarded-Proto/-Host, X-Request-Id (unique-id, uuid()) both ways,
#                  "option httplog" to stdout redirected to a file (a write per line: HAProxy has no
#                  buffered file log); bodies stream (HAProxy's default)
#   caddy          Caddy (GOMAXPROCS: its default, all cores), "reverse_proxy" to the shared sockets,
#                  "lb_policy least_conn", keep-alive (32 idle connections per socket); X-Forwarded-*
#                  (Caddy's default), X-Request-Id ({http.request.uuid}) both ways, an access log file
#   direct         one standalone demo worker on a loopback TCP port, no proxy (wrk speaks TCP only):
#                  the ceiling of ONE worker, so the proxies with two can exceed it
#   edge-before    the edge from EDGE_JAR_BEFORE (only with it), same options, its own workers (its
#                  own demo app, extracted into a runtime cache of its own)
# A proxy that is not installed is left out with one line naming its Debian package (nginx-light,
# haproxy, caddy); the report lists it as not run.
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
# Judged (ratios of the medians over the rounds), on /hello and /bytes?n=N, issue 23's targets:
# edge req/s >= 1.0 x the best of nginx and haproxy, edge p99 <= 1.0 x the lowest of theirs, edge
# CPU per request <= nginx's. POST endpoints are reported with their ratios, not judged.
#
# Environment (all optional):
#   EDGE_JAR             edge jar (default: target/edge.jar; built with ./mvnw if missing)
#   EDGE_JAR_BEFORE      a second edge jar, e.g. of an older commit (see above): adds the target
#                        edge-before, reported with the edge's ratios to it
#   EDGE_BEFORE_OPTIONS  edge options of edge-before (default: EDGE_OPTIONS; set it when EDGE_OPTIONS
#                        has options the older jar does not know)
#   WORKERS              demo workers the edge starts, shared by all proxies (default 2)
#   WORKER_JAVA_OPTIONS  JVM options of every demo worker (default: the edge's demo default)
#   EDGE_JAVA_OPTIONS    JVM options of the edge process itself (default: none)
#   EDGE_OPTIONS         extra edge options, e.g. "--event-loops=2" or "--no-metrics --no-access-log"
#   NGINX_WORKERS        nginx's worker_processes (default auto: one per core, as Debian configures it)
#   WRK_THREADS WRK_CONNECTIONS WRK_DURATION   measured run (default 2, 32, 10s)
#   WARMUP_DURATION      warm-up run per target and endpoint, same threads/connections (default 10s;
#                        the edge JVM is still JIT-compiling (C2) after 5 s of load)
#   ENDPOINTS            space-separated endpoints, see above (default
#                        "/hello /bytes?n=65536 POST:/echo:1024 POST:/upload:1048576")
#   TARGETS              subset/order of "edge edge-before direct nginx nginx-default haproxy caddy"
#                        (default all of them, edge-before only with EDGE_JAR_BEFORE)
#   ROUNDS               rounds of all targets, alternating (default 1); with more than one, the
#                        ratios use each target's median over the rounds (this machine is noisy)
#   NGINX_LOCATION_EXTRA extra directives for the nginx target's proxy location (default none)
#   STANDALONE_SCHEDULING  Linux scheduling policy of the direct target's standalone worker:
#                        "normal" (default) or "batch" (SCHED_BATCH via chrt, as the edge starts
#                        the shared workers by default)
#   NGINX_JOB            the nginx target's job: "same" (default, see Targets) or "plain" (then it
#                        is configured as nginx-default)
#   PERF_MD              results file (default docs/edge/PERFORMANCE.md; "-" = do not write): the
#                        section between its bench markers is replaced with this run's, compact:
#                        one table of medians (targets x endpoints) and one of ratios
#   RAW_MD               file for the run's setup, every round and the raw wrk output, between its
#                        bench-raw markers (default docs/edge/PERFORMANCE_HISTORY.md; written only
#                        when PERF_MD is)
#   IDLE_WAIT            seconds to wait for other load on the machine to stop before starting (default 60)
#   KEEP_TMP=1           keep the temporary directory (logs, configurations, raw wrk output)
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
ALL_TARGETS="edge direct nginx nginx-default haproxy caddy"
if [[ -n $EDGE_JAR_BEFORE ]]; then ALL_TARGETS="edge edge-before direct nginx nginx-default haproxy caddy"; fi
TARGETS=${TARGETS:-$ALL_TARGETS}
WORKERS=${WORKERS:-2}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
NGINX_LOCATION_EXTRA=${NGINX_LOCATION_EXTRA:-}
NGINX_JOB=${NGINX_JOB:-same}
ROUNDS=${ROUNDS:-1}
STANDALONE_SCHEDULING=${STANDALONE_SCHEDULING:-normal}
[[ $STANDALONE_SCHEDULING == normal || $STANDALONE_SCHEDULING == batch ]] \
  || { echo "STANDALONE_SCHEDULING=$STANDALONE_SCHEDULING: expected normal or batch" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || { echo "ROUNDS=$ROUNDS: expected 1-99" >&2; exit 2; }
[[ $WORKERS =~ ^[1-9]$ ]] || { echo "WORKERS=$WORKERS: expected 1-9" >&2; exit 2; }
[[ $NGINX_WORKERS == auto || $NGINX_WORKERS =~ ^[1-9][0-9]?$ ]] || { echo "NGINX_WORKERS=$NGINX_WORKERS: expected auto or 1-99" >&2; exit 2; }
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

for tool in wrk java curl awk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed$([[ $tool != wrk ]] || echo " (apt-get install -y wrk)")"
done
NGINX=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)
HAPROXY=$(command -v haproxy || { [[ -x /usr/sbin/haproxy ]] && echo /usr/sbin/haproxy; } || true)
CADDY=$(command -v caddy || true)

if [[ ! -f $EDGE_JAR ]]; then
  [[ $EDGE_JAR == target/edge.jar ]] || die "EDGE_JAR=$EDGE_JAR does not exist"
  log "target/edge.jar is missing: building it"
  if [[ -x ./mvnw ]]; then ./mvnw -B -q package -DskipTests; else mvn -B -q package -DskipTests; fi
  [[ -f $EDGE_JAR ]] || die "the build did not produce $EDGE_JAR"
fi
EDGE_JAR=$(cd "$(dirname "$EDGE_JAR")" && pwd)/$(basename "$EDGE_JAR")
NOT_RUN=()  # "target: why" for targets left out because their program is missing
kept=()
for target in $TARGETS; do
  case $target in
    edge | direct) ;;
    edge-before) [[ -n $EDGE_JAR_BEFORE ]] || die "target edge-before needs EDGE_JAR_BEFORE=/path/to/old-edge.jar" ;;
    nginx | nginx-default) [[ -n $NGINX ]] || { NOT_RUN+=("$target: nginx is not installed (apt-get install -y nginx-light)"); continue; } ;;
    haproxy) [[ -n $HAPROXY ]] || { NOT_RUN+=("$target: HAProxy is not installed (apt-get install -y haproxy)"); continue; } ;;
    caddy) [[ -n $CADDY ]] || { NOT_RUN+=("$target: Caddy is not installed (apt-get install -y caddy)"); continue; } ;;
    *) die "unknown target $target (expected: $ALL_TARGETS)" ;;
  esac
  [[ " ${kept[*]} " == *" $target "* ]] || kept+=("$target")
done
for n in "${NOT_RUN[@]}"; do log "left out: $n"; done
((${#kept[@]})) || die "no target left to run"
TARGETS="${kept[*]}"
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
    for f in "$TMP"/*.log "$TMP"/nginx*/logs/error.log "$TMP"/haproxy/*.log "$TMP"/caddy/*.log; do
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

EDGE_PID= EDGE_PORT= EDGE_LOG= EDGE_SCHEDULING= BEFORE_SCHEDULING= EDGE_SOCKETS=()
start_edge() {  # start_edge edge|edge-before NAME: starts that edge, waits for "ready":1; sets EDGE_PID EDGE_PORT
  local target=$1 name=$2 t0 jar=$EDGE_JAR cache=$CACHE options=$EDGE_OPTIONS scheduling
  if [[ $target == edge-before ]]; then jar=$EDGE_JAR_BEFORE cache=$CACHE_BEFORE options=$EDGE_BEFORE_OPTIONS; fi
  EDGE_PORT=$(free_port)
  EDGE_LOG=$TMP/$name.log
  t0=$(now_ms)
  # shellcheck disable=SC2086
  java $EDGE_JAVA_OPTIONS -jar "$jar" --http-port="$EDGE_PORT" --bind-address=127.0.0.1 --workers="$WORKERS" \
    --cache-dir="$cache" --socket-dir="$TMP/s-$name" --worker-java-options="$WORKER_JAVA_OPTIONS" \
    $options </dev/null >"$EDGE_LOG" 2>&1 &
  EDGE_PID=$!
  PIDS+=("$EDGE_PID")
  wait_until "$target ($name) listening" "$EDGE_PID" grep -q "^edge: http://127.0.0.1:$EDGE_PORT/" "$EDGE_LOG"
  wait_until "$target ($name) workers ready" "$EDGE_PID" edge_ready
  EDGE_WALL_MS=$(($(now_ms) - t0))
  # the workers' sockets, <socket-dir>/<edge pid>/demo-<worker id>.sock, which the other proxies share
  mapfile -t EDGE_SOCKETS < <(find "$TMP/s-$name" -name 'demo-*.sock' -type s | sort)
  [[ $target != edge ]] || ((${#EDGE_SOCKETS[@]} == WORKERS)) || die "$target ($name): ${#EDGE_SOCKETS[@]} worker sockets in $TMP/s-$name, expected $WORKERS"
  scheduling=$(sed -n 's/.*worker_start app=demo .*scheduling=\([a-z]*\).*/\1/p' "$EDGE_LOG" | head -n1)
  if [[ $target == edge-before ]]; then BEFORE_SCHEDULING=$scheduling; else EDGE_SCHEDULING=$scheduling; fi
  log "$target ($name) ready on :$EDGE_PORT after ${EDGE_WALL_MS} ms (pid $EDGE_PID)"
}
edge_ready() { curl -sf --max-time 2 "http://127.0.0.1:$EDGE_PORT/status" | grep -q "\"ready\":$WORKERS[,}]"; }
edge_start_ms() {  # the worker_ready startMs of the workers an edge started first (WORKERS of them, space-separated)
  sed -n 's/.*worker_ready app=demo worker=[0-9]* startMs=\([0-9]*\).*/\1/p' "$1" | head -n "$WORKERS" | tr '\n' ' ' | sed 's/ $//'
}
rss_mb() {  # rss_mb PID...: resident memory of each process in MB, space-separated
  local pid out=()
  for pid in "$@"; do out+=("$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo '?')"); done
  echo "${out[*]}"
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
start_nginx() {  # start_nginx nginx|nginx-default SOCKET...: nginx proxying to the sockets (least_conn)
  local target=$1 dir=$TMP/$1 temps="" user="" servers="" sock job_mode=plain
  shift
  if [[ $target == nginx ]]; then job_mode=$NGINX_JOB; fi
  mkdir -p "$dir/logs"
  NGINX_PORT=$(free_port)
  for sock in "$@"; do servers+="        server unix:$sock;"$'\n'; done
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
  local access="access_log off;" job="" extra=""
  if [[ $job_mode == same ]]; then
    if [[ $EDGE_OPTIONS != *--no-access-log* ]]; then
      access="access_log $dir/logs/access.log combined buffer=64k flush=1s;"
    fi
    job="proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Request-Id \$request_id;
            add_header X-Request-Id \$request_id always;"
  fi
  if [[ $target == nginx ]]; then extra=$NGINX_LOCATION_EXTRA; fi
  cat >"$dir/nginx.conf" <<EOF
$user
daemon off;
master_process on;
worker_processes $NGINX_WORKERS;
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
        least_conn;
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://worker;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            $job
            $extra
        }
    }
}
EOF
  "$NGINX" -t -q -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" || die "$target: bad config $dir/nginx.conf"
  "$NGINX" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" </dev/null >"$dir/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_until "$target" "$NGINX_PID" curl -sf --max-time 2 "http://127.0.0.1:$NGINX_PORT/hello"
  log "$target ready on :$NGINX_PORT (pid $NGINX_PID)"
}
stop_nginx() {
  local children
  children=$(pgrep -P "$NGINX_PID" 2>/dev/null || true)
  # nginx: TERM = fast shutdown
  # shellcheck disable=SC2086
  stop_pid "$NGINX_PID" $children
  forget_pid "$NGINX_PID"
}

# --- HAProxy -----------------------------------------------------------------------------------

HAPROXY_PID= HAPROXY_PORT=
start_haproxy() {  # start_haproxy SOCKET...: HAProxy proxying to the sockets (leastconn, http-reuse always)
  local dir=$TMP/haproxy servers="" sock i=0 log_line="" access=""
  mkdir -p "$dir"
  HAPROXY_PORT=$(free_port)
  for sock in "$@"; do
    i=$((i + 1))
    servers+="    server w$i unix@$sock"$'\n'
  done
  # HAProxy logs through syslog or to stdout/stderr, not to a file of its own: stdout goes to a file
  if [[ $EDGE_OPTIONS != *--no-access-log* ]]; then
    log_line="    log stdout format raw local0 info"
    access="    option httplog"$'\n'"    log global"
  fi
  cat >"$dir/haproxy.cfg" <<EOF
global
$log_line
    maxconn 4096
    pidfile $dir/haproxy.pid

defaults
    mode http
$access
    option http-keep-alive
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 60s

frontend fe
    bind 127.0.0.1:$HAPROXY_PORT
    # the edge's job: X-Forwarded-For/-Proto/-Host and a request id to the worker, the id back
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    unique-id-format %[uuid()]
    unique-id-header X-Request-Id
    http-after-response set-header X-Request-Id %[unique-id]
    default_backend workers

backend workers
    balance leastconn
    http-reuse always
$servers
EOF
  "$HAPROXY" -c -q -f "$dir/haproxy.cfg" >"$dir/check.log" 2>&1 \
    || die "haproxy: bad config $dir/haproxy.cfg ($(head -c 300 "$dir/check.log"))"
  # -db: foreground, one process (its threads: one per core by default)
  "$HAPROXY" -db -f "$dir/haproxy.cfg" </dev/null >"$dir/access.log" 2>"$dir/haproxy.log" &
  HAPROXY_PID=$!
  PIDS+=("$HAPROXY_PID")
  wait_until "haproxy" "$HAPROXY_PID" curl -sf --max-time 2 "http://127.0.0.1:$HAPROXY_PORT/hello"
  log "haproxy ready on :$HAPROXY_PORT (pid $HAPROXY_PID)"
}
stop_haproxy() {
  stop_pid "$HAPROXY_PID"
  forget_pid "$HAPROXY_PID"
}

# --- Caddy -------------------------------------------------------------------------------------

CADDY_PID= CADDY_PORT=
start_caddy() {  # start_caddy SOCKET...: Caddy proxying to the sockets (least_conn)
  local dir=$TMP/caddy upstreams="" sock log_block=""
  mkdir -p "$dir/data" "$dir/config"
  CADDY_PORT=$(free_port)
  for sock in "$@"; do upstreams+=" unix/$sock"; done
  if [[ $EDGE_OPTIONS != *--no-access-log* ]]; then
    log_block="log {
		output file $dir/access.log
	}"
  fi
  cat >"$dir/Caddyfile" <<EOF
{
	admin off
	auto_https off
}
http://127.0.0.1:$CADDY_PORT {
	$log_block
	# X-Forwarded-For/-Proto/-Host are Caddy's defaults; the request id both ways
	reverse_proxy$upstreams {
		lb_policy least_conn
		header_up X-Request-Id {http.request.uuid}
		header_down X-Request-Id {http.request.uuid}
		transport http {
			keepalive 60s
			keepalive_idle_conns_per_host 32
		}
	}
}
EOF
  # its data and configuration directories in the run's temp dir, not the user's home
  XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config "$CADDY" validate --adapter caddyfile --config "$dir/Caddyfile" \
    >"$dir/check.log" 2>&1 || die "caddy: bad config $dir/Caddyfile ($(tail -c 300 "$dir/check.log"))"
  XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config "$CADDY" run --adapter caddyfile --config "$dir/Caddyfile" \
    </dev/null >"$dir/caddy.log" 2>&1 &
  CADDY_PID=$!
  PIDS+=("$CADDY_PID")
  wait_until "caddy" "$CADDY_PID" curl -sf --max-time 2 "http://127.0.0.1:$CADDY_PORT/hello"
  log "caddy ready on :$CADDY_PORT (pid $CADDY_PID)"
}
stop_caddy() {
  stop_pid "$CADDY_PID"
  forget_pid "$CADDY_PID"
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

declare -A JOB_SEEN=()  # target -> which of the edge's per-request headers the worker saw (round 1)
check_job() {  # check_job TARGET PORT: what the worker's /headers shows of X-Forwarded-* and X-Request-Id
  local out h names="" back=no
  [[ -z ${JOB_SEEN[$1]:-} && $1 != direct ]] || return 0
  out=$(curl -s -D "$TMP/job-headers" --max-time 5 "http://127.0.0.1:$2/headers") || { JOB_SEEN[$1]="no answer from /headers"; return 0; }
  for h in x-forwarded-for x-forwarded-proto x-forwarded-host x-request-id; do
    if grep -qi "^$h:" <<<"$out"; then names+="${names:+, }$h"; fi
  done
  if grep -qi '^x-request-id:' "$TMP/job-headers"; then back=yes; fi
  JOB_SEEN[$1]="to the worker: ${names:-none of them}; x-request-id back: $back"
  log "$1: ${JOB_SEEN[$1]}"
}

bench_target() {  # bench_target TARGET PORT "PROXY_PIDS" "WORKER_PIDS"
  local target=$1 port=$2 proxy_pids=$3 worker_pids=$4 path url out slug script
  check_job "$target" "$port"
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
    others=$(top_others "$TMP/procs0" "$TMP/procs1" "$ms" $$ $proxy_pids $worker_pids $HOST_PIDS)
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

# 2. Each round starts the edge afresh (the first start in round 1 is the warm start: archive
#    present) and measures the shared-socket targets against its workers, in an order that rotates
#    from round to round; edge-before and direct have workers of their own.
SHARED_ORDER=()  # the targets that share the edge's worker sockets, in TARGETS order
for target in $TARGETS; do
  case $target in edge | nginx | nginx-default | haproxy | caddy) SHARED_ORDER+=("$target") ;; esac
done
READY_SAMPLES=()   # worker_ready startMs of every warm edge start (all its workers starting at once)
IDLE_RSS= LOADED_RSS= HOST_PIDS=
bench_shared() {  # bench_shared TARGET: one shared-socket target against the running edge's workers
  local target=$1 workers
  workers=$(pgrep -P "$EDGE_PID" | tr '\n' ' ')
  case $target in
    edge) bench_target edge "$EDGE_PORT" "$EDGE_PID" "$workers" ;;
    nginx | nginx-default)
      start_nginx "$target" "${EDGE_SOCKETS[@]}"
      bench_target "$target" "$NGINX_PORT" "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" "$workers"
      stop_nginx ;;
    haproxy)
      start_haproxy "${EDGE_SOCKETS[@]}"
      bench_target haproxy "$HAPROXY_PORT" "$HAPROXY_PID" "$workers"
      stop_haproxy ;;
    caddy)
      start_caddy "${EDGE_SOCKETS[@]}"
      bench_target caddy "$CADDY_PORT" "$CADDY_PID" "$workers"
      stop_caddy ;;
  esac
}
run_shared() {  # run_shared: starts the edge, measures every shared-socket target in this round's order, stops it
  local n=${#SHARED_ORDER[@]} i target starts
  if ((ROUND == 1)); then start_edge edge warm; else start_edge edge "r$ROUND"; fi
  starts=$(edge_start_ms "$EDGE_LOG")
  # shellcheck disable=SC2206
  READY_SAMPLES+=($starts)
  if ((ROUND == 1)); then
    WARM_MS=$starts WARM_WALL_MS=$EDGE_WALL_MS
    log "edge workers spawn-to-READY: cold ${COLD_MS} ms, warm ${WARM_MS} ms"
    # idle: once the edge's first idle memory release ran (--memory-release-idle-ms, /diagnostics
    # memory.releases); an edge without one (edge-before, =0) is measured after 2 s as before
    local waited=0
    sleep 2
    while ((waited < 40)) && ! curl -s "http://127.0.0.1:$EDGE_PORT/diagnostics" | grep -q '"releases":[1-9]'; do
      sleep 1
      waited=$((waited + 1))
    done
    IDLE_RSS="$(rss_mb "$EDGE_PID") MB (workers $(rss_mb $(pgrep -P "$EDGE_PID" | tr '\n' ' ')) MB)"
    log "edge idle RSS: $IDLE_RSS"
  fi
  log "workers shared by ${SHARED_ORDER[*]}: ${EDGE_SOCKETS[*]}"
  HOST_PIDS=$EDGE_PID
  for ((i = 0; i < n; i++)); do
    target=${SHARED_ORDER[$(((i + ROUND - 1) % n))]}
    bench_shared "$target"
  done
  HOST_PIDS=
  LOADED_RSS="$(rss_mb "$EDGE_PID") MB (workers $(rss_mb $(pgrep -P "$EDGE_PID" | tr '\n' ' ')) MB)"
  stop_edge
  EDGE_PID=
}

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  ((ROUNDS == 1)) || log "round $ROUND of $ROUNDS"
  shared_done=0
  for target in $TARGETS; do
    case $target in
      edge | nginx | nginx-default | haproxy | caddy)
        ((shared_done)) && continue
        shared_done=1
        run_shared ;;
      edge-before)
        if ((ROUND == 1)); then
          start_edge edge-before before-warm
          BEFORE_WARM_MS=$(edge_start_ms "$EDGE_LOG") BEFORE_WARM_WALL_MS=$EDGE_WALL_MS
          log "edge-before workers spawn-to-READY: cold ${BEFORE_COLD_MS} ms, warm ${BEFORE_WARM_MS} ms"
        else
          start_edge edge-before "before-r$ROUND"
        fi
        bench_target edge-before "$EDGE_PORT" "$EDGE_PID" "$(pgrep -P "$EDGE_PID" | tr '\n' ' ')"
        stop_edge
        EDGE_PID= ;;
      direct)
        DIRECT_PORT=$(free_port)
        start_worker direct port "$DIRECT_PORT"
        bench_target direct "$DIRECT_PORT" "" "$W_PID"
        stop_worker ;;
    esac
  done
done

# --- report ------------------------------------------------------------------------------------

result() {  # result TARGET PATH FIELD(3=rps 4=p50 5=p99 7=proxy us/req): the median over the rounds
  local r values=() v paren=0
  for r in "${RESULTS[@]}"; do
    IFS='|' read -r -a f <<<"$r"
    if [[ ${f[0]} == "$1" && ${f[1]} == "$2" ]]; then
      v=${f[$3 - 1]}
      # direct's CPU per request is its worker's, in parentheses
      if [[ $v == \(*\) ]]; then paren=1; v=${v#(}; v=${v%)}; fi
      [[ $v == - ]] || values+=("$v")
    fi
  done
  ((${#values[@]})) || return 0
  v=$(printf '%s\n' "${values[@]}" | sort -g | awk -v fmt="$( (($3 == 3)) && echo %.0f || { (($3 == 7)) && echo %.1f || echo %.2f; })" '
    { v[NR] = $1 } END { printf fmt "\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  if ((paren)); then echo "($v)"; else echo "$v"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0 || a ~ /^\(/) print "-"; else printf "%.2f", a / b }'; }
judged() { [[ $1 == /hello || $1 == /bytes\?* ]]; }  # the endpoints issue 23's targets are set on

TABLE=$'| round | target | endpoint | req/s | p50 ms | p99 ms | proxy CPU % | proxy CPU us/req | worker CPU % | wrk CPU % | other CPU % | errors |\n'
TABLE+=$'|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  TABLE+="| ${f[11]} | ${f[0]} | \`${f[1]}\` | ${f[2]} | ${f[3]} | ${f[4]} | ${f[5]} | ${f[6]} | ${f[7]} | ${f[8]} | ${f[9]} | ${f[10]} |"$'\n'
done

MEDIANS=$'| target | endpoint | req/s | p50 ms | p99 ms | proxy CPU us/req |\n'
MEDIANS+=$'|---|---|---:|---:|---:|---:|\n'
for target in $TARGETS; do
  for path in $ENDPOINTS; do
    [[ -n $(result "$target" "$path" 3) ]] || continue
    MEDIANS+="| $target | \`$path\` | $(result "$target" "$path" 3) | $(result "$target" "$path" 4) | $(result "$target" "$path" 5) | $(result "$target" "$path" 7) |"$'\n'
  done
done

DISTURBED=""
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  if ((f[9] > 20)); then DISTURBED+="${DISTURBED:+, }${f[0]} ${f[1]}$( ((ROUNDS == 1)) || echo " round ${f[11]}") (${f[9]}%)"; fi
done

# The best of nginx (doing the edge's job) and HAProxy per endpoint: the highest req/s and the lowest p99
BEST_NAME= BEST_VALUE=
best_of() {  # best_of PATH FIELD max|min: sets BEST_NAME and BEST_VALUE ("" when neither ran)
  local t v
  BEST_NAME= BEST_VALUE=
  for t in nginx haproxy; do
    v=$(result "$t" "$1" "$2")
    [[ -n $v ]] || continue
    if [[ -z $BEST_VALUE ]] || awk -v a="$v" -v b="$BEST_VALUE" -v m="$3" 'BEGIN { exit !(m == "max" ? a > b : a < b) }'; then
      BEST_NAME=$t BEST_VALUE=$v
    fi
  done
}
MET_TEXT=
met() {  # met RATIO >=|<= LIMIT: sets MET_TEXT to "met", "**not met**" or "-"; clears ALL_MET when not met
  MET_TEXT="-"
  [[ $1 != - ]] || return 0
  EVALUATED=1
  if awk -v r="$1" -v l="$3" -v op="$2" 'BEGIN { exit !(op == ">=" ? r >= l : r <= l) }'; then MET_TEXT="met"; else
    MET_TEXT="**not met**"
    ALL_MET=0
  fi
}

BEFORE=0
if has_target edge-before; then BEFORE=1; fi
RATIOS="| endpoint | best req/s of nginx, HAProxy | edge/best req/s | lowest p99 of nginx, HAProxy | edge/lowest p99 | edge/nginx CPU per request |"
RATIOS+="$( ((!BEFORE)) || echo " edge/edge-before req/s | edge/edge-before p99 |")"
RATIOS+=$' targets: req/s >= 1.0, p99 <= 1.0, CPU <= 1.0 |\n'
RATIOS+="|---|---:|---:|---:|---:|---:|$( ((!BEFORE)) || echo "---:|---:|")"$'---|\n'
CONSOLE_RATIOS=()
ALL_MET=1 EVALUATED=0
for path in $ENDPOINTS; do
  edge_rps=$(result edge "$path" 3) edge_p99=$(result edge "$path" 5)
  best_of "$path" 3 max
  best_rps=${BEST_VALUE:+$BEST_VALUE ($BEST_NAME)} tr=$(ratio "$edge_rps" "$BEST_VALUE")
  best_of "$path" 5 min
  best_p99=${BEST_VALUE:+$BEST_VALUE ($BEST_NAME)} pr=$(ratio "$edge_p99" "$BEST_VALUE")
  cr=$(ratio "$(result edge "$path" 7)" "$(result nginx "$path" 7)")
  before=""
  if ((BEFORE)); then
    before=" $(ratio "$edge_rps" "$(result edge-before "$path" 3)") | $(ratio "$edge_p99" "$(result edge-before "$path" 5)") |"
  fi
  if judged "$path"; then
    met "$tr" ">=" 1.0
    verdicts="$MET_TEXT"
    met "$pr" "<=" 1.0
    verdicts+=", $MET_TEXT"
    met "$cr" "<=" 1.0
    verdicts+=", $MET_TEXT"
  else
    verdicts="reported, not judged"
  fi
  RATIOS+="| \`$path\` | ${best_rps:--} | $tr | ${best_p99:--} | $pr | $cr |$before $verdicts |"$'\n'
  CONSOLE_RATIOS+=("$(printf '%-22s %9s %9s %9s %s' "$path" "$tr" "$pr" "$cr" "${verdicts//\*/}")")
done
verdict() {  # verdict MET NOT_MET
  if ((!EVALUATED)); then echo "not evaluated (needs the edge and nginx or haproxy on /hello or /bytes)"
  elif ((ALL_MET)); then echo "$1"
  else echo "$2"; fi
}

# Start-up and memory: spawn-to-READY of every warm start (all the edge's workers at once)
median_of() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
READY_MEDIAN=$(median_of "${READY_SAMPLES[@]}")
READY_MAX=$(printf '%s\n' "${READY_SAMPLES[@]}" | sort -g | tail -n1)
READY_MET="-"
if [[ -n $READY_MEDIAN ]]; then
  if ((READY_MEDIAN <= 250)); then READY_MET="met"; else READY_MET="**not met**"; fi
fi
IDLE_EDGE_MB=${IDLE_RSS%% *}
RSS_MET="-"
if [[ $IDLE_EDGE_MB =~ ^[0-9]+$ ]]; then
  if ((IDLE_EDGE_MB <= 150)); then RSS_MET="met"; else RSS_MET="**not met**"; fi
fi

JAVA_VERSION=$(java -version 2>&1 | head -n1 | sed 's/^openjdk version //; s/"//g' || true)
NGINX_VERSION=$([[ -z $NGINX ]] || "$NGINX" -v 2>&1 | head -n1 | sed 's|.*nginx/||' || true)
HAPROXY_VERSION=$([[ -z $HAPROXY ]] || "$HAPROXY" -v 2>&1 | head -n1 | awk '{ print $3 }' || true)
CADDY_VERSION=$([[ -z $CADDY ]] || "$CADDY" version 2>&1 | head -n1 | awk '{ print $1 }' || true)
WRK_VERSION=$(wrk -v 2>&1 | head -n1 | sed "s/ Copyright.*//; s/^wrk //" || true)
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
EVENT_LOOPS="the default, half the cores rounded up: $(((($(nproc) + 1) / 2)))"
if [[ " $EDGE_OPTIONS " =~ [[:space:]]--event-loops[=[:space:]]([0-9]+)[[:space:]] ]]; then EVENT_LOOPS=${BASH_REMATCH[1]}; fi

jar_text() {  # jar_text JAR: path, size, build time and, for JAR/../target/edge.jar in a git work tree, its HEAD
  local top
  printf '%s' "\`$1\` ($(stat -c %s "$1") bytes, built $(date -u -r "$1" '+%F %T') UTC)"
  top=$(git -C "$(dirname "$1")" rev-parse --show-toplevel 2>/dev/null || true)
  if [[ -n $top && $(dirname "$1") == "$top/target" && $top != "$ROOT" ]]; then
    printf '%s' " from the work tree \`$top\` at $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes in src/ or pom.xml')"
  fi
}
HEAD_TEXT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes in src/ or pom.xml')"
SKIP_TEXT="" NGINX_EARLY=0
for k in "${SKIP_ORDER[@]}"; do
  SKIP_TEXT+="${SKIP_TEXT:+; }${k%%|*} \`${k#*|}\` (${SKIPPED[$k]})"
  if [[ $k == nginx*\|POST:/echo:* ]]; then NGINX_EARLY=1; fi
done
HAS_POST=0
for spec in $ENDPOINTS; do
  parse_endpoint "$spec"
  [[ $EP_METHOD != POST ]] || HAS_POST=1
done
RAW_LINK=$(realpath -m --relative-to="$(dirname "$PERF_MD")" "$RAW_MD" 2>/dev/null || echo "$RAW_MD")
MEDIANS_OF=$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)")

REPORT=$TMP/report.md
{
  echo "<!-- bench:begin -->"
  echo "<!-- Generated by bench/run.sh; everything between the bench markers is overwritten. -->"
  echo
  echo "## Last run"
  echo
  echo "- $(date -u '+%F %H:%M') UTC; ${CPU_MODEL:-unknown CPU}, $(nproc) CPUs, ${MEM:-unknown} RAM; load before the run ${IDLE_BUSY}% (100 = one core); HEAD $HEAD_TEXT; jar $(jar_text "$EDGE_JAR")$( ((!BEFORE)) || echo "; edge-before: $(jar_text "$EDGE_JAR_BEFORE")"); \`wrk $WRK_ARGS\` after a \`wrk $WARMUP_ARGS\` warm-up, per target and endpoint$( ((ROUNDS == 1)) || echo "; $ROUNDS rounds, alternating, medians")"
  echo "- $WORKERS demo workers started by the edge, shared by edge, nginx, nginx-default, HAProxy and Caddy (\`${EDGE_SCHEDULING:-?}\` scheduling); edge event loops: $EVENT_LOOPS${EDGE_OPTIONS:+; edge options \`$EDGE_OPTIONS\`}; nginx ${NGINX_VERSION:-absent} (\`worker_processes $NGINX_WORKERS\`), HAProxy ${HAPROXY_VERSION:-absent}, Caddy ${CADDY_VERSION:-absent}, Java $JAVA_VERSION, wrk $WRK_VERSION"
  echo
  echo "$MEDIANS"
  echo "$RATIOS"
  echo "Ratios$MEDIANS_OF; issue 23's targets are judged on \`/hello\` and \`/bytes\`, \"best\" is the better of nginx (doing the edge's job) and HAProxy. Overall: $(verdict "all targets met" "**not all targets met**"). Start-up and memory: worker spawn to READY with all $WORKERS starting at once, median ${READY_MEDIAN:-?} ms over ${#READY_SAMPLES[@]} (max ${READY_MAX:-?}; target <= 250: $READY_MET); cold, without the class-data archive: ${COLD_MS:-?} ms. Edge RSS idle ${IDLE_RSS:-?} (target <= 150 for the edge: $RSS_MET), after the round's load ${LOADED_RSS:-?}. Setup, every round and the raw \`wrk\` output: [$(basename "$RAW_MD")]($RAW_LINK), between its bench-raw markers."
  if ((${#NOT_RUN[@]})); then echo; echo "Not run: $(printf '%s; ' "${NOT_RUN[@]}" | sed 's/; $//')."; fi
  if [[ -n $SKIP_TEXT ]]; then
    echo
    echo "Not measured (its check failed): $SKIP_TEXT.$( ((!NGINX_EARLY)) || echo " nginx stops sending a request body once the upstream's response has begun, and the demo's \`/echo\` answers as it reads, so past what the socket buffers hold both wait until a timeout.")"
  fi
  if [[ -n $DISTURBED ]]; then
    echo
    echo "**Warning: other load on the machine during** $DISTURBED; these numbers are not trustworthy, run again."
  fi
  echo "<!-- bench:end -->"
} >"$REPORT"

RAW=$TMP/raw.md
{
  echo "<!-- bench-raw:begin -->"
  echo "<!-- Generated by bench/run.sh with the results file's \"Last run\"; overwritten with it. -->"
  echo
  echo "Run of $(date -u) (${CPU_MODEL:-unknown CPU}, HEAD $HEAD_TEXT, $ROUNDS round$( ((ROUNDS == 1)) || echo s))."
  echo
  echo "- Machine: ${CPU_MODEL:-unknown CPU}, $(nproc) CPUs, ${MEM:-unknown} RAM; $(uname -sr); load before the run (2 s sample, 100 = one core): ${IDLE_BUSY}%"
  echo "- Jar: $(jar_text "$EDGE_JAR")$( ((!BEFORE)) || echo "; edge-before: $(jar_text "$EDGE_JAR_BEFORE")")"
  echo "- Edge: \`java ${EDGE_JAVA_OPTIONS:+$EDGE_JAVA_OPTIONS }-jar edge.jar --bind-address=127.0.0.1 --workers=$WORKERS${EDGE_OPTIONS:+ $EDGE_OPTIONS}\` (event loops: $EVENT_LOOPS; metrics and access log on unless listed)$( ((!BEFORE)) || { [[ $EDGE_BEFORE_OPTIONS == "$EDGE_OPTIONS" ]] && echo "; edge-before the same" || echo "; edge-before with \`${EDGE_BEFORE_OPTIONS:-(no options)}\`"; })"
  echo "- Workers: $WORKERS demo workers started by the edge (\`${EDGE_SCHEDULING:-?}\` scheduling), JVM options \`$WORKER_JAVA_OPTIONS\`$( ((${#ARCHIVE_OPTS[@]})) && echo " plus the class-data archive"); nginx, nginx-default, haproxy and caddy proxy to the same sockets while the edge, idle, keeps them; the measuring order of these targets rotates per round. direct: one standalone worker with the same JVM options on a TCP port (\`$STANDALONE_SCHEDULING\` scheduling)$( ((!BEFORE)) || echo "; edge-before: $WORKERS workers of its own (\`${BEFORE_SCHEDULING:-?}\`)")"
  echo "- nginx ${NGINX_VERSION:-absent}: \`worker_processes $NGINX_WORKERS\`; the nginx target $(nginx_job_text)${NGINX_LOCATION_EXTRA:+, plus \`$NGINX_LOCATION_EXTRA\`}; nginx-default a bare \`proxy_pass\`, \`access_log off\`; both: upstream \`least_conn\`, \`keepalive 32\`, \`proxy_http_version 1.1\`, request bodies buffered as by default, \`client_max_body_size $( ((MAX_BODY_MB > 0)) && echo "${MAX_BODY_MB}m" || echo 0)\`"
  echo "- HAProxy ${HAPROXY_VERSION:-absent}: one process, its default threads (one per core); \`balance leastconn\`, \`http-reuse always\`, \`option forwardfor\`, X-Forwarded-Proto/-Host, \`unique-id-format %[uuid()]\` as X-Request-Id both ways, \`option httplog\` to stdout redirected to a file$([[ $EDGE_OPTIONS != *--no-access-log* ]] || echo " (off: --no-access-log)"); bodies stream"
  echo "- Caddy ${CADDY_VERSION:-absent}: its default GOMAXPROCS; \`reverse_proxy\` with \`lb_policy least_conn\`, keep-alive (\`keepalive_idle_conns_per_host 32\`), X-Forwarded-* (its default), \`{http.request.uuid}\` as X-Request-Id both ways, an access-log file$([[ $EDGE_OPTIONS != *--no-access-log* ]] || echo " (off: --no-access-log)"); bodies stream"
  echo "- Java \`$JAVA_VERSION\`; wrk \`$WRK_VERSION\`"
  for target in $TARGETS; do [[ -z ${JOB_SEEN[$target]:-} ]] || echo "- The headers of the edge's job through $target (checked on the demo's \`/headers\`): ${JOB_SEEN[$target]}"; done
  if ((HAS_POST)); then echo "- POST endpoints (\`POST:PATH:BYTES\`): wrk sends BYTES \`x\` as \`application/octet-stream\` (\`wrk -s\`: \`wrk.method = \"POST\"\`, \`wrk.body = string.rep(\"x\", BYTES)\`); \`/echo\` sends it back, \`/upload\` answers with the length"; fi
  echo "- Worker spawn to READY (worker_ready startMs): cold ${COLD_MS:-?} ms (edge launch to all ready ${COLD_WALL_MS:-?} ms), warm starts ${READY_SAMPLES[*]:-?} ms (round 1 edge launch to all ready ${WARM_WALL_MS:-?} ms)$( ((!BEFORE)) || echo "; edge-before cold ${BEFORE_COLD_MS:-?}, warm ${BEFORE_WARM_MS:-?} ms")"
  echo
  echo "$TABLE"
  echo "CPU % is CPU time over the measured run's wall time (100 = one core, $(nproc) cores in all): \"proxy\" is the"
  echo "edge JVM, nginx (master + workers), HAProxy or Caddy, \"proxy CPU us/req\" its CPU time per request (in"
  echo "parentheses for direct: the worker's), \"worker\" the demo worker JVMs, \"other\" everything else on"
  echo "the machine during the run (the idle edge that keeps the shared workers included; should be near 0,"
  echo "if not, the run was disturbed). \"errors\" counts non-2xx responses and socket errors reported by wrk."
  if ((${#OTHERS[@]})); then
    echo
    echo "Busiest other processes (>= 5 % CPU) during the measured runs:"
    echo
    for o in "${OTHERS[@]}"; do echo "- $o"; done
  fi
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
  echo
  echo "<details><summary>The proxies' configurations (socket paths and ports of round 1)</summary>"
  echo
  for f in "$TMP/nginx/nginx.conf" "$TMP/nginx-default/nginx.conf" "$TMP/haproxy/haproxy.cfg" "$TMP/caddy/Caddyfile"; do
    [[ -f $f ]] || continue
    echo "\`$(basename "$(dirname "$f")")/$(basename "$f")\`:"
    echo
    echo '```'
    grep -v '^[[:space:]]*$' "$f"
    echo '```'
    echo
  done
  echo "</details>"
  echo "<!-- bench-raw:end -->"
} >"$RAW"

echo
echo "== results =="
printf '%-13s %-22s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s\n' target endpoint req/s p50_ms p99_ms proxy% proxy_us worker% wrk% other% errors round
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  printf '%-13s %-22s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s\n' "${f[@]}"
done
echo
echo "== edge against the best of nginx and haproxy$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)") =="
printf '%-22s %9s %9s %9s %s\n' endpoint req/s p99 cpu/nginx "targets (req/s >= 1.0, p99 <= 1.0, cpu <= 1.0)"
for line in "${CONSOLE_RATIOS[@]}"; do echo "$line"; done
echo "overall: $(verdict "all targets met" "NOT all targets met")"
echo "worker spawn-to-READY, all $WORKERS at once: median ${READY_MEDIAN:-?} ms of ${READY_SAMPLES[*]:-?} (target <= 250: ${READY_MET//\*/}); cold ${COLD_MS:-?} ms$( ((!BEFORE)) || echo "; edge-before cold ${BEFORE_COLD_MS:-?} ms, warm ${BEFORE_WARM_MS:-?} ms")"
echo "edge RSS: idle ${IDLE_RSS:-?} (target <= 150: ${RSS_MET//\*/}); after the round's load ${LOADED_RSS:-?}"
for n in "${NOT_RUN[@]}"; do echo "not run: $n"; done
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
