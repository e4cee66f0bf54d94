#!/usr/bin/env bash
# Builds the base images the docker/ images need where no container registry is reachable
# (podman as root; see docker/README.md "Building here, without a registry"):
#   localhost/debian-base:bookworm      Debian minbase + CA certificates          (debootstrap)
#   localhost/debian-jre17:bookworm     + OpenJDK 17 JRE, wget, passwd tools     (debootstrap)
#   localhost/keycloak-base:<version>   + the Keycloak distribution at /opt/keycloak, uid 1000
# With the argument "jre" only the JRE base is built (what the test suite's container mode needs).
# Images that exist are kept; remove one (podman rmi) to rebuild it. The Keycloak distribution is
# the keycloak-quarkus-dist zip Maven resolved into ~/.m2 (any build of integration-tests fetches it).
set -euo pipefail
cd "$(dirname "$0")/../.."

KEYCLOAK_VERSION=${KEYCLOAK_VERSION:-$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml)}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}

# podman's defaults fail on our machines: crun refuses hybrid cgroups ("cgroups in hybrid mode not
# supported") and the default rlimits exceed what a process may raise to (setrlimit ... not permitted).
mkdir -p /etc/containers
if [ ! -f /etc/containers/containers.conf ] || ! grep -q runc /etc/containers/containers.conf; then
cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
fi

debian() { # name package-list
  local name=$1 include=$2 dir
  if podman image exists "$name"; then echo "$name exists"; return; fi
  dir=$(mktemp -d /var/tmp/rootfs.XXXXXX)
  debootstrap --variant=minbase --include="$include" bookworm "$dir" >/dev/null
  tar -C "$dir" -c . | podman import - "$name"
  rm -rf "$dir"
}
debian localhost/debian-jre17:bookworm ca-certificates,openjdk-17-jre-headless,wget,passwd
[ "${1:-all}" = jre ] && exit 0
debian localhost/debian-base:bookworm ca-certificates

keycloak_base=localhost/keycloak-base:$KEYCLOAK_VERSION
if podman image exists "$keycloak_base"; then
  echo "$keycloak_base exists"
else
  zip=$M2_REPO/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip
  if [ ! -f "$zip" ]; then
    echo "missing $zip: run 'mvn dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip' first" >&2
    exit 1
  fi
  ctx=$(mktemp -d /var/tmp/keycloak-base.XXXXXX)
  trap 'rm -rf "$ctx"' EXIT
  unzip -q "$zip" -d "$ctx"
  mv "$ctx/keycloak-$KEYCLOAK_VERSION" "$ctx/keycloak"
  podman build -f docker/base/keycloak-base.Dockerfile -t "$keycloak_base" "$ctx"
fi
podman images --filter reference='localhost/*'
