package org.inferenceauth.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A gateway with a rate limit of 3 requests, then 1 a minute, per API key")
class RateLimitedGatewayTest {

    private static final String CHAT = "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @ParameterizedTest(name = "buckets {0}")
    @ValueSource(strings = {"in memory", "in Redis"})
    @DisplayName("the fourth call is refused with 429 in OpenAI's shape; other keys and forward-auth callers have their own budget")
    void limits(String store) {
        Map<String, String> limits = new HashMap<>(Map.of("GATEWAY_RATE_LIMIT_RPM", "1", "GATEWAY_RATE_LIMIT_BURST", "3",
                "GATEWAY_FORWARD_AUTH_PROXY", "nginx"));
        if (store.equals("in Redis")) {
            limits.put("GATEWAY_REDIS_URL", "redis://127.0.0.1:6379");
        }
        try (GatewayFixture gateway = GatewayFixture.start(vertx,
                GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), limits))) {
            String alice = "Bearer " + keycloak.mintKey("alice").token();
            String bob = "Bearer " + keycloak.mintKey("bob").token();

            HttpResponse<String> first = gateway.post("/v1/chat/completions", CHAT, "authorization", alice);
            gateway.get("/v1/models", "authorization", alice);
            gateway.post("/v1/chat/completions", CHAT, "authorization", alice);
            int upstreamCallsBefore = upstream.received().size();
            HttpResponse<String> refused = gateway.post("/v1/chat/completions", CHAT, "authorization", alice);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
            assertThat(first.headers().allValues("x-ratelimit-remaining-requests")).containsExactly("2");
            assertThat(refused.statusCode()).isEqualTo(429);
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
                    "authorization", alice).statusCode())
                    .as("forward-auth spends from the same budget").isEqualTo(429);
            assertThat(gateway.getAbsolute(gateway.managementUrl() + "/metrics").body())
                    .contains("gateway_rate_limited_total{method=\"api_key\"} 2.0");
        }
    }
}
