package org.inferenceauth.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.CapturedLogs;
import org.inferenceauth.gateway.testing.Eventually;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage accounting end to end at the gateway: real sockets, the demo upstream (exact usage, vLLM's
 * framing) and FakeKeycloak's batch endpoint (as strict as the contract). Totals are compared with
 * what the upstream itself reported, never with constants.
 */
@DisplayName("Usage accounting: every authenticated call counted once, delivered to Keycloak")
class UsageAccountingTest {

    static final Duration DELIVERY = Duration.ofSeconds(30);

    Vertx vertx;
    FakeKeycloak keycloak;
    DemoUpstream upstream;
    GatewayFixture gateway;
    @TempDir
    Path spillDir;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a", "model-b"), Duration.ZERO).start("127.0.0.1", 0).await();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        vertx.close().await();
    }

    GatewayFixture gateway(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_USAGE_FLUSH", "200ms",
                "GATEWAY_USAGE_SPILL_DIR", spillDir.toString()));
        env.putAll(overrides);
        return GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), env));
    }

    static JsonObject chat(String model, String prompt, Boolean includeUsage) {
        JsonObject body = new JsonObject().put("model", model)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
        if (includeUsage != null) {
            body.put("stream", true);
            if (includeUsage) {
                body.put("stream_options", new JsonObject().put("include_usage", true));
            }
        }
        return body;
    }

    HttpResponse<String> call(GatewayFixture through, FakeKeycloak.Key key, JsonObject body, String... headers) {
        String[] all = Stream.concat(Stream.of("authorization", "Bearer " + key.token()), Stream.of(headers)).toArray(String[]::new);
        return through.post("/v1/chat/completions", body.encode(), all);
    }

    /** The usage the upstream reported for the call the gateway sent as {@code requestId}: its usage chunk. */
    JsonObject upstreamUsage(String requestId) {
        return events(upstream.streamSent(requestId).toString(StandardCharsets.UTF_8)).stream()
                .filter(e -> e.getJsonObject("usage") != null).reduce((a, b) -> b).orElseThrow().getJsonObject("usage");
    }

    static List<JsonObject> events(String stream) {
        return stream.lines().filter(l -> l.startsWith("data: {")).map(l -> new JsonObject(l.substring(6))).toList();
    }

    static Predicate<JsonObject> of(FakeKeycloak.Key key) {
        return e -> key.subject().equals(e.getString("user_id")) && key.keyId().equals(e.getString("key_id"));
    }

    void awaitTotal(String counter, Predicate<JsonObject> filter, long expected) throws Exception {
        Eventually.within(DELIVERY, () -> keycloak.usageTotal(counter, filter) >= expected);
        assertThat(keycloak.usageTotal(counter, filter)).as(counter).isEqualTo(expected);
    }

    @Test
    @DisplayName("N streams with and without include_usage and M plain calls of two users in two projects: exactly those totals")
    void exactTotals() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key aliceX = keycloak.mintKeyInProject("alice", "proj-x");
        FakeKeycloak.Key aliceY = keycloak.mintKeyInProject("alice", "proj-y");
        FakeKeycloak.Key bobY = keycloak.mintKeyInProject("bob", "proj-y");
        Map<FakeKeycloak.Key, long[]> expected = new HashMap<>(); // requests, prompt, completion
        int n = 0;
        for (FakeKeycloak.Key key : List.of(aliceX, aliceY, bobY)) {
            for (Boolean includeUsage : new Boolean[] {null, null, false, false, true}) { // 2 plain, 2 streams without, 1 with
                HttpResponse<String> answer = call(gateway, key, chat(n % 2 == 0 ? "model-a" : "model-b",
                        "count these words " + "word ".repeat(n), includeUsage));
                assertThat(answer.statusCode()).isEqualTo(200);
                JsonObject usage = includeUsage == null ? new JsonObject(answer.body()).getJsonObject("usage")
                        : upstreamUsage(answer.headers().firstValue("x-request-id").orElseThrow());
                long[] sums = expected.computeIfAbsent(key, k -> new long[3]);
                sums[0]++;
                sums[1] += usage.getLong("prompt_tokens");
                sums[2] += usage.getLong("completion_tokens");
                n++;
            }
        }

        for (FakeKeycloak.Key key : expected.keySet()) {
            awaitTotal("requests", of(key), expected.get(key)[0]);
            awaitTotal("prompt_tokens", of(key), expected.get(key)[1]);
            awaitTotal("completion_tokens", of(key), expected.get(key)[2]);
            assertThat(keycloak.usageTotal("refused", of(key))).isZero();
        }
        assertThat(keycloak.usageEntries()).allSatisfy(entry -> {
            assertThat(entry.getString("channel")).isEqualTo("api");
            assertThat(entry.getString("model")).isIn("model-a", "model-b");
            assertThat(entry.getString("client_id")).isEqualTo("account-console");
            assertThat(entry.containsKey("user_email")).isFalse();
        });
        assertThat(keycloak.usageTotal("requests", e -> "proj-y".equals(e.getString("project")))).isEqualTo(10);
        assertThat(keycloak.badRequests()).isZero();

        // The shipper counts a delivery once Keycloak's answer is back, just after Keycloak stored it.
        Eventually.within(DELIVERY, () -> scrape().contains("gateway_usage_batches_total{outcome=\"delivered\"}"));
        String metrics = scrape();
        assertThat(metrics).contains("gateway_usage_requests_total{channel=\"api\",model=\"model-a\",outcome=\"requests\",project=\"proj-y\"}")
                .contains("gateway_usage_tokens_total{kind=\"completion\",model=\"model-b\",project=\"proj-x\"}")
                .contains("gateway_usage_batches_total{outcome=\"delivered\"}")
                .doesNotContain("sub-alice").doesNotContain(aliceX.keyId());
    }

    String scrape() {
        try {
            return gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.managementUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> streamBytes(FakeKeycloak.Key key, JsonObject body) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key.token()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    String upstreamBytes(HttpResponse<?> answer) {
        return upstream.streamSent(answer.headers().firstValue("x-request-id").orElseThrow()).toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the client's stream is the upstream's byte for byte; without include_usage less exactly the usage chunk the gateway asked for")
    void streamsUnchanged() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key key = keycloak.mintKey("carol");

        HttpResponse<byte[]> asked = streamBytes(key, chat("model-a", "hello there", true));
        assertThat(new String(asked.body(), StandardCharsets.UTF_8)).isEqualTo(upstreamBytes(asked));

        JsonObject running = chat("model-a", "hello there", true);
        running.getJsonObject("stream_options").put("continuous_usage_stats", true);
        HttpResponse<byte[]> withTotals = streamBytes(key, running);
        assertThat(new String(withTotals.body(), StandardCharsets.UTF_8)).isEqualTo(upstreamBytes(withTotals));
        assertThat(events(upstreamBytes(withTotals))).allMatch(e -> e.getJsonObject("usage") != null);

        for (JsonObject notAsked : List.of(chat("model-a", "hello there", false),
                chat("model-a", "hello there", false).put("stream_options", new JsonObject().put("continuous_usage_stats", true)))) {
            HttpResponse<byte[]> answer = streamBytes(key, notAsked);
            String sent = upstreamBytes(answer);
            String client = new String(answer.body(), StandardCharsets.UTF_8);
            List<String> usageEvents = sent.lines().filter(l -> l.contains("\"choices\":[]") && l.contains("\"usage\"")).toList();
            assertThat(usageEvents).hasSize(1);
            assertThat(client).isEqualTo(sent.replace(usageEvents.get(0) + "\n\n", ""));
            assertThat(client).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
            JsonObject received = upstream.received().stream()
                    .filter(r -> answer.headers().firstValue("x-request-id").orElseThrow().equals(r.headers().get("x-request-id")))
                    .findFirst().orElseThrow().body();
            assertThat(received.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
            assertThat(received.getJsonObject("stream_options").getBoolean("continuous_usage_stats", false)).isFalse();
        }
        awaitTotal("requests", of(key), 4);
        assertThat(keycloak.usageTotal("completion_tokens", of(key))).isPositive();
    }

    @Test
    @DisplayName("embeddings and streamed text completions count the upstream's tokens too (embeddings: prompt tokens only)")
    void otherEndpoints() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key key = keycloak.mintKey("lena");
        HttpResponse<String> embedded = gateway.post("/v1/embeddings",
                new JsonObject().put("model", "model-a").put("input", "three little words").encode(),
                "authorization", "Bearer " + key.token());
        assertThat(embedded.statusCode()).isEqualTo(200);
        long embeddingTokens = new JsonObject(embedded.body()).getJsonObject("usage").getLong("prompt_tokens");
        HttpResponse<String> text = gateway.post("/v1/completions",
                new JsonObject().put("model", "model-b").put("prompt", "once upon a time").put("stream", true).encode(),
                "authorization", "Bearer " + key.token());
        assertThat(text.body()).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
        JsonObject usage = upstreamUsage(text.headers().firstValue("x-request-id").orElseThrow());

        awaitTotal("requests", of(key), 2);
        awaitTotal("prompt_tokens", of(key), embeddingTokens + usage.getLong("prompt_tokens"));
        assertThat(embeddingTokens).isPositive();
        assertThat(keycloak.usageTotal("completion_tokens", of(key))).isEqualTo(usage.getLong("completion_tokens")).isPositive();
    }

    @Test
    @DisplayName("a client that disconnects mid-stream is counted once, with the tokens known by then")
    void disconnectCountedOnce() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key quitter = keycloak.mintKey("quitter");
        JsonObject body = chat("model-a", "one two three four", true).put("demo_chunk_delay_ms", 300);
        body.getJsonObject("stream_options").put("continuous_usage_stats", true);
        int aborted = upstream.abortedStreams();
        HttpResponse<InputStream> response = gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + quitter.token()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        int events = 0;
        while (events < 3) {
            events += Objects.requireNonNull(lines.readLine()).startsWith("data: {") ? 1 : 0;
        }
        response.body().close();
        Eventually.within(DELIVERY, () -> upstream.abortedStreams() > aborted);

        awaitTotal("requests", of(quitter), 1);
        assertThat(keycloak.usageTotal("prompt_tokens", of(quitter))).isEqualTo(4);
        long completion = keycloak.usageTotal("completion_tokens", of(quitter));
        assertThat(completion).isBetween(2L, 10L); // running totals seen before the client left, not the full answer

        FakeKeycloak.Key later = keycloak.mintKey("later"); // a later delivery: nothing of the quitter came twice
        call(gateway, later, chat("model-a", "hi", null));
        awaitTotal("requests", of(later), 1);
        assertThat(keycloak.usageTotal("requests", of(quitter))).isEqualTo(1);
        assertThat(keycloak.usageTotal("completion_tokens", of(quitter))).isEqualTo(completion);
    }

    @Test
    @DisplayName("Keycloak down for a while, then a lost answer: retried with the same batch id, counted once")
    void keycloakDown() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key key = keycloak.mintKey("dora");
        call(gateway, key, chat("model-a", "before", null)); // introspected and cached while Keycloak is up
        awaitTotal("requests", of(key), 1);

        keycloak.stop();
        for (int i = 0; i < 3; i++) {
            assertThat(call(gateway, key, chat("model-a", "during the outage", null)).statusCode()).isEqualTo(200);
        }
        Eventually.within(DELIVERY, () -> scrape().contains("gateway_usage_batches_total{outcome=\"failed\"}")); // tried, in vain
        keycloak.loseUsageAnswers(1);
        keycloak.start();

        awaitTotal("requests", of(key), 4);
        Eventually.within(DELIVERY, () -> scrape().contains("gateway_usage_batches_total{outcome=\"duplicate\"}"));
        assertThat(keycloak.usageTotal("requests", of(key))).isEqualTo(4);
    }

    @Test
    @DisplayName("a graceful restart while Keycloak is away loses nothing: spilled, then delivered with the original batch ids")
    void restartSpillsAndReplays() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key key = keycloak.mintKey("erin");
        call(gateway, key, chat("model-a", "cache me", null));
        awaitTotal("requests", of(key), 1);
        keycloak.stop();
        for (int i = 0; i < 2; i++) {
            call(gateway, key, chat("model-b", "while away", false));
        }
        gateway.close();
        gateway = null;
        List<String> spilled;
        try (Stream<Path> files = Files.list(spillDir)) {
            spilled = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json")).map(f -> f.replace(".json", "")).toList();
        }
        assertThat(spilled).isNotEmpty();

        keycloak.start();
        gateway = gateway(Map.of());
        awaitTotal("requests", of(key), 3);
        assertThat(keycloak.usageBatches().stream().map(FakeKeycloak.UsageBatch::batchId)).containsAll(spilled);
        Eventually.within(DELIVERY, () -> {
            try (Stream<Path> files = Files.list(spillDir)) {
                return files.noneMatch(f -> f.toString().endsWith(".json"));
            }
        });
        assertThat(keycloak.usageTotal("completion_tokens", of(key).and(e -> "model-b".equals(e.getString("model"))))).isPositive();
    }

    @Test
    @DisplayName("beyond GATEWAY_USAGE_MAX_PENDING entries in memory while Keycloak is away, batches go to spill files (and say so), then arrive")
    void memoryBoundSpills() throws Exception {
        gateway = gateway(Map.of("GATEWAY_USAGE_MAX_PENDING", "2"));
        List<FakeKeycloak.Key> keys = List.of(keycloak.mintKey("p1"), keycloak.mintKey("p2"), keycloak.mintKey("p3"),
                keycloak.mintKey("p4"));
        for (FakeKeycloak.Key key : keys) { // cached while Keycloak is up
            assertThat(gateway.get("/v1/models", "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(200);
        }
        Eventually.within(DELIVERY, () -> keys.stream().allMatch(k -> keycloak.usageTotal("requests", of(k)) == 1));
        keycloak.stop();
        for (FakeKeycloak.Key key : keys) { // four entries: over the bound of two
            call(gateway, key, chat("model-a", "spill me", null));
        }
        // (The four model lists above already went over the bound once; those spill files were delivered at once.)
        Eventually.within(DELIVERY, () -> scrape().matches("(?s).*\ngateway_usage_spilled_batches [1-9].*"));
        try (Stream<Path> files = Files.list(spillDir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".json"))).isNotEmpty();
        }
        assertThat(scrape()).contains("gateway_usage_batches_total{outcome=\"spilled\"}");

        keycloak.start();
        for (FakeKeycloak.Key key : keys) {
            awaitTotal("requests", of(key), 2);
        }
        Eventually.within(DELIVERY, () -> scrape().contains("gateway_usage_spilled_batches 0.0"));
    }

    @Test
    @DisplayName("two gateway instances: each one's batches land once, distinct ids and sources")
    void twoGateways() throws Exception {
        gateway = gateway(Map.of("GATEWAY_USAGE_SOURCE", "gw-1"));
        try (GatewayFixture second = gateway(Map.of("GATEWAY_USAGE_SOURCE", "gw-2"))) {
            FakeKeycloak.Key key = keycloak.mintKey("frank");
            for (int i = 0; i < 3; i++) {
                call(gateway, key, chat("model-a", "one", null));
                call(second, key, chat("model-a", "two", null));
            }
            awaitTotal("requests", of(key), 6);
        }
        assertThat(keycloak.usageBatches()).extracting(FakeKeycloak.UsageBatch::source).contains("gw-1", "gw-2");
        assertThat(keycloak.usageBatches()).extracting(FakeKeycloak.UsageBatch::batchId).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("Open WebUI's user headers: honoured from the configured web UI (channel ui), stripped and ignored from anyone else")
    void webUiHeaders() throws Exception {
        FakeKeycloak.Key webUi = keycloak.mintKey("open-webui-service");
        gateway = gateway(Map.of("GATEWAY_WEB_UI_CALLERS", webUi.keyId()));
        FakeKeycloak.Key ordinary = keycloak.mintKey("mallory");
        String[] forged = {"X-OpenWebUI-User-Email", "victim@example.edu", "X-OpenWebUI-User-Id", "u-1",
                "X-OpenWebUI-User-Name", "Victim", "X-OpenWebUI-User-Role", "admin", "X-OpenWebUI-Chat-Id", "c-1"};

        HttpResponse<String> fromOrdinary = call(gateway, ordinary, chat("model-a", "forged", null), forged);
        assertThat(upstream.received().get(0).headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-openwebui-"));
        HttpResponse<String> fromWebUi = call(gateway, webUi, chat("model-a", "on behalf", null),
                "X-OpenWebUI-User-Email", "grace@example.edu", "X-OpenWebUI-User-Name", "Grace");
        assertThat(upstream.received().get(0).headers().get("x-openwebui-user-email")).isEqualTo("grace@example.edu");
        assertThat(fromOrdinary.statusCode()).isEqualTo(200);
        assertThat(fromWebUi.statusCode()).isEqualTo(200);

        awaitTotal("requests", of(ordinary), 1);
        awaitTotal("requests", of(webUi), 1);
        assertThat(keycloak.usageEntries()).filteredOn(of(ordinary)).singleElement().satisfies(e -> {
            assertThat(e.getString("channel")).isEqualTo("api");
            assertThat(e.containsKey("user_email")).isFalse();
        });
        assertThat(keycloak.usageEntries()).filteredOn(of(webUi)).singleElement().satisfies(e -> {
            assertThat(e.getString("channel")).isEqualTo("ui");
            assertThat(e.getString("user_email")).isEqualTo("grace@example.edu");
        });
        assertThat(gateway.accessLog()).doesNotContain("grace@example.edu").doesNotContain("victim@example.edu");
    }

    @Test
    @DisplayName("calls the gateway refuses after authentication (scope, bad body, unknown model) count as refused, not as usage")
    void refusedCalls() throws Exception {
        gateway = gateway(Map.of("GATEWAY_DEFAULT_UPSTREAM", "none"));
        FakeKeycloak.Key scoped = keycloak.mintKey("henry", "model:model-b");
        assertThat(call(gateway, scoped, chat("model-a", "not mine", null)).statusCode()).isEqualTo(403);
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":", "authorization", "Bearer " + scoped.token())
                .statusCode()).isEqualTo(400);
        assertThat(call(gateway, scoped, chat("model-b", "fine", null)).statusCode()).isEqualTo(200);
        FakeKeycloak.Key open = keycloak.mintKey("ivy");
        assertThat(call(gateway, open, chat("no-such-model", "made up", null)).statusCode()).isEqualTo(404);

        awaitTotal("refused", of(scoped), 2);
        awaitTotal("refused", of(open), 1);
        awaitTotal("requests", of(scoped), 1);
        assertThat(keycloak.usageTotal("refused", of(scoped).and(e -> "model-a".equals(e.getString("model"))))).isEqualTo(1);
        assertThat(keycloak.usageTotal("refused", of(scoped).and(e -> "(none)".equals(e.getString("model"))))).isEqualTo(1);
        assertThat(keycloak.usageEntries()).filteredOn(of(open)).singleElement().satisfies(e -> {
            assertThat(e.getString("model")).isEqualTo("(other)");
            assertThat(e.getLong("requests")).isZero();
            assertThat(e.getLong("prompt_tokens")).isZero();
        });
        assertThat(keycloak.usageEntries()).noneMatch(e -> e.getString("user_id") == null);
    }

    @Test
    @DisplayName("a batch Keycloak refuses as malformed is set aside (dead letter, metric, one log line), never retried")
    void malformedBatchSetAside() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key key = keycloak.mintKey("jack");
        call(gateway, key, chat("model-a", "warm the cache", null));
        awaitTotal("requests", of(key), 1);
        int posts = keycloak.usagePosts();
        keycloak.setClock(Clock.offset(Clock.systemUTC(), Duration.ofDays(40))); // today's entries are too old now
        try (CapturedLogs errors = CapturedLogs.errors()) {
            call(gateway, key, chat("model-a", "refused batch", null));
            Eventually.within(DELIVERY, () -> scrape().contains("gateway_usage_batches_total{outcome=\"rejected\"} 1.0"));
            assertThat(errors.messagesOf(UsageShipper.class)).singleElement().asString().contains("malformed");
        }
        try (Stream<Path> deadLetters = Files.list(spillDir.resolve("dead-letter"))) {
            assertThat(deadLetters.filter(f -> f.toString().endsWith(".json"))).hasSize(1);
        }
        keycloak.setClock(Clock.systemUTC());
        call(gateway, key, chat("model-a", "accepted again", null));
        awaitTotal("requests", of(key), 2);
        assertThat(keycloak.usagePosts()).isEqualTo(posts + 2); // the refused batch once, the next one once
    }

    @Test
    @DisplayName("the OpenAI Java SDK streams as before (no chunk without choices reaches it) and its call is counted with its tokens")
    void openAiSdkStream() throws Exception {
        gateway = gateway(Map.of());
        FakeKeycloak.Key key = keycloak.mintKey("kim");
        OpenAIClient sdk = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1").apiKey(key.token()).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("model-a").addUserMessage("Hello from the SDK").build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).startsWith("Hello! This is the demo upstream answering as model-a.");
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.choices()).isNotEmpty();
            assertThat(chunk.usage()).isEmpty();
        });

        JsonObject usage = upstreamUsage(upstream.received().get(0).headers().get("x-request-id"));
        awaitTotal("requests", of(key), 1);
        awaitTotal("completion_tokens", of(key), usage.getLong("completion_tokens"));
        assertThat(keycloak.usageTotal("prompt_tokens", of(key))).isEqualTo(usage.getLong("prompt_tokens")).isEqualTo(4);
    }
}
