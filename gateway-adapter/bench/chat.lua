-- wrk script: one non-streaming or streaming chat completion per request.
-- Env: BENCH_KEY (sent as Bearer; the static upstream ignores it when called directly), BENCH_STREAM=1 for SSE
-- (also sent as X-Bench-Stream, which tells run.sh's static nginx upstream to answer with its SSE stream).
local stream = os.getenv("BENCH_STREAM") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "none")
if stream then wrk.headers["X-Bench-Stream"] = "1" end
wrk.body = '{"model":"bench-model","stream":' .. (stream and "true" or "false")
  .. ',"messages":[{"role":"user","content":"How fast is the gateway?"}],"max_tokens":8}'
-- No response() callback: it costs wrk a Lua call per response; run.sh reports non-2xx counts.
