#!/bin/sh
# The gateway image's entrypoint: java with JVM flags that keep its memory bounded, then exec (java is
# PID 1 and gets SIGTERM for a graceful stop).
#
# A container without a memory limit sees the host's RAM, and the JVM would size its heap from that
# (a quarter of it by default): on a 24 GB host the gateway then grows to 470-550 MB with 100,000 cached
# keys, and to 320-360 MB under load with one, only because the collector has room to spare. The
# defaults below hold it to ~250 MB with 100,000 keys (docs/operator-guide.md, "Memory"): a fixed heap
# (live data with 100,000 cached keys is ~50 MB) and the serial collector, whose young collections on a
# heap this small take milliseconds. JAVA_OPTS replaces them entirely, e.g. a larger -Xmx for
# GATEWAY_KEY_CACHE_MAX_ENTRIES beyond the default; JDK_JAVA_OPTIONS adds flags (not a second -Xmx or GC).
set -eu
: "${JAVA_OPTS=-XX:+UseSerialGC -Xmx192m -XX:MaxMetaspaceSize=128m}"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java $JAVA_OPTS -XX:+ExitOnOutOfMemoryError -jar /opt/gateway/inference-gateway.jar
