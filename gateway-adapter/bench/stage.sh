# Sourced by run.sh and ab.sh (from gateway-adapter/), not run alone: builds what the benchmarks need
# (offline Maven), starts the stand-in Keycloak realm (BenchRealm, which sources the GATEWAY_* settings
# and BENCH_KEY), the static nginx upstream and nginx as the peer, and stops them all on exit, with
# every process whose pid is added to GW. Sets CP, UP_PORT, NGINX_PORT, UPSTREAM and NGINX, and
# defines cpu_ticks and nginx_pids.
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install -y nginx)"; exit 1; }
CP_FILE=target/bench.classpath
# In the reactor, so the sibling modules resolve to their classes without an install.
(cd .. && mvn -o -q -pl api-key-format,demo-upstream,gateway-adapter package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null)
CP="target/classes:target/test-classes:$(cat "$CP_FILE")"

INFO=$(mktemp)
java -Xmx256m -cp "$CP" org.inferenceauth.gateway.bench.BenchRealm "$INFO" > target/bench-realm.log 2>&1 &
REALM=$!
GW=
NGINX_DIR=$(mktemp -d)
trap 'kill $REALM ${GW:-} 2>/dev/null || true; for c in nginx upstream; do nginx -c "$NGINX_DIR/$c.conf" -s stop 2>/dev/null || true; done; rm -rf "$INFO" "$NGINX_DIR"' EXIT
for _ in $(seq 1 100); do [ -s "$INFO" ] && break; sleep 0.2; done
# shellcheck disable=SC1090
source "$INFO"

UP_PORT=${UPSTREAM_PORT:-18401} NGINX_PORT=${NGINX_PORT:-18402}
SSE=""
for word in Fast enough for a model that takes a while; do
  SSE+="data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"$word \"},\"finish_reason\":null}]}

"
done
SSE+="data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":8,\"total_tokens\":13}}

data: [DONE]

"
JSON='{"id":"c1","object":"chat.completion","created":1,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Fast enough for a model that takes a while"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":8,"total_tokens":13}}'
# Two nginx instances, one worker each: the upstream, and the peer (so the peer's CPU is its own).
cat >"$NGINX_DIR/upstream.conf" <<CONF
worker_processes 1; pid $NGINX_DIR/upstream.pid; error_log $NGINX_DIR/upstream-error.log;
events { worker_connections 4096; }
http { access_log off;
  # Static answers, streaming when the client's X-Bench-Stream says so (chat.lua).
  server { listen 127.0.0.1:$UP_PORT; default_type application/json;
    location = /v1/models { return 200 '{"object":"list","data":[{"id":"bench-model","object":"model","owned_by":"bench"}]}'; }
    location = /v1/chat/completions { if (\$http_x_bench_stream) { rewrite ^ /sse last; } return 200 '$JSON'; }
    location = /sse { internal; default_type text/event-stream; return 200 '$SSE'; } } }
CONF
cat >"$NGINX_DIR/nginx.conf" <<CONF
worker_processes 1; pid $NGINX_DIR/nginx.pid; error_log $NGINX_DIR/error.log;
events { worker_connections 4096; }
http { access_log off;
  # The peer: what an operator would otherwise put in front of the upstream (as the shared script).
  upstream up { server 127.0.0.1:$UP_PORT; keepalive 64; }
  server { listen 127.0.0.1:$NGINX_PORT; location / { proxy_pass http://up; proxy_http_version 1.1;
    proxy_set_header Connection ""; proxy_buffering off; } } }
CONF
nginx -c "$NGINX_DIR/upstream.conf"
nginx -c "$NGINX_DIR/nginx.conf"
UPSTREAM=http://127.0.0.1:$UP_PORT NGINX=http://127.0.0.1:$NGINX_PORT

# CPU time (clock ticks) of a process and its children so far: robust where throughput is not, since
# other processes on the machine change how much CPU each side gets, not what a request costs.
cpu_ticks() { # pids...
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}

nginx_pids() { # the peer's master and worker
  echo "$(cat "$NGINX_DIR/nginx.pid") $(pgrep -P "$(cat "$NGINX_DIR/nginx.pid")" | tr '\n' ' ')"
}
