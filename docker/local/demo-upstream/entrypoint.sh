#!/bin/sh
# LOCAL STACK ONLY. Maps vLLM's command line (--model M --port P [--api-key K]) and its VLLM_API_KEY
# variable onto the demo upstream's DEMO_* variables; other vLLM options are reported and ignored.
set -eu
model=${DEMO_MODELS:-demo-model}
port=8000
key=${VLLM_API_KEY:-}
while [ $# -gt 0 ]; do
  case $1 in
    --model) model=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --api-key) key=$2; shift 2 ;;
    *) echo "demo upstream: ignoring vLLM option $1" >&2; shift ;;
  esac
done
export DEMO_HOST=0.0.0.0 DEMO_PORT="$port" DEMO_MODELS="$model" DEMO_API_KEY="$key"
exec java -XX:MaxRAMPercentage=25 -jar /opt/demo-upstream/demo-upstream.jar
