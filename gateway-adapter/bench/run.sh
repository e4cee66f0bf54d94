#!/usr/bin/env bash
# Gateway overhead benchmark (not a test), in one run: wrk against a static upstream directly, through
# nginx as a plain reverse proxy (the peer: keep-alive pool, 1 worker, no buffering, access log off) and
# through the runnable gateway jar with an API key (cache-hit path), for non-streaming and streaming chat
# completions. Reports p50/p99 latency and throughput for each, and the gateway's ratio to nginx.
#   gateway-adapter/bench/run.sh [duration=15s] [connections for throughput=32]
# The setup is ../../../shared/bench/gateway-vs-nginx.sh's: nginx answers as the upstream (static JSON
# completion with usage, or a static SSE stream of 8 chunks, usage and [DONE]), the gateway runs in a
# JVM of its own (GATEWAY_JAVA_OPTS passes flags; any GATEWAY_* variable set here reaches it), and a
# stand-in Keycloak realm (BenchRealm, test sources) answers its introspection and revocation feed.
# BENCH_FLOORS=1 (the default) also measures two relays that do nothing but relay (FloorRelay, test
# sources): Netty's codecs alone, and Vert.x's HTTP server with a bare Netty client (the gateway's
# parts): what is left between them and the gateway is the gateway's own work per request.
# BENCH_ROUNDS (default 3): nginx and the gateway are measured in turns, this many rounds per kind of
# answer, and the median of the rounds' ratios is reported with each round's: on a shared VM one turn's
# ratio moved by ±0.1 from the next (other tenants), more than most changes to the gateway do.
# BENCH_LIMITS=off|memory|redis: the gateway without limits, or with every kind of limit (never
# refusing) counted in memory or in Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379).
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx); builds what it needs (offline Maven).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15s}
CONNECTIONS=${2:-32}

# shellcheck source=stage.sh
source bench/stage.sh
GW_PORT=${GATEWAY_BENCH_PORT:-18403}
GATEWAY=http://127.0.0.1:$GW_PORT

GATEWAY_UPSTREAMS=$UPSTREAM/v1 GATEWAY_HOST=127.0.0.1 GATEWAY_PORT=$GW_PORT GATEWAY_MANAGEMENT_PORT=$((GW_PORT + 1)) \
GATEWAY_ACCESS_LOG=false GATEWAY_USAGE_SPILL_DIR=$(mktemp -d) \
  java ${GATEWAY_JAVA_OPTS:-} -jar target/inference-gateway.jar > target/bench-gateway.log 2>&1 &
GW=$!
FLOORS=()
if [ "${BENCH_FLOORS:-1}" = 1 ]; then
  for floor in netty vertx; do
    port=$((GW_PORT + ${#FLOORS[@]} + 10))
    # shellcheck disable=SC2086
    java ${GATEWAY_JAVA_OPTS:-} -cp "$CP" org.inferenceauth.gateway.bench.FloorRelay $floor $port "$UP_PORT" \
      > "target/bench-floor-$floor.log" 2>&1 &
    FLOORS+=("$floor:$port:$!")
    GW="$GW $!"
  done
fi
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$((GW_PORT + 1))/readyz" >/dev/null 2>&1 && break; sleep 0.5; done

run() { # name url stream connections threads [pids whose CPU per request to report]
  local out before after
  before=$( [ $# -gt 5 ] && cpu_ticks "${@:6}" || echo 0)
  out=$(BENCH_STREAM=$3 wrk -t"$5" -c"$4" -d"$DURATION" --latency -s bench/chat.lua "$2/v1/chat/completions")
  after=$( [ $# -gt 5 ] && cpu_ticks "${@:6}" || echo 0)
  local p50 p99 rps requests cpu=""
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  requests=$(awk '/requests in/{print $1}' <<<"$out")
  bad=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  if [ $# -gt 5 ] && [ "${requests:-0}" -gt 0 ]; then
    cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "  %.1f us CPU/req", t / hz * 1e6 / n }')
  fi
  printf '%-34s p50 %-9s p99 %-9s %10s req/s%s%s\n' "$1" "$p50" "$p99" "$rps" "$cpu" "${bad:+  NON-2XX $bad}"
  LAST_RPS=$rps
}

ratio() { # [name]: the last run's req/s over nginx's; also kept in LAST_RATIO
  LAST_RATIO=$(awk -v g="$LAST_RPS" -v n="$NGINX_RPS" 'BEGIN { printf "%.2f", g / n }')
  printf '%-34s %s\n' "  ${1:-gateway} / nginx throughput" "$LAST_RATIO"
}

echo "limits: ${BENCH_LIMITS:-off}; JVM flags: ${GATEWAY_JAVA_OPTS:-(defaults)}; load before: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores"
# Long enough for C2 to compile the hot path: on this 2-core machine under other builds' load, 8 s
# left the gateway at a fifth of its later throughput (a JIT warm-up, not the gateway, was measured).
WARMUP=${WARMUP:-30}
echo "warm-up (${WARMUP}s)"; BENCH_STREAM=0 wrk -t1 -c8 -d"${WARMUP}s" -s bench/chat.lua "$GATEWAY/v1/chat/completions" >/dev/null
BENCH_STREAM=1 wrk -t1 -c8 -d"$((WARMUP / 3))s" -s bench/chat.lua "$GATEWAY/v1/chat/completions" >/dev/null
BENCH_STREAM=0 wrk -t1 -c4 -d3s -s bench/chat.lua "$NGINX/v1/chat/completions" >/dev/null
for floor in "${FLOORS[@]}"; do
  BENCH_STREAM=0 wrk -t1 -c8 -d"$((WARMUP / 3))s" -s bench/chat.lua "http://127.0.0.1:$(cut -d: -f2 <<<"$floor")/v1/chat/completions" >/dev/null
done
echo "== latency (1 connection) =="
for stream in 0 1; do
  kind=$([ $stream = 1 ] && echo stream || echo non-stream)
  run "direct   $kind" "$UPSTREAM" $stream 1 1
  run "nginx    $kind" "$NGINX" $stream 1 1
  run "gateway  $kind" "$GATEWAY" $stream 1 1
done
NGINX_PIDS=$(nginx_pids)
ROUNDS=${BENCH_ROUNDS:-3}
echo "== throughput ($CONNECTIONS connections, 1 thread, as the shared script; CPU per request of the peer and the gateway;" \
  "nginx and the gateway in turns, $ROUNDS rounds) =="
for stream in 0 1; do
  kind=$([ $stream = 1 ] && echo stream || echo non-stream)
  run "direct   $kind" "$UPSTREAM" $stream "$CONNECTIONS" 1
  RATIOS=()
  for _ in $(seq 1 "$ROUNDS"); do
    # shellcheck disable=SC2086
    run "nginx    $kind" "$NGINX" $stream "$CONNECTIONS" 1 $NGINX_PIDS
    NGINX_RPS=$LAST_RPS
    run "gateway  $kind" "$GATEWAY" $stream "$CONNECTIONS" 1 "${GW%% *}"
    ratio
    RATIOS+=("$LAST_RATIO")
  done
  printf '%-34s %s (rounds: %s)\n' "  gateway / nginx, median" \
    "$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : sprintf("%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2) }')" \
    "${RATIOS[*]}"
  for floor in "${FLOORS[@]}"; do
    IFS=: read -r name port pid <<<"$floor"
    run "$(printf '%-8s %s' "$name" "$kind") (floor)" "http://127.0.0.1:$port" $stream "$CONNECTIONS" 1 "$pid"
    ratio "$name relay"
  done
done
echo "gateway RSS at the end: $(awk '/VmRSS/{printf "%.0f MB", $2/1024}' "/proc/${GW%% *}/status")"
echo "load after: $(cut -d" " -f1-3 /proc/loadavg)"
