#!/usr/bin/env bash
# DEMO: Keycloak + gateway + two demo upstreams on this machine. See gateway-adapter/README.md.
# Builds what it needs (first run downloads the Keycloak distribution from Maven Central), then runs
# until Ctrl-C. Extra Maven flags (e.g. -o for offline) can be passed in MAVEN_ARGS.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC2086
mvn -q ${MAVEN_ARGS:-} -Ddemo -pl demo -am package -DskipTests
exec java -cp "demo/target/classes:$(cat demo/target/demo.classpath)" org.inferenceauth.demo.DemoStack
