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
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * uvicorn (under vLLM) closes keep-alive connections idle for 5 s. A client that reuses a pooled
 * connection just then loses its request, so the gateway drops pooled connections first
 * ({@code GATEWAY_UPSTREAM_KEEP_ALIVE}, 4 s). The demo upstream here closes so late that a request
 * on a connection idle for 5 s or more always meets the close: the race, every time.
 */
@DisplayName("Pooled upstream connections and uvicorn's 5 s keep-alive")
class UpstreamKeepAliveTest {

    static final Duration UVICORN_KEEP_ALIVE = Duration.ofSeconds(5);
    static final String CHAT = "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    Vertx vertx;
    FakeKeycloak keycloak;
    DemoUpstream upstream;

    @BeforeEach
    void start() throws Exception {
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO)
                .keepAlive(UVICORN_KEEP_ALIVE, Duration.ofHours(1)).start("127.0.0.1", 0).await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    /** One call, a pause longer than the upstream's keep-alive, another call; returns the second answer. */
    HttpResponse<String> secondCallAfterIdle(Map<String, String> settings) throws InterruptedException {
        try (GatewayFixture gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), settings))) {
            String key = "Bearer " + keycloak.mintKey("kai").token();
            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", key).statusCode()).isEqualTo(200);

            Thread.sleep(UVICORN_KEEP_ALIVE.plusMillis(500).toMillis());

            return gateway.post("/v1/chat/completions", CHAT, "authorization", key);
        }
    }

    @Test
    @DisplayName("with the default keep-alive (4 s) a call after 5.5 s idle gets a fresh connection and is served")
    void droppedBeforeTheUpstreamDoes() throws Exception {
        HttpResponse<String> second = secondCallAfterIdle(Map.of());

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(upstream.droppedByKeepAlive()).isZero();
    }

    @Test
    @DisplayName("a gateway keeping connections longer than the upstream (10 s) meets its close: the call fails with 502")
    void keptTooLongMeetsTheRace() throws Exception {
        HttpResponse<String> second = secondCallAfterIdle(Map.of("GATEWAY_UPSTREAM_KEEP_ALIVE", "10s"));

        assertThat(second.statusCode()).isEqualTo(502);
        assertThat(new JsonObject(second.body()).getJsonObject("error").getString("code")).isEqualTo("upstream_unavailable");
        assertThat(upstream.droppedByKeepAlive()).isEqualTo(1);
    }
}
