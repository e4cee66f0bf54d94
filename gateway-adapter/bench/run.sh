#!/usr/bin/env bash
# Gateway overhead benchmark (not a test): wrk against the demo upstream directly, through nginx as a
# plain reverse proxy (the peer: keep-alive pool, 1 worker, no buffering, access log off), and through
# the gateway with an API key (cache hit path), for non-streaming and streaming chat completions, in
# one run. Reports p50/p99 latency and throughput for each, and the gateway's ratio to nginx.
#   gateway-adapter/bench/run.sh [duration=15s] [connections for throughput=32]
# BENCH_LIMITS=off|memory|redis: the gateway without limits, or with every kind of limit (never
# refusing) counted in memory or in Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379).
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx); compiles what it needs (offline Maven).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15s}
CONNECTIONS=${2:-32}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install -y nginx)"; exit 1; }
CP_FILE=target/bench.classpath
# In the reactor, so the sibling api-key-format resolves to its classes without an install.
(cd .. && mvn -o -q -pl api-key-format,demo-upstream,gateway-adapter test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null)
CP="target/classes:target/test-classes:$(cat "$CP_FILE")"

INFO=$(mktemp)
java -Xmx512m -cp "$CP" org.inferenceauth.gateway.bench.BenchStack "$INFO" > target/bench-stack.log 2>&1 &
STACK=$!
NGINX_DIR=$(mktemp -d)
trap 'kill $STACK 2>/dev/null || true; nginx -c "$NGINX_DIR/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$INFO" "$NGINX_DIR"' EXIT
for _ in $(seq 1 100); do [ -s "$INFO" ] && break; sleep 0.2; done
# shellcheck disable=SC1090
source "$INFO"
export BENCH_KEY=$KEY
# The peer: what an operator would otherwise put in front of the upstream (as ../../shared/bench/gateway-vs-nginx.sh).
NGINX_PORT=${NGINX_PORT:-18402}
cat >"$NGINX_DIR/nginx.conf" <<CONF
worker_processes 1; pid $NGINX_DIR/nginx.pid; error_log $NGINX_DIR/error.log;
events { worker_connections 4096; }
http { access_log off;
  upstream up { server ${UPSTREAM#http://}; keepalive 64; }
  server { listen 127.0.0.1:$NGINX_PORT; location / { proxy_pass http://up; proxy_http_version 1.1;
    proxy_set_header Connection ""; proxy_buffering off; } } }
CONF
nginx -c "$NGINX_DIR/nginx.conf"
NGINX=http://127.0.0.1:$NGINX_PORT

run() { # name url stream connections threads
  local out
  out=$(BENCH_STREAM=$3 wrk -t"$5" -c"$4" -d"$DURATION" --latency -s bench/chat.lua "$2/v1/chat/completions")
  local p50 p99 rps
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  printf '%-34s p50 %-9s p99 %-9s %10s req/s%s\n' "$1" "$p50" "$p99" "$rps" "${bad:+  NON-2XX $bad}"
  LAST_RPS=$rps
}

ratio() { # gateway req/s over nginx req/s, from the last two runs
  awk -v g="$LAST_RPS" -v n="$NGINX_RPS" 'BEGIN { printf "%-34s %.2f\n", "  gateway / nginx throughput", g / n }'
}

echo "limits: ${BENCH_LIMITS:-off}; load before: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores"
# Long enough for C2 to compile the hot path: on this 2-core machine under other builds' load, 8 s
# left the gateway at a fifth of its later throughput (a JIT warm-up, not the gateway, was measured).
WARMUP=${WARMUP:-30}
echo "warm-up (${WARMUP}s)"; BENCH_STREAM=0 wrk -t1 -c8 -d"${WARMUP}s" -s bench/chat.lua "$GATEWAY/v1/chat/completions" >/dev/null
BENCH_STREAM=1 wrk -t1 -c8 -d"$((WARMUP / 3))s" -s bench/chat.lua "$GATEWAY/v1/chat/completions" >/dev/null
BENCH_STREAM=0 wrk -t1 -c4 -d3s -s bench/chat.lua "$NGINX/v1/chat/completions" >/dev/null
echo "== latency (1 connection) =="
for stream in 0 1; do
  kind=$([ $stream = 1 ] && echo stream || echo non-stream)
  run "direct   $kind" "$UPSTREAM" $stream 1 1
  run "nginx    $kind" "$NGINX" $stream 1 1
  run "gateway  $kind" "$GATEWAY" $stream 1 1
done
echo "== throughput ($CONNECTIONS connections, 2 threads) =="
for stream in 0 1; do
  kind=$([ $stream = 1 ] && echo stream || echo non-stream)
  run "direct   $kind" "$UPSTREAM" $stream "$CONNECTIONS" 2
  run "nginx    $kind" "$NGINX" $stream "$CONNECTIONS" 2
  NGINX_RPS=$LAST_RPS
  run "gateway  $kind" "$GATEWAY" $stream "$CONNECTIONS" 2
  ratio
done
echo "load after: $(cut -d" " -f1-3 /proc/loadavg)"
