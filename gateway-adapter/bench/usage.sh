#!/usr/bin/env bash
# Usage accounting's share of a request (not a test): UsageRecorder.accept (ledger update + usage
# metrics) on 1 and 2 threads, and the response taps per SSE chunk / JSON response. In one JVM,
# no network. gateway-adapter/bench/usage.sh [requests per thread=3000000]
set -euo pipefail
cd "$(dirname "$0")/.."
(cd .. && mvn -o -q -pl api-key-format,demo-upstream,gateway-adapter test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null)
java -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    org.inferenceauth.gateway.usage.UsageRecordingBench "${1:-3000000}"
