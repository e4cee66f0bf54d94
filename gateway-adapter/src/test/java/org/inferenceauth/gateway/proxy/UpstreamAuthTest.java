package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.routing.UpstreamAuth;
import org.inferenceauth.gateway.testing.CapturedLogs;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The upstream (vLLM with {@code --api-key}) refusing the gateway's own upstream key. The client's
 * credential never reaches the upstream, so its 401 is the operator's problem, not the client's.
 */
@DisplayName("An upstream that refuses the gateway's upstream key")
class UpstreamAuthTest {

    static final String CHAT = "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    Vertx vertx;
    CapturedLogs logs;
    FakeKeycloak keycloak;
    DemoUpstream upstream;

    @BeforeEach
    void start() throws Exception {
        logs = CapturedLogs.errors();
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).requireApiKey("the-right-key")
                .start("127.0.0.1", 0).await();
    }

    @AfterEach
    void stop() {
        logs.close();
        vertx.close().await();
    }

    GatewayFixture gateway(String upstreamKey) {
        // The upstream may refuse this key: its model list then never comes, nothing to wait for.
        return GatewayFixture.startWithUpstreamDown(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_UPSTREAM_API_KEY", upstreamKey)));
    }

    @Test
    @DisplayName("is 502 upstream_auth_failed (retrying won't help), never a 401 that blames the client's key")
    void notTheClientsFault() {
        try (GatewayFixture gateway = gateway("a-stale-key")) {
            String key = "Bearer " + keycloak.mintKey("nina").token();

            HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT, "authorization", key);

            assertThat(upstream.unauthorized()).as("the upstream did refuse").isPositive();
            assertThat(response.statusCode()).isEqualTo(502);
            JsonObject error = new JsonObject(response.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("upstream_auth_failed");
            assertThat(error.getString("type")).isEqualTo("server_error");
            assertThat(error.getString("message")).contains("not of your API key");
            assertThat(response.headers().firstValue("www-authenticate")).isEmpty();
            assertThat(response.headers().firstValue("x-should-retry")).hasValue("false");
            assertThat(response.body()).doesNotContain("a-stale-key").doesNotContain("Unauthorized");
            gateway.awaitAccessLogLine("\"error\":\"upstream_auth_failed\"");
        }
    }

    @Test
    @DisplayName("is logged as an error once per episode (naming the setting, never the key) and counted per upstream")
    void loudOnce() {
        try (GatewayFixture gateway = gateway("a-stale-key")) {
            String key = "Bearer " + keycloak.mintKey("nina").token();
            for (int i = 0; i < 3; i++) {
                gateway.post("/v1/chat/completions", CHAT, "authorization", key);
            }
            String metrics = gateway.getAbsolute(gateway.managementUrl() + "/metrics").body();

            // The first refusal met (the model-list refresh at start, or the first call) logs; nothing after it.
            assertThat(logs.messagesOf(UpstreamAuth.class)).singleElement().satisfies(message -> assertThat(message)
                    .contains("GATEWAY_UPSTREAM_API_KEY").contains("127.0.0.1:" + upstream.port()).doesNotContain("a-stale-key"));
            // Each call counts; the start's model-list refresh adds one more when it has met the refusal by now.
            assertThat(metrics).containsPattern("gateway_upstream_auth_failures_total\\{upstream=\"127.0.0.1:"
                    + upstream.port() + "/v1\"} [3-9]\\.0");
        }
    }

    @Test
    @DisplayName("with the right key the same upstream serves, and nothing is logged")
    void rightKey() {
        try (GatewayFixture gateway = gateway("the-right-key")) {
            String key = "Bearer " + keycloak.mintKey("nina").token();

            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", key).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/v1/models", "authorization", key).body()).contains("model-a");
            assertThat(logs.messagesOf(UpstreamAuth.class)).isEmpty();
            assertThat(upstream.unauthorized()).isZero();
        }
    }
}
