#!/usr/bin/env bash
# Gateway memory with N cached API-key identities (not a test): the runnable jar in a process of its
# own (as deployed, default JVM flags unless GATEWAY_JAVA_OPTS says otherwise) against a stand-in
# realm (CachedIdentitiesLoad, test sources), each of N keys presented once; then its resident set
# size (VmRSS), heap after a full GC, and the cache size its metrics report.
#   gateway-adapter/bench/footprint.sh [N=100000]
# Needs gateway-adapter/target/inference-gateway.jar (mvn -o -q package -DskipTests -pl gateway-adapter -am).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
JAR=${FOOTPRINT_JAR:-target/inference-gateway.jar}  # FOOTPRINT_JAR: another build, to compare
[ -f "$JAR" ] || { echo "build $JAR first"; exit 1; }
(cd .. && mvn -o -q -pl api-key-format,demo-upstream,gateway-adapter test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null)
CP="target/classes:target/test-classes:$(cat target/bench.classpath)"

INFO=$(mktemp); FIFO=$(mktemp -u); mkfifo "$FIFO"
exec 3<>"$FIFO"
java -cp "$CP" org.inferenceauth.gateway.bench.CachedIdentitiesLoad "$INFO" "$N" <&3 > target/footprint-load.log 2>&1 &
LOAD=$!
GW=
trap 'kill $LOAD ${GW:-} 2>/dev/null || true; rm -f "$INFO" "$FIFO"' EXIT
for _ in $(seq 1 600); do [ -s "$INFO" ] && break; sleep 0.2; done
# shellcheck disable=SC1090
source "$INFO"
GATEWAY_UPSTREAMS=$UPSTREAM GATEWAY_KEYCLOAK_ISSUER=$ISSUER GATEWAY_KEYCLOAK_CLIENT_ID=inference-gateway \
GATEWAY_KEYCLOAK_CLIENT_SECRET=fake-secret GATEWAY_HOST=127.0.0.1 GATEWAY_PORT=18310 GATEWAY_MANAGEMENT_PORT=18311 \
GATEWAY_ACCESS_LOG=false GATEWAY_USAGE_SPILL_DIR=$(mktemp -d) \
  java ${GATEWAY_JAVA_OPTS:-} -jar "$JAR" > target/footprint-gateway.log 2>&1 &
GW=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18311/readyz >/dev/null 2>&1 && break; sleep 0.5; done
rss() { awk '/VmRSS/{printf "%.0f MB", $2/1024}' "/proc/$GW/status"; }
echo "load $(cut -d' ' -f1 /proc/loadavg), $(nproc) cores; JVM flags: ${GATEWAY_JAVA_OPTS:-(defaults)}"
# Live heap = the class histogram's total (it runs a full GC first); at start and with N cached,
# so their difference over the cache size is the heap each cached identity costs.
live() { jcmd "$GW" GC.class_histogram | tee "$1" | awk '/^Total/{print $3}'; }
LIVE0=$(live target/footprint-histogram-start.txt)
echo "gateway started: RSS $(rss), live heap $((LIVE0 / 1024)) KB"
echo "http://127.0.0.1:18310" >&3
until grep -q presented target/footprint-load.log; do sleep 1; done
cat target/footprint-load.log
sleep 5  # a few revocation rounds over the full cache
CACHED=$(curl -s http://127.0.0.1:18311/metrics | awk '/^gateway_key_cache_size/{printf "%d", $2}')
echo "cached: $CACHED identities; RSS $(rss)"
LIVE=$(live target/footprint-histogram.txt)
sleep 2
echo "after a full GC: RSS $(rss); live heap $((LIVE / 1024)) KB, $(( (LIVE - LIVE0) / (CACHED > 0 ? CACHED : 1) )) bytes per cached identity"
echo "metaspace: $(jcmd "$GW" GC.heap_info | awk '/Metaspace/{sub(/^ *Metaspace */, ""); print; exit}')"
echo "largest classes (target/footprint-histogram.txt):"
sed -n '4,13p' target/footprint-histogram.txt
