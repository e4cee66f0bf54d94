package org.inferenceauth.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the OpenAI Java SDK makes of the gateway's limit answers. */
@DisplayName("The OpenAI Java SDK against a limiting gateway")
class OpenAiSdkLimitsTest {

    private static final ChatCompletionCreateParams CHAT = ChatCompletionCreateParams.builder()
            .model("model-a").addUserMessage("hi").build();

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        // Without delivered limits: one request every 3 s, no burst.
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_RATE_LIMIT_RPM", "20", "GATEWAY_RATE_LIMIT_BURST", "1")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    private static OpenAIClient sdk(FakeKeycloak.Key key, int maxRetries) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(key.token())
                .maxRetries(maxRetries).build();
    }

    private static String metrics() {
        return gateway.getAbsolute(gateway.managementUrl() + "/metrics").body();
    }

    @Test
    @DisplayName("a spent window is a RateLimitException; with retries the SDK waits as retry-after says, then succeeds")
    void retriesAfterTheWindowRefills() {
        FakeKeycloak.Key key = keycloak.mintKey("sdk-window");
        sdk(key, 0).chat().completions().create(CHAT);

        assertThatThrownBy(() -> sdk(key, 0).chat().completions().create(CHAT))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.code()).hasValue("rate_limit_exceeded");
                    assertThat(e.headers().values("retry-after-ms")).hasSize(1);
                });
        long started = System.nanoTime();
        assertThat(sdk(key, 1).chat().completions().create(CHAT).choices()).isNotEmpty();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Refused once more, then it waited for the next unit (up to 3 s) instead of its own 0.5-1 s backoff.
        assertThat(took).isGreaterThan(Duration.ofMillis(1500));
        assertThat(metrics()).contains("gateway_rate_limited_total{limit=\"requests_per_minute\",method=\"api_key\",scope=\"user\"} 2.0");
    }

    @Test
    @DisplayName("a spent day budget is a RateLimitException insufficient_quota that the SDK does not retry")
    void quotaIsNotRetried() {
        keycloak.setLimits("sdk-quota", new JsonObject().put("user", new JsonObject().put("requests_per_day", 1))
                .put("default_user", new JsonObject()));
        FakeKeycloak.Key key = keycloak.mintKey("sdk-quota");
        OpenAIClient sdk = sdk(key, 2);
        sdk.chat().completions().create(CHAT);

        assertThatThrownBy(() -> sdk.chat().completions().create(CHAT))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.code()).hasValue("insufficient_quota");
                    assertThat(e.type()).hasValue("insufficient_quota");
                    assertThat(e.headers().values("x-should-retry")).containsExactly("false");
                });
        assertThat(metrics()).as("asked once, not three times")
                .contains("gateway_rate_limited_total{limit=\"requests_per_day\",method=\"api_key\",scope=\"user\"} 1.0");
    }
}
