package org.inferenceauth.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.Eventually;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.MutableClock;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.gateway.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A gateway enforcing limits per person, project and key")
class LimitedGatewayTest {

    private static final String CHAT = "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a", "model-b"), Duration.ZERO).start("127.0.0.1", 0).await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    /** The test's settings, with a Redis key prefix of its own when {@code store} is Redis. */
    private static Map<String, String> env(String store, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        if (store.equals("redis")) {
            env.put("GATEWAY_REDIS_URL", "redis://127.0.0.1:6379");
            env.put("GATEWAY_REDIS_KEY_PREFIX", "test:" + UUID.randomUUID() + ":");
        }
        return GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), env);
    }

    private static JsonObject limits(JsonObject user) {
        return new JsonObject().put("user", user).put("default_user", new JsonObject());
    }

    private static String bearer(FakeKeycloak.Key key) {
        return "Bearer " + key.token();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    @DisplayName("without delivered limits, the configured default holds per person: all their keys and forward-auth share it")
    void configuredDefaultPerPerson(String store) {
        String alice = "alice-" + store;
        try (GatewayFixture gateway = GatewayFixture.start(vertx, env(store, Map.of("GATEWAY_RATE_LIMIT_RPM", "1",
                "GATEWAY_RATE_LIMIT_BURST", "3", "GATEWAY_FORWARD_AUTH_PROXY", "nginx")))) {
            String laptop = bearer(keycloak.mintKey(alice));
            String server = bearer(keycloak.mintKey(alice));
            String bob = bearer(keycloak.mintKey("bob-" + store));

            HttpResponse<String> first = gateway.post("/v1/chat/completions", CHAT, "authorization", laptop);
            gateway.get("/v1/models", "authorization", server);
            gateway.post("/v1/chat/completions", CHAT, "authorization", laptop);
            int upstreamCallsBefore = upstream.received().size();
            HttpResponse<String> refused = gateway.post("/v1/chat/completions", CHAT, "authorization", server);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
            assertThat(first.headers().allValues("x-ratelimit-remaining-requests")).containsExactly("2");
            assertThat(refused.statusCode()).as("the person's other key shares the budget").isEqualTo(429);
            JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
            assertThat(error.getString("type")).isEqualTo("requests");
            assertThat(error.getString("message")).contains("Limit 3");
            assertThat(refused.headers().allValues("retry-after")).hasSize(1).allSatisfy(
                    seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
            assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
            assertThat(upstream.received()).as("a refused call never reaches the GPU").hasSize(upstreamCallsBefore);

            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", bob).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/auth", "x-original-uri", "/v1/models", "x-original-method", "GET",
                    "authorization", laptop).statusCode())
                    .as("forward-auth spends from the same budget").isEqualTo(429);
            assertThat(gateway.getAbsolute(gateway.managementUrl() + "/metrics").body())
                    .contains("gateway_rate_limited_total{limit=\"requests_per_minute\",method=\"api_key\",scope=\"user\"} 2.0");
        }
    }

    @Test
    @DisplayName("delivered limits: OpenAI's headers on successes, caps answered with 400, /v1/limits spends nothing")
    void deliveredLimits() {
        keycloak.setLimits("carol", new JsonObject()
                .put("user", new JsonObject().put("requests_per_minute", 5).put("requests_per_day", 100)
                        .put("tokens_per_minute", 10_000).put("tokens_per_day", 50_000).put("tokens_per_month", 900_000)
                        .put("concurrent_requests_per_model", 4))
                .put("key", new JsonObject().put("max_tokens_per_request", 100).put("max_n_per_request", 1))
                .put("default_user", new JsonObject()));
        try (GatewayFixture gateway = GatewayFixture.start(vertx, env("memory", Map.of()))) {
            FakeKeycloak.Key key = keycloak.mintKey("carol");
            String carol = bearer(key);

            HttpResponse<String> ok = gateway.post("/v1/chat/completions", CHAT, "authorization", carol);
            HttpResponse<String> tooLong = gateway.post("/v1/chat/completions",
                    "{\"model\":\"model-a\",\"max_tokens\":101,\"messages\":[]}", "authorization", carol);
            HttpResponse<String> tooMany = gateway.post("/v1/chat/completions",
                    "{\"model\":\"model-a\",\"n\":2,\"max_completion_tokens\":50,\"messages\":[]}", "authorization", carol);

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().map()).containsKeys("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
                    "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens",
                    "x-ratelimit-reset-tokens", "x-ratelimit-limit-requests-day", "x-ratelimit-remaining-requests-day",
                    "x-ratelimit-reset-requests-day", "x-ratelimit-limit-tokens-day", "x-ratelimit-remaining-tokens-day",
                    "x-ratelimit-reset-tokens-day", "x-ratelimit-limit-tokens-month", "x-ratelimit-remaining-tokens-month",
                    "x-ratelimit-reset-tokens-month");
            assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests-day")).hasValue("99");
            assertThat(tooLong.statusCode()).isEqualTo(400);
            JsonObject capError = new JsonObject(tooLong.body()).getJsonObject("error");
            assertThat(capError.getString("code")).isEqualTo("integer_above_max_value");
            assertThat(capError.getString("param")).isEqualTo("max_tokens");
            assertThat(capError.getString("type")).isEqualTo("invalid_request_error");
            assertThat(new JsonObject(tooMany.body()).getJsonObject("error").getString("param")).isEqualTo("n");

            JsonObject report = Eventually.value(() -> {
                JsonObject now = new JsonObject(gateway.get("/v1/limits", "authorization", carol).body());
                return now.getJsonArray("scopes").getJsonObject(0).getJsonObject("remaining")
                        .getLong("tokens_per_day") < 50_000 ? now : null; // the first call's tokens are charged
            });
            HttpResponse<String> again = gateway.get("/v1/limits", "authorization", carol);

            assertThat(report.getString("object")).isEqualTo("limits");
            JsonObject user = report.getJsonArray("scopes").getJsonObject(0);
            assertThat(user.getString("scope")).isEqualTo("user");
            assertThat(user.getString("id")).isEqualTo(key.subject());
            assertThat(user.getJsonObject("limits").getLong("requests_per_minute")).isEqualTo(5);
            assertThat(user.getJsonObject("remaining").getLong("requests_per_minute"))
                    .as("one call spent; the capped ones were refused before any window").isEqualTo(4);
            assertThat(user.getJsonObject("remaining").getLong("requests_per_day")).isEqualTo(99);
            assertThat(Instant.parse(user.getJsonObject("resets_at").getString("requests_per_day")))
                    .isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofDays(1)));
            assertThat(user.getJsonObject("concurrency").getJsonObject("model-a"))
                    .isEqualTo(new JsonObject().put("in_use", 0L).put("limit", 4L));
            JsonObject keyScope = report.getJsonArray("scopes").getJsonObject(1);
            assertThat(keyScope.getString("scope")).isEqualTo("key");
            assertThat(keyScope.getJsonObject("limits").getLong("max_tokens_per_request")).isEqualTo(100);
            assertThat(new JsonObject(again.body()).getJsonArray("scopes").getJsonObject(0).getJsonObject("remaining")
                    .getLong("requests_per_minute")).as("reading the limits spends nothing").isEqualTo(4);
            assertThat(gateway.get("/v1/limits").statusCode()).isEqualTo(401);
        }
    }

    @Test
    @DisplayName("a project over its daily tokens is refused on both of two gateways sharing Redis, and allowed after midnight UTC")
    void projectDayBudgetAcrossGateways() {
        JsonObject projectLimits = new JsonObject().put("user", new JsonObject()).put("default_user", new JsonObject())
                .put("project", new JsonObject().put("tokens_per_day", 1));
        keycloak.setLimits("pat", projectLimits);
        keycloak.setLimits("quinn", projectLimits);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T23:59:00Z"));
        Map<String, String> shared = env("redis", Map.of());
        try (GatewayFixture one = GatewayFixture.start(vertx, shared, clock);
             GatewayFixture two = GatewayFixture.start(vertx, shared, clock)) {
            String project = "alpha-" + UUID.randomUUID();
            String pat = bearer(keycloak.mintKeyInProject("pat", project));
            String quinn = bearer(keycloak.mintKeyInProject("quinn", project));

            assertThat(one.post("/v1/chat/completions", CHAT, "authorization", pat).statusCode()).isEqualTo(200);
            Eventually.value(() -> new JsonObject(two.get("/v1/limits", "authorization", quinn).body())
                    .getJsonArray("scopes").getJsonObject(0).getJsonObject("remaining").getLong("tokens_per_day") == 0
                    ? Boolean.TRUE : null);
            HttpResponse<String> refused = two.post("/v1/chat/completions", CHAT, "authorization", quinn);

            assertThat(refused.statusCode()).isEqualTo(429);
            JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("insufficient_quota");
            assertThat(error.getString("message")).contains("your project");
            assertThat(refused.headers().firstValue("x-should-retry")).hasValue("false");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("60");
            assertThat(refused.headers().firstValue("x-ratelimit-remaining-tokens-day")).hasValue("0");
            assertThat(one.post("/v1/chat/completions", CHAT, "authorization", pat).statusCode()).isEqualTo(429);

            clock.advance(Duration.ofMinutes(1));

            assertThat(two.post("/v1/chat/completions", CHAT, "authorization", pat).statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    @DisplayName("the N+1st concurrent stream of a person on a model gets 429; other models and people go on; a disconnect frees the slot")
    void concurrentStreams(String store) throws Exception {
        String dave = "dave-" + store;
        keycloak.setLimits(dave, limits(new JsonObject().put("concurrent_requests_per_model", 2)));
        keycloak.setLimits("erin-" + store, limits(new JsonObject().put("concurrent_requests_per_model", 2)));
        try (GatewayFixture gateway = GatewayFixture.start(vertx, env(store, Map.of()))) {
            String daveKey = bearer(keycloak.mintKey(dave));
            String slow = "{\"model\":\"model-a\",\"stream\":true,\"demo_chunk_delay_ms\":500,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<InputStream> first = stream(gateway, slow, daveKey);
            HttpResponse<InputStream> second = stream(gateway, slow, daveKey);
            int abortedBefore = upstream.abortedStreams();

            HttpResponse<String> third = gateway.post("/v1/chat/completions", slow, "authorization", daveKey);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(third.statusCode()).isEqualTo(429);
            JsonObject error = new JsonObject(third.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
            assertThat(error.getString("message")).contains("concurrent").contains("model-a");
            assertThat(third.headers().firstValue("retry-after")).hasValue("1");
            assertThat(gateway.post("/v1/chat/completions", CHAT.replace("model-a", "model-b"), "authorization", daveKey)
                    .statusCode()).as("another model").isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", bearer(keycloak.mintKey("erin-" + store)))
                    .statusCode()).as("another person").isEqualTo(200);
            assertThat(new JsonObject(gateway.get("/v1/limits", "authorization", daveKey).body()).getJsonArray("scopes")
                    .getJsonObject(0).getJsonObject("concurrency").getJsonObject("model-a").getLong("in_use")).isEqualTo(2);

            first.body().close(); // the client goes away mid-stream

            Eventually.within(Duration.ofSeconds(10), () -> upstream.abortedStreams() > abortedBefore);
            Eventually.within(Duration.ofSeconds(10), () ->
                    gateway.post("/v1/chat/completions", CHAT, "authorization", daveKey).statusCode() == 200);
            second.body().close();
        }
    }

    @Test
    @DisplayName("Redis cut mid-test: calls beyond the window go through without budget headers, counted; back, the window holds again")
    void redisCut() throws Exception {
        keycloak.setLimits("ivan", limits(new JsonObject().put("requests_per_minute", 1)));
        TcpRelay relay = new TcpRelay(vertx, "127.0.0.1", 6379).start();
        Map<String, String> settings = new HashMap<>(env("redis", Map.of()));
        settings.put("GATEWAY_REDIS_URL", "redis://127.0.0.1:" + relay.port());
        try (relay; GatewayFixture gateway = GatewayFixture.start(vertx, settings)) {
            String ivan = bearer(keycloak.mintKey("ivan"));
            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", ivan).statusCode()).isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", ivan).statusCode()).isEqualTo(429);

            relay.cut();
            HttpResponse<String> during = gateway.post("/v1/chat/completions", CHAT, "authorization", ivan);

            assertThat(during.statusCode()).as("fail open").isEqualTo(200);
            assertThat(during.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
            assertThat(gateway.getAbsolute(gateway.managementUrl() + "/metrics").body())
                    .containsPattern("gateway_rate_limit_store_errors_total [1-9]");

            relay.restore();
            Eventually.within(Duration.ofSeconds(20), () ->
                    gateway.post("/v1/chat/completions", CHAT, "authorization", ivan).statusCode() == 429);
        }
    }

    @Test
    @DisplayName("a token's inference_limits claim limits its subject; a token without it gets the configured default")
    void tokenClaim() throws Exception {
        try (GatewayFixture gateway = GatewayFixture.start(vertx, env("memory", Map.of("GATEWAY_RATE_LIMIT_RPM", "100")))) {
            String limited = "Bearer " + keycloak.accessToken("sub-token-limited", claims -> claims.claim("inference_limits",
                    Map.of("user", Map.of("requests_per_minute", 1), "default_user", Map.of())));
            String plain = "Bearer " + keycloak.accessToken("sub-token-plain", claims -> {});

            HttpResponse<String> first = gateway.post("/v1/chat/completions", CHAT, "authorization", limited);
            HttpResponse<String> second = gateway.post("/v1/chat/completions", CHAT, "authorization", limited);
            HttpResponse<String> other = gateway.post("/v1/chat/completions", CHAT, "authorization", plain);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.headers().firstValue("x-ratelimit-limit-requests")).hasValue("100");
        }
    }

    @Test
    @DisplayName("a person a trusted web UI names is limited as that person, with the realm's person defaults")
    void webUiPerson() {
        keycloak.setLimits("webui", new JsonObject().put("user", new JsonObject().put("requests_per_minute", 1000))
                .put("default_user", new JsonObject().put("requests_per_minute", 1)));
        FakeKeycloak.Key webUiKey = keycloak.mintKey("webui");
        try (GatewayFixture gateway = GatewayFixture.start(vertx, env("memory",
                Map.of("GATEWAY_WEB_UI_CALLERS", webUiKey.keyId())))) {
            String webUi = bearer(webUiKey);

            int zoeFirst = gateway.post("/v1/chat/completions", CHAT, "authorization", webUi,
                    "x-openwebui-user-email", "Zoe@example.edu").statusCode();
            HttpResponse<String> zoeSecond = gateway.post("/v1/chat/completions", CHAT, "authorization", webUi,
                    "x-openwebui-user-email", "zoe@EXAMPLE.edu");

            assertThat(zoeFirst).isEqualTo(200);
            assertThat(zoeSecond.statusCode()).as("the same person, however the address is cased").isEqualTo(429);
            assertThat(zoeSecond.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1");
            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", webUi,
                    "x-openwebui-user-email", "yan@example.edu").statusCode()).as("another person").isEqualTo(200);
            HttpResponse<String> own = gateway.post("/v1/chat/completions", CHAT, "authorization", webUi);
            assertThat(own.statusCode()).as("the web UI's own calls: its own limits").isEqualTo(200);
            assertThat(own.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1000");
        }
    }

    private static HttpResponse<InputStream> stream(GatewayFixture gateway, String body, String authorization)
            throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("content-type", "application/json").header("authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
