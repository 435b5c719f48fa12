#!/usr/bin/env bash
# How long a new connection waits for its answer while a burst of connections arrives at once.
#
#   bench/accept-spike.sh              # 3 rounds, each against a freshly started edge
#   ROUNDS=5 bench/accept-spike.sh
#
# Each round starts the edge (java -jar edge.jar --workers=1, the built-in demo app, as bench/run.sh
# does) on a free loopback port, waits for its worker to be READY, then at the same moment starts
# `wrk -t2 -c$CONNECTIONS -d$DURATION` against /hello (wrk opens all its connections at once) and
# $PROBES health checks, one every $PROBE_INTERVAL seconds from that moment on: each a new
# connection, `curl http://127.0.0.1:PORT/server`, timed by curl (time_connect: TCP handshake done;
# time_total: answer received). With each probe, and for 2 s after, it samples the listener's
# accept queue (`ss -ltn`, Recv-Q; the probes are thus a little more than PROBE_INTERVAL apart).
# It prints each probe and, over all rounds, the median, p90 and max of both times and the accept
# queue 0.1 s into the burst. Target: every probe answered within 100 ms (time_total).
#
# Environment (all optional):
#   EDGE_JAR            edge jar (default target/edge.jar; built with ./mvnw if missing)
#   EDGE_JAVA_OPTIONS   JVM options of the edge process (default none)
#   EDGE_OPTIONS        extra edge options (default none)
#   WORKER_JAVA_OPTIONS JVM options of the demo worker (default: bench/run.sh's)
#   ROUNDS              rounds, each against a fresh edge (default 3)
#   CONNECTIONS         wrk's connections (default 400); WRK_THREADS (default 2); DURATION (default 10s)
#   PROBES              health checks per round (default 20); PROBE_INTERVAL seconds (default 0.1)
#   WARMUP              e.g. 10s: load the edge with `wrk -t2 -c32` that long before the burst, to
#                       tell a cold (just started, not yet compiled) edge from a warm one (default: none)
#   IDLE_WAIT           seconds to wait, before each round, for other load on the machine to stop (default 60)
#   KEEP_TMP=1          keep the temporary directory (edge logs, wrk output, probe times)
#
# Loopback only. Needs java, curl, ss (iproute2) and wrk (installed with apt-get when run as root).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

EDGE_JAR=${EDGE_JAR:-target/edge.jar}
EDGE_JAVA_OPTIONS=${EDGE_JAVA_OPTIONS:-}
EDGE_OPTIONS=${EDGE_OPTIONS:-}
WORKER_JAVA_OPTIONS=${WORKER_JAVA_OPTIONS:-"-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx128m"}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-400}
WRK_THREADS=${WRK_THREADS:-2}
DURATION=${DURATION:-10s}
PROBES=${PROBES:-20}
PROBE_INTERVAL=${PROBE_INTERVAL:-0.1}
WARMUP=${WARMUP:-}
IDLE_WAIT=${IDLE_WAIT:-60}
READY_TIMEOUT=60
TARGET_MS=100

log() { printf '[accept-spike %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || die "ROUNDS=$ROUNDS: expected 1-99"
[[ $PROBES =~ ^[1-9][0-9]{0,2}$ ]] || die "PROBES=$PROBES: expected 1-999"

if ! command -v wrk >/dev/null 2>&1; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null; }
  else
    die "wrk is not installed (install: sudo apt-get install -y wrk)"
  fi
fi
for tool in java curl ss awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"; done

if [[ ! -f $EDGE_JAR ]]; then
  [[ $EDGE_JAR == target/edge.jar ]] || die "EDGE_JAR=$EDGE_JAR does not exist"
  log "target/edge.jar is missing: building it"
  ./mvnw -B -q package -DskipTests
  [[ -f $EDGE_JAR ]] || die "the build did not produce $EDGE_JAR"
fi
EDGE_JAR=$(cd "$(dirname "$EDGE_JAR")" && pwd)/$(basename "$EDGE_JAR")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/edge-accept-spike.XXXXXX")
PIDS=()  # everything this script started in the background, stopped on exit

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

stop_all() {  # the edge's workers first-hand too: they are children of the edge, not ours
  local pid children=()
  for pid in "${PIDS[@]}"; do
    while read -r c; do [[ -n $c ]] && children+=("$c"); done < <(pgrep -P "$pid" 2>/dev/null || true)
  done
  if ((${#PIDS[@]})); then stop_pid "${PIDS[@]}"; fi
  if ((${#children[@]})); then stop_pid "${children[@]}"; fi
  PIDS=()
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  if ((rc != 0 && rc != 130 && rc != 143)); then
    for f in "$TMP"/edge-*.log; do
      [[ -s $f ]] || continue
      echo "--- last lines of $f" >&2
      tail -n 15 "$f" >&2
    done
  fi
  if [[ ${KEEP_TMP:-0} == 1 || $rc -ne 0 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {  # a loopback TCP port nobody listens on, below the ephemeral range (as bench/run.sh)
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

wait_until() {  # wait_until DESCRIPTION PID COMMAND...: polls COMMAND until it succeeds
  local what=$1 pid=$2 deadline=$(($(date +%s) + READY_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$what: process $pid exited"
    (($(date +%s) < deadline)) || die "$what: not ready within ${READY_TIMEOUT}s"
    sleep 0.05
  done
}

machine_ticks() {  # busy CPU ticks of the whole machine (all cores), from /proc/stat
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

wait_idle() {  # waits up to IDLE_WAIT s for the machine to be under 20 % busy; sets BUSY (100 = one core)
  local deadline=$(($(date +%s) + IDLE_WAIT)) m0 hz
  hz=$(getconf CLK_TCK)
  while :; do
    m0=$(machine_ticks)
    sleep 2
    BUSY=$((($(machine_ticks) - m0) * 100 / (2 * hz)))
    ((BUSY > 20)) || return 0
    if (($(date +%s) >= deadline)); then
      log "warning: the machine is ${BUSY}% busy (100 = one core) before this round; it will be noisy"
      return 0
    fi
    log "the machine is ${BUSY}% busy (100 = one core); waiting for it to calm down"
  done
}

accept_queue() {  # accept_queue PORT: connections waiting in the listener's accept queue
  ss -Hltn "sport = :$1" 2>/dev/null | awk '{ q += $2 } END { print q + 0 }'
}

log "jar $EDGE_JAR; $ROUNDS rounds; wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION /hello; $PROBES probes every ${PROBE_INTERVAL}s"
: >"$TMP/probes"
BUSY_ALL=()
for ((round = 1; round <= ROUNDS; round++)); do
  wait_idle
  BUSY_ALL+=("$BUSY")
  port=$(free_port)
  edge_log=$TMP/edge-$round.log
  # shellcheck disable=SC2086
  java $EDGE_JAVA_OPTIONS -jar "$EDGE_JAR" --http-port="$port" --bind-address=127.0.0.1 --workers=1 \
    --cache-dir="$TMP/cache" --socket-dir="$TMP/s-$round" --worker-java-options="$WORKER_JAVA_OPTIONS" \
    $EDGE_OPTIONS </dev/null >"$edge_log" 2>&1 &
  edge=$!
  PIDS+=("$edge")
  wait_until "edge listening" "$edge" grep -q "^edge: http://127.0.0.1:$port/" "$edge_log"
  wait_until "edge worker ready" "$edge" \
    sh -c "curl -sf --max-time 2 http://127.0.0.1:$port/status | grep -q '\"ready\":1'"
  if [[ -n $WARMUP ]]; then
    log "round $round: warming the edge up with wrk -t2 -c32 -d$WARMUP"
    wrk -t2 -c32 -d"$WARMUP" "http://127.0.0.1:$port/hello" >/dev/null 2>&1
    sleep 1
  fi
  log "round $round: ${WARMUP:+warmed-up }edge ready on :$port (pid $edge; machine ${BUSY}% busy before it); burst starts"

  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/hello" \
    >"$TMP/wrk-$round.txt" 2>&1 &
  wrk_pid=$!
  PIDS+=("$wrk_pid")
  probe_pids=()
  for ((i = 0; i < PROBES; i++)); do
    # each probe on its own, so a slow one does not delay the next
    (
      out=$(curl -s -o /dev/null --max-time 15 -w '%{http_code} %{time_connect} %{time_total}' \
        "http://127.0.0.1:$port/server" || true)
      echo "$round $i $out" >"$TMP/probe-$round-$i"
    ) &
    probe_pids+=($!)
    echo "$(accept_queue "$port")" >>"$TMP/queue-$round"
    sleep "$PROBE_INTERVAL"
  done
  for ((i = 0; i < 20; i++)); do  # the accept queue for two more seconds
    echo "$(accept_queue "$port")" >>"$TMP/queue-$round"
    sleep 0.1
  done
  for pid in "${probe_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  wait "$wrk_pid" 2>/dev/null || true
  for ((i = 0; i < PROBES; i++)); do cat "$TMP/probe-$round-$i" >>"$TMP/probes"; done

  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk-$round.txt")
  errors=$(awk '/Socket errors|Non-2xx/ { printf "%s; ", $0 }' "$TMP/wrk-$round.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$TMP/wrk-$round.txt")
  qmax=$(sort -n "$TMP/queue-$round" | tail -n1)
  log "round $round: wrk ${rps:-?} req/s, p99 ${p99:-?}${errors:+, $errors}; accept queue max $qmax"
  awk -v r="$round" '$1 == r { printf "  probe %2d at +%.1fs: HTTP %s, connect %.1f ms, answer %.1f ms\n", $2, $2 * '"$PROBE_INTERVAL"', $3, $4 * 1000, $5 * 1000 }' \
    "$TMP/probes" >&2
  stop_all
done

# --- summary -----------------------------------------------------------------------------------

stats() {  # stats COLUMN: "median p90 max" in ms of that column over all probes
  awk -v c="$1" '{ print $c * 1000 }' "$TMP/probes" | sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    p = int(NR * 0.9 + 0.999); if (p < 1) p = 1
    printf "%.1f %.1f %.1f", m, v[p], v[NR] }'
}
read -r c_med c_p90 c_max <<<"$(stats 4)"
read -r t_med t_p90 t_max <<<"$(stats 5)"
total=$(wc -l <"$TMP/probes")
failed=$(awk '$3 != "200"' "$TMP/probes" | wc -l)
late=$(awk -v t="$TARGET_MS" '$5 * 1000 > t' "$TMP/probes" | wc -l)
queue_max=$(cat "$TMP"/queue-* | sort -n | tail -n1)
queue_early=$(for ((r = 1; r <= ROUNDS; r++)); do sed -n 2p "$TMP/queue-$r"; done | sort -n | paste -sd' ')

echo
echo "== accept under a connection spike ($(date -u '+%F %T') UTC) =="
echo "machine: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) CPUs; $ROUNDS rounds, fresh edge each"
echo "load: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION /hello${WARMUP:+ after a $WARMUP warm-up (-c32)}; probes: $PROBES per round, every ${PROBE_INTERVAL}s from wrk's start"
echo "edge: ${EDGE_JAVA_OPTIONS:+$EDGE_JAVA_OPTIONS }--workers=1${EDGE_OPTIONS:+ $EDGE_OPTIONS}"
echo "probe GET /server, $total in all: connect median $c_med ms, p90 $c_p90 ms, max $c_max ms; answer median $t_med ms, p90 $t_p90 ms, max $t_max ms"
echo "probes over ${TARGET_MS} ms: $late; not 200: $failed; accept queue (ss Recv-Q) max: $queue_max; 0.1 s into the burst, per round: $queue_early"
for ((round = 1; round <= ROUNDS; round++)); do
  echo "round $round (machine ${BUSY_ALL[round - 1]}% busy before) wrk: $(awk '/^Requests\/sec:/ { print $2 " req/s" }' "$TMP/wrk-$round.txt"), p99 $(awk '$1 == "99%" { print $2 }' "$TMP/wrk-$round.txt")$(awk '/Socket errors|Non-2xx/ { printf "; %s", $0 }' "$TMP/wrk-$round.txt")"
done
if ((late == 0 && failed == 0)); then echo "target (every probe answered within ${TARGET_MS} ms): met"; else echo "target (every probe answered within ${TARGET_MS} ms): NOT met"; fi
