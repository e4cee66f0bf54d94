-- wrk script: one non-streaming or streaming chat completion per request.
-- Env: BENCH_KEY (sent as Bearer; the demo upstream ignores it when called directly), BENCH_STREAM=1 for SSE.
local stream = os.getenv("BENCH_STREAM") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "none")
wrk.body = '{"model":"bench-model","stream":' .. (stream and "true" or "false")
  .. ',"messages":[{"role":"user","content":"How fast is the gateway?"}],"max_tokens":8}'
-- No response() callback: it costs wrk a Lua call per response; run.sh reports non-2xx counts.
