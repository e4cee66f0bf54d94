package org.inferenceauth.demo.upstream;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DEMO ONLY — not an inference server. A tiny OpenAI-compatible upstream that answers with canned
 * text, for the demo stack, tests and benchmarks. It mimics vLLM's wire format exactly: SSE events
 * {@code data: {...}\n\n}, a first chunk with the assistant role, one chunk per word, a final chunk
 * with {@code finish_reason}, an optional usage chunk with {@code "choices":[]}, then
 * {@code data: [DONE]\n\n}. Like vLLM it also exposes unprotected extras (/metrics, /health,
 * /tokenize) so the gateway's allow-list can be shown to hide them.
 *
 * <p>It is as strict as vLLM under uvicorn where a client could notice: idle keep-alive
 * connections are closed after 5 s ({@link KeepAlive}), an upstream key, when set, is required on
 * {@code /v1} ({@link UpstreamKey}), and a stream can fail as vLLM's do ({@link StreamFailure}).
 */
public final class DemoUpstream {

    /** A request the demo received (for tests: which headers reached the upstream). */
    public record Received(HttpMethod method, String uri, MultiMap headers, JsonObject body) {}

    private static final int RECORDED = 200;

    private final Vertx vertx;
    private final List<String> models;
    private final Duration chunkDelay;
    private final ConcurrentLinkedDeque<Received> received = new ConcurrentLinkedDeque<>();
    private final Map<String, Buffer> streamsSent = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Buffer> eldest) {
            return size() > RECORDED;
        }
    });
    private final AtomicInteger abortedStreams = new AtomicInteger();
    private final AtomicInteger completedStreams = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger droppedByKeepAlive = new AtomicInteger();
    private Duration keepAliveTimeout = Duration.ofSeconds(5);
    private Duration closeLateBy = Duration.ZERO;
    private UpstreamKey apiKey;
    private KeepAlive keepAlive;
    private HttpServer server;

    public DemoUpstream(Vertx vertx, List<String> models, Duration chunkDelay) {
        this.vertx = vertx;
        this.models = List.copyOf(models);
        this.chunkDelay = chunkDelay;
    }

    /** Requires {@code Authorization: Bearer <key>} on {@code /v1}, as {@code vllm serve --api-key} does. Before {@link #start}. */
    public DemoUpstream requireApiKey(String key) {
        this.apiKey = new UpstreamKey(key);
        return this;
    }

    /**
     * How long a keep-alive connection may stay idle (uvicorn's {@code --timeout-keep-alive}, 5 s), and
     * how late the server closes it (see {@link KeepAlive}: a request in between is dropped). Before {@link #start}.
     */
    public DemoUpstream keepAlive(Duration timeout, Duration closeLateBy) {
        this.keepAliveTimeout = timeout;
        this.closeLateBy = closeLateBy;
        return this;
    }

    public Future<DemoUpstream> start(String host, int port) {
        keepAlive = new KeepAlive(vertx, keepAliveTimeout, closeLateBy);
        return vertx.createHttpServer().connectionHandler(keepAlive::opened).requestHandler(this::admit)
                .listen(port, host).map(s -> {
                    server = s;
                    return this;
                });
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** Most recent first. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The exact bytes of the stream answered to the request with this {@code X-Request-Id} (so far), or null. */
    public Buffer streamSent(String requestId) {
        Buffer sent = streamsSent.get(requestId);
        return sent == null ? null : sent.copy();
    }

    public int abortedStreams() {
        return abortedStreams.get();
    }

    public int completedStreams() {
        return completedStreams.get();
    }

    /** Requests refused with 401 for a missing or wrong upstream key. */
    public int unauthorized() {
        return unauthorized.get();
    }

    /** Requests that arrived on a connection past its keep-alive and were dropped unanswered. */
    public int droppedByKeepAlive() {
        return droppedByKeepAlive.get();
    }

    private void admit(HttpServerRequest request) {
        if (!keepAlive.requestStarted(request.connection())) {
            droppedByKeepAlive.incrementAndGet();
            request.connection().close();
            return;
        }
        request.response().endHandler(v -> keepAlive.responseEnded(request.connection()));
        if (apiKey != null && !apiKey.admits(request)) {
            unauthorized.incrementAndGet();
            request.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end(UpstreamKey.UNAUTHORIZED);
            return;
        }
        handle(request);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (request.method() == HttpMethod.GET && path.equals("/v1/models")) {
            record(request, null);
            json(request.response(), 200, modelList());
            return;
        }
        if (request.method() == HttpMethod.GET && (path.equals("/metrics") || path.equals("/health"))) {
            record(request, null);
            request.response().putHeader("content-type", "text/plain").end(path.equals("/health") ? "" : "vllm:demo 1\n");
            return;
        }
        if (request.method() != HttpMethod.POST) {
            json(request.response(), 404, error("Not Found", "NotFoundError", 404));
            return;
        }
        request.body().onSuccess(buffer -> {
            JsonObject body;
            try {
                body = buffer.toJsonObject();
            } catch (RuntimeException e) {
                json(request.response(), 400, error("Invalid JSON", "BadRequestError", 400));
                return;
            }
            record(request, body);
            long headerDelay = body.getLong("demo_delay_ms", 0L);
            Runnable answer = () -> answer(request, path, body);
            if (headerDelay > 0) {
                vertx.setTimer(headerDelay, id -> answer.run());
            } else {
                answer.run();
            }
        });
    }

    private void answer(HttpServerRequest request, String path, JsonObject body) {
        switch (path) {
            case "/v1/chat/completions", "/v1/completions" -> complete(request, body, path.endsWith("chat/completions"));
            case "/v1/embeddings" -> embed(request, body);
            case "/tokenize" -> json(request.response(), 200, new JsonObject().put("tokens", new JsonArray().add(1)));
            default -> json(request.response(), 404, error("Not Found", "NotFoundError", 404));
        }
    }

    private void complete(HttpServerRequest request, JsonObject body, boolean chat) {
        String model = body.getString("model");
        if (model == null || !models.contains(model)) {
            json(request.response(), 404, error("The model `" + model + "` does not exist.", "NotFoundError", 404));
            return;
        }
        List<String> words = replyWords(model, body.getInteger("max_tokens", Integer.MAX_VALUE));
        int promptTokens = promptTokens(body, chat);
        if (Boolean.TRUE.equals(body.getBoolean("stream"))) {
            JsonObject options = body.getJsonObject("stream_options", new JsonObject());
            // Test knobs: a slower stream for this request, and a failure mid-stream.
            Duration delay = Duration.ofMillis(body.getLong("demo_chunk_delay_ms", chunkDelay.toMillis()));
            Buffer sent = Buffer.buffer();
            String requestId = request.getHeader("x-request-id");
            if (requestId != null) {
                streamsSent.put(requestId, sent);
            }
            new DemoStream(vertx, request.response(), delay, chat, model, words, promptTokens,
                    options.getBoolean("include_usage", false), options.getBoolean("continuous_usage_stats", false),
                    StreamFailure.from(body), sent, aborted -> (aborted ? abortedStreams : completedStreams).incrementAndGet()).start();
        } else {
            json(request.response(), 200, DemoResponses.whole(chat, model, String.join(" ", words), promptTokens, words.size()));
        }
    }

    private void embed(HttpServerRequest request, JsonObject body) {
        String model = body.getString("model");
        if (model == null || !models.contains(model)) {
            json(request.response(), 404, error("The model `" + model + "` does not exist.", "NotFoundError", 404));
            return;
        }
        try {
            json(request.response(), 200, DemoEmbeddings.answer(model, body));
        } catch (DemoEmbeddings.Invalid invalid) {
            json(request.response(), 400, error(invalid.getMessage(), "BadRequestError", 400));
        }
    }

    private JsonObject modelList() {
        JsonArray data = new JsonArray();
        for (String model : models) {
            data.add(new JsonObject().put("id", model).put("object", "model").put("created", 1_700_000_000L)
                    .put("owned_by", "demo").put("root", model).put("max_model_len", 4096));
        }
        return new JsonObject().put("object", "list").put("data", data);
    }

    private static List<String> replyWords(String model, int maxTokens) {
        String text = "Hello! This is the demo upstream answering as " + model
                + ". It is not a language model, just a fixed reply streamed one word at a time.";
        List<String> words = List.of(text.split(" "));
        return words.subList(0, Math.max(1, Math.min(maxTokens, words.size())));
    }

    private static int promptTokens(JsonObject body, boolean chat) {
        StringBuilder prompt = new StringBuilder();
        if (chat) {
            for (Object message : body.getJsonArray("messages", new JsonArray())) {
                if (message instanceof JsonObject m && m.getValue("content") instanceof String s) {
                    prompt.append(s).append(' ');
                }
            }
        } else if (body.getValue("prompt") instanceof String s) {
            prompt.append(s);
        }
        String trimmed = prompt.toString().trim();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private void record(HttpServerRequest request, JsonObject body) {
        received.addFirst(new Received(request.method(), request.uri(),
                MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
        while (received.size() > RECORDED) {
            received.pollLast();
        }
    }

    private static JsonObject error(String message, String type, int code) {
        return new JsonObject().put("object", "error").put("message", message).put("type", type).put("param", null)
                .put("code", code);
    }

    private static void json(HttpServerResponse response, int status, JsonObject body) {
        response.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    /**
     * {@code DEMO_PORT} (8001), {@code DEMO_HOST}, {@code DEMO_MODELS} (comma-separated), {@code DEMO_CHUNK_DELAY_MS}
     * (50), {@code DEMO_API_KEY} (none: every path is open).
     */
    public static void main(String[] args) {
        String host = System.getenv().getOrDefault("DEMO_HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("DEMO_PORT", "8001"));
        List<String> models = new ArrayList<>();
        for (String model : System.getenv().getOrDefault("DEMO_MODELS", "demo-model").split(",")) {
            if (!model.isBlank()) {
                models.add(model.trim());
            }
        }
        Duration delay = Duration.ofMillis(Long.parseLong(System.getenv().getOrDefault("DEMO_CHUNK_DELAY_MS", "50")));
        DemoUpstream demo = new DemoUpstream(Vertx.vertx(), models, delay);
        String key = System.getenv("DEMO_API_KEY");
        if (key != null && !key.isBlank()) {
            demo.requireApiKey(key);
        }
        demo.start(host, port)
                .onSuccess(d -> System.err.println("DEMO upstream (not a model) on http://" + host + ":" + d.port()
                        + "/v1 serving " + models))
                .onFailure(e -> {
                    System.err.println("Demo upstream failed to start: " + e.getMessage());
                    System.exit(1);
                });
    }
}
