#!/usr/bin/env bash
# LOCAL STACK ONLY: builds and runs compose.yaml + compose.local.yaml with podman-compose, on images
# made here (docker/README.md "Building here, without a registry"). Not for production: its secrets
# are random values in docker/local/.env.local (git-ignored, created on first use, mode 600).
#
#   docker/local/stack.sh build   # the five images (after `mvn -DskipTests package` and build-local-base.sh)
#   docker/local/stack.sh up      # postgres redis keycloak gateway vllm-a vllm-b (no open-webui)
#   docker/local/stack.sh ps | logs SERVICE
#   docker/local/stack.sh down    # stops and removes the containers and the volumes
set -euo pipefail
docker_dir=$(cd "$(dirname "$0")/.." && pwd)
env_file=$docker_dir/local/.env.local
services=(postgres redis keycloak gateway vllm-a vllm-b)

if [ -f "$docker_dir/.env" ]; then
  # podman-compose reads docker/.env after (and over) the environment this script sets.
  echo "docker/.env exists and would override the local stack's values: move it away first" >&2
  exit 1
fi
if [ ! -f "$env_file" ]; then
  secret() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }
  umask 077
  cat > "$env_file" <<ENV
KC_HOSTNAME=http://localhost:8080
OPEN_WEBUI_URL=http://localhost:3000
INFERENCE_API_BASE_URL=http://localhost:8000/v1
KC_BOOTSTRAP_ADMIN_USERNAME=admin
KC_BOOTSTRAP_ADMIN_PASSWORD=$(secret)
KC_DB_PASSWORD=$(secret)
OPEN_WEBUI_CLIENT_SECRET=$(secret)
INFERENCE_GATEWAY_CLIENT_SECRET=$(secret)
VLLM_API_KEY=$(secret)
VLLM_MODEL_A=demo-model-a
VLLM_MODEL_B=demo-model-b
WEBUI_SECRET_KEY=$(secret)
ENV
fi
set -a; . "$env_file"; set +a

# Docker image format, not OCI: OCI drops HEALTHCHECK (the gateway image's).
export BUILDAH_FORMAT=docker
compose() {
  # podman-compose echoes every `podman run` with its -e NAME=value: blank the values (secrets).
  (cd "$docker_dir" && podman-compose -p inference-auth -f compose.yaml -f compose.local.yaml "$@") 2>&1 \
    | sed -E 's/(-e [A-Za-z_][A-Za-z0-9_]*)=[^ ]*/\1=…/g'
  return "${PIPESTATUS[0]}"
}
case ${1:-} in
  build)
    for jar in keycloak-extensions/target/inference-auth-keycloak-extensions.jar themes/target/inference-auth-themes.jar \
               gateway-adapter/target/inference-gateway.jar demo-upstream/target/demo-upstream.jar; do
      [ -f "$docker_dir/../$jar" ] || { echo "missing $jar: run 'mvn -DskipTests package' first" >&2; exit 1; }
    done
    # vllm-b shares vllm-a's image.
    compose build postgres redis keycloak gateway vllm-a ;;
  up) compose up -d "${services[@]}" ;;
  # podman-compose 1.0.3 leaves the project's networks behind.
  down)
    compose down -v
    podman network rm --force inference-auth_backend inference-auth_edge > /dev/null 2>&1 || true ;;
  ps) compose ps ;;
  logs) shift; compose logs "$@" ;;
  *) echo "usage: $0 build|up|down|ps|logs SERVICE" >&2; exit 2 ;;
esac
