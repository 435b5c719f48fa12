#!/usr/bin/env bash
# The edge's RSS (the edge process alone; workers are listed apart): idle once settled, every
# second during a short overload (wrk -c400 on /hello), and every 5 s after it, to show that RSS
# stays bounded and that the idle memory release (--memory-release-idle-ms) gives it back.
# Prints its results; writes nothing into the docs.
#
#   bench/memory.sh                                   # target/edge.jar, 2 workers
#   EDGE_JAR=/tmp/edge-base.jar NMT=1 bench/memory.sh # also jcmd VM.native_memory at idle
#
# Run it under the exclusive CPU lock: flock -x /tmp/edge-cpu.lock bench/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
EDGE_JAR=${EDGE_JAR:-$(pwd)/target/edge.jar}
WORKERS=${WORKERS:-2}
SETTLE=${SETTLE:-22}
LOAD_S=${LOAD_S:-15}
TMP=$(mktemp -d /tmp/edge-memory.XXXXXX)
EDGE_PID=
cleanup() { [ -n "$EDGE_PID" ] && kill "$EDGE_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

JVM=()
[ -n "${NMT:-}" ] && JVM=(-XX:NativeMemoryTracking=summary)
java "${JVM[@]}" -jar "$EDGE_JAR" --http-port=0 --bind-address=127.0.0.1 --workers="$WORKERS" \
  --cache-dir="$TMP/cache" --socket-dir="$TMP/s" >"$TMP/log" 2>&1 &
EDGE_PID=$!
deadline=$((SECONDS + 120))
until [ "$(grep -c worker_ready "$TMP/log" || true)" -ge "$WORKERS" ]; do
  [ $SECONDS -lt $deadline ] || { echo "workers not READY" >&2; tail -20 "$TMP/log" >&2; exit 1; }
  sleep 0.1
done
PORT=$(grep -o 'edge: http://127.0.0.1:[0-9]*' "$TMP/log" | grep -o '[0-9]*$')
rss() { echo $(($(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024)); }

sleep "$SETTLE"
echo "edge idle after ${SETTLE} s: $(rss "$EDGE_PID") MB"
for w in $(grep -o 'worker_start .* pid=[0-9]*' "$TMP/log" | grep -o '[0-9]*$'); do
  echo "  worker $w: $(rss "$w") MB"
done
if [ -n "${NMT:-}" ]; then
  jcmd "$EDGE_PID" VM.native_memory summary | grep -E '^(Total|-)' | grep -v 'committed=0KB'
fi
wrk -t2 -c400 -d"${LOAD_S}s" "http://127.0.0.1:$PORT/hello" >"$TMP/wrk.txt" &
WRK=$!
during=""
for _ in $(seq 1 "$LOAD_S"); do sleep 1; during="$during $(rss "$EDGE_PID")"; done
wait "$WRK"
echo "during ${LOAD_S} s of wrk -c400 (1 s samples):$during MB"
grep -E 'Requests/sec|Non-2xx|Socket errors' "$TMP/wrk.txt" || true
after=""
for _ in 1 2 3 4 5 6 7 8; do sleep 5; after="$after $(rss "$EDGE_PID")"; done
echo "after the load (5 s samples):$after MB"
