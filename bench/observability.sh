#!/usr/bin/env bash
# What metrics and the access log cost: runs bench/run.sh against the edge alone on /hello,
# alternating "everything on" (the default) and "--no-metrics --no-access-log", ROUNDS times each,
# and records the medians and their ratio in docs/edge/PERFORMANCE.md between the observability
# markers. The edge's throughput varies a lot between identical runs on a shared 2-core machine, so
# the per-request CPU cost of the edge (proxy_us) is the figure to compare; throughput is shown too.
#
#   bench/observability.sh             # 3 rounds
#   ROUNDS=5 bench/observability.sh
#
# Target (issue 6): metrics and access logging cost less than 5 % of throughput.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROUNDS=${ROUNDS:-3}
DOC=$ROOT/docs/edge/PERFORMANCE.md
EDGE_JAR=${EDGE_JAR:-$ROOT/target/edge.jar}
if [ ! -f "$EDGE_JAR" ]; then ./mvnw -B -q package -DskipTests; fi
TMP=$(mktemp -d /tmp/edge-observability.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

run() { # $1 = label, $2 = edge options; appends "label req/s proxy_us" to $TMP/results
  local line
  line=$(EDGE_JAR=$EDGE_JAR EDGE_OPTIONS="$2" TARGETS=edge ENDPOINTS=/hello PERF_MD=- IDLE_WAIT=${IDLE_WAIT:-10} \
    bench/run.sh 2>&1 | awk '$1 == "edge" && $2 == "/hello" { print $3, $7 }' | tail -n1)
  [ -n "$line" ] || { echo "bench/run.sh gave no result for $1" >&2; exit 1; }
  echo "$1 $line" | tee -a "$TMP/results"
}

for ((i = 1; i <= ROUNDS; i++)); do
  run on ""
  run off "--no-metrics --no-access-log"
done

median() { # $1 = label, $2 = column
  awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$TMP/results" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
ON_RPS=$(median on 2); OFF_RPS=$(median off 2)
ON_US=$(median on 3); OFF_US=$(median off 3)
RPS_RATIO=$(awk -v a="$ON_RPS" -v b="$OFF_RPS" 'BEGIN { printf "%.3f", a / b }')
US_RATIO=$(awk -v a="$ON_US" -v b="$OFF_US" 'BEGIN { printf "%.3f", a / b }')
echo "median req/s on $ON_RPS off $OFF_RPS (on/off $RPS_RATIO); edge us/req on $ON_US off $OFF_US (on/off $US_RATIO)"

{
  echo "<!-- observability:begin -->"
  echo "### Cost of metrics and the access log ($(date -u '+%F %T') UTC)"
  echo
  echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); \`bench/observability.sh\`, $ROUNDS rounds of \`bench/run.sh\` on \`/hello\` (wrk -t2 -c32 -d10s after a 10 s warm-up), alternating."
  echo
  echo "| edge | median req/s | median edge CPU µs/request | runs (req/s, µs) |"
  echo "|---|---|---|---|"
  echo "| metrics + access log (default) | $ON_RPS | $ON_US | $(awk '$1 == "on" { printf "%s/%s ", $2, $3 }' "$TMP/results") |"
  echo "| \`--no-metrics --no-access-log\` | $OFF_RPS | $OFF_US | $(awk '$1 == "off" { printf "%s/%s ", $2, $3 }' "$TMP/results") |"
  echo
  echo "On/off: throughput $RPS_RATIO, CPU per request $US_RATIO (target: cost under 5 %, i.e. throughput ratio at least 0.95)."
  echo "<!-- observability:end -->"
} >"$TMP/section.md"

if grep -q '^<!-- observability:begin -->' "$DOC"; then
  awk -v section="$TMP/section.md" '
    /^<!-- observability:begin -->/ { while ((getline line < section) > 0) print line; skip = 1; next }
    /^<!-- observability:end -->/ { skip = 0; next }
    !skip { print }' "$DOC" >"$TMP/doc.md"
  cat "$TMP/doc.md" >"$DOC"
else
  { echo; cat "$TMP/section.md"; } >>"$DOC"
fi
echo "wrote $DOC"
