package org.inferenceauth.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.gateway.testing.TestCa;
import org.inferenceauth.gateway.testing.TlsRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A TLS-only redis-server started by the test, with a certificate from a CA made by the test. */
@DisplayName("Limits in a Redis behind an internal CA: rediss:// with GATEWAY_REDIS_CA_FILE")
class RedisTlsTest {

    private static final String CHAT = "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static TestCa ca;
    static TlsRedis redis;
    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TlsRedis.installed(), "redis-server is not installed");
        ca = TestCa.create();
        redis = TlsRedis.start(ca);
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** One request a minute per person, bursts of two, counted in the TLS Redis under a prefix of this call's own. */
    private static Map<String, String> env(String redisUrl, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("GATEWAY_REDIS_URL", redisUrl);
        env.put("GATEWAY_REDIS_KEY_PREFIX", "test:" + UUID.randomUUID() + ":");
        env.put("GATEWAY_RATE_LIMIT_RPM", "1");
        env.put("GATEWAY_RATE_LIMIT_BURST", "2");
        return GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), env);
    }

    @Test
    @DisplayName("with the CA file two gateways share a person's window in the TLS Redis: the third call, on either, gets 429")
    void sharedOverTlsWithCaFile() {
        Map<String, String> shared = env(redis.url(), Map.of("GATEWAY_REDIS_CA_FILE", ca.caFile().toString()));
        try (GatewayFixture one = GatewayFixture.start(vertx, shared);
             GatewayFixture two = GatewayFixture.start(vertx, shared)) {
            String alice = "Bearer " + keycloak.mintKey("alice").token();

            HttpResponse<String> first = one.post("/v1/chat/completions", CHAT, "authorization", alice);
            HttpResponse<String> second = two.post("/v1/chat/completions", CHAT, "authorization", alice);
            HttpResponse<String> third = one.post("/v1/chat/completions", CHAT, "authorization", alice);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.headers().firstValue("x-ratelimit-remaining-requests"))
                    .as("the other gateway sees the first call").hasValue("0");
            assertThat(third.statusCode()).as("refused: Redis answered (while it fails, windows let calls through)")
                    .isEqualTo(429);
            assertThat(one.getAbsolute(one.managementUrl() + "/metrics").body())
                    .contains("gateway_rate_limit_store_down 0.0");
        }
    }

    @Test
    @DisplayName("without the CA file Redis's certificate is not trusted: the gateway does not start, and says why")
    void untrustedWithoutCaFile() {
        assertThatThrownBy(() -> GatewayFixture.start(vertx, env(redis.url(), Map.of())).close())
                .hasMessageContaining("127.0.0.1")
                .hasMessageContaining("unable to find valid certification path");
    }

    @Test
    @DisplayName("with the CA file the host name is still checked: an address the certificate does not name is refused")
    void hostNameChecked() {
        Map<String, String> settings = Map.of("GATEWAY_REDIS_CA_FILE", ca.caFile().toString());
        assertThatThrownBy(() -> GatewayFixture.start(vertx, env(redis.urlOfUnnamedHost(), settings)).close())
                .hasMessageContaining("127.0.0.2")
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.2");
    }
}
