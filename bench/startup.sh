#!/usr/bin/env bash
# Start-up of the edge with the demo app, every worker starting at once:
#   - spawn-to-READY of each worker (the edge's worker_ready startMs), for 2 and 4 workers;
#   - edge start to first request served: from launching `java -jar` to the first 200 on /hello;
#   - the edge's idle RSS once it has settled, and each worker's.
# Each round starts a fresh edge with the class-data archive already recorded (a warm machine:
# a first, unmeasured start records it). Prints one table; writes nothing into the docs.
#
#   bench/startup.sh                      # 2 and 4 workers, 5 rounds each
#   ROUNDS=3 COUNTS="2" EDGE_JAR=/tmp/x.jar bench/startup.sh
#
# Run it under the exclusive CPU lock: flock -x /tmp/edge-cpu.lock bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EDGE_JAR=${EDGE_JAR:-$ROOT/target/edge.jar}
ROUNDS=${ROUNDS:-5}
COUNTS=${COUNTS:-2 4}
SETTLE=${SETTLE:-25}
TMP=$(mktemp -d /tmp/edge-startup.XXXXXX)
EDGE_PID=
cleanup() { [ -n "$EDGE_PID" ] && kill "$EDGE_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

# Launches the edge, polls /hello every 5 ms from one process (no curl per attempt, so polling
# costs next to no CPU), and prints the milliseconds from launch to the first 200.
run_edge() { # $1 = workers, $2 = log
  python3 - "$EDGE_JAR" "$1" "$TMP" "$2" <<'PY'
import http.client, os, re, subprocess, sys, time
jar, workers, tmp, log = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
start = time.monotonic()
out = open(log, "w")
p = subprocess.Popen(["java", "-jar", jar, "--http-port=0", "--bind-address=127.0.0.1",
                      "--workers=" + workers, "--cache-dir=" + tmp + "/cache",
                      "--socket-dir=" + tmp + "/s"], stdout=out, stderr=subprocess.STDOUT)
open(tmp + "/edge.pid", "w").write(str(p.pid))
port = None
while time.monotonic() - start < 60:
    if port is None:
        m = re.search(r"edge: http://127\.0\.0\.1:(\d+)/", open(log).read())
        port = m and int(m.group(1))
    if port:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/hello")
            if c.getresponse().status == 200:
                print(int((time.monotonic() - start) * 1000))
                sys.exit(0)
        except OSError:
            pass
    time.sleep(0.005)
sys.exit("no 200 on /hello within 60 s")
PY
}

wait_ready() { # $1 = log, $2 = count
  local deadline=$((SECONDS + 60))
  until [ "$(grep -c 'worker_ready' "$1" || true)" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || { echo "workers not READY in $1" >&2; tail -20 "$1" >&2; exit 1; }
    sleep 0.1
  done
}

stop_edge() {
  kill "$EDGE_PID" 2>/dev/null || true
  while kill -0 "$EDGE_PID" 2>/dev/null; do sleep 0.1; done
  EDGE_PID=
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# First start: extracts the demo runtime and records the class-data archive; not measured.
run_edge 2 "$TMP/cold.log" >/dev/null
EDGE_PID=$(cat "$TMP/edge.pid")
until ls "$TMP"/cache/runtime-*/demo.jsa >/dev/null 2>&1; do sleep 0.2; done
stop_edge

echo "| workers | spawn-to-READY median (ms) | max (ms) | samples | launch to first /hello 200, median (ms) | edge RSS after ${SETTLE} s (MB) | worker RSS (MB) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in $COUNTS; do
  : >"$TMP/ready.$n"
  : >"$TMP/first.$n"
  for r in $(seq 1 "$ROUNDS"); do
    run_edge "$n" "$TMP/run.log" >>"$TMP/first.$n"
    EDGE_PID=$(cat "$TMP/edge.pid")
    wait_ready "$TMP/run.log" "$n"
    grep -o 'worker_ready .*startMs=[0-9]*' "$TMP/run.log" | grep -o '[0-9]*$' >>"$TMP/ready.$n"
    if [ "$r" = "$ROUNDS" ]; then
      sleep "$SETTLE"
      EDGE_RSS=$(($(rss_kb "$EDGE_PID") / 1024))
      WORKER_RSS=$(for w in $(grep -o 'worker_start .* pid=[0-9]*' "$TMP/run.log" | grep -o '[0-9]*$'); do
        echo $(($(rss_kb "$w") / 1024)); done | paste -sd/)
    fi
    stop_edge
  done
  echo "| $n | $(median <"$TMP/ready.$n") | $(sort -n "$TMP/ready.$n" | tail -1) | $(wc -l <"$TMP/ready.$n") | $(median <"$TMP/first.$n") | $EDGE_RSS | $WORKER_RSS |"
done
