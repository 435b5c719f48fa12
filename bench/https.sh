#!/usr/bin/env bash
# Benchmarks the edge's HTTPS against nginx and HAProxy with the same certificate and the same demo worker, on
# loopback only: GET /hello over HTTP/1.1 keep-alive (wrk), over h2 (h2load), and the rate of new
# TLS connections, resumed (wrk, "Connection: close") and full handshakes (openssl s_time -new).
#
#   bench/https.sh                                   # defaults: 1 round, 20 s warm-up + 10 s per load
#   ROUNDS=3 bench/https.sh                          # the recorded run: 3 rounds, medians
#   ROUNDS=1 WRK_DURATION=2s WARMUP_DURATION=2s PERF_MD=- bench/https.sh   # a quick check
#
# Duration: (warm-up + measured run) per load, 4 loads, 3 targets per round, plus starts: a default
# round takes about 6.5 minutes, ROUNDS=3 about 20.
#
# Certificate: one EC P-256 certificate for localhost (and 127.0.0.1), self-signed, made with
# openssl in the temporary directory for this run and deleted with it; every target serves it.
#
# Targets (each started alone, measured, then stopped before the next one starts), as in
# bench/run.sh:
#   edge   java -jar edge.jar --workers=1 --https-port=P --http-port=Q --cert=CERT --key=KEY
#          --cert-dir=TMP/certs (the built-in demo app, one child-JVM worker on a Unix socket; the
#          edge's TLS: JDK provider, TLS 1.3/1.2, ALPN h2 then http/1.1, session cache and tickets)
#   nginx  nginx (1 worker process), "listen ... ssl" with HTTP/2 (the syntax of the installed
#          version), the same certificate, TLS 1.2/1.3, the edge's cipher order (Mozilla
#          "intermediate", the server's choice: TLS_AES_128_GCM_SHA256 first), a session cache
#          (tickets on, nginx's default), proxying to one standalone demo worker on a Unix socket,
#          upstream keepalive 32 and HTTP/1.1, doing the edge's job per request as bench/run.sh's
#          nginx does (NGINX_JOB); keepalive_requests 1000000, as the edge has no limit of requests
#          per connection (nginx's default, 1000, would stop h2load's clients, which do not reconnect)
#   haproxy  HAProxy (one process, its default threads: one per core), "bind ... ssl alpn h2,http/1.1",
#          the same certificate, TLS 1.2/1.3 and cipher order as nginx (the server's choice, HAProxy's
#          default), its default session cache and tickets, proxying to one standalone demo worker on a
#          Unix socket with "http-reuse always", doing the edge's job as bench/run.sh's haproxy does
#          (X-Forwarded-*, X-Request-Id both ways, "option httplog" to a file). Left out, with one
#          line naming the package, when HAProxy is not installed
#
# Loads, each after a warm-up of the same kind (WARMUP_DURATION), in this order (LOADS):
#   h1      wrk -tT -cC -dD --latency https://127.0.0.1:P/hello: HTTP/1.1 keep-alive
#   h2      h2load -tT -cC -m H2_STREAMS -D D --log-file=...: h2 (ALPN, checked); p50/p99 are
#           computed from the per-request log (h2load itself prints only min/max/mean/sd)
#   resume  wrk ... -H "Connection: close": one request per connection, so every request is a new
#           TCP connection and a TLS handshake; wrk's OpenSSL resumes the session of the previous
#           connection (TLS 1.3 PSK with a new key exchange, no certificate signature)
#   full    HANDSHAKE_CLIENTS parallel "openssl s_time -new -www /hello": every connection a full
#           handshake (no resumption), HTTP/1.0, closed after the response; the rate is all
#           connections over the wall time of the run (no latency percentiles)
# Before its loads each target is checked: /hello's text over HTTP/1.1 and h2 (curl, verifying the
# certificate), and the TLS version, cipher, key exchange group and session resumption an OpenSSL
# client gets (openssl s_client, reported).
#
# Environment (all optional):
#   EDGE_JAR             edge jar (default target/edge.jar; never built here: build it first); the
#                        run uses a copy, so a build during the run does not disturb it
#   WORKER_JAVA_OPTIONS  JVM options of every demo worker (default: the edge's demo default)
#   EDGE_JAVA_OPTIONS    JVM options of the edge process itself (default: none)
#   EDGE_OPTIONS         extra edge options, e.g. "--no-access-log" (default: none)
#   WRK_THREADS WRK_CONNECTIONS WRK_DURATION   wrk and h2load threads, connections (h2load's
#                        clients), duration (default 2, 32, 10s; durations in s)
#   WARMUP_DURATION      warm-up per target and load (default 20s: bench/run.sh's 10 s left the edge's
#                        TLS path compiling, its 10 s warm-ups ran at half the rate measured after)
#   H2_STREAMS           h2load's concurrent streams per connection (-m, default 10)
#   HANDSHAKE_CLIENTS    parallel openssl s_time processes of the "full" load (default 8)
#   LOADS                subset/order of "h1 h2 resume full" (default all)
#   TARGETS              subset/order of "edge nginx haproxy" (default all three)
#   ROUNDS               rounds of all targets, alternating, each started afresh (default 1);
#                        figures are each target's median over the rounds
#   NGINX_JOB            "same" (default) or "plain", as in bench/run.sh (HAProxy's job follows it)
#   STANDALONE_SCHEDULING  "normal" (default) or "batch": nginx's and HAProxy's standalone worker
#   PERF_MD              results file (default docs/edge/PERFORMANCE.md; "-" = do not write): the
#                        section between its https markers is replaced (inserted after run.sh's
#                        section the first time) by a compact one: versions, the medians, edge/nginx
#   RAW_MD               file for the setup details (certificate, negotiated TLS, nginx's config),
#                        every round, other load and the raw output, between its https-raw markers
#                        (default docs/edge/PERFORMANCE_HISTORY.md; written only when PERF_MD is)
#   IDLE_WAIT            seconds to wait for other load on the machine to stop (default 60)
#   KEEP_TMP=1           keep the temporary directory (logs, raw output, the certificate)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

WORKER_JAVA_OPTIONS=${WORKER_JAVA_OPTIONS:-"-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx128m"}
EDGE_JAVA_OPTIONS=${EDGE_JAVA_OPTIONS:-}
EDGE_OPTIONS=${EDGE_OPTIONS:-}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-10s}
WARMUP_DURATION=${WARMUP_DURATION:-20s}
H2_STREAMS=${H2_STREAMS:-10}
HANDSHAKE_CLIENTS=${HANDSHAKE_CLIENTS:-8}
LOADS=${LOADS:-"h1 h2 resume full"}
TARGETS=${TARGETS:-"edge nginx haproxy"}
ROUNDS=${ROUNDS:-1}
NGINX_JOB=${NGINX_JOB:-same}
STANDALONE_SCHEDULING=${STANDALONE_SCHEDULING:-normal}
PERF_MD=${PERF_MD:-docs/edge/PERFORMANCE.md}
RAW_MD=${RAW_MD:-docs/edge/PERFORMANCE_HISTORY.md}
EDGE_JAR=${EDGE_JAR:-target/edge.jar}
IDLE_WAIT=${IDLE_WAIT:-60}
READY_TIMEOUT=60

log() { printf '[https %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

secs() {  # secs DURATION ("10", "10s"): whole seconds, for wrk, h2load and s_time alike
  [[ $1 =~ ^([1-9][0-9]*)s?$ ]] || die "duration $1: expected whole seconds (10 or 10s)"
  echo "${BASH_REMATCH[1]}"
}
DURATION_S=$(secs "$WRK_DURATION")
WARMUP_S=$(secs "$WARMUP_DURATION")
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || die "ROUNDS=$ROUNDS: expected 1-99"
[[ $NGINX_JOB == same || $NGINX_JOB == plain ]] || die "NGINX_JOB=$NGINX_JOB: expected same or plain"
[[ $STANDALONE_SCHEDULING == normal || $STANDALONE_SCHEDULING == batch ]] \
  || die "STANDALONE_SCHEDULING=$STANDALONE_SCHEDULING: expected normal or batch"
for n in "$WRK_THREADS" "$WRK_CONNECTIONS" "$H2_STREAMS" "$HANDSHAKE_CLIENTS"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "$n: expected a positive integer (threads, connections, streams, clients)"
done
for l in $LOADS; do [[ $l =~ ^(h1|h2|resume|full)$ ]] || die "unknown load $l (expected: h1 h2 resume full)"; done
for t in $TARGETS; do [[ $t =~ ^(edge|nginx|haproxy)$ ]] || die "unknown target $t (expected: edge nginx haproxy)"; done

# --- tools -------------------------------------------------------------------------------------

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if ((${#missing[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null; }
  else
    die "missing ${missing[*]} (install: apt-get install -y wrk nghttp2-client nginx-light openssl)"
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || { [[ -x /usr/sbin/haproxy ]] && echo /usr/sbin/haproxy; } || true)
if [[ -z $HAPROXY && " $TARGETS " == *" haproxy "* ]]; then
  log "left out: haproxy: HAProxy is not installed (apt-get install -y haproxy)"
  TARGETS=$(echo " $TARGETS " | sed 's/ haproxy / /; s/^ *//; s/ *$//')
fi
for tool in java curl awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"; done
"$NGINX" -V 2>&1 | grep -q -- --with-http_v2_module || die "$NGINX has no HTTP/2 module"
[[ -f $EDGE_JAR ]] || die "$EDGE_JAR does not exist: build it first (./mvnw -B -q package -DskipTests)"
EDGE_JAR=$(cd "$(dirname "$EDGE_JAR")" && pwd)/$(basename "$EDGE_JAR")

# --- processes and cleanup (as in bench/run.sh) ------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/edge-https.XXXXXX")
CACHE=$TMP/cache  # the edge's runtime cache; nginx's standalone worker runs from it too
PIDS=()           # everything this script started, stopped on exit

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
children_of() { pgrep -P "$1" 2>/dev/null | tr '\n' ' ' || true; }
forget_pid() {  # forget_pid PID...: drops stopped pids from PIDS
  local keep=() p q drop
  for p in "${PIDS[@]}"; do
    drop=0
    for q in "$@"; do [[ $p == "$q" ]] && drop=1; done
    ((drop)) || keep+=("$p")
  done
  PIDS=("${keep[@]}")
}

cleanup() {
  local rc=$? pid children=()
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    # children we did not start directly: the edge's worker, nginx's worker process
    for c in $(children_of "$pid"); do children+=("$c"); done
  done
  if ((${#PIDS[@]})); then stop_pid "${PIDS[@]}"; fi
  if ((${#children[@]})); then stop_pid "${children[@]}"; fi
  if ((rc != 0 && rc != 130 && rc != 143)); then
    local f
    for f in "$TMP"/*.log "$TMP"/nginx/logs/error.log "$TMP"/haproxy/*.log; do
      [[ -s $f ]] || continue
      echo "--- last lines of $f" >&2
      tail -n 15 "$f" >&2
    done
  fi
  if [[ ${KEEP_TMP:-0} == 1 || $rc -ne 0 ]]; then log "logs and raw output kept in $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# a copy of the jar (time stamp kept), so that a build replacing it during the run cannot break the
# running edge (a JVM loads classes from its jar until it exits)
JAR_SOURCE=$EDGE_JAR
cp -p "$JAR_SOURCE" "$TMP/edge.jar"
EDGE_JAR=$TMP/edge.jar

free_port() {  # a loopback TCP port nobody listens on, below the ephemeral range
  local port i low
  low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  ((low > 11000)) || low=32768
  for ((i = 0; i < 200; i++)); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
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

# --- the certificate ---------------------------------------------------------------------------

CERT=$TMP/tls/cert.pem KEY=$TMP/tls/key.pem
mkdir -p "$TMP/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$KEY" -out "$CERT" >"$TMP/openssl-req.log" 2>&1 \
  || die "openssl could not make the certificate (see $TMP/openssl-req.log)"
CERT_TEXT="EC P-256, self-signed, CN=localhost, SAN DNS:localhost IP:127.0.0.1, SHA-256 $(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//' | cut -c1-23)..."

# --- edge --------------------------------------------------------------------------------------

EDGE_PID= EDGE_PORT= EDGE_LOG= EDGE_SCHEDULING=
start_edge() {  # start_edge NAME: starts the edge, waits for "ready":1 over HTTPS; sets EDGE_PID EDGE_PORT
  local name=$1 http_port t0
  EDGE_PORT=$(free_port) http_port=$(free_port)
  [[ $EDGE_PORT != "$http_port" ]] || http_port=$(free_port)
  EDGE_LOG=$TMP/$name.log
  t0=$(now_ms)
  # shellcheck disable=SC2086
  java $EDGE_JAVA_OPTIONS -jar "$EDGE_JAR" --https-port="$EDGE_PORT" --http-port="$http_port" \
    --bind-address=127.0.0.1 --workers=1 --cert="$CERT" --key="$KEY" --cert-dir="$TMP/certs" \
    --cache-dir="$CACHE" --socket-dir="$TMP/s-$name" --worker-java-options="$WORKER_JAVA_OPTIONS" \
    $EDGE_OPTIONS </dev/null >"$EDGE_LOG" 2>&1 &
  EDGE_PID=$!
  PIDS+=("$EDGE_PID")
  wait_until "edge ($name) listening" "$EDGE_PID" grep -q "^edge: https://127.0.0.1:$EDGE_PORT/" "$EDGE_LOG"
  wait_until "edge ($name) worker ready" "$EDGE_PID" edge_ready
  EDGE_SCHEDULING=$(sed -n 's/.*worker_start app=demo .*scheduling=\([a-z]*\).*/\1/p' "$EDGE_LOG" | head -n1)
  log "edge ($name) ready on https :$EDGE_PORT after $(($(now_ms) - t0)) ms (pid $EDGE_PID)"
}
edge_ready() { curl -sf --max-time 2 --cacert "$CERT" "https://127.0.0.1:$EDGE_PORT/status" | grep -q '"ready":1'; }
stop_edge() {
  # shellcheck disable=SC2046
  stop_pid "$EDGE_PID" $(children_of "$EDGE_PID")
  forget_pid "$EDGE_PID"
}

# --- nginx's standalone worker (as in bench/run.sh) ----------------------------------------------

CLASSPATH_W= ARCHIVE_OPTS=()
worker_runtime() {  # the runtime the edge extracted: class path and class-data archive
  local runtime jar
  runtime=$(ls -d "$CACHE"/runtime-* 2>/dev/null | grep -v '\.tmp' | head -n1 || true)
  [[ -n $runtime && -f $runtime/edge-classes.jar ]] || die "no extracted runtime in $CACHE"
  CLASSPATH_W=$runtime/edge-classes.jar
  for jar in "$runtime"/lib/*.jar; do CLASSPATH_W+=":$jar"; done
  ARCHIVE_OPTS=()
  if [[ -f $runtime/demo.jsa ]]; then ARCHIVE_OPTS=("-XX:SharedArchiveFile=$runtime/demo.jsa" -Xshare:auto); fi
}

W_PID= W_SLEEP_PID=
start_worker() {  # start_worker SOCKET: a demo worker on a Unix socket, its stdin kept open
  local sock=$1 fifo=$TMP/worker.stdin sched=()
  rm -f "$fifo"
  mkfifo "$fifo"
  sleep infinity >"$fifo" &
  W_SLEEP_PID=$!
  PIDS+=("$W_SLEEP_PID")
  if [[ $STANDALONE_SCHEDULING == batch ]]; then sched=(chrt --batch 0); fi
  # shellcheck disable=SC2086
  env -u EDGE_WORKER_PORT EDGE_WORKER_ID=900 EDGE_APP_ID=demo EDGE_WORKER_SOCKET="$sock" \
    "${sched[@]}" java $WORKER_JAVA_OPTIONS "${ARCHIVE_OPTS[@]}" -cp "$CLASSPATH_W" dev.edge.demo.DemoApp \
    <"$fifo" >"$TMP/nginx-worker.log" 2>&1 &
  W_PID=$!
  PIDS+=("$W_PID")
  wait_until "worker" "$W_PID" curl -sf --max-time 2 --unix-socket "$sock" http://w/ready
}
stop_worker() {
  stop_pid "$W_PID" "$W_SLEEP_PID"
  forget_pid "$W_PID" "$W_SLEEP_PID"
}

# --- nginx -------------------------------------------------------------------------------------

NGINX_VERSION=$("$NGINX" -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
# "http2 on;" exists from nginx 1.25.1; older versions take "listen ... ssl http2"
if printf '%s\n1.25.0\n' "$NGINX_VERSION" | sort -V -C; then H2_LISTEN=" http2" H2_ON=""; else H2_LISTEN="" H2_ON="http2 on;"; fi
# Mozilla "intermediate" TLS 1.2 suites (the edge's list); TLS 1.3 in the edge's order, the server's choice
NGINX_CIPHERS=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305
NGINX_SUITES=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256

NGINX_PID= NGINX_PORT=
start_nginx() {  # start_nginx UPSTREAM_SOCKET
  local sock=$1 dir=$TMP/nginx temps="" user="" v m access="access_log off;" job=""
  mkdir -p "$dir/logs"
  NGINX_PORT=$(free_port)
  v=$("$NGINX" -V 2>&1)
  for m in client_body:client_body proxy:proxy fastcgi:http_fastcgi scgi:http_scgi uwsgi:http_uwsgi; do
    if [[ ${m%%:*} == client_body || $v != *"--without-${m#*:}_module"* ]]; then
      temps+="    ${m%%:*}_temp_path $dir/${m%%:*}_temp;"$'\n'
    fi
  done
  # as root, nginx workers run as "nobody" and could not connect to a root-owned socket
  if [[ $EUID -eq 0 ]]; then user="user root;"; fi
  if [[ $NGINX_JOB == same ]]; then
    [[ $EDGE_OPTIONS == *--no-access-log* ]] || access="access_log $dir/logs/access.log combined buffer=64k flush=1s;"
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
        listen 127.0.0.1:$NGINX_PORT ssl$H2_LISTEN;
        $H2_ON
        server_name localhost;
        ssl_certificate $CERT;
        ssl_certificate_key $KEY;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers $NGINX_CIPHERS;
        ssl_conf_command Ciphersuites $NGINX_SUITES;
        ssl_prefer_server_ciphers on;
        ssl_session_cache shared:SSL:10m;
        ssl_session_timeout 1d;
        # nginx closes a connection after 1000 requests by default (HTTP/1.1 and h2 alike); h2load
        # does not reconnect, so its clients would stop there. The edge has no such limit.
        keepalive_requests 1000000;
        location / {
            proxy_pass http://worker;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            $job
        }
    }
}
EOF
  "$NGINX" -t -q -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" || die "nginx: bad config $dir/nginx.conf"
  "$NGINX" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" </dev/null >"$dir/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_until "nginx" "$NGINX_PID" curl -sf --max-time 2 --cacert "$CERT" "https://127.0.0.1:$NGINX_PORT/hello"
  log "nginx ready on https :$NGINX_PORT (pid $NGINX_PID)"
}
stop_nginx() {
  # shellcheck disable=SC2046
  stop_pid "$NGINX_PID" $(children_of "$NGINX_PID")
  forget_pid "$NGINX_PID"
}

# --- HAProxy -----------------------------------------------------------------------------------

HAPROXY_PID= HAPROXY_PORT=
start_haproxy() {  # start_haproxy UPSTREAM_SOCKET: HAProxy terminating TLS (h2 and HTTP/1.1) in front of the worker
  local sock=$1 dir=$TMP/haproxy log_line="" access=""
  mkdir -p "$dir"
  HAPROXY_PORT=$(free_port)
  # HAProxy takes the certificate and its key in one file
  cat "$CERT" "$KEY" >"$dir/site.pem"
  if [[ $NGINX_JOB == same && $EDGE_OPTIONS != *--no-access-log* ]]; then
    log_line="    log stdout format raw local0 info"
    access="    option httplog"$'\n'"    log global"
  fi
  local job=""
  if [[ $NGINX_JOB == same ]]; then
    job="    option forwardfor
    http-request set-header X-Forwarded-Proto https
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    unique-id-format %[uuid()]
    unique-id-header X-Request-Id
    http-after-response set-header X-Request-Id %[unique-id]"
  fi
  cat >"$dir/haproxy.cfg" <<EOF
global
$log_line
    maxconn 4096
    pidfile $dir/haproxy.pid
    # the edge's cipher order (Mozilla "intermediate"), TLS 1.2 and 1.3; HAProxy prefers the
    # server's order by default; its session cache and tickets are on by default
    ssl-default-bind-ciphers $NGINX_CIPHERS
    ssl-default-bind-ciphersuites $NGINX_SUITES
    ssl-default-bind-options ssl-min-ver TLSv1.2

defaults
    mode http
$access
    option http-keep-alive
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 60s

frontend fe
    bind 127.0.0.1:$HAPROXY_PORT ssl crt $dir/site.pem alpn h2,http/1.1
$job
    default_backend worker

backend worker
    http-reuse always
    server w1 unix@$sock
EOF
  "$HAPROXY" -c -q -f "$dir/haproxy.cfg" >"$dir/check.log" 2>&1 \
    || die "haproxy: bad config $dir/haproxy.cfg ($(head -c 300 "$dir/check.log"))"
  "$HAPROXY" -db -f "$dir/haproxy.cfg" </dev/null >"$dir/access.log" 2>"$dir/haproxy.log" &
  HAPROXY_PID=$!
  PIDS+=("$HAPROXY_PID")
  wait_until "haproxy" "$HAPROXY_PID" curl -sf --max-time 2 --cacert "$CERT" "https://127.0.0.1:$HAPROXY_PORT/hello"
  log "haproxy ready on https :$HAPROXY_PORT (pid $HAPROXY_PID)"
}
stop_haproxy() {
  stop_pid "$HAPROXY_PID"
  forget_pid "$HAPROXY_PID"
}

# --- checks ------------------------------------------------------------------------------------

declare -A TLS_SEEN=()  # target -> what an OpenSSL client negotiates, from round 1
check_target() {  # check_target TARGET PORT: /hello over HTTP/1.1 and h2 with the certificate verified; TLS details
  local target=$1 port=$2 url="https://127.0.0.1:$2/hello" body s
  body=$(curl -sf --max-time 5 --cacert "$CERT" --http1.1 "$url") && [[ $body == "hello from edge" ]] \
    || die "$target: unexpected HTTP/1.1 answer from $url: ${body:-none}"
  [[ $(curl -s --max-time 5 --cacert "$CERT" --http2 -o /dev/null -w '%{http_version}' "$url") == 2 ]] \
    || die "$target: $url does not answer over h2"
  [[ -z ${TLS_SEEN[$target]:-} ]] || return 0
  # a first connection that waits for its response (and so the session ticket), then one resuming it
  rm -f "$TMP/session.pem"
  printf 'GET /hello HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
    -CAfile "$CERT" -verify_return_error -sess_out "$TMP/session.pem" -ign_eof >"$TMP/s_client-$target.txt" 2>&1 \
    || die "$target: openssl s_client failed (see $TMP/s_client-$target.txt)"
  s=$(awk -F', ' '/^(New|Reused), TLS/ && !v { v = $2 ", " $3; sub(/Cipher is /, "", v) }
    /^Server Temp Key:/ && !k { k = $0; sub(/^Server Temp Key: /, "", k) }
    END { printf "%s, key exchange %s", v, k }' "$TMP/s_client-$target.txt")
  if [[ -s $TMP/session.pem ]] && printf 'GET /hello HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$port" \
    -servername localhost -CAfile "$CERT" -sess_in "$TMP/session.pem" -ign_eof 2>/dev/null | grep -q '^Reused,'; then
    s+=", session resumed: yes"
  else
    s+=", session resumed: **no**"
  fi
  TLS_SEEN[$target]=$s
  log "$target: $s"
}

# --- measuring (CPU accounting as in bench/run.sh) ---------------------------------------------

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {  # cpu_ticks PID...: utime+stime of the processes, in clock ticks
  local pid sum=0 stat f
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a f <<<"${stat##*) }"
    sum=$((sum + f[11] + f[12]))
  done
  echo "$sum"
}
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
children_cpu_ms() {  # user+sys CPU in ms of waited-for children, from bash's "times" output
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60000 + a[2] * 1000 }
    printf "%.0f", t }' "$1"
}
pct() { awk -v t="$1" -v hz="$CLK_TCK" -v ms="$2" 'BEGIN { printf "%.0f", 100 * t / hz / (ms / 1000) }'; }
to_ms() {  # a wrk latency ("812.00us", "1.23ms", "1.02s") in ms
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}
proc_ticks() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{ pid = $1; sub(/.*\) /, ""); print pid, $12 + $13 }' >"$1"; }
top_others() {  # top_others BEFORE AFTER WALL_MS PID...: the busiest processes (>= 5 %) that are not ours
  local before=$1 after=$2 ms=$3 pid rest out=""
  shift 3
  while read -r pid rest; do
    out+="${out:+; }$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60 | sed 's/ *$//') (pid $pid) $rest%"
  done < <(awk -v hz="$CLK_TCK" -v ms="$ms" -v ours=" $* " '
    NR == FNR { t0[$1] = $2; next }
    ($1 in t0) && index(ours, " " $1 " ") == 0 { p = 100 * ($2 - t0[$1]) / hz / (ms / 1000); if (p >= 5) printf "%d %.0f\n", $1, p }' \
    "$before" "$after" | sort -k2,2nr | head -n3)
  echo "$out"
}

# run_load LOAD PORT OUT SECONDS: one run of a load; writes the client's output to OUT
run_load() {
  local load=$1 port=$2 out=$3 s=$4 url="https://127.0.0.1:$2/hello" i
  case $load in
    h1) wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${s}s" --latency "$url" >"$out" 2>&1 ;;
    resume) wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${s}s" --latency -H 'Connection: close' "$url" >"$out" 2>&1 ;;
    h2) h2load -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -m"$H2_STREAMS" -D"${s}s" --log-file="$out.log" "$url" >"$out" 2>&1 ;;
    full)
      local pids=() t0 rc=0
      t0=$(now_ms)
      for ((i = 1; i <= HANDSHAKE_CLIENTS; i++)); do
        openssl s_time -connect "127.0.0.1:$port" -new -www /hello -time "$s" >"$out.$i" 2>&1 &
        pids+=($!)
        PIDS+=($!)
      done
      for i in "${pids[@]}"; do wait "$i" || rc=$((rc + 1)); done
      forget_pid "${pids[@]}"
      {
        echo "$HANDSHAKE_CLIENTS x openssl s_time -connect 127.0.0.1:$port -new -www /hello -time $s: wall $(($(now_ms) - t0)) ms, $rc failed"
        for ((i = 1; i <= HANDSHAKE_CLIENTS; i++)); do grep -E 'connections in' "$out.$i" || echo "(client $i: no result)"; rm -f "$out.$i"; done
      } >"$out" ;;
  esac
}

# parse_load LOAD OUT: "rate p50 p99 errors" from a measured run's output
parse_load() {
  local load=$1 out=$2
  case $load in
    h1 | resume)
      local rps p50 p99 errors
      rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
      p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
      p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
      errors=$(awk '/Non-2xx/ { e += $NF } /Socket errors/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 } END { print e + 0 }' "$out")
      [[ -n $rps ]] || die "cannot parse wrk output $out"
      echo "$rps $p50 $p99 $errors" ;;
    h2)
      grep -q '^Application protocol: h2$' "$out" || die "h2load did not negotiate h2 (see $out)"
      local rps errors pcts
      rps=$(awk '/^finished in/ { sub(/,$/, "", $4); printf "%.0f", $4 }' "$out")
      errors=$(awk '/^requests:/ { e += $10 + $12 + $14 } /^status codes:/ { e += $5 + $7 + $9 } END { print e + 0 }' "$out")
      # the per-request log: start (us since epoch), status, microseconds until the end of the response
      pcts=$(awk -F'\t' '$2 >= 200 && $2 < 300 { print $3 }' "$out.log" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR == 0) { print "- -"; exit }
              i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++; i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
              printf "%.2f %.2f", v[i50] / 1000, v[i99] / 1000 }')
      rm -f "$out.log"
      [[ -n $rps ]] || die "cannot parse h2load output $out"
      echo "$rps $pcts $errors" ;;
    full)
      # line 1: "... wall MS ms, N failed"; per client: "N connections in S real seconds, B bytes read per connection"
      awk 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "wall") ms = $(i + 1); if ($i == "failed") failed = $(i - 1) } }
        / real seconds, / { n += $1; if ($(NF - 4) + 0 == 0) failed++ }
        /no result/ { failed++ }
        END { printf "%.0f - - %d\n", (ms > 0 ? n * 1000 / ms : 0), failed }' "$out" ;;
  esac
}

RESULTS=()  # "target|load|rate|p50|p99|proxy_cpu|proxy_us|worker_cpu|client_cpu|other_cpu|errors|round|warm-up rate"
OTHERS=()
bench_target() {  # bench_target TARGET PORT "PROXY_PIDS" "WORKER_PIDS"
  local target=$1 port=$2 proxy_pids=$3 worker_pids=$4 load out warm
  check_target "$target" "$port"
  for load in $LOADS; do
    out=$TMP/$target-$load-r$ROUND.txt
    log "$target $load: warm-up (${WARMUP_S}s)"
    run_load "$load" "$port" "$TMP/$target-$load-r$ROUND-warmup.txt" "$WARMUP_S"
    warm=$(parse_load "$load" "$TMP/$target-$load-r$ROUND-warmup.txt")
    log "$target $load: measuring (${DURATION_S}s)"
    local p0 w0 m0 c0 t0 p1 w1 m1 c1 t1 ms
    proc_ticks "$TMP/procs0"
    # shellcheck disable=SC2086
    p0=$(cpu_ticks $proxy_pids) w0=$(cpu_ticks $worker_pids) m0=$(machine_ticks) t0=$(now_ms)
    times >"$TMP/times0"  # in this shell: the CPU of waited-for children, so the difference is the client's
    run_load "$load" "$port" "$out" "$DURATION_S"
    times >"$TMP/times1"
    # shellcheck disable=SC2086
    p1=$(cpu_ticks $proxy_pids) w1=$(cpu_ticks $worker_pids) m1=$(machine_ticks) t1=$(now_ms)
    proc_ticks "$TMP/procs1"
    c0=$(children_cpu_ms "$TMP/times0") c1=$(children_cpu_ms "$TMP/times1")
    ms=$((t1 - t0))
    local parsed rate p50 p99 errors pcpu wcpu kcpu ocpu us others
    parsed=$(parse_load "$load" "$out")
    read -r rate p50 p99 errors <<<"$parsed"
    # shellcheck disable=SC2086
    others=$(top_others "$TMP/procs0" "$TMP/procs1" "$ms" $$ $proxy_pids $worker_pids)
    pcpu=$(pct "$((p1 - p0))" "$ms") wcpu=$(pct "$((w1 - w0))" "$ms")
    kcpu=$(awk -v c="$((c1 - c0))" -v ms="$ms" 'BEGIN { printf "%.0f", 100 * c / ms }')
    ocpu=$(awk -v m="$(pct "$((m1 - m0))" "$ms")" -v a="$pcpu" -v b="$wcpu" -v c="$kcpu" 'BEGIN { o = m - a - b - c; printf "%.0f", (o < 0 ? 0 : o) }')
    us=$(awk -v c="$pcpu" -v r="$rate" 'BEGIN { printf "%.1f", (r > 0 ? c * 10000 / r : 0) }')
    RESULTS+=("$target|$load|$rate|$p50|$p99|$pcpu|$us|$wcpu|$kcpu|$ocpu|$errors|$ROUND|${warm%% *}")
    if [[ -n $others ]]; then OTHERS+=("$target $load (round $ROUND): $others"); fi
    log "$target $load: $rate/s (warm-up ${warm%% *}/s), p50 $p50 ms, p99 $p99 ms; cpu% proxy $pcpu ($us us each) worker $wcpu client $kcpu other $ocpu; errors $errors${others:+; busiest others: $others}"
  done
}

# --- run ---------------------------------------------------------------------------------------

log "tmp dir $TMP; jar $JAR_SOURCE (copied); nginx $NGINX_VERSION"
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
START_DATE=$(date -u '+%F %T')

# A first edge start on the empty cache extracts the runtime and records the workers' class-data
# archive, which nginx's standalone worker then uses too (not measured).
start_edge cold
deadline=$(($(date +%s) + 60))
until ls "$CACHE"/runtime-*/demo.jsa >/dev/null 2>&1; do
  (($(date +%s) < deadline)) || { log "warning: no class-data archive after 60 s"; break; }
  sleep 0.2
done
stop_edge
worker_runtime

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  ((ROUNDS == 1)) || log "round $ROUND of $ROUNDS"
  for target in $TARGETS; do
    case $target in
      edge)
        start_edge "r$ROUND"
        bench_target edge "$EDGE_PORT" "$EDGE_PID" "$(children_of "$EDGE_PID")"
        stop_edge
        ;;
      nginx)
        start_worker "$TMP/w.sock"
        start_nginx "$TMP/w.sock"
        bench_target nginx "$NGINX_PORT" "$NGINX_PID $(children_of "$NGINX_PID")" "$W_PID"
        stop_nginx
        stop_worker
        ;;
      haproxy)
        start_worker "$TMP/w.sock"
        start_haproxy "$TMP/w.sock"
        bench_target haproxy "$HAPROXY_PORT" "$HAPROXY_PID" "$W_PID"
        stop_haproxy
        stop_worker
        ;;
    esac
  done
done
END_DATE=$(date -u '+%T')

# --- report ------------------------------------------------------------------------------------

result() {  # result TARGET LOAD FIELD(3=rate 4=p50 5=p99 7=proxy us): the median over the rounds
  local r values=()
  for r in "${RESULTS[@]}"; do
    IFS='|' read -r -a f <<<"$r"
    if [[ ${f[0]} == "$1" && ${f[1]} == "$2" && ${f[$3 - 1]} != - ]]; then values+=("${f[$3 - 1]}"); fi
  done
  ((${#values[@]})) || return 0
  printf '%s\n' "${values[@]}" | sort -g | awk -v fmt="$( (($3 == 3)) && echo %.0f || { (($3 == 7)) && echo %.1f || echo %.2f; })" '
    { v[NR] = $1 } END { printf fmt "\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
load_text() {
  case $1 in
    h1) echo "HTTP/1.1 keep-alive (wrk)" ;;
    h2) echo "h2 (h2load, $H2_STREAMS streams per connection)" ;;
    resume) echo "new connections, session resumed (wrk, \`Connection: close\`)" ;;
    full) echo "new connections, full handshakes (\`openssl s_time -new\` x $HANDSHAKE_CLIENTS)" ;;
  esac
}
unit() { case $1 in h1 | h2) echo "req/s" ;; *) echo "conn/s" ;; esac; }
verdict() {  # verdict RATIO: "0.85 x (15 % less)"
  awk -v r="$1" 'BEGIN { if (r == "-") { print "-"; exit }
    d = (r - 1) * 100; if (d > -0.5 && d < 0.5) printf "%s x (the same)", r
    else printf "%s x (%.0f %% %s)", r, (d < 0 ? -d : d), (d < 0 ? "less" : "more") }'
}

MEDIANS=$'| target | load | rate | p50 ms | p99 ms | proxy CPU us per request or connection |\n|---|---|---:|---:|---:|---:|\n'
RATIOS=$'| load | edge/nginx rate | edge/nginx p99 | edge/nginx proxy CPU per request or connection | edge/haproxy rate | edge/haproxy p99 | edge/haproxy proxy CPU |\n|---|---|---:|---:|---|---:|---:|\n'
for load in $LOADS; do
  for target in $TARGETS; do
    [[ -n $(result "$target" "$load" 3) ]] || continue
    p50=$(result "$target" "$load" 4) p99=$(result "$target" "$load" 5)
    MEDIANS+="| $target | $(load_text "$load") | $(result "$target" "$load" 3) $(unit "$load") | ${p50:--} | ${p99:--} | $(result "$target" "$load" 7) |"$'\n'
  done
  RATIOS+="| $(load_text "$load") | $(verdict "$(ratio "$(result edge "$load" 3)" "$(result nginx "$load" 3)")") | $(ratio "$(result edge "$load" 5)" "$(result nginx "$load" 5)") | $(ratio "$(result edge "$load" 7)" "$(result nginx "$load" 7)") |"
  RATIOS+=" $(verdict "$(ratio "$(result edge "$load" 3)" "$(result haproxy "$load" 3)")") | $(ratio "$(result edge "$load" 5)" "$(result haproxy "$load" 5)") | $(ratio "$(result edge "$load" 7)" "$(result haproxy "$load" 7)") |"$'\n'
done
TABLE=$'| round | target | load | warm-up rate | rate | p50 ms | p99 ms | proxy CPU % | proxy CPU us each | worker CPU % | client CPU % | other CPU % | errors |\n'
TABLE+=$'|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
DISTURBED="" DISTURBED_RUNS=0
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  TABLE+="| ${f[11]} | ${f[0]} | ${f[1]} | ${f[12]} | ${f[2]} | ${f[3]} | ${f[4]} | ${f[5]} | ${f[6]} | ${f[7]} | ${f[8]} | ${f[9]} | ${f[10]} |"$'\n'
  if ((f[9] > 20)); then
    DISTURBED+="${DISTURBED:+, }${f[0]} ${f[1]} round ${f[11]} (${f[9]}%)"
    DISTURBED_RUNS=$((DISTURBED_RUNS + 1))
  fi
done
ERRORS=""
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  if ((f[10] > 0)); then ERRORS+="${ERRORS:+, }${f[0]} ${f[1]} round ${f[11]}: ${f[10]}"; fi
done

JAVA_VERSION=$(java -version 2>&1 | head -n1 || true)
WRK_VERSION=$(wrk -v 2>&1 | head -n1 | sed 's/ Copyright.*//' || true)
H2LOAD_VERSION=$(h2load --version 2>&1 | head -n1 || true)
OPENSSL_VERSION=$(openssl version 2>&1 | sed 's/ (Library.*//' || true)
NGINX_OPENSSL=$("$NGINX" -V 2>&1 | sed -n 's/^built with \(OpenSSL [0-9.a-z]*\).*/\1/p' | head -n1)
CPU_MODEL=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
HEAD=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
DIRTY=$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes in src/ or pom.xml')

if [[ $NGINX_JOB == plain ]]; then
  NGINX_JOB_TEXT="a bare \`proxy_pass\`, \`access_log off\`"
elif [[ $EDGE_OPTIONS == *--no-access-log* ]]; then
  NGINX_JOB_TEXT="the edge's job as in *Last run* (X-Forwarded-*, X-Request-Id both ways), \`access_log off\` like the edge"
else
  NGINX_JOB_TEXT="the edge's job as in *Last run* (X-Forwarded-*, X-Request-Id both ways, an access-log line per request to a buffered file)"
fi
HAPROXY_VERSION=$([[ -z $HAPROXY ]] || "$HAPROXY" -v 2>&1 | head -n1 | awk '{ print $3 }' || true)
if [[ $NGINX_JOB == plain ]]; then
  HAPROXY_JOB_TEXT="no extra headers, no log"
elif [[ $EDGE_OPTIONS == *--no-access-log* ]]; then
  HAPROXY_JOB_TEXT="the edge's job (\`option forwardfor\`, X-Forwarded-Proto/-Host, X-Request-Id from \`uuid()\` both ways), no log like the edge"
else
  HAPROXY_JOB_TEXT="the edge's job (\`option forwardfor\`, X-Forwarded-Proto/-Host, X-Request-Id from \`uuid()\` both ways, \`option httplog\` to stdout redirected to a file)"
fi
REPORT=$TMP/report.md
RAW_LINK=$(realpath -m --relative-to="$(dirname "$PERF_MD")" "$RAW_MD" 2>/dev/null || echo "$RAW_MD")
MEDIANS_OF=$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)")
{
  echo "<!-- https:begin -->"
  echo "<!-- Generated by bench/https.sh; everything between the https markers is overwritten. -->"
  echo
  echo "## HTTPS (last run)"
  echo
  echo "\`bench/https.sh\`: the edge's HTTPS against nginx's and HAProxy's with the same certificate and the same demo worker, \`GET /hello\` on loopback."
  echo
  echo "- $START_DATE-$END_DATE UTC; ${CPU_MODEL:-unknown CPU}, $(nproc) CPUs; load before the run ${IDLE_BUSY}% (100 = one core); HEAD $HEAD$DIRTY; nginx $NGINX_VERSION${HAPROXY_VERSION:+, HAProxy $HAPROXY_VERSION}; the jar, versions and setup: the history file"
  echo
  echo "### Results$MEDIANS_OF"
  echo
  echo "$MEDIANS"
  echo "### edge/nginx and edge/haproxy$MEDIANS_OF"
  echo
  echo "$RATIOS"
  echo "Each target alone$( ((ROUNDS == 1)) || echo ", $ROUNDS rounds alternating"), every load ${DURATION_S} s after a ${WARMUP_S} s warm-up of its kind; \"proxy CPU\" is the proxy's"
  echo "own (not the worker's). The clients share the cores: where a client's CPU exceeds the proxy's, compare CPU, not rate."
  echo
  if [[ -n $ERRORS ]]; then
    echo "Errors (non-2xx, socket errors, failed clients): $ERRORS."
    echo
  fi
  if [[ -n $DISTURBED ]]; then
    echo "**Warning: other load on the machine (over 20 % of a core) during $DISTURBED_RUNS of the ${#RESULTS[@]} measured runs**; these numbers are noisy (which runs: the history file)."
    echo
  fi
  echo "Setup (certificate, negotiated TLS, the proxies' configuration), every round and the raw output: [$(basename "$RAW_MD")]($RAW_LINK), between its https-raw markers."
  echo "<!-- https:end -->"
} >"$REPORT"

RAW=$TMP/raw.md
{
  echo "<!-- https-raw:begin -->"
  echo "<!-- Generated by bench/https.sh with the results file's \"HTTPS (last run)\"; overwritten with it. -->"
  echo
  echo "## Raw output of the HTTPS run PERFORMANCE.md records"
  echo
  echo "Run of $START_DATE UTC (${CPU_MODEL:-unknown CPU}, HEAD $HEAD, $ROUNDS round$( ((ROUNDS == 1)) || echo s))."
  echo
  echo "- Date: $START_DATE-$END_DATE UTC; machine: ${CPU_MODEL:-unknown CPU}, $(nproc) CPUs, ${MEM:-unknown} RAM; $(uname -sr); load before the run (2 s sample, 100 = one core): ${IDLE_BUSY}%"
  echo "- Jar: \`$JAR_SOURCE\` ($(stat -c %s "$EDGE_JAR") bytes, built $(date -u -r "$EDGE_JAR" '+%F %T') UTC); repository HEAD at run time: $HEAD$DIRTY"
  echo "- Java: \`$JAVA_VERSION\`; nginx: \`$NGINX_VERSION\` (${NGINX_OPENSSL:-OpenSSL ?}); wrk: \`$WRK_VERSION\`; h2load: \`$H2LOAD_VERSION\`; client OpenSSL: \`$OPENSSL_VERSION\`"
  echo "- Certificate (both targets, made for the run): $CERT_TEXT"
  for target in $TARGETS; do echo "- What an OpenSSL client negotiates with $target: ${TLS_SEEN[$target]:-?}"; done
  echo "- Edge: \`java ${EDGE_JAVA_OPTIONS:+$EDGE_JAVA_OPTIONS }-jar edge.jar --bind-address=127.0.0.1 --workers=1 --https-port=P --http-port=Q --cert=CERT --key=KEY --cert-dir=TMP${EDGE_OPTIONS:+ $EDGE_OPTIONS}\` (JDK TLS provider; metrics and access log on unless listed; its worker under \`${EDGE_SCHEDULING:-?}\` scheduling)"
  echo "- nginx: 1 worker process, \`listen ... ssl$H2_LISTEN\`${H2_ON:+ and \`$H2_ON\`}, \`ssl_protocols TLSv1.2 TLSv1.3\`, the edge's cipher order with the server's choice (\`ssl_conf_command Ciphersuites $NGINX_SUITES\`, \`ssl_prefer_server_ciphers on\`), \`ssl_session_cache shared:SSL:10m\`, \`ssl_session_timeout 1d\`, tickets on, \`keepalive_requests 1000000\` (the default 1000 ends a connection after 1000 requests, which h2load does not survive: its clients stop; the edge has no limit); $NGINX_JOB_TEXT; upstream: one standalone demo worker on a Unix socket, \`keepalive 32\`, HTTP/1.1 (worker scheduling \`$STANDALONE_SCHEDULING\`)"
  echo "- HAProxy $HAPROXY_VERSION: one process, its default threads, \`bind ... ssl crt ... alpn h2,http/1.1\`, \`ssl-default-bind-ciphers\`/\`-ciphersuites\` as nginx's, \`ssl-min-ver TLSv1.2\`, its default session cache and tickets; $HAPROXY_JOB_TEXT; backend: the same kind of standalone worker, \`http-reuse always\`"
  echo "- Worker JVM options (all): \`$WORKER_JAVA_OPTIONS\`$( ((${#ARCHIVE_OPTS[@]})) && echo " plus the class-data archive")"
  echo "- Loads, \`GET /hello\`, each after a ${WARMUP_S} s warm-up of the same kind, measured ${DURATION_S} s: \`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS --latency\` (HTTP/1.1 keep-alive); \`h2load -t$WRK_THREADS -c$WRK_CONNECTIONS -m$H2_STREAMS\` (h2; p50/p99 from its per-request log, \`--log-file\`, as h2load prints only min/max/mean/sd); the same wrk with \`-H 'Connection: close'\` (a new connection per request; wrk resumes the TLS session each time); $HANDSHAKE_CLIENTS \`openssl s_time -new -www /hello\` in parallel (a full handshake per connection, HTTP/1.0; the rate is all their connections over the run's wall time)"
  echo "- Targets run one after another, each alone$( ((ROUNDS == 1)) || echo "; $ROUNDS rounds, alternating, each target started afresh per round; figures are medians over the rounds")"
  echo
  echo "$TABLE"
  echo "CPU % is CPU time over the measured run's wall time (100 = one core, $(nproc) cores in all): \"proxy\" the"
  echo "edge JVM or nginx, \"proxy CPU us each\" its CPU time per request or connection, \"worker\" the demo"
  echo "worker JVM, \"client\" wrk, h2load or the s_time processes, \"other\" everything else on the machine;"
  echo "\"warm-up rate\" is the rate of the warm-up run just before (the edge's JIT still compiling shows as a lower one)."
  echo "The clients share the cores with the proxies: where a client's CPU exceeds nginx's, nginx's rate is"
  echo "bounded by the client and edge/nginx per request or connection CPU is the fairer comparison."
  echo
  if [[ -n $DISTURBED ]]; then
    echo "**Warning: other load on the machine during** $DISTURBED (other CPU, 100 = one core); these numbers are noisy."
    echo
  fi
  if ((${#OTHERS[@]})); then
    echo "Busiest other processes (>= 5 % CPU) during the measured runs:"
    echo
    for o in "${OTHERS[@]}"; do echo "- $o"; done
    echo
  fi
  echo "<details><summary>Raw output</summary>"
  echo
  echo '```'
  for ((r = 1; r <= ROUNDS; r++)); do
    for target in $TARGETS; do
      for load in $LOADS; do
        echo "### $target $load$( ((ROUNDS == 1)) || echo " (round $r)")"
        grep -v '^progress: \|^spawning thread\|^Warm-up \|^Main benchmark\|^Stopped all' "$TMP/$target-$load-r$r.txt" 2>/dev/null || echo "(not measured)"
      done
    done
  done
  echo '```'
  echo
  echo "</details>"
  echo "<!-- https-raw:end -->"
} >"$RAW"

echo
echo "== results =="
printf '%-6s %-7s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s %7s\n' target load rate p50_ms p99_ms proxy% proxy_us worker% client% other% errors round warm-up
for r in "${RESULTS[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  printf '%-6s %-7s %9s %8s %8s %7s %9s %7s %7s %7s %6s %5s %7s\n' "${f[@]}"
done
echo
echo "== edge/nginx and edge/haproxy$( ((ROUNDS == 1)) || echo " (medians over $ROUNDS rounds)") =="
printf '%-8s %12s %10s %10s %14s %12s %12s\n' load rate/nginx p99 cpu_each rate/haproxy p99 cpu_each
for load in $LOADS; do
  printf '%-8s %12s %10s %10s %14s %12s %12s\n' "$load" "$(ratio "$(result edge "$load" 3)" "$(result nginx "$load" 3)")" \
    "$(ratio "$(result edge "$load" 5)" "$(result nginx "$load" 5)")" "$(ratio "$(result edge "$load" 7)" "$(result nginx "$load" 7)")" \
    "$(ratio "$(result edge "$load" 3)" "$(result haproxy "$load" 3)")" "$(ratio "$(result edge "$load" 5)" "$(result haproxy "$load" 5)")" \
    "$(ratio "$(result edge "$load" 7)" "$(result haproxy "$load" 7)")"
done
for target in $TARGETS; do echo "$target: ${TLS_SEEN[$target]:-?}"; done
if [[ -n $DISTURBED ]]; then echo "WARNING: other load on the machine during $DISTURBED"; fi
if [[ -n $ERRORS ]]; then echo "errors: $ERRORS"; fi

replace_section() {  # replace_section FILE BEGIN END NEW [AFTER]: NEW replaces BEGIN..END, else goes after the line AFTER, else at the end
  local file=$1 begin=$2 end=$3 new=$4 after=${5:-} tmp=$TMP/section.tmp
  if [[ -f $file ]] && grep -q "^$begin" "$file" && grep -q "^$end" "$file"; then
    awk -v b="$begin" -v e="$end" -v new="$new" '
      index($0, b) == 1 { while ((getline line < new) > 0) print line; skip = 1; next }
      index($0, e) == 1 { skip = 0; next }
      !skip { print }' "$file" >"$tmp"
  elif [[ -f $file && -n $after ]] && grep -q "^$after" "$file"; then
    awk -v a="$after" -v new="$new" '
      { print }
      index($0, a) == 1 { print ""; while ((getline line < new) > 0) print line }' "$file" >"$tmp"
  else
    { if [[ -f $file ]]; then cat "$file"; echo; fi; cat "$new"; } >"$tmp"
  fi
  cat "$tmp" >"$file"
}
if [[ $PERF_MD != - ]]; then
  replace_section "$PERF_MD" '<!-- https:begin -->' '<!-- https:end -->' "$REPORT" '<!-- bench:end -->'
  log "wrote $PERF_MD"
  replace_section "$RAW_MD" '<!-- https-raw:begin -->' '<!-- https-raw:end -->' "$RAW"
  log "wrote the raw output to $RAW_MD"
fi
