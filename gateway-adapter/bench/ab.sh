#!/usr/bin/env bash
# Two gateway jars (or one jar with two sets of JVM flags) side by side, for changes smaller than what
# run.sh can tell apart from the machine's drift: both run at once against run.sh's upstream and realm,
# and are measured in turns with nginx as the peer, round after round, so drift hits all three alike.
#   gateway-adapter/bench/ab.sh JAR_A JAR_B [rounds=3] [duration per turn=10s]
# OPTS_A / OPTS_B pass JVM flags to each (default: the image's, as GATEWAY_JAVA_OPTS would); ENV_A /
# ENV_B settings (e.g. ENV_B="GATEWAY_EVENT_LOOPS=2"), so one jar can be compared with itself;
# BENCH_STREAM=1 measures streamed answers; BENCH_LIMITS as in run.sh. Prints req/s and CPU per
# request of each turn, then each side's mean CPU per request over the counted rounds. Copy the old jar away before
# rebuilding (cp target/inference-gateway.jar /tmp/old.jar).
set -euo pipefail
JAR_A=$(realpath "$1") JAR_B=$(realpath "$2")
ROUNDS=${3:-3}
DURATION=${4:-10s}
cd "$(dirname "$0")/.."
SHIPPED="-XX:+UseSerialGC -Xmx192m -XX:MaxMetaspaceSize=128m"

# shellcheck source=stage.sh
source bench/stage.sh

start() { # jar port flags settings: a gateway in a JVM of its own; prints its pid
  # shellcheck disable=SC2086
  env $4 GATEWAY_UPSTREAMS=$UPSTREAM/v1 GATEWAY_HOST=127.0.0.1 GATEWAY_PORT=$2 GATEWAY_MANAGEMENT_PORT=$(($2 + 1)) \
  GATEWAY_ACCESS_LOG=false GATEWAY_USAGE_SPILL_DIR=$(mktemp -d) \
    java $3 -jar "$1" > "target/bench-ab-$2.log" 2>&1 &
  echo $!
}
A=$(start "$JAR_A" 18410 "${OPTS_A:-$SHIPPED}" "${ENV_A:-}")
B=$(start "$JAR_B" 18420 "${OPTS_B:-$SHIPPED}" "${ENV_B:-}")
GW="$A $B"
for port in 18411 18421; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
done
for port in 18410 18420; do # C2 compiles the hot path of each first
  BENCH_STREAM=${BENCH_STREAM:-0} wrk -t1 -c8 -d30s -s bench/chat.lua "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
done

declare -A SUM=()
turn() { # name url pids...: one wrk turn at 32 connections, its req/s and CPU per request
  local before after out requests
  before=$(cpu_ticks "${@:3}")
  out=$(BENCH_STREAM=${BENCH_STREAM:-0} wrk -t1 -c32 -d"$DURATION" -s bench/chat.lua "$2/v1/chat/completions")
  after=$(cpu_ticks "${@:3}")
  requests=$(awk '/requests in/{print $1}' <<<"$out")
  local us
  us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  [ "$COUNTED" = 1 ] && SUM[$1]=$(awk -v s="${SUM[$1]:-0}" -v u="$us" 'BEGIN { print s + u }')
  printf '%-6s %10s req/s %7s us CPU/req%s\n' "$1" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" "$us" \
    "$(grep -E 'Non-2xx|Socket errors' <<<"$out" | sed 's/^/  /' | tr '\n' ' ')"
}

echo "A: $JAR_A (${OPTS_A:-$SHIPPED} ${ENV_A:-}); B: $JAR_B (${OPTS_B:-$SHIPPED} ${ENV_B:-}); stream ${BENCH_STREAM:-0}; load $(cut -d' ' -f1-3 /proc/loadavg)"
# Round 0 is not counted: each JVM still recompiles once both have run under load (its first turn
# was often 30-60 % dearer in trials, on the same jar).
for round in $(seq 0 "$ROUNDS"); do
  COUNTED=$([ "$round" = 0 ] && echo 0 || echo 1)
  echo "round $round$([ "$COUNTED" = 0 ] && echo ' (not counted)')"
  # shellcheck disable=SC2046
  turn nginx "$NGINX" $(nginx_pids)
  turn A http://127.0.0.1:18410 "$A"
  turn B http://127.0.0.1:18420 "$B"
done
for side in nginx A B; do
  awk -v s="${SUM[$side]}" -v n="$ROUNDS" -v who="$side" 'BEGIN { printf "mean %-6s %.1f us CPU/req\n", who, s / n }'
done
