#!/usr/bin/env bash
# Benchmarks the edge's realtime hub on loopback: CLIENTS WebSocket clients in one channel, one
# publish to that channel every INTERVAL_MS, and what the clients measure: deliveries per second and
# publish-to-receive latency (p50/p90/p99/p99.9/max), with the edge's CPU, RSS, heap and GC.
#
#   bench/realtime.sh                                   # the recorded run: 10,000 clients, 30 s
#   CLIENTS=500 DURATION=5 WARMUP=2 PERF_MD=- bench/realtime.sh   # a quick check, nothing written
#
# Duration: the idle wait (up to IDLE_WAIT), the edge's start, connecting (CLIENTS / CONNECT_RATE:
# 20 s for 10,000 at 500/s) and waiting until presence shows them all, WARMUP + DURATION of
# publishes and their drain: about 1.5 minutes by default.
#
# What runs:
#   edge    java -jar edge.jar --http-port=P --no-https --bind-address=127.0.0.1 --workers=WORKERS
#           --realtime-max-clients=MAX_CLIENTS (the built-in demo app, whose open event subscribes
#           each client to the channels of its ?channels=; metrics and access log on; the event
#           loops the edge's default: half the cores, rounded up)
#   client  bench/RealtimeLoad.java, one JVM, JDK only, run as a single-file source program: a
#           minimal NIO WebSocket client (handshake, unmasked server frames parsed in place, pings
#           answered) on LOOPS selector threads, connecting CONNECT_RATE clients per second to
#           ws://127.0.0.1:P/realtime?channels=CHANNEL; then PUBLISHERS keep-alive HTTP/1.1
#           connections (one thread each) POST /publish {"@":CHANNEL,"t":System.nanoTime()} on a
#           fixed schedule, publish i due at start + i x INTERVAL_MS on connection i mod PUBLISHERS
#           (an answer slower than PUBLISHERS x INTERVAL_MS delays that connection's later
#           publishes: reported as lag, with the rate achieved and the latency from the schedule;
#           a publish still waiting for its connection when DURATION is over is not sent, so a
#           phase never runs much past its time). Receivers in the same JVM take the latency as
#           the time their read returned minus t. See the class comment for why not
#           java.net.http.WebSocket.
#   Phases: connect, until /realtime/presence?channel=CHANNEL counts every open client (or stops
#   growing for 10 s: an open event the app's pool shed leaves its client in no channel); a warm-up of
#   WARMUP seconds of publishes (the edge's JIT), drained; DURATION seconds of measured publishes,
#   drained (until every delivery the edge counted arrived, nothing came for 3 s, or DRAIN seconds).
#   The client samples /proc (the edge's and its workers' CPU, per-thread CPU, VmRSS), jcmd
#   GC.heap_info and jstat -gc (heap, GC) and /diagnostics' realtime counters at the start and the
#   end of the measured phase, all clients still connected.
#
# The machine's open-file limit: the edge and the client each hold CLIENTS sockets, so the script
# raises `ulimit -n` to FD_LIMIT, or to the hard limit when it may not go higher, and stops when
# that is below CLIENTS + 1000.
#
# Environment (all optional):
#   EDGE_JAR             edge jar (default target/edge.jar; never built here: build it first); the
#                        run uses a copy, so a build during the run does not disturb it
#   CLIENTS              WebSocket clients (default 10000)
#   CONNECT_RATE         new clients per second (default 500)
#   CHANNEL              the channel every client joins and every publish goes to (default /all)
#   INTERVAL_MS          one publish every INTERVAL_MS milliseconds (default 10)
#   WARMUP DURATION      seconds of warm-up and of measured publishes (default 5, 30)
#   DRAIN                at most this many seconds to wait for the last deliveries (default 15)
#   LOOPS                the client's selector threads (default 2: the machine's cores)
#   PUBLISHERS           publisher connections and threads (default 4: a publish may take up to
#                        4 x INTERVAL_MS to be answered before the schedule slips; more connections
#                        queue more publishes in the edge at once, see PERFORMANCE.md)
#   WORKERS              the edge's demo workers (default 2)
#   MAX_CLIENTS          --realtime-max-clients (default 20000)
#   EDGE_OPTIONS         extra edge options, e.g. "--event-loops=2" (default none)
#   EDGE_JAVA_OPTIONS    JVM options of the edge process (default none)
#   CLIENT_JAVA_OPTIONS  JVM options of the load client (default "-Xms512m -Xmx512m -XX:+UseParallelGC")
#   TARGET_P99_MS        the latency target the report checks (default 100)
#   FD_LIMIT             open-file limit to ask for (default 65536)
#   PERF_MD              results file (default docs/edge/PERFORMANCE.md; "-" = do not write): the
#                        section between its realtime markers is replaced (inserted after the
#                        supervision section the first time)
#   RAW_MD               file for the client's full output, between its realtime-raw markers
#                        (default docs/edge/PERFORMANCE_HISTORY.md; written only when PERF_MD is)
#   IDLE_WAIT            seconds to wait for other load on the machine to stop (default 60)
#   KEEP_TMP=1           keep the temporary directory (edge log, client output)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CLIENTS=${CLIENTS:-10000}
CONNECT_RATE=${CONNECT_RATE:-500}
CHANNEL=${CHANNEL:-/all}
INTERVAL_MS=${INTERVAL_MS:-10}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-30}
DRAIN=${DRAIN:-15}
LOOPS=${LOOPS:-2}
PUBLISHERS=${PUBLISHERS:-4}
WORKERS=${WORKERS:-2}
MAX_CLIENTS=${MAX_CLIENTS:-20000}
EDGE_OPTIONS=${EDGE_OPTIONS:-}
EDGE_JAVA_OPTIONS=${EDGE_JAVA_OPTIONS:-}
CLIENT_JAVA_OPTIONS=${CLIENT_JAVA_OPTIONS:-"-Xms512m -Xmx512m -XX:+UseParallelGC"}
TARGET_P99_MS=${TARGET_P99_MS:-100}
FD_LIMIT=${FD_LIMIT:-65536}
PERF_MD=${PERF_MD:-docs/edge/PERFORMANCE.md}
RAW_MD=${RAW_MD:-docs/edge/PERFORMANCE_HISTORY.md}
EDGE_JAR=${EDGE_JAR:-target/edge.jar}
IDLE_WAIT=${IDLE_WAIT:-60}
READY_TIMEOUT=90

log() { printf '[realtime %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for n in "$CLIENTS" "$CONNECT_RATE" "$INTERVAL_MS" "$DURATION" "$DRAIN" "$LOOPS" "$PUBLISHERS" "$WORKERS" "$MAX_CLIENTS" "$TARGET_P99_MS" "$FD_LIMIT"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "$n: expected a positive integer"
done
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP=$WARMUP: expected whole seconds"
[[ $CHANNEL =~ ^/[A-Za-z0-9_/-]+$ ]] || die "CHANNEL=$CHANNEL: expected /name"
((MAX_CLIENTS >= CLIENTS)) || die "MAX_CLIENTS=$MAX_CLIENTS is below CLIENTS=$CLIENTS"
for tool in java jcmd jstat curl awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"; done
[[ -f $EDGE_JAR ]] || die "$EDGE_JAR does not exist: build it first (./mvnw -B -q package -DskipTests)"
EDGE_JAR=$(cd "$(dirname "$EDGE_JAR")" && pwd)/$(basename "$EDGE_JAR")
CLIENT_SRC=$ROOT/bench/RealtimeLoad.java
[[ -f $CLIENT_SRC ]] || die "$CLIENT_SRC is missing"

# --- open files --------------------------------------------------------------------------------

FD_HARD=$(ulimit -Hn)
if ! ulimit -n "$FD_LIMIT" 2>/dev/null; then
  # raising the hard limit needs CAP_SYS_RESOURCE; take what the hard limit allows
  [[ $FD_HARD == unlimited ]] || ulimit -n "$FD_HARD"
fi
FD_NOW=$(ulimit -n)
[[ $FD_NOW == unlimited ]] || ((FD_NOW >= CLIENTS + 1000)) \
  || die "open-file limit $FD_NOW (hard limit $FD_HARD) is below CLIENTS + 1000 = $((CLIENTS + 1000))"
PORTS_LOW=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range) PORTS_HIGH=$(awk '{ print $2 }' /proc/sys/net/ipv4/ip_local_port_range)
((PORTS_HIGH - PORTS_LOW > CLIENTS + PUBLISHERS + 100)) \
  || die "the ephemeral port range $PORTS_LOW-$PORTS_HIGH is too small for $CLIENTS clients from 127.0.0.1"

# --- processes and cleanup (as in bench/run.sh) ------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/edge-realtime.XXXXXX")
PIDS=()  # everything this script started, stopped on exit

stop_pid() {  # stop_pid PID...: TERM, wait up to 10 s, then KILL
  local pid alive i
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do
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
    # children we did not start directly: the edge's workers
    for c in $(children_of "$pid"); do children+=("$c"); done
  done
  if ((${#PIDS[@]})); then stop_pid "${PIDS[@]}"; fi
  if ((${#children[@]})); then stop_pid "${children[@]}"; fi
  if ((rc != 0 && rc != 130 && rc != 143)); then
    local f
    for f in "$TMP"/*.log; do
      [[ -s $f ]] || continue
      echo "--- last lines of $f" >&2
      tail -n 20 "$f" >&2
    done
  fi
  if [[ ${KEEP_TMP:-0} == 1 || $rc -ne 0 ]]; then log "logs kept in $TMP"; else rm -rf "$TMP"; fi
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
    sleep 0.1
  done
}

CLK_TCK=$(getconf CLK_TCK)
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
pct() { awk -v t="$1" -v hz="$CLK_TCK" -v ms="$2" 'BEGIN { printf "%.0f", 100 * t / hz / (ms / 1000) }'; }
proc_ticks() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{ pid = $1; sub(/.*\) /, ""); print pid, $12 + $13 }' >"$1"; }
top_others() {  # top_others BEFORE AFTER WALL_MS PID...: the busiest processes (>= 5 %) that are not ours
  local before=$1 after=$2 ms=$3 pid rest out=""
  shift 3
  while read -r pid rest; do
    out+="${out:+; }$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-70 | sed 's/ *$//') (pid $pid) $rest%"
  done < <(awk -v hz="$CLK_TCK" -v ms="$ms" -v ours=" $* " '
    NR == FNR { t0[$1] = $2; next }
    ($1 in t0) && index(ours, " " $1 " ") == 0 { p = 100 * ($2 - t0[$1]) / hz / (ms / 1000); if (p >= 5) printf "%d %.0f\n", $1, p }' \
    "$before" "$after" | sort -k2,2nr | head -n4)
  echo "$out"
}

# --- run ---------------------------------------------------------------------------------------

log "tmp dir $TMP; jar $JAR_SOURCE (copied); open files $FD_NOW (hard limit $FD_HARD)"
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

EDGE_PORT=$(free_port)
EDGE_LOG=$TMP/edge.log
EDGE_CMD="--http-port=$EDGE_PORT --no-https --bind-address=127.0.0.1 --workers=$WORKERS --realtime-max-clients=$MAX_CLIENTS"
t0=$(now_ms)
# shellcheck disable=SC2086
java $EDGE_JAVA_OPTIONS -jar "$EDGE_JAR" $EDGE_CMD --cache-dir="$TMP/cache" --socket-dir="$TMP/s" \
  $EDGE_OPTIONS </dev/null >"$EDGE_LOG" 2>&1 &
EDGE_PID=$!
PIDS+=("$EDGE_PID")
edge_ready() { curl -sf --max-time 2 "http://127.0.0.1:$EDGE_PORT/status" | grep -q "\"ready\":$WORKERS[,}]"; }
wait_until "edge listening" "$EDGE_PID" grep -q "^edge: http://127.0.0.1:$EDGE_PORT/" "$EDGE_LOG"
wait_until "edge workers ready" "$EDGE_PID" edge_ready
EDGE_SCHEDULING=$(sed -n 's/.*worker_start app=demo .*scheduling=\([a-z]*\).*/\1/p' "$EDGE_LOG" | head -n1)
log "edge ready on :$EDGE_PORT after $(($(now_ms) - t0)) ms (pid $EDGE_PID, workers $(children_of "$EDGE_PID"))"

CLIENT_ARGS=(--port="$EDGE_PORT" --clients="$CLIENTS" --connect-rate="$CONNECT_RATE" --channel="$CHANNEL"
  --interval-ms="$INTERVAL_MS" --warmup-s="$WARMUP" --duration-s="$DURATION" --drain-s="$DRAIN"
  --loops="$LOOPS" --publishers="$PUBLISHERS" --edge-pid="$EDGE_PID" --clk-tck="$CLK_TCK"
  --target-ms="$TARGET_P99_MS" --result="$TMP/result.txt")
log "client: java $CLIENT_JAVA_OPTIONS bench/RealtimeLoad.java ${CLIENT_ARGS[*]}"
proc_ticks "$TMP/procs0"
c0=$(now_ms)
# shellcheck disable=SC2086
java $CLIENT_JAVA_OPTIONS "$CLIENT_SRC" "${CLIENT_ARGS[@]}" >"$TMP/client.out" 2>"$TMP/client.log" &
CLIENT_PID=$!
PIDS+=("$CLIENT_PID")
tail -n +1 -f "$TMP/client.log" --pid="$CLIENT_PID" >&2 &
TAIL_PID=$!
PIDS+=("$TAIL_PID")
rc=0
wait "$CLIENT_PID" || rc=$?
forget_pid "$CLIENT_PID"
wait "$TAIL_PID" 2>/dev/null || true
forget_pid "$TAIL_PID"
proc_ticks "$TMP/procs1"
# shellcheck disable=SC2046
OTHERS=$(top_others "$TMP/procs0" "$TMP/procs1" "$(($(now_ms) - c0))" $$ "$EDGE_PID" $(children_of "$EDGE_PID") "$CLIENT_PID")
((rc == 0)) && [[ -s $TMP/result.txt ]] || die "the load client failed (exit $rc)"
count_log() { grep -c -- "$1" "$EDGE_LOG" || true; }
UNHEALTHY=$(count_log 'worker_unhealthy') START_TIMEOUTS=$(count_log 'worker_start_timeout') RESTARTS=$(count_log 'worker_restart')
OPEN_FAILED=$(count_log 'realtime_event_failed .*frame=open') CLOSE_FAILED=$(count_log 'realtime_event_failed .*frame=close')
OPEN_SHED=$(count_log 'realtime_event_failed .*frame=open reason=.*every worker is busy')
CLOSE_SHED=$(count_log 'realtime_event_failed .*frame=close reason=.*every worker is busy')
stop_pid "$EDGE_PID" $(children_of "$EDGE_PID")
forget_pid "$EDGE_PID"
END_DATE=$(date -u '+%T')

# --- report ------------------------------------------------------------------------------------

r() { awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$TMP/result.txt"; }
fmt() { awk -v n="$1" 'BEGIN { if (n !~ /^-?[0-9]+$/) { print n; exit }
  s = sprintf("%d", n); neg = (s ~ /^-/); if (neg) s = substr(s, 2); o = ""
  while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
  print (neg ? "-" : "") s o }'; }
P99=$(r latency_p99_ms)
MET=$(awk -v p="$P99" -v t="$TARGET_P99_MS" 'BEGIN { print (p != "-" && p + 0 <= t) ? "met" : "**not met**" }')
SCHEDULED=$(r publishes_scheduled) SENT=$(r publishes_sent)
OFFERED=$(awk -v c="$(r clients_open_before)" -v i="$INTERVAL_MS" 'BEGIN { printf "%.0f", c * 1000 / i }')
LOST=$(r lost)
LOSS_PCT=$(awk -v l="$LOST" -v e="$(r expected_deliveries_edge_recipients)" 'BEGIN { printf "%.3f", (e > 0 ? 100 * l / e : 0) }')
SHORT=$(awk -v a="$(r expected_deliveries_clients_x_publishes)" -v b="$(r expected_deliveries_edge_recipients)" 'BEGIN { print a - b }')
JAVA_VERSION=$(java -version 2>&1 | head -n1 || true)
CPU_MODEL=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
HEAD=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
DIRTY=$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes in src/ or pom.xml')
EVENT_LOOPS=$([[ $EDGE_OPTIONS =~ --event-loops[=\ ]([0-9]+) ]] && echo "${BASH_REMATCH[1]}" || echo "$((($(nproc) + 1) / 2)) (the default)")

# the full table goes to the history file; PERFORMANCE.md gets the rows marked KEY below
TABLE="| measure | value |
|---|---|
| clients | $(fmt "$(r clients_open_before)") open of $(fmt "$(r clients_requested)") ($(r connect_failures) failed); connected in $(r connect_s) s, all in \`$CHANNEL\` (presence) after $(r subscribed_s) s; $(fmt "$(r clients_open_after)") still open at the end |
| publishes | $(fmt "$SENT") sent of $(fmt "$SCHEDULED") scheduled, $(r publish_rate)/s over $(r publish_wall_s) s; not sent: $(fmt "$(r publishes_not_sent)") (due, but their connection was still waiting for an answer when the $DURATION s were over); errors: $(r publish_errors); \`/publish\` answered in p50 $(r publish_response_p50_ms) ms, p99 $(r publish_response_p99_ms) ms, max $(r publish_response_max_ms) ms; sent more than 5 ms after due: $(r publish_late_over_5ms), at most $(r publish_lag_max_ms) ms after |
| deliveries | $(fmt "$(r received)") received of $(fmt "$(r expected_deliveries_edge_recipients)") the edge counted (\`recipients\`; clients x publishes: $(fmt "$(r expected_deliveries_clients_x_publishes)")); lost $(fmt "$LOST") ($LOSS_PCT %); per client $(r per_client_min)-$(r per_client_max) |
| **deliveries/s** | **$(fmt "$(r deliveries_per_s)")** (offered: $(fmt "$OFFERED")/s, clients x publishes per second) |
| **latency p50 / p90 / p99** | **$(r latency_p50_ms) / $(r latency_p90_ms) / $(r latency_p99_ms) ms** |
| latency p99.9 / max | $(r latency_p999_ms) / $(r latency_max_ms) ms; above $TARGET_P99_MS ms: $(r latency_over_target) |
| latency from the schedule p50 / p99 / max | $(r from_schedule_p50_ms) / $(r from_schedule_p99_ms) / $(r from_schedule_max_ms) ms (from when the publish was due, so a publish sent late counts its lag too) |
| edge CPU | $(r edge_cpu_pct) % (100 = one core), $(r edge_cpu_us_per_delivery) us per delivery; busiest threads: $(r edge_threads) |
| edge memory | RSS $(r edge_rss_mb_before) MB before, $(r edge_rss_mb_after) MB after; heap used $(r edge_heap_used_mb_before) MB before, $(r edge_heap_used_mb_after) MB after (committed $(r edge_heap_committed_mb_after) MB); GC during the run: $(r edge_gc_YGC) young ($(r edge_gc_YGCT) s), $(r edge_gc_FGC) full, $(r edge_gc_CGC) concurrent cycles |
| demo workers CPU | $(r workers_cpu_pct) % ($(r workers) workers; publishes do not reach them) |
| load client CPU | $(r client_cpu_pct) %; busiest threads: $(r client_threads); $(r frames_per_read) frames per read |
| machine CPU | $(r machine_cpu_pct) % of $(($(nproc) * 100)) %; other processes $(r other_cpu_pct) % |
| edge's counters (\`/diagnostics\`) | deliveries $(fmt "$(r diag_deliveries)"), dropped $(r diag_dropped), slow consumers $(r diag_slowConsumers), published $(r diag_published) |
| the edge's log, whole run (the clients' closes at the end included) | open events failed: $OPEN_FAILED ($OPEN_SHED shed: every worker busy, queue full); close events failed: $CLOSE_FAILED ($CLOSE_SHED shed); workers declared unhealthy: $UNHEALTHY; worker start timeouts: $START_TIMEOUTS; restarts: $RESTARTS |
| **target p99 <= $TARGET_P99_MS ms** | $MET |"

KEY_TABLE=$(printf '%s\n' "$TABLE" | grep -E '^\|(---| (measure|clients|deliveries|\*\*deliveries/s\*\*|\*\*latency p50 [^|]*|edge CPU|edge memory|load client CPU|\*\*target [^|]*) \|)')
SETUP=$TMP/setup.md
{
  echo "- Date: $START_DATE-$END_DATE UTC"
  echo "- Machine: ${CPU_MODEL:-unknown CPU}, **$(nproc) CPUs shared by the edge, its $WORKERS workers and the load client**, ${MEM:-unknown} RAM; $(uname -sr); load before the run (2 s sample, 100 = one core): ${IDLE_BUSY}%; open files $FD_NOW per process"
  echo "- Jar: \`$JAR_SOURCE\` ($(stat -c %s "$EDGE_JAR") bytes, built $(date -u -r "$EDGE_JAR" '+%F %T') UTC); repository HEAD at run time: $HEAD$DIRTY; Java: \`$JAVA_VERSION\`"
  echo "- Edge: \`java ${EDGE_JAVA_OPTIONS:+$EDGE_JAVA_OPTIONS }-jar edge.jar --http-port=P --no-https --bind-address=127.0.0.1 --workers=$WORKERS --realtime-max-clients=$MAX_CLIENTS${EDGE_OPTIONS:+ $EDGE_OPTIONS}\` (event loops: $EVENT_LOOPS; send queue per client: the default 1024 messages / 1024 KiB; metrics and access log on; workers under \`${EDGE_SCHEDULING:-?}\` scheduling)"
  echo "- Load client: \`java $CLIENT_JAVA_OPTIONS bench/RealtimeLoad.java\`, one JVM: $(fmt "$CLIENTS") clients (a minimal NIO WebSocket client on $LOOPS selector threads) connected at $CONNECT_RATE/s to \`/realtime?channels=$CHANNEL\`; $PUBLISHERS keep-alive publisher connections, publish i due at start + i x $INTERVAL_MS ms on connection i mod $PUBLISHERS, body \`{\"@\":\"$CHANNEL\",\"t\":<System.nanoTime() at send>}\`; latency = the receiver's time after its read returned - t (same JVM, same clock); ${WARMUP} s of warm-up publishes, drained, then ${DURATION} s measured and drained"
  echo "- CPU % is CPU time over the measured phase's wall time ($(r window_s) s, from the first measured publish to the end of the drain), 100 = one core"
} >"$SETUP"

REPORT=$TMP/report.md
{
  echo "<!-- realtime:begin -->"
  echo "<!-- Generated by bench/realtime.sh; everything between the realtime markers is overwritten. -->"
  echo
  echo "## Realtime fan-out (last run)"
  echo
  echo "\`bench/realtime.sh\`: $(fmt "$CLIENTS") WebSocket clients in one channel on loopback, one \`POST /publish\` to it every $INTERVAL_MS ms; latency and deliveries as the clients measure them."
  echo
  echo "- $START_DATE-$END_DATE UTC; ${CPU_MODEL:-unknown CPU}, **$(nproc) CPUs shared by the edge, its $WORKERS workers and the load client**; HEAD $HEAD$DIRTY; event loops: $EVENT_LOOPS; CPU % over the measured $(r window_s) s, 100 = one core"
  echo
  echo "$KEY_TABLE"
  echo
  if [[ -n $OTHERS ]]; then
    echo "**Other load on the machine during the run** (>= 5 % CPU, over the client's whole run): $OTHERS."
    echo
  fi
  if [[ $(r failures) != - ]]; then
    echo "Clients that failed or were closed: $(r failures)."
    echo
  fi
  RAW_LINK=$(realpath -m --relative-to="$(dirname "$PERF_MD")" "$RAW_MD" 2>/dev/null || echo "$RAW_MD")
  echo "The setup, every measure and the client's full output: [$(basename "$RAW_MD")]($RAW_LINK), between its realtime-raw markers."
  echo "<!-- realtime:end -->"
} >"$REPORT"

RAW=$TMP/raw.md
{
  echo "<!-- realtime-raw:begin -->"
  echo "<!-- Generated by bench/realtime.sh with PERFORMANCE.md's realtime section; overwritten with it. -->"
  echo
  echo "## Realtime fan-out: the client's output of the run PERFORMANCE.md records"
  echo
  echo "Run of $START_DATE-$END_DATE UTC (${CPU_MODEL:-unknown CPU}, $(nproc) CPUs, HEAD $HEAD$DIRTY); edge \`$EDGE_CMD${EDGE_OPTIONS:+ $EDGE_OPTIONS}\`; client \`${CLIENT_ARGS[*]}\` (ports and paths of that run)."
  echo
  cat "$SETUP"
  echo
  echo "$TABLE"
  echo
  echo '```'
  cat "$TMP/client.log"
  echo "--- the edge's log, without access-log lines, first 40 and last 20 lines"
  grep -v '^[0-9-]*T[0-9:.]*Z ' "$EDGE_LOG" | awk '{ a[NR] = $0 } END { for (i = 1; i <= NR; i++) if (i <= 40 || i > NR - 20) print a[i]; else if (i == 41) print "... (" NR - 60 " lines)" }'
  echo "--- results"
  cat "$TMP/result.txt"
  echo '```'
  echo "<!-- realtime-raw:end -->"
} >"$RAW"

echo
echo "== realtime: $(fmt "$CLIENTS") clients, a publish every $INTERVAL_MS ms =="
cat "$TMP/result.txt"
echo
echo "deliveries/s $(r deliveries_per_s) (offered $OFFERED); latency p50 $(r latency_p50_ms) ms, p99 $P99 ms; target p99 <= $TARGET_P99_MS ms: ${MET//\*/}"
[[ -z $OTHERS ]] || echo "other load during the run: $OTHERS"

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
  replace_section "$PERF_MD" '<!-- realtime:begin -->' '<!-- realtime:end -->' "$REPORT" '<!-- supervision:end -->'
  log "wrote $PERF_MD"
  replace_section "$RAW_MD" '<!-- realtime-raw:begin -->' '<!-- realtime-raw:end -->' "$RAW"
  log "wrote the client's output to $RAW_MD"
fi
