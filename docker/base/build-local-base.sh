#!/usr/bin/env bash
# Builds the local base images where no registry is reachable (podman as root):
#   localhost/debian-base:bookworm   Debian minbase + CA certificates
#   localhost/debian-jre17:bookworm  + OpenJDK 17 JRE, wget, passwd tools
set -euo pipefail
mkdir -p /etc/containers
if [ ! -f /etc/containers/containers.conf ] || ! grep -q runc /etc/containers/containers.conf; then
cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
fi
build() { # name include-list
  local name=$1 include=$2 dir
  if podman image exists "$name"; then echo "$name exists"; return; fi
  dir=$(mktemp -d /var/tmp/rootfs.XXXXXX)
  debootstrap --variant=minbase --include="$include" bookworm "$dir" >/dev/null
  tar -C "$dir" -c . | podman import - "$name"
  rm -rf "$dir"
}
build localhost/debian-base:bookworm ca-certificates
build localhost/debian-jre17:bookworm ca-certificates,openjdk-17-jre-headless,wget,passwd
podman images
