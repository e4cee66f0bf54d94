#!/usr/bin/env bash
# Gateway overhead benchmark (not a test): wrk against the demo upstream directly, then through the
# gateway with an API key (cache hit path), for non-streaming and streaming chat completions.
# Reports p50/p99 latency and throughput for each, and the gateway's added latency.
#   gateway-adapter/bench/run.sh [duration=15s] [connections for throughput=32]
# Needs wrk (Debian: apt-get install -y wrk); compiles what it needs (offline Maven).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15s}
CONNECTIONS=${2:-32}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
CP_FILE=target/bench.classpath
# In the reactor, so the sibling api-key-format resolves to its classes without an install.
(cd .. && mvn -o -q -pl api-key-format,demo-upstream,gateway-adapter test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null)
CP="target/classes:target/test-classes:$(cat "$CP_FILE")"

INFO=$(mktemp)
java -Xmx512m -cp "$CP" org.inferenceauth.gateway.bench.BenchStack "$INFO" > target/bench-stack.log 2>&1 &
STACK=$!
trap 'kill $STACK 2>/dev/null || true; rm -f "$INFO"' EXIT
for _ in $(seq 1 100); do [ -s "$INFO" ] && break; sleep 0.2; done
# shellcheck disable=SC1090
source "$INFO"
export BENCH_KEY=$KEY

run() { # name url stream connections threads
  local out
  out=$(BENCH_STREAM=$3 wrk -t"$5" -c"$4" -d"$DURATION" --latency -s bench/chat.lua "$2/v1/chat/completions")
  local p50 p99 rps
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  printf '%-34s p50 %-9s p99 %-9s %10s req/s\n' "$1" "$p50" "$p99" "$rps"
}

echo "load before: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores"
echo "warm-up"; BENCH_STREAM=0 wrk -t1 -c4 -d5s -s bench/chat.lua "$GATEWAY/v1/chat/completions" >/dev/null
BENCH_STREAM=1 wrk -t1 -c4 -d3s -s bench/chat.lua "$GATEWAY/v1/chat/completions" >/dev/null
echo "== latency (1 connection) =="
run "direct   non-stream" "$UPSTREAM" 0 1 1
run "gateway  non-stream" "$GATEWAY" 0 1 1
run "direct   stream" "$UPSTREAM" 1 1 1
run "gateway  stream" "$GATEWAY" 1 1 1
echo "== throughput ($CONNECTIONS connections, 2 threads) =="
run "direct   non-stream" "$UPSTREAM" 0 "$CONNECTIONS" 2
run "gateway  non-stream" "$GATEWAY" 0 "$CONNECTIONS" 2
run "direct   stream" "$UPSTREAM" 1 "$CONNECTIONS" 2
run "gateway  stream" "$GATEWAY" 1 "$CONNECTIONS" 2
